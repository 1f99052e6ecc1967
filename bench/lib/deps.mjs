// Where the rows load xstate, ajv and Baton from. xstate and ajv are resolved exactly as the library at
// the repository root resolves them (not from bench/node_modules, where a peer framework may have pulled
// in another copy), so bare XState and Baton run the same code.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The Baton entry a row imports: `dist` (built with `npm run build`) or `src` (index.ts, through tsx). */
export function batonEntry(kind) {
  return pathToFileURL(`${ROOT}${kind === 'src' ? 'index.ts' : 'dist/index.js'}`).href;
}

let cached = null;

/**
 * `{ xstate, ajv, baton }` as URLs. The harness passes them in BENCH_DEPS; run alone, a child resolves
 * them from the root and uses dist/ when it is built (set BATON_ENTRY=src, with `--import tsx`, for the sources).
 */
export function resolveDeps() {
  if (cached) return cached;
  if (process.env.BENCH_DEPS) {
    cached = JSON.parse(process.env.BENCH_DEPS);
    return cached;
  }
  const script =
    "console.log(JSON.stringify({ xstate: import.meta.resolve('xstate'), ajv: import.meta.resolve('ajv') }))";
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`cannot resolve xstate and ajv from ${ROOT}: ${out.stderr}`);
  const kind = process.env.BATON_ENTRY ?? (existsSync(`${ROOT}dist/index.js`) ? 'dist' : 'src');
  cached = { ...JSON.parse(out.stdout), baton: batonEntry(kind) };
  return cached;
}
