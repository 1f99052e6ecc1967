import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../runtime/cli/main.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      cwd: root,
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      onInterrupt: () => undefined,
    },
  };
}

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
    const { out, io: cli } = io();
    const code = await main(['run', 'examples/support/flow.ts', '--input', '{"id":"T-1"}'], cli);
    expect(code).toBe(1);
    expect(out.join('\n')).toContain('✘ failed: invalid_input at start');
  });

  it('prints the whole result as JSON with --json', async () => {
    const { out, io: cli } = io();
    const code = await main(
      [
        'run',
        'examples/support/flow.ts',
        '--json',
        '--input',
        '{"id":"T-7","customer":"c","subject":"App crashes","body":"on start"}',
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
    const a = io();
    expect(await main(['run', 'examples/support/contracts.ts', '--input', '{}'], a.io)).toBe(1);
    expect(a.err.join('\n')).toContain('invalid_flow_module');
    const b = io();
    expect(await main(['launch'], b.io)).toBe(64);
    expect(b.err.join('\n')).toContain('Unknown command "launch"');
  });
});
