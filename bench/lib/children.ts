// What the bench scripts (run.ts, durable.ts) share: the repository root, the copies of xstate and ajv the
// library at the root loads, and running a measurement in a fresh node process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: every child process runs there. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The xstate and ajv the library at the root imports, as file URLs, so the XState rows load the same. */
export function rootDeps(): { xstate: string; ajv: string } {
  const script =
    "console.log(JSON.stringify({ xstate: import.meta.resolve('xstate'), ajv: import.meta.resolve('ajv') }))";
  const resolved = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (resolved.status !== 0)
    throw new Error(`cannot resolve xstate and ajv from the root: ${resolved.stderr}`);
  return JSON.parse(resolved.stdout) as { xstate: string; ajv: string };
}

/**
 * Runs node with `nodeArgs` in the root and returns the parsed last `BENCH_RESULT <json>` line it printed,
 * or, when there is none, why (`failed: ` and the line of its output that names an error).
 */
export function runChild<T>(nodeArgs: string[], env: NodeJS.ProcessEnv, timeoutMs: number): T | string {
  const out = spawnSync(process.execPath, nodeArgs, {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = out.stdout
    ?.split('\n')
    .reverse()
    .find((l) => l.startsWith('BENCH_RESULT '));
  if (line) return JSON.parse(line.slice('BENCH_RESULT '.length)) as T;
  if (out.error) return `${out.error.message}`.slice(0, 200);
  const why = (out.stderr || out.stdout || '').trim().split('\n');
  const message = why.find((l) => /Error|error/.test(l)) ?? why.at(-1) ?? `exit ${out.status}`;
  return `failed: ${message.trim().slice(0, 200)}`;
}
