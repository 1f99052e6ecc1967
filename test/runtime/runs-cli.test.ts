import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BatonError, isBatonError, type Model, runFlow, SqliteStore, type Store } from 'baton-flow';
import { manualClock } from 'baton-flow/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleInput, support } from '../../examples/support/flow.js';
import { exitCodeOf, MISUSE_EXIT } from '../../runtime/cli/exit-codes.js';
import { openRunStore } from '../../runtime/cli/open-store.js';
import { cliIo, runBaton, storedId } from '../helpers/cli.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SUPPORT = join(root, 'examples/support');
const TICKET = join(root, 'examples/support/ticket.json');
const helpers = pathToFileURL(join(root, 'test/helpers/flows.ts')).href;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let cwd: string;
let stores: Store[] = [];

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'baton-runs-cli-'));
});
afterEach(async () => {
  for (const store of stores) await store.close();
  stores = [];
  rmSync(cwd, { recursive: true, force: true });
});

/** Runs `baton` in-process in the test's folder; returns its exit code, stdout as one text, and the stderr lines. */
const baton = (argv: string[], env: Record<string, string> = {}) => runBaton(argv, cwd, env);

/** A misuse: nothing on stdout and one line on stderr, `baton: <code>: <message>`; returns the exit code and message. */
async function misuse(argv: string[], code: string) {
  const result = await baton(argv);
  expect(result.out).toBe('');
  expect(result.err).toHaveLength(1);
  expect(result.err[0]!.startsWith(`baton: ${code}: `), result.err[0]).toBe(true);
  return { exit: result.code, message: result.err[0]!.slice(`baton: ${code}: `.length) };
}

/** The run database at `path` (default: the one `baton run` makes), opened through the API and closed after the test. */
async function database(path = join(cwd, '.baton/runs.db')): Promise<Store> {
  mkdirSync(dirname(path), { recursive: true });
  const store = await SqliteStore.open(path);
  stores.push(store);
  return store;
}

/** Waits until `check` holds, letting promises and the store settle (no timers, no real waits). */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the condition never held');
}

/**
 * Starts a support run through the API whose billing model never answers, as if its process died in that
 * call, and waits until billing's call is made. Its clock stands still at `at`: its lease (`leaseMs`) is
 * never renewed, so with the default it expired a few seconds ago and `baton resume` may take the run.
 */
async function interrupted(
  store: Store,
  runId: string,
  options: { at?: number; leaseMs?: number; holder?: string } = {},
): Promise<void> {
  let called = false;
  const dead: Model = {
    id: 'dead',
    call: () => {
      called = true;
      return new Promise(() => undefined);
    },
  };
  runFlow(support, sampleInput, {
    store,
    runId,
    models: { billing: dead },
    clock: manualClock(options.at ?? Date.now() - 5_000),
    leaseMs: options.leaseMs ?? 1_000,
    ...(options.holder ? { holder: options.holder } : {}),
  }).catch(() => undefined);
  await until(async () => called && (await store.get(runId))?.agent === 'billing');
}

/** A finished support run made through the API at clock time `at`: done, or failed on invalid input. */
async function finished(store: Store, runId: string, at: number, outcome: 'done' | 'failed' = 'done') {
  const input = outcome === 'done' ? sampleInput : { id: 'T-1' };
  const result = await runFlow(support, input as typeof sampleInput, {
    store,
    runId,
    clock: manualClock(at),
  });
  expect(result.status).toBe(outcome);
}

