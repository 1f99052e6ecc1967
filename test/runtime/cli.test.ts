import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { COMMAND_OPTIONS, main } from '../../runtime/cli/main.js';
import { cliIo } from '../helpers/cli.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

describe('baton CLI', () => {
  it('runs the support example from the command line and exits 0 on done', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'runtime/cli/bin.ts',
        'run',
        'examples/support/flow.ts',
        '--input',
        'examples/support/ticket.json',
        '--no-store',
      ],
      { cwd: root },
    );
    expect(stderr).toBe('');
    expect(stdout).toContain('▶ support');
    expect(stdout).toMatch(/1\s+triage\s+hands off to billing/);
    expect(stdout).toMatch(/billing\s+tool lookup_invoice: ok/);
    expect(stdout).toContain('✔ done');
    expect(stdout).toContain('"ticketId": "T-1042"');
    expect(stdout).toContain('path triage → billing → done');
  });

  it('exits 1 with the reason when the flow fails', async () => {
    const { out, io: cli } = cliIo(root);
    const code = await main(
      ['run', 'examples/support/flow.ts', '--no-store', '--input', '{"id":"T-1"}'],
      cli,
    );
    expect(code).toBe(1);
    expect(out.join('\n')).toContain('✘ failed: invalid_input at start');
  });

  it('prints the whole result as JSON with --json', async () => {
    const { out, io: cli } = cliIo(root);
    const code = await main(
      [
        'run',
        'examples/support/flow.ts',
        '--json',
        '--no-store',
        '--input',
        '{"id":"T-7","customer":"c","subject":"App 2.3 crashes","body":"on start"}',
      ],
      cli,
    );
    expect(code).toBe(0);
    const result = JSON.parse(out.join('\n'));
    expect(result).toMatchObject({
      status: 'done',
      output: { ticketId: 'T-7', team: 'tech' },
      path: ['triage', 'tech', 'done'],
    });
  });

  it('explains a module that exports no flow and a usage error', async () => {
    const a = cliIo(root);
    expect(await main(['run', 'examples/support/contracts.ts', '--input', '{}'], a.io)).toBe(65);
    expect(a.err).toEqual([
      expect.stringMatching(/^baton: invalid_flow_module: .*contracts\.ts exports no flow\./),
    ]);
    const b = cliIo(root);
    expect(await main(['launch'], b.io)).toBe(64);
    expect(b.err).toEqual([
      'baton: invalid_argument: Unknown command "launch": the commands are run, check, runs, show, resume, answer, chat, cancel, graph, report, gc and worker. Run `baton --help` for usage, or `baton <command> --help` for a command.',
    ]);
  });

  it('records a run to a cassette and replays it with --model replay:<file>, with no model of its own', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'baton-cassette-'));
    onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
    const cassette = join(folder, 'run.json');
    const recorded = cliIo(root);
    const args = [
      'run',
      'examples/support/flow.ts',
      '--json',
      '--no-store',
      '--input',
      'examples/support/ticket.json',
    ];
    expect(await main([...args, '--record', cassette], recorded.io)).toBe(0);
    const tape = JSON.parse(readFileSync(cassette, 'utf8'));
    expect(tape.calls.map((c: { request: { agent: string } }) => c.request.agent)).toEqual([
      'triage',
      'billing',
      'billing',
    ]);
    const replayed = cliIo(root, { BATON_MODEL: `replay:${cassette}` });
    expect(await main(args, replayed.io)).toBe(0);
    const [first, second] = [JSON.parse(recorded.out.join('\n')), JSON.parse(replayed.out.join('\n'))];
    expect(second.output).toEqual(first.output);
    expect(second.usage).toEqual(first.usage);
  });

  it('replays the cassette shipped with the example offline', async () => {
    const { out, io: cli } = cliIo(root);
    const code = await main(
      [
        'run',
        'examples/support/flow.ts',
        '--no-store',
        '--model',
        'replay:examples/support/cassettes/t-1042.json',
        '--input',
        'examples/support/ticket.json',
      ],
      cli,
    );
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('Re T-1042: Invoice INV-7731 is paid twice');
  });

  it('names the first difference when a replayed run asks something else', async () => {
    const { out, io: cli } = cliIo(root);
    const code = await main(
      [
        'run',
        'examples/support/flow.ts',
        '--no-store',
        '--model',
        'replay:examples/support/cassettes/t-1042.json',
        '--input',
        '{"id":"T-2","customer":"c","subject":"Refund for INV-1","body":""}',
      ],
      cli,
    );
    expect(code).toBe(1);
    expect(out.join('\n')).toContain('✘ failed: provider_error at triage');
    expect(out.join('\n')).toContain(
      'differs from the recording at $.input.id: recorded "T-1042", got "T-2"',
    );
  });

  it('rejects an unknown model provider with the forms it accepts', async () => {
    const { err, io: cli } = cliIo(root);
    expect(
      await main(['run', 'examples/support/flow.ts', '--model', 'gemini:pro', '--input', '{}'], cli),
    ).toBe(64);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^baton: invalid_argument: Unknown model provider "gemini"/);
    expect(err.join('\n')).toContain('openai:<model>');
  });

  it('runs a folder: its flow.ts, like check does', async () => {
    const { out, io: cli } = cliIo(root);
    const code = await main(
      ['run', 'examples/support', '--no-store', '--input', 'examples/support/ticket.json'],
      cli,
    );
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('path triage → billing → done');
  });

  it.each(['run', 'check', 'runs', 'show', 'resume', 'cancel', 'gc'])(
    'prints the help of `baton %s` with every flag it takes',
    async (command) => {
      const { out, err, io: cli } = cliIo(root);
      expect(await main([command, '--help'], cli)).toBe(0);
      expect(err).toEqual([]);
      const help = out.join('\n');
      expect(help).toMatch(new RegExp(`^Usage: baton ${command} `));
      for (const flag of COMMAND_OPTIONS[command]!) expect(help).toContain(`--${flag}`);
      const { out: general, io: other } = cliIo(root);
      await main(['--help'], other);
      expect(help).not.toBe(general.join('\n'));
    },
  );
});
