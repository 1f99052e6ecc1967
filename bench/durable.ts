// The durable rows alone: `npx tsx bench/durable.ts [--quick] [--no-build]`. Builds Baton, measures
// the rows of bench/lib/durable.mjs (the same step `npm run bench` runs with the SQLite row) and prints
// the "Durable runs" section of docs/benchmarks.md; it writes no file.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ROOT, rootDeps, runChild } from './lib/children.js';
import { durableSection, measureDurable } from './lib/durable.mjs';

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, 'no-build': { type: 'boolean', default: false } },
});
const log = (line: string) => process.stderr.write(`${line}\n`);

if (!args['no-build']) {
  log('building Baton (npm run build)…');
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build exited ${build.status}: ${build.stderr}`);
}
const deps = { ...rootDeps(), baton: pathToFileURL(join(ROOT, 'dist', 'index.js')).href };
const env = { ...process.env, BENCH_DEPS: JSON.stringify(deps), NODE_ENV: 'production' };
const child = (nodeArgs: string[], timeoutMs: number) => runChild<unknown>(nodeArgs, env, timeoutMs);

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
