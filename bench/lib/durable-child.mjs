// Measures what one durable row commits, in this (fresh) process, and prints `BENCH_RESULT <json>`:
//   node --expose-gc bench/lib/durable-child.mjs --row baton-sqlite [--warm N --iters N --max-ms N
//     --in-flight N --rounds N]
// Sequential: 5-agent runs one after the other; in flight: rounds of `in-flight` runs started at once.
// For each, runs per second, and the transitions and transactions the row committed (`run.counts`).
import { parseArgs } from 'node:util';
import { resolveDeps } from './deps.mjs';
import { chainOf, checkFinal, inputOf, makeGate } from './workload.mjs';

const { values: opts } = parseArgs({
  options: {
    row: { type: 'string' },
    warm: { type: 'string', default: '50' },
    iters: { type: 'string', default: '2000' },
    'max-ms': { type: 'string', default: '10000' },
    'in-flight': { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '2' },
  },
});
const num = (key) => Number(opts[key]);
const { row } = await import(`../rows/${opts.row}.mjs`);
const run = await row.setup({ agents: 5, gate: makeGate(), deps: resolveDeps() });
const counts = run.counts ?? null;
let serial = 0;

/** What a phase did: runs, wall time, CPU time, and what was committed meanwhile. */
async function phase(body) {
  const before = counts ? { ...counts } : null;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const flows = await body();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const result = { flows, ms, cpuMs: (cpu.user + cpu.system) / 1000, systemMs: cpu.system / 1000 };
  if (counts && before) {
    result.transitions = counts.transitions - before.transitions;
    result.transactions = counts.transactions - before.transactions;
  }
  return result;
}

async function one() {
  serial += 1;
  const input = inputOf(serial);
  checkFinal(input, await run(input), chainOf(5));
}

async function sequential(n, maxMs) {
  const stop = performance.now() + maxMs;
  let flows = 0;
  while (flows < n && performance.now() < stop) {
    await one();
    flows += 1;
  }
  return flows;
}

async function inFlight(n) {
  const inputs = Array.from({ length: n }, () => inputOf(++serial));
  const outputs = await Promise.all(inputs.map((input) => run(input)));
  outputs.forEach((output, i) => {
    checkFinal(inputs[i], output, chainOf(5));
  });
  return n;
}

await sequential(num('warm'), num('max-ms'));
const seq = await phase(() => sequential(num('iters'), num('max-ms')));
await inFlight(Math.min(100, num('in-flight'))); // warms the path of runs in flight
const rounds = [];
for (let r = 0; r < num('rounds'); r += 1) rounds.push(await phase(() => inFlight(num('in-flight'))));
rounds.sort((a, b) => a.ms - b.ms);
const median = rounds[Math.floor((rounds.length - 1) / 2)];
process.stdout.write(
  `\nBENCH_RESULT ${JSON.stringify({ row: row.id, inFlight: num('in-flight'), seq, concurrent: median, rounds })}\n`,
);
process.exit(0);