describe('baton run keeps its run', () => {
  it('stores the run in .baton/runs.db by default and prints its id last', async () => {
    const { code, out, err } = await baton(['run', SUPPORT, '--input', TICKET]);
    expect([code, err]).toEqual([0, []]);
    const id = storedId(out);
    expect(out.split('\n').at(-1)).toBe(`run ${id} stored in ${join('.baton', 'runs.db')}`);
    expect(out).toContain(`▶ support (${id})`);
    const stored = await (await database()).get(id);
    expect(stored).toMatchObject({ status: 'done', flow: 'support', agent: 'billing', lease: null });
  });

  it('prints the id on stderr with --json, so that stdout stays one JSON document', async () => {
    const { code, out, err } = await baton(['run', SUPPORT, '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(out);
    expect(err).toEqual([`run ${result.runId} stored in ${join('.baton', 'runs.db')}`]);
  });

  it('keeps nothing with --no-store', async () => {
    const { code, out, err } = await baton(['run', SUPPORT, '--no-store']);
    expect([code, err]).toEqual([0, []]);
    expect(out).toContain('✔ done');
    expect(out).not.toContain('stored in');
    expect(existsSync(join(cwd, '.baton'))).toBe(false);
  });

  it('stores the run where BATON_DB says, and where --db says over it, making the folder', async () => {
    const env = { BATON_DB: 'state/env.db' };
    const first = await baton(['run', SUPPORT], env);
    expect(first.out.split('\n').at(-1)).toMatch(/^run \S+ stored in state[\\/]env\.db$/);
    const second = await baton(['run', SUPPORT, '--db', join(cwd, 'flag.db')], env);
    expect(second.out.split('\n').at(-1)).toMatch(/^run \S+ stored in flag\.db$/);
    expect(existsSync(join(cwd, '.baton'))).toBe(false);
    const [fromEnv, fromFlag] = [
      await database(join(cwd, 'state/env.db')),
      await database(join(cwd, 'flag.db')),
    ];
    expect((await fromEnv.list()).map((run) => run.id)).toEqual([storedId(first.out)]);
    expect((await fromFlag.list()).map((run) => run.id)).toEqual([storedId(second.out)]);
  });

  it('refuses --db with --no-store, and a --db that names a folder', async () => {
    const both = await misuse(['run', SUPPORT, '--no-store', '--db', 'x.db'], 'invalid_argument');
    expect(both).toEqual({ exit: 64, message: '--no-store and --db contradict each other: pass one.' });
    const folder = await misuse(['run', SUPPORT, '--db', cwd], 'invalid_argument');
    expect(folder.exit).toBe(64);
    expect(folder.message).toBe(
      `--db names a folder, ${cwd}. Pass the path of the database file, e.g. ${join(cwd, 'runs.db')}.`,
    );
  });

  it('goes on unkept with one line on stderr when libsql is missing and no database was named', async () => {
    const missing = () =>
      Promise.reject(new BatonError('missing_dependency', 'The "libsql" package is not installed.'));
    const plain = cliIo(cwd);
    expect(await openRunStore({}, plain.io, missing)).toBeNull();
    expect(plain.err).toEqual([
      `baton: this run is not kept: install libsql (npm install libsql) to keep runs in ${join('.baton', 'runs.db')}, or pass --no-store.`,
    ]);
    expect(existsSync(join(cwd, '.baton'))).toBe(false);

    for (const [flags, env] of [
      [{ db: 'runs/my.db' }, {}],
      [{}, { BATON_DB: 'runs/my.db' }],
    ] as const) {
      const named = cliIo(cwd, env);
      const error = await openRunStore(flags, named.io, missing).catch((e: unknown) => e);
      expect(isBatonError(error) && error.code).toBe('missing_dependency');
      expect(exitCodeOf(error)).toBe(69);
      expect(named.err).toEqual([]);
      expect(existsSync(join(cwd, 'runs'))).toBe(false);
    }
  });
});

describe('baton runs', () => {
  it('lists the stored runs newest first, with their agent, tokens, cost and age', async () => {
    const store = await database();
    const now = Date.now();
    await finished(store, 'run-old', now - 3 * DAY);
    await finished(store, 'run-failed', now - 2 * 60 * MINUTE, 'failed');
    await interrupted(store, 'run-new');
    const { code, out, err } = await baton(['runs']);
    expect([code, err]).toEqual([0, []]);
    const rows = out.split('\n').map((line) => line.split(/\s{2,}/));
    const old = (await store.get('run-old'))!.usage;
    expect(rows).toEqual([
      ['ID', 'FLOW', 'STATUS', 'AGENT', 'TOKENS', 'COST', 'AGE'],
      [
        'run-new',
        'support',
        'running',
        'billing',
        expect.any(String),
        expect.any(String),
        expect.stringMatching(/^[5-9]s$/),
      ],
      ['run-failed', 'support', 'failed', '-', '0', '$0.0000', '2h'],
      [
        'run-old',
        'support',
        'done',
        'billing',
        String(old.inputTokens + old.outputTokens),
        `$${old.costUsd.toFixed(4)}`,
        '3d',
      ],
    ]);
    expect(old.inputTokens).toBeGreaterThan(0);
  });

  it('filters by status and flow, stops at --limit, and prints JSON', async () => {
    const store = await database();
    const now = Date.now();
    await finished(store, 'run-1', now - 3 * MINUTE);
    await finished(store, 'run-2', now - 2 * MINUTE, 'failed');
    await finished(store, 'run-3', now - MINUTE);
    const ids = (text: string) => [...text.matchAll(/^run-\d/gm)].map((m) => m[0]);
    expect(ids((await baton(['runs', '--status', 'failed'])).out)).toEqual(['run-2']);
    expect(ids((await baton(['runs', '--status', 'done,failed', '--limit', '2'])).out)).toEqual([
      'run-3',
      'run-2',
    ]);
    expect((await baton(['runs', '--flow', 'chain'])).out).toBe(
      `No stored run in ${join('.baton', 'runs.db')} matches.`,
    );
    const json = JSON.parse((await baton(['runs', '--json', '--status', 'done'])).out);
    expect(json.map((run: { id: string }) => run.id)).toEqual(['run-3', 'run-1']);
    expect(json[0]).toMatchObject({
      flow: 'support',
      status: 'done',
      agent: 'billing',
      cancelRequested: false,
    });
    expect(json[0]).not.toHaveProperty('snapshot');
  });

  it('refuses a bad --status or --limit with the forms it accepts, and an argument', async () => {
    const status = await misuse(['runs', '--status', 'done,finished'], 'invalid_argument');
    expect(status.exit).toBe(64);
    expect(status.message).toBe(
      '--status "finished" is not a run status. Pass one or more of running, awaiting_human, done, escalated, failed, cancelled, separated by commas (e.g. --status failed,escalated).',
    );
    for (const limit of ['0', '-1', '2.5', 'ten']) {
      const bad = await misuse(['runs', `--limit=${limit}`], 'invalid_argument');
      expect(bad.exit).toBe(64);
      expect(bad.message).toBe(
        `--limit "${limit}" is not a number of runs. Pass a whole number, 1 or more (e.g. --limit 20).`,
      );
    }
    const extra = await misuse(['runs', 'run-1'], 'invalid_argument');
    expect(extra).toEqual({
      exit: 64,
      message: 'baton runs takes no argument, got 1 (run-1). Run `baton runs --help` for its usage.',
    });
  });

  it('exits 66 when there is no run database, and makes none', async () => {
    const { exit, message } = await misuse(['runs'], 'invalid_argument');
    expect(exit).toBe(MISUSE_EXIT.noInput);
    expect(message).toBe(
      `No run database at ${join(cwd, '.baton/runs.db')}: \`baton run\` keeps runs there. Pass --db <path> or set BATON_DB to read another.`,
    );
    expect(existsSync(join(cwd, '.baton'))).toBe(false);
  });
});

describe('baton show', () => {
  it('shows a run made by baton run: its status, path, output and the same steps', async () => {
    const run = await baton(['run', SUPPORT]);
    const id = storedId(run.out);
    const { code, out, err } = await baton(['show', id]);
    expect([code, err]).toEqual([0, []]);
    expect(out).toContain(`run      ${id}\nflow     support (version 1)\nstatus   done\nagent    billing\n`);
    expect(out).toContain('path     triage → billing → done');
    expect(out).toContain('"ticketId": "T-1042"');
    const steps = (text: string) => text.split('\n').filter((line) => /^(▶|\s{2}\d)/.test(line));
    expect(steps(out)).toEqual(steps(run.out));
    expect(steps(out).length).toBeGreaterThan(3);
  });

  it('shows why a run did not end done, and all of it as JSON', async () => {
    await finished(await database(), 'run-failed', Date.now(), 'failed');
    const { code, out } = await baton(['show', 'run-failed']);
    expect(code).toBe(0);
    expect(out).toContain('status   failed');
    expect(out).toMatch(/^✘ failed: invalid_input .*at start/m);
    const json = JSON.parse((await baton(['show', 'run-failed', '--json'])).out);
    expect(json).toMatchObject({ id: 'run-failed', status: 'failed', ending: { status: 'failed' } });
    expect(json.ending.reason.code).toBe('invalid_input');
    expect(json.events.map((e: { type: string }) => e.type)).toEqual([
      'run.started',
      'transition',
      'run.ended',
    ]);
    expect(json).not.toHaveProperty('snapshot');
  });

  it('says a run is stopped, and how to go on with it', async () => {
    await interrupted(await database(), 'run-stuck');
    const { out } = await baton(['show', 'run-stuck']);
    expect(out).toContain(
      'status   running (no process advances it: continue it with `baton resume <flow module> run-stuck`)',
    );
    expect(out).toContain('path     triage → billing\n');
  });

  it('exits 66 for a run the database does not have', async () => {
    await database();
    const { exit, message } = await misuse(['show', 'run-nope'], 'run_not_found');
    expect(exit).toBe(66);
    expect(message).toBe(
      `${join('.baton', 'runs.db')} has no run "run-nope": it was never stored there, or it finished and was deleted. List the stored runs with \`baton runs\`.`,
    );
    expect((await misuse(['show'], 'invalid_argument')).message).toBe(
      'baton show takes one run id, got 0. Run `baton show --help` for its usage.',
    );
  });
});

describe('baton resume and cancel', () => {
  it('resumes a run whose process died mid-call and finishes it, exit 0', async () => {
    const store = await database();
    await interrupted(store, 'run-died');
    const { code, out, err } = await baton(['resume', SUPPORT, 'run-died']);
    expect([code, err]).toEqual([0, []]);
    const lines = out.split('\n');
    expect(lines[0]).toBe('↻ support (run-died) resumed at agent billing');
    expect(lines.some((line) => /^\s+\d+\s+triage/.test(line))).toBe(false); // triage is not run again
    expect(out).toMatch(/billing\s+tool lookup_invoice: ok/);
    expect(out).toContain('✔ done');
    expect(out).toContain('path triage → billing → done');
    expect(await store.get('run-died')).toMatchObject({ status: 'done', lease: null });
  });

  it('cancels a run no process advances at once, and cannot cancel or resume it again', async () => {
    const store = await database();
    await interrupted(store, 'run-c');
    const cancel = await baton(['cancel', 'run-c']);
    expect(cancel).toEqual({ code: 0, out: 'Run run-c is cancelled: no process was advancing it.', err: [] });
    expect((await baton(['show', 'run-c'])).out).toContain('status   cancelled\n');
    expect(await store.get('run-c')).toMatchObject({ status: 'cancelled', lease: null });
    expect((await misuse(['resume', SUPPORT, 'run-c'], 'run_finished')).exit).toBe(65);
    const again = await misuse(['cancel', 'run-c'], 'run_finished');
    expect(again).toEqual({
      exit: 65,
      message: 'Run "run-c" ended cancelled already: there is nothing to cancel.',
    });
  });

  it('leaves a run another process advances to it: cancel names it, resume exits 75', async () => {
    const store = await database();
    await interrupted(store, 'run-live', { at: Date.now(), leaseMs: 10 * MINUTE, holder: 'worker-a' });
    const cancel = await baton(['cancel', 'run-live']);
    expect(cancel.out).toBe(
      'Cancel requested for run run-live: worker-a that advances it ends it cancelled at its next transition or lease renewal.',
    );
    const { exit, message } = await misuse(['resume', SUPPORT, 'run-live'], 'lease_held');
    expect(exit).toBe(MISUSE_EXIT.tempFail);
    expect(message).toMatch(/^Run "run-live" is leased to "worker-a" until \d{4}-\d\d-\d\dT/);
    expect(await store.get('run-live')).toMatchObject({ status: 'running', cancelRequested: true });
  });

  it('refuses to resume an unknown run, a finished one, or one of another flow', async () => {
    const store = await database();
    await finished(store, 'run-done', Date.now());
    await interrupted(store, 'run-s');
    expect((await misuse(['resume', SUPPORT, 'run-nope'], 'run_not_found')).exit).toBe(66);
    const done = await misuse(['resume', SUPPORT, 'run-done'], 'run_finished');
    expect(done).toEqual({
      exit: 65,
      message: 'Run "run-done" ended done already: there is nothing to resume.',
    });
    const other = join(cwd, 'chain.ts');
    writeFileSync(other, `import { chainFlow } from '${helpers}';\nexport const chain = chainFlow();\n`);
    const changed = await misuse(['resume', other, 'run-s'], 'snapshot_incompatible');
    expect(changed.exit).toBe(65);
    expect(changed.message).toContain('it is a run of flow "support"');
    expect((await misuse(['resume', 'run-s'], 'invalid_argument')).message).toBe(
      'baton resume takes a flow module or folder and a run id, got 1 (run-s). Run `baton resume --help` for its usage.',
    );
    expect((await misuse(['cancel', 'run-nope'], 'run_not_found')).exit).toBe(66);
  });
});

describe('baton gc', () => {
  it('deletes only the finished runs last updated before the duration', async () => {
    const store = await database();
    const now = Date.now();
    await finished(store, 'run-40d', now - 40 * DAY);
    await finished(store, 'run-31d', now - 31 * DAY, 'failed');
    await finished(store, 'run-1d', now - DAY);
    await interrupted(store, 'run-stuck', { at: now - 40 * DAY });
    const { code, out, err } = await baton(['gc', '--older-than', '30d']);
    expect([code, err]).toEqual([0, []]);
    expect(out).toMatch(
      new RegExp(
        `^Deleted 2 finished runs last updated before \\S+Z from ${join('.baton', 'runs.db').replace('.', '\\.')}\\.$`,
      ),
    );
    expect((await store.list()).map((run) => run.id).sort()).toEqual(['run-1d', 'run-stuck']);
    expect((await baton(['gc', '--older-than', '90m'])).out).toMatch(/^Deleted 1 finished run last/);
  });

  it('refuses a duration it cannot read, or none, with the forms it accepts', async () => {
    await database();
    for (const value of ['30', '30w', '0d', '-1d', '1.5h', 'soon']) {
      const { exit, message } = await misuse(['gc', `--older-than=${value}`], 'invalid_argument');
      expect(exit).toBe(64);
      expect(message).toBe(
        `--older-than "${value}" is not a duration. Pass a whole number and a unit: d (days), h (hours) or m (minutes), e.g. 30d, 12h or 90m.`,
      );
    }
    // So long ago that its cutoff is no date: refused as what it is, not a defect.
    expect((await misuse(['gc', '--older-than', '99999999999d'], 'invalid_argument')).message).toBe(
      '--older-than "99999999999d" goes back further than a date can: pass at most 100000000d (or the same in h or m).',
    );
    expect((await baton(['gc', '--older-than', '100000000d'])).out).toMatch(/^Deleted 0 finished runs last/);
    expect((await misuse(['gc'], 'invalid_argument')).message).toMatch(
      /^baton gc needs --older-than <duration>/,
    );
    expect((await misuse(['gc', '30d'], 'invalid_argument')).exit).toBe(64);
    expect((await misuse(['gc', '--older-than', '1d', '--json'], 'invalid_argument')).message).toBe(
      '--json does not apply to baton gc. Run `baton gc --help` for its usage.',
    );
  });
});

describe('the exit codes of a stored run', () => {
  it.each([
    ['run_not_found', 66],
    ['run_finished', 65],
    ['snapshot_incompatible', 65],
    ['lease_held', 75],
    ['store_conflict', 75],
    ['store_error', 74],
  ] as const)('exits %s with %i', (code, exit) => {
    expect(exitCodeOf(new BatonError(code, 'x'))).toBe(exit);
  });

  it('exits 74 for a file that is not a run database', async () => {
    writeFileSync(join(cwd, 'notes.db'), 'these are notes, not a database '.repeat(100));
    const { exit, message } = await misuse(['runs', '--db', 'notes.db'], 'store_error');
    expect(exit).toBe(74);
    expect(message).toContain(join(cwd, 'notes.db'));
    expect(readFileSync(join(cwd, 'notes.db'), 'utf8')).toMatch(/^these are notes/);
  });
});
