// The durable rows alone: `npx tsx bench/durable.ts [--quick] [--no-build]`. Builds Baton, measures
// the rows of bench/lib/durable.mjs (the same step `npm run bench` runs with the SQLite row) and prints
// the "Durable runs" section of docs/benchmarks.md; it writes no file.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { durableSection, measureDurable } from './lib/durable.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, 'no-build': { type: 'boolean', default: false } },
});
const log = (line: string) => process.stderr.write(`${line}\n`);

if (!args['no-build']) {
  log('building Baton (npm run build)…');
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build exited ${build.status}: ${build.stderr}`);
}
const script =
  "console.log(JSON.stringify({ xstate: import.meta.resolve('xstate'), ajv: import.meta.resolve('ajv') }))";
const resolved = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
  cwd: ROOT,
  encoding: 'utf8',
});
if (resolved.status !== 0) throw new Error(`cannot resolve xstate and ajv from the root: ${resolved.stderr}`);
const deps = { ...JSON.parse(resolved.stdout), baton: pathToFileURL(join(ROOT, 'dist', 'index.js')).href };
const env = { ...process.env, BENCH_DEPS: JSON.stringify(deps), NODE_ENV: 'production' };

/** Runs node with `nodeArgs` in the root; the parsed `BENCH_RESULT` line, or why there is none. */
function child(nodeArgs: string[], timeoutMs: number): unknown {
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
  if (line) return JSON.parse(line.slice('BENCH_RESULT '.length));
  const why = (out.stderr || out.stdout || out.error?.message || '').trim().split('\n');
  return `failed: ${(why.find((l) => /Error|error/.test(l)) ?? why.at(-1) ?? `exit ${out.status}`).slice(0, 200)}`;
}

const startedAt = new Date();
const before = loadavg();
const t0 = performance.now();
const durable = await measureDurable({ child, loader: [], quick: args.quick, log });
const after = loadavg();
const load = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' / ');
process.stdout.write(
  `${[
    ...durableSection(durable),
    `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC in ${((performance.now() - t0) / 60_000).toFixed(1)} minutes; load average ${load(before)} (1/5/15 min) at the start, ${load(after)} at the end.`,
  ].join('\n')}\n`,
);
