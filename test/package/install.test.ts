// Installs the package as a user does: `npm pack`, then the README's install lines in an empty folder
// (the tarball in place of the name), then the README's first flow, its service snippet and its test
// snippet, run there with the scripted model (no API key, no provider server).

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markdownSnippets, root } from '../docs/snippets.js';

const exec = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const QUIET = ['--no-audit', '--no-fund', '--prefer-offline'];

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const folder = mkdtempSync(join(tmpdir(), 'baton-install-'));
const packs = mkdtempSync(join(tmpdir(), 'baton-pack-'));
const installLogs: string[] = [];

/** Runs a command in the install folder; resolves with its output and exit code, never rejects. */
async function sh(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await exec(command, [...args], {
      cwd: folder,
      env: { ...process.env, ...env, BATON_MODEL: '', NODE_OPTIONS: '', NO_COLOR: '1', FORCE_COLOR: '0' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

/** The `npm install` lines of the README's install block for users: the block that installs the package. */
function installLines(): string[][] {
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((match) => match[1] ?? '')
    .find((text) => /^npm install baton-flow\b/m.test(text));
  if (block === undefined) throw new Error('The README has no ```sh block with `npm install baton-flow`.');
  return block
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((command) => /^npm install\s/.test(command))
    .map((command) => command.split(/\s+/).slice(2));
}

beforeAll(async () => {
  const packed = await exec(NPM, ['pack', '--pack-destination', packs, '--silent'], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  const tarball = join(packs, packed.stdout.trim().split('\n').pop()!);
  writeFileSync(
    join(folder, 'package.json'),
    `${JSON.stringify({ name: 'first-hour', private: true, type: 'module' }, null, 2)}\n`,
  );
  for (const args of installLines()) {
    const named = args.map((a) => (a === 'baton-flow' ? tarball : a));
    const result = await sh(NPM, ['install', ...named, ...QUIET]);
    installLogs.push(`$ npm install ${named.join(' ')}\n${result.stdout}${result.stderr}`);
    if (result.code !== 0) throw new Error(`npm install failed:\n${installLogs.join('\n')}`);
  }
  for (const snippet of markdownSnippets(readme, 'README.md', 'README')) {
    if (!snippet.file.startsWith('snippet-')) writeFileSync(join(folder, snippet.file), snippet.code);
  }
}, 300_000);

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
  rmSync(packs, { recursive: true, force: true });
});

describe('the package, installed from its tarball with the README install lines', {
  timeout: 120_000,
}, () => {
  it('installs the library with the documented line and prints no warning', () => {
    expect(installLines()).toEqual([
      ['baton-flow', 'typebox', 'xstate'],
      ['--save-dev', 'tsx', 'vitest'],
    ]);
    // The dev tools' line may warn (npm asks to approve esbuild's install script); the library's may not.
    expect(installLogs[0]).not.toMatch(/npm warn|npm WARN|deprecated/);
  });

  it('runs the README flow with `npx baton run` and `npx baton-flow run`', async () => {
    // libsql is optional: without it the run goes on unkept, and says so in one line.
    const unkept =
      'baton: this run is not kept: install libsql (npm install libsql) to keep runs in .baton/runs.db, or pass --no-store.\n';
    for (const bin of [['baton'], ['baton-flow']]) {
      const result = await sh(NPX, ['--no-install', ...bin, 'run', 'flow.ts']);
      expect(result.stderr).toBe(unkept);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('path triage → billing → done');
    }
  });

  it("runs the README's service snippet", async () => {
    const result = await sh(process.execPath, ['--import', 'tsx', 'main.ts']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.trim()).toBe('Re T-1: we are on "Refund for INV-7".');
  });

  it("passes the README's test snippet under vitest", async () => {
    const result = await sh(NPX, ['--no-install', 'vitest', 'run', 'flow.test.ts']);
    expect(result.stdout + result.stderr).toMatch(/Tests\s+4 passed \(4\)/);
    expect(result.code).toBe(0);
  });

  it('keeps tsx and esbuild out of a library install, runs a .js flow module without them, and names what is missing', async () => {
    const removed = await sh(NPM, ['uninstall', 'tsx', 'vitest', ...QUIET]);
    expect(removed.code).toBe(0);
    const listed = await sh(NPM, ['ls', '--all', '--parseable']);
    expect(listed.stdout).not.toMatch(/node_modules[\\/](tsx|esbuild)$/m);
    writeFileSync(
      join(folder, 'flow.mjs'),
      [
        "import { defineAgent, defineFlow } from 'baton-flow';",
        "import { scripted } from 'baton-flow/testing';",
        "const Note = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] };",
        "const model = scripted(() => ({ finish: { text: 'hello' } }), { record: false });",
        "const writer = defineAgent({ name: 'writer', description: 'Writes.', input: Note, instructions: 'Write.', model });",
        "export const notes = defineFlow({ id: 'notes', input: Note, output: Note, start: 'writer', agents: [writer], finish: ['writer'] });",
        "export const sampleInput = { text: 'a note' };",
        '',
      ].join('\n'),
    );
    const js = await sh(NPX, ['--no-install', 'baton', 'run', 'flow.mjs', '--no-store']);
    expect(js.stderr).toBe('');
    expect(js.code).toBe(0);
    expect(js.stdout).toContain('path writer → done');
    const sdk = await sh(NPX, ['--no-install', 'baton', 'run', 'flow.mjs', '--model', 'openai:gpt-5-mini']);
    expect(sdk.code).toBe(69);
    expect(sdk.stderr.trim()).toBe(
      'baton: missing_dependency: The "openai" package is not installed, and --model openai:gpt-5-mini needs it. Install openai: npm install openai',
    );
    const ts = await sh(NPX, ['--no-install', 'baton', 'run', 'flow.ts']);
    expect(ts.code).toBe(69);
    expect(ts.stderr.trim()).toBe(
      'baton: missing_dependency: The "tsx" package is not installed, and loading a TypeScript flow module needs it. Install tsx: npm install --save-dev tsx (or compile the module to JavaScript)',
    );
  });
});
