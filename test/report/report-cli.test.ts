import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFlow, SqliteStore } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleInput, support } from '../../examples/support/flow.js';
import { runBaton } from '../helpers/cli.js';
import { doneSupportRun, failedSupportRun, HOSTILE_CASE, LEAKED_KEY } from '../helpers/report-runs.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SUPPORT = join(root, 'examples/support');

let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'baton-report-cli-'));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** Runs `baton` in-process in the test's folder; returns its exit code, stdout and stderr lines. */
const baton = (argv: string[], env: Record<string, string> = {}) => runBaton(argv, cwd, env);

/** A misuse: exit code, nothing on stdout, one `baton: <code>: …` line on stderr. */
async function misuse(argv: string[], code: string, exit: number): Promise<string> {
  const result = await baton(argv);
  expect(result.out).toBe('');
  expect(result.err).toHaveLength(1);
  expect(result.err[0]).toMatch(new RegExp(`^baton: ${code}: `));
  expect(result.code).toBe(exit);
  return result.err[0]!;
}

/** Stores a failed and a done run of the support example in a run database in the test's folder. */
async function storedRuns(): Promise<{ failed: string; done: string }> {
  mkdirSync(join(cwd, '.baton'));
  const store = await SqliteStore.open(join(cwd, '.baton/runs.db'));
  try {
    const bad = { ticketId: sampleInput.id, problem: 42 };
    const model = scripted([
      { agent: 'triage', handoff: 'billing', payload: HOSTILE_CASE },
      { agent: 'billing', handoff: 'tech', payload: bad },
      { agent: 'billing', handoff: 'tech', payload: bad },
      { agent: 'billing', handoff: 'tech', payload: bad },
    ]);
    const failed = await runFlow(support, sampleInput, { models: model, store });
    const done = await runFlow(support, sampleInput, { store });
    return { failed: failed.runId, done: done.runId };
  } finally {
    await store.close();
  }
}

