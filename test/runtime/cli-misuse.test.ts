import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { MISUSE_EXIT } from '../../runtime/cli/exit-codes.js';
import { main } from '../../runtime/cli/main.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const scratch = mkdtempSync(join(tmpdir(), 'baton-misuse-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const helpers = pathToFileURL(join(root, 'test/helpers/flows.ts')).href;
const index = pathToFileURL(join(root, 'index.ts')).href;

/** Writes a module into the scratch folder and returns its path. */
function module(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

const FLOW = 'examples/support/flow.ts';
const TICKET = 'examples/support/ticket.json';

/**
 * Runs the CLI in-process and checks the shape every misuse shares: nothing on stdout, exactly one line on
 * stderr, `baton: <code>: <message>`, and no stack trace. Returns the exit code and that message.
 */
async function misuse(argv: string[], code: string, onInterrupt: () => void = () => undefined) {
  const out: string[] = [];
  const err: string[] = [];
  const exit = await main(argv, {
    cwd: root,
    env: {},
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    onInterrupt,
  });
  expect(out).toEqual([]);
  expect(err).toHaveLength(1);
  const line = err[0]!;
  expect(line.startsWith(`baton: ${code}: `), line).toBe(true);
  expect(line).not.toMatch(/\n\s+at /);
  return { exit, message: line.slice(`baton: ${code}: `.length) };
}

describe('baton misuse: the command line', () => {
  it('exits 64 without a command', async () => {
    const { exit, message } = await misuse([], 'invalid_argument');
    expect(exit).toBe(MISUSE_EXIT.usage);
    expect(message).toBe(
      'No command given: use `baton run <flow module>` or `baton check <module...>`. Run `baton --help` for usage, or `baton <command> --help` for a command.',
    );
  });

  it('exits 64 for an unknown command', async () => {
    const { exit, message } = await misuse(['launch', FLOW], 'invalid_argument');
    expect(exit).toBe(64);
    expect(message).toContain(
      'Unknown command "launch": the commands are run, check, runs, show, resume, answer, chat, cancel, graph, report, gc and worker.',
    );
  });

  it('exits 64 for an unknown flag', async () => {
    const { exit, message } = await misuse(['run', FLOW, '--verbose'], 'invalid_argument');
    expect(exit).toBe(64);
    expect(message).toMatch(
      /^Unknown option '--verbose'.*Run `baton --help` for usage, or `baton <command> --help` for a command\.$/,
    );
  });

  it('exits 64 for a flag without its value', async () => {
    const { exit, message } = await misuse(['run', FLOW, '--input'], 'invalid_argument');
    expect(exit).toBe(64);
    expect(message).toMatch(/^Option '--input <value>' argument missing\./);
  });

  it('exits 64 when baton run is given no module, or two', async () => {
    const none = await misuse(['run', '--input', TICKET], 'invalid_argument');
    expect(none.exit).toBe(64);
    expect(none.message).toBe(
      'baton run takes one flow module or folder, got 0. Run `baton run --help` for its usage.',
    );
    const two = await misuse(['run', FLOW, 'other.ts'], 'invalid_argument');
    expect(two.message).toBe(
      'baton run takes one flow module or folder, got 2 (examples/support/flow.ts, other.ts). Run `baton run --help` for its usage.',
    );
  });

  it('exits 64 for --model with an unknown provider or no model name', async () => {
    const unknown = await misuse(
      ['run', FLOW, '--input', TICKET, '--model', 'gemini:pro'],
      'invalid_argument',
    );
    expect(unknown.exit).toBe(64);
    expect(unknown.message).toContain(
      'Unknown model provider "gemini" in "gemini:pro". Use one of: scripted,',
    );
    const nameless = await misuse(['run', FLOW, '--input', TICKET, '--model', 'openai:'], 'invalid_argument');
    expect(nameless.message).toContain('Model "openai:" names no model.');
  });

  it('exits 64 for --model replay: with a cassette that does not exist', async () => {
    const { exit, message } = await misuse(
      ['run', FLOW, '--input', TICKET, '--model', 'replay:no-such-cassette.json'],
      'invalid_argument',
    );
    expect(exit).toBe(64);
    expect(message).toContain(`Cannot read cassette "${join(root, 'no-such-cassette.json')}"`);
  });

  it('exits 64 for --base-url without a provider model', async () => {
    const { exit, message } = await misuse(
      ['run', FLOW, '--input', TICKET, '--base-url', 'http://127.0.0.1:1'],
      'invalid_argument',
    );
    expect(exit).toBe(64);
    expect(message).toContain('--base-url applies to a provider\'s model, not to "scripted".');
  });

  it('exits 64 for --record naming a folder', async () => {
    const { exit, message } = await misuse(
      ['run', FLOW, '--input', TICKET, '--record', scratch],
      'invalid_argument',
    );
    expect(exit).toBe(64);
    expect(message).toContain(
      `--record names a folder, ${scratch}. Pass the path of the cassette file to write`,
    );
  });
});

describe('baton misuse: --input', () => {
  it('exits 66 for --input naming a folder', async () => {
    const { exit, message } = await misuse(['run', FLOW, '--input', 'examples'], 'invalid_argument');
    expect(exit).toBe(MISUSE_EXIT.noInput);
    expect(message).toBe(
      `--input names a folder, ${join(root, 'examples')}. Pass a JSON file or inline JSON.`,
    );
  });

  it('exits 66 for --input naming a file that does not exist', async () => {
    const { exit, message } = await misuse(
      ['run', FLOW, '--input', 'tickets/missing.json'],
      'invalid_argument',
    );
    expect(exit).toBe(66);
    expect(message).toBe(
      `--input names no file: ${join(root, 'tickets/missing.json')} does not exist, and "tickets/missing.json" is not JSON either. Pass a JSON file or inline JSON.`,
    );
  });

  it('exits 65 for inline --input that is not valid JSON', async () => {
    const { exit, message } = await misuse(['run', FLOW, '--input', '{"id": "T-1",'], 'invalid_argument');
    expect(exit).toBe(MISUSE_EXIT.data);
    expect(message).toMatch(
      /^--input is not valid JSON: .+\. Fix the JSON, or pass the path of a JSON file\.$/,
    );
  });

  it('exits 65 for an --input file that is not valid JSON', async () => {
    const file = module('broken.json', '{ "id": ');
    const { exit, message } = await misuse(['run', FLOW, '--input', file], 'invalid_argument');
    expect(exit).toBe(65);
    expect(message).toMatch(
      new RegExp(`^The --input file ${file.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON: `),
    );
  });

  it('exits 64 for an empty --input, and when there is no input at all', async () => {
    expect((await misuse(['run', FLOW, '--input', ' '], 'invalid_argument')).message).toBe(
      '--input is empty. Pass a JSON file or inline JSON.',
    );
    const bare = module(
      'no-sample.ts',
      `import { chainFlow } from '${helpers}';\nexport const chain = chainFlow();\n`,
    );
    const { exit, message } = await misuse(['run', bare], 'invalid_argument');
    expect(exit).toBe(64);
    expect(message).toBe(`No input: pass --input <file or JSON>, or export sampleInput from ${bare}.`);
  });

  it('reads inline JSON far longer than a file name can be', async () => {
    // A name this long makes the file system throw ENAMETOOLONG, not "no such file".
    const long = JSON.stringify({ id: 'T-1', customer: 'c', subject: 'x'.repeat(5_000), body: '' });
    const out: string[] = [];
    const exit = await main(['run', FLOW, '--json', '--no-store', '--input', long], {
      cwd: root,
      env: {},
      out: (line) => out.push(line),
      err: (line) => out.push(`stderr: ${line}`),
      onInterrupt: () => undefined,
    });
    expect(out.join('\n')).not.toContain('stderr:');
    expect([0, 1, 2]).toContain(exit);
  });
});

describe('baton misuse: the flow module', () => {
  it('exits 66 for a module that does not exist', async () => {
    const { exit, message } = await misuse(
      ['run', 'examples/support/flwo.ts', '--input', TICKET],
      'invalid_flow_module',
    );
    expect(exit).toBe(66);
    expect(message).toBe(
      `No such file: ${join(root, 'examples/support/flwo.ts')}. Pass the path of a module that exports a flow.`,
    );
  });

  it('exits 65 for a folder in which no module exports a flow', async () => {
    const folder = join(scratch, 'no-flows');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'util.mjs'), 'export const answer = 42;\n');
    const { exit, message } = await misuse(['run', folder, '--input', TICKET], 'invalid_flow_module');
    expect(exit).toBe(65);
    expect(message).toBe(
      `No module in ${folder} exports a flow. Export the result of defineFlow from ${join(folder, 'flow.ts')}, or pass the module's path.`,
    );
  });

  it('exits 64 for a folder whose modules export different flows, naming them', async () => {
    const folder = join(scratch, 'two-flows');
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'a.ts'),
      `import { chainFlow } from '${helpers}';\nexport const chain = chainFlow();\n`,
    );
    writeFileSync(
      join(folder, 'b.ts'),
      `import { pingPongFlow } from '${helpers}';\nexport const pp = pingPongFlow();\n`,
    );
    const { exit, message } = await misuse(['run', folder, '--input', TICKET], 'invalid_flow_module');
    expect(exit).toBe(64);
    expect(message).toBe(
      `Several modules in ${folder} export flows (${join(folder, 'a.ts')}, ${join(folder, 'b.ts')}). Pass the path of the one to run.`,
    );
  });

  it('exits 65 for a module that throws on import', async () => {
    const file = module('throws.mjs', "throw new TypeError('config.apiBase is not set');\n");
    const { exit, message } = await misuse(['run', file, '--input', TICKET], 'invalid_flow_module');
    expect(exit).toBe(65);
    expect(message).toBe(
      `Could not load ${file}: config.apiBase is not set. Fix the error the module throws when it is imported.`,
    );
  });

  it('exits 65 for a module whose flow definition is invalid, with the definition error', async () => {
    const file = module(
      'invalid-flow.ts',
      `import { defineFlow } from '${index}';\nimport { chainAgent, Report, Work } from '${helpers}';\n` +
        "export const f = defineFlow({ id: 'broken', input: Work, output: Report, agents: [chainAgent('a')], finish: ['a'] } as never);\n",
    );
    const { exit, message } = await misuse(['run', file, '--input', TICKET], 'invalid_flow_module');
    expect(exit).toBe(65);
    expect(message).toContain(`Could not load ${file}: Flow "broken": \`start\` is missing.`);
  });

  it('exits 65 for a module with no flow', async () => {
    const file = module('no-flow.mjs', 'export const answer = 42;\n');
    const { exit, message } = await misuse(['run', file, '--input', TICKET], 'invalid_flow_module');
    expect(exit).toBe(65);
    expect(message).toBe(`${file} exports no flow. Export the result of defineFlow (as default or by name).`);
  });

  it('exits 64 for a module with several flows and no --flow, or a --flow it does not have', async () => {
    const file = module(
      'two-flows.ts',
      `import { chainFlow, pingPongFlow } from '${helpers}';\nexport const chain = chainFlow();\nexport const pingpong = pingPongFlow();\n`,
    );
    const several = await misuse(['run', file, '--input', '{}'], 'invalid_flow_module');
    expect(several.exit).toBe(64);
    expect(several.message).toBe(
      `${file} exports several flows (chain, pingpong). Pick one with --flow <id>.`,
    );
    const unknown = await misuse(['run', file, '--input', '{}', '--flow', 'chian'], 'invalid_flow_module');
    expect(unknown.exit).toBe(64);
    expect(unknown.message).toBe(
      `${file} has no flow "chian". It has: chain, pingpong. Pick one of those with --flow <id>.`,
    );
  });
});

describe('baton misuse: defects', () => {
  it('prints an unexpected error as internal_error on one line and exits 70', async () => {
    const { exit, message } = await misuse(
      ['run', FLOW, '--no-store', '--input', TICKET],
      'internal_error',
      () => {
        throw new Error('the interrupt handler broke');
      },
    );
    expect(exit).toBe(MISUSE_EXIT.software);
    expect(message).toBe('the interrupt handler broke (this is a defect in Baton: please report it)');
  });

  it('prints one line and no stack trace from the real binary', async () => {
    mkdirSync(join(scratch, 'bin'), { recursive: true });
    const file = module('bin/throws.mjs', "throw new Error('boom on import');\n");
    const error = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'runtime/cli/bin.ts', 'run', file, '--input', TICKET],
      { cwd: root },
    ).catch((e: unknown) => e as { code: number; stdout: string; stderr: string });
    expect(error).toMatchObject({ code: 65, stdout: '' });
    expect((error as { stderr: string }).stderr).toBe(
      `baton: invalid_flow_module: Could not load ${file}: boom on import. Fix the error the module throws when it is imported.\n`,
    );
  });
});
