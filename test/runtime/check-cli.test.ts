import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../runtime/cli/main.js';
import { cliIo } from '../helpers/cli.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'baton-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes a module that exports a flow whose agents may hand the task back and forth forever. */
function unboundedModule(): string {
  const file = join(scratch, 'unbounded.ts');
  const helpers = pathToFileURL(join(root, 'test/helpers/flows.ts')).href;
  writeFileSync(
    file,
    `import { pingPongFlow } from '${helpers}';\n` +
      'export const pingpong = pingPongFlow({ handoffs: Infinity, visits: Infinity });\n',
  );
  return file;
}

describe('baton check', () => {
  it('passes the examples from the command line, as .ci/run calls it', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'runtime/cli/bin.ts', 'check', 'examples/support'],
      {
        cwd: root,
      },
    );
    expect(stderr).toBe('');
    expect(stdout).toContain('✔ support (examples/support/flow.ts): no problems');
    expect(stdout).toContain(
      'paths to done take 1–2 handoffs (limits.handoffs 4); worst case 4 handoffs, 32 model calls',
    );
    expect(stdout).toContain('note: examples/support/contracts.ts skipped: exports no flow');
    expect(stdout).toContain('checked 1 flow: 0 errors, 0 warnings');
  });

  it('prints each error with its fix and exits 1', async () => {
    const { out, io: cli } = cliIo(root);
    const code = await main(['check', unboundedModule(), 'examples/support/flow.ts'], cli);
    expect(code).toBe(1);
    const text = out.join('\n');
    expect(text).toContain('✘ pingpong');
    expect(text).toContain('error unbounded_cycle (flow pingpong · state a)');
    expect(text).toContain('fix: Set limits.handoffs or limits.visits to a finite number.');
    expect(text).toContain('✔ support');
    expect(text).toContain('checked 2 flows: 1 error, 0 warnings');
  });

  it('prints the reports as JSON with --json', async () => {
    const { out, io: cli } = cliIo(root);
    expect(
      await main(['check', 'examples/support/flow.ts', 'examples/support/models.ts', '--json'], cli),
    ).toBe(0);
    const json = JSON.parse(out.join('\n'));
    expect(json).toMatchObject({
      results: [
        {
          module: 'examples/support/flow.ts',
          flow: 'support',
          diagnostics: [],
          bounds: { worstCase: { handoffs: 4 } },
        },
      ],
      skipped: [{ module: 'examples/support/models.ts', reason: 'exports no flow' }],
      errors: 0,
      warnings: 0,
    });
  });

  it('exits 65 when no module exports a flow, and 64 without a module', async () => {
    const none = cliIo(root);
    expect(await main(['check', 'examples/support/contracts.ts'], none.io)).toBe(65);
    expect(none.err).toEqual([
      'baton: invalid_flow_module: No flow found in examples/support/contracts.ts. Pass modules that export a flow (defineFlow) or a Baton machine.',
    ]);
    expect(none.out).toEqual(['note: examples/support/contracts.ts skipped: exports no flow']);
    const usage = cliIo(root);
    expect(await main(['check'], usage.io)).toBe(64);
    expect(usage.err).toEqual([
      'baton: invalid_argument: baton check takes at least one module or folder, got 0. Run `baton check --help` for its usage.',
    ]);
  });

  it('exits 66 for a module that does not exist, and 65 for one that throws on import', async () => {
    const missing = cliIo(root);
    expect(await main(['check', 'examples/support/nothing-here.ts'], missing.io)).toBe(66);
    expect(missing.err).toEqual([
      `baton: invalid_flow_module: No such file: ${join(root, 'examples/support/nothing-here.ts')}. Pass the path of a module that exports a flow.`,
    ]);
    const file = join(scratch, 'throws.mjs');
    writeFileSync(file, "throw new Error('the module is broken');\n");
    const throwing = cliIo(root);
    expect(await main(['check', file], throwing.io)).toBe(65);
    expect(throwing.err).toEqual([
      `baton: invalid_flow_module: Could not load ${file}: the module is broken. Fix the error the module throws when it is imported.`,
    ]);
  });

  it('rejects an option that applies only to baton run', async () => {
    const wrong = cliIo(root);
    expect(await main(['check', 'examples/support', '--input', '{}'], wrong.io)).toBe(64);
    expect(wrong.err).toEqual([
      'baton: invalid_argument: --input does not apply to baton check. Run `baton check --help` for its usage.',
    ]);
    expect(wrong.out).toEqual([]);
  });
});