describe('baton report', () => {
  it('writes the report of a trace file', async () => {
    writeFileSync(join(cwd, 'trace.json'), JSON.stringify(await failedSupportRun()));
    const result = await baton(['report', 'trace.json', '--out', 'out/report.html']);
    expect(result).toMatchObject({ code: 0, out: 'wrote out/report.html', err: [] });
    const html = readFileSync(join(cwd, 'out/report.html'), 'utf8');
    expect(html).toContain('data-reason="contract_violation"');
    expect(html).not.toContain(LEAKED_KEY);
  });

  it('writes the report of a stored run, with the diagram of the flow module given', async () => {
    const { failed } = await storedRuns();
    const result = await baton(['report', failed, SUPPORT]);
    expect(result.code).toBe(0);
    expect(result.out).toBe(`wrote baton-report-${failed}.html`);
    const html = readFileSync(join(cwd, `baton-report-${failed}.html`), 'utf8');
    expect(html).toContain('data-agent="billing"');
    expect(html).toContain('<summary>Step 1: triage → billing</summary>');
    expect(html).toContain('>{ticketId, customer, question, …}</text>');
  });

  it('redacts the values of credential variables of the environment', async () => {
    writeFileSync(join(cwd, 'trace.json'), JSON.stringify(await doneSupportRun()));
    const result = await baton(['report', 'trace.json'], { ACME_API_KEY: 'ada@example.com' });
    expect(result.code).toBe(0);
    const html = readFileSync(join(cwd, result.out.replace('wrote ', '')), 'utf8');
    expect(html).not.toContain('ada@example.com');
    expect(html).toContain('[REDACTED]');
  });

  it('writes the report of the stored runs, and of a folder of traces', async () => {
    await storedRuns();
    expect(await baton(['report', '--out', 'all.html'])).toMatchObject({ code: 0, out: 'wrote all.html' });
    const all = readFileSync(join(cwd, 'all.html'), 'utf8');
    expect([...all.matchAll(/<tr data-run=/g)]).toHaveLength(2);
    expect(all).toContain('aria-label="Endings by MAST category"');

    mkdirSync(join(cwd, 'traces'));
    writeFileSync(join(cwd, 'traces/a.json'), JSON.stringify(await failedSupportRun()));
    writeFileSync(join(cwd, 'traces/b.json'), JSON.stringify(await doneSupportRun()));
    writeFileSync(join(cwd, 'traces/cassette.json'), JSON.stringify({ version: 1, calls: [] }));
    const folder = await baton(['report', 'traces']);
    expect(folder.code).toBe(0);
    expect(folder.out).toBe('wrote baton-report-runs.html');
    expect(folder.err).toEqual([
      expect.stringMatching(/^baton: skipped traces\/cassette\.json: .*`runId` is missing\.$/),
    ]);
    expect([
      ...readFileSync(join(cwd, 'baton-report-runs.html'), 'utf8').matchAll(/<tr data-run=/g),
    ]).toHaveLength(2);
  });

  it('says when the run is not in the store', async () => {
    await storedRuns();
    const line = await misuse(['report', 'run-nope'], 'run_not_found', 66);
    expect(line).toContain('has no run "run-nope"');
    expect(line).toContain('baton runs');
  });

  it('says when a trace file is not a run result, or not JSON, or missing', async () => {
    writeFileSync(join(cwd, 'not-a-run.json'), JSON.stringify({ hello: 'world' }));
    const line = await misuse(['report', 'not-a-run.json'], 'invalid_argument', 65);
    expect(line).toContain("not-a-run.json is not a run's result: `runId` is missing");
    writeFileSync(join(cwd, 'broken.json'), '{ nope');
    expect(await misuse(['report', 'broken.json'], 'invalid_argument', 65)).toContain(
      'broken.json is not JSON',
    );
    expect(await misuse(['report', 'gone.json'], 'invalid_argument', 66)).toContain('No such file or folder');
  });

  it('says when the module exports no flow, or a module is given for many runs', async () => {
    writeFileSync(join(cwd, 'trace.json'), JSON.stringify(await failedSupportRun()));
    writeFileSync(join(cwd, 'empty.mjs'), 'export const answer = 42;\n');
    expect(await misuse(['report', 'trace.json', 'empty.mjs'], 'invalid_flow_module', 65)).toContain(
      'exports no flow',
    );
    mkdirSync(join(cwd, 'traces'));
    expect(await misuse(['report', 'traces', SUPPORT], 'invalid_argument', 64)).toContain(
      'A flow module draws the diagram of one run',
    );
  });

  it('says when there is no run database to read', async () => {
    expect(await misuse(['report', 'run-1'], 'invalid_argument', 66)).toContain('No run database at');
  });
});

describe('baton graph', () => {
  it('prints the Mermaid diagram of a flow module', async () => {
    const result = await baton(['graph', SUPPORT]);
    expect(result.code).toBe(0);
    expect(result.out.split('\n')[3]).toBe('stateDiagram-v2');
    expect(result.out).toContain('  triage --> billing : ');
  });

  it('prints the SVG or the JSON graph', async () => {
    const svg = await baton(['graph', SUPPORT, '--format', 'svg']);
    expect(svg.out).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const json = await baton(['graph', SUPPORT, '--format', 'json']);
    expect(JSON.parse(json.out)).toMatchObject({
      flow: 'support',
      nodes: expect.any(Array),
      edges: expect.any(Array),
    });
  });

  it('writes a file in the format its extension names, or every flow to a folder', async () => {
    expect(await baton(['graph', SUPPORT, '--out', 'support.svg'])).toMatchObject({
      code: 0,
      out: 'wrote support.svg',
    });
    expect(readFileSync(join(cwd, 'support.svg'), 'utf8')).toMatch(/^<svg /);
    const folder = await baton(['graph', SUPPORT, '--out', 'diagrams/']);
    expect(folder.out).toBe('wrote diagrams/support.mmd\nwrote diagrams/support.svg');
  });

  it('refuses an unknown format, an --out with no format, and a module with no flow', async () => {
    expect(await misuse(['graph', SUPPORT, '--format', 'png'], 'invalid_argument', 64)).toContain(
      'Pass mermaid, svg or json',
    );
    expect(await misuse(['graph', SUPPORT, '--out', 'diagram.txt'], 'invalid_argument', 64)).toContain(
      '--format',
    );
    writeFileSync(join(cwd, 'empty.mjs'), 'export const answer = 42;\n');
    expect(await misuse(['graph', 'empty.mjs'], 'invalid_flow_module', 65)).toContain('exports no flow');
  });
});
