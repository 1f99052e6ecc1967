// Compares Baton builds (and rows) in fresh processes, interleaved: each round runs every entry once, in
// alternating order, as `child.mjs --mode seq`, and the medians of the rounds are compared with the first.
// Builds in one process (`ab.mjs`) move each other by up to 15 % through V8's shared feedback and heap;
// fresh processes do not.
//   node bench/lib/fresh-ab.mjs ROUNDS ENTRY... [--iters 6000]
// An ENTRY is `name=URL` (a Baton build's dist/index.js, as a file:// URL; the build's folder must see this
// repository's node_modules) or `row:ID` (a row of bench/rows, e.g. row:xstate-ajv).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveDeps } from './deps.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { iters: { type: 'string', default: '6000' }, 'max-ms': { type: 'string', default: '8000' } },
});
const [rounds, ...entries] = positionals;
if (!Number(rounds) || entries.length === 0) {
  console.error('usage: node bench/lib/fresh-ab.mjs ROUNDS name=URL|row:ID ...');
  process.exit(2);
}
const child = fileURLToPath(new URL('./child.mjs', import.meta.url));
const deps = resolveDeps();
const means = new Map(entries.map((entry) => [entry, []]));

/** The mean µs per 5-agent flow of one entry, measured in a fresh process. */
function measure(entry) {
  const [name, url] = entry.split('=');
  const row = name.startsWith('row:') ? name.slice(4) : 'baton';
  const env = { ...process.env, BENCH_DEPS: JSON.stringify({ ...deps, ...(url ? { baton: url } : {}) }) };
  const args = ['--expose-gc', child, '--row', row, '--mode', 'seq', '--iters', values.iters];
  const out = spawnSync(process.execPath, [...args, '--max-ms', values['max-ms']], { env, encoding: 'utf8' });
  const line = out.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`${entry} failed:\n${out.stderr}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length)).seq5.meanUs;
}

for (let round = 0; round < Number(rounds); round += 1) {
  const order = round % 2 === 0 ? entries : [...entries].reverse();
  for (const entry of order) means.get(entry).push(measure(entry));
}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const first = median(means.get(entries[0]));
for (const [entry, list] of means) {
  const m = median(list);
  const each = list.map((us) => us.toFixed(0)).join(' ');
  console.log(
    `${entry.split('=')[0].padEnd(16)} median ${m.toFixed(1)} µs  ${(m / first).toFixed(3)}×  (${each})`,
  );
}
