// Measures one row in this (fresh) process and prints one line `BENCH_RESULT <json>` on stdout.
//   node --expose-gc bench/lib/child.mjs --row baton --mode time|heap|profile [--iters N ...]
// Modes: `time` (sequential 5- and 1-agent runs, then rounds of concurrent runs), `heap` (flows parked
// in the third agent), `profile` (sequential 5-agent runs under the CPU profiler), `seq` (sequential
// 5-agent runs only).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { resolveDeps } from './deps.mjs';
import { chainOf, checkFinal, inputOf, makeGate } from './workload.mjs';

const { values: opts } = parseArgs({
  options: {
    row: { type: 'string' },
    mode: { type: 'string', default: 'time' },
    warm: { type: 'string', default: '300' },
    iters: { type: 'string', default: '2000' },
    'max-ms': { type: 'string', default: '15000' },
    concurrency: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '4' },
    parked: { type: 'string', default: '10000' },
    'profile-out': { type: 'string' },
  },
});
const num = (key) => Number(opts[key]);

const { row } = await import(`../rows/${opts.row}.mjs`);
if (row.notMeasured) throw new Error(`row ${row.id} is not measured: ${row.notMeasured}`);
const deps = resolveDeps();
let serial = 0;

/** Runs one flow of `agents` agents and checks its final payload. */
async function once(run, agents) {
  serial += 1;
  const input = inputOf(serial);
  checkFinal(input, await run(input), chainOf(agents));
}

function stats(samples, cpu) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  const cpuUs = (cpu.user + cpu.system) / samples.length;
  return { n: samples.length, meanUs: mean * 1000, p50Us: at(0.5) * 1000, p99Us: at(0.99) * 1000, cpuUs };
}

/**
 * Sequential runs, timed one by one, up to `iters` runs or `max-ms`. Also the process's CPU time per
 * run (user + system, all threads, so GC helpers count): less disturbed than wall time when other
 * processes share the cores.
 */
async function sequential(run, agents) {
  const samples = [];
  const cpu0 = process.cpuUsage();
  const stop = performance.now() + num('max-ms');
  for (let i = 0; i < num('iters') && performance.now() < stop; i += 1) {
    serial += 1;
    const input = inputOf(serial);
    const t0 = performance.now();
    const output = await run(input);
    samples.push(performance.now() - t0);
    checkFinal(input, output, chainOf(agents));
  }
  return stats(samples, process.cpuUsage(cpu0));
}

async function warm(run, agents) {
  const stop = performance.now() + num('max-ms');
  for (let i = 0; i < num('warm') && performance.now() < stop; i += 1) await once(run, agents);
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** `heapUsed` and `arrayBuffers` (off-heap backing stores, e.g. serialized checkpoints) after full GCs. */
async function memory() {
  await settle();
  globalThis.gc();
  await settle();
  globalThis.gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heapUsed, arrayBuffers };
}

/**
 * What the row set up stays reachable from here until the end: V8 drops locals that are dead at an
 * `await`, so without this a row's state (a checkpointer, a recording model) would be freed before the
 * "retained per finished flow" reading and look free.
 */
const keepAlive = [];

async function timeMode() {
  const gate = makeGate();
  const run5 = await row.setup({ agents: 5, gate, deps });
  const run1 = await row.setup({ agents: 1, gate, deps });
  await warm(run5, 5);
  await warm(run1, 1);
  const seq5 = await sequential(run5, 5);
  const seq1 = await sequential(run1, 1);
  const concurrency = num('concurrency');
  const rounds = [];
  for (let r = 0; r <= num('rounds'); r += 1) {
    const inputs = Array.from({ length: concurrency }, () => inputOf(++serial));
    const t0 = performance.now();
    const outputs = await Promise.all(inputs.map((input) => run5(input)));
    const ms = performance.now() - t0;
    outputs.forEach((output, i) => {
      checkFinal(inputs[i], output, chainOf(5));
    });
    if (r > 0) rounds.push(ms); // round 0 warms up
  }
  rounds.sort((a, b) => a - b);
  const median = rounds[Math.floor(rounds.length / 2)];
  return {
    seq5,
    seq1,
    perHandoffUs: (seq5.meanUs - seq1.meanUs) / 4,
    throughput: {
      concurrency,
      rounds: rounds.length,
      medianMs: median,
      flowsPerSec: (concurrency / median) * 1000,
    },
  };
}

async function heapMode() {
  const gate = makeGate();
  const run = await row.setup({ agents: 5, gate, deps });
  keepAlive.push(run);
  await warm(run, 5);
  const baseline = await memory();
  const n = num('parked');
  const first = serial + 1;
  gate.close();
  const pending = [];
  for (let i = 0; i < n; i += 1) pending.push(run(inputOf(++serial)));
  const deadline = performance.now() + 180_000;
  while (gate.parked < n) {
    if (performance.now() > deadline)
      throw new Error(`only ${gate.parked} of ${n} flows reached the third agent`);
    await settle();
  }
  const parked = await memory();
  gate.open();
  const outputs = await Promise.all(pending);
  outputs.forEach((output, i) => {
    checkFinal(inputOf(first + i), output, chainOf(5));
  });
  pending.length = 0;
  outputs.length = 0;
  const after = await memory();
  const perFlowKiB = (a, b, key) => (a[key] - b[key]) / n / 1024;
  return {
    parked: n,
    baselineMiB: baseline.heapUsed / 2 ** 20,
    perParkedFlowKiB: perFlowKiB(parked, baseline, 'heapUsed'),
    arrayBuffersPerParkedFlowKiB: perFlowKiB(parked, baseline, 'arrayBuffers'),
    retainedPerFinishedFlowKiB: perFlowKiB(after, baseline, 'heapUsed'),
    arrayBuffersRetainedPerFinishedFlowKiB: perFlowKiB(after, baseline, 'arrayBuffers'),
    keptAlive: keepAlive.length,
  };
}

/** Sequential 5-agent runs under V8's CPU profiler (the one `--cpu-prof` uses), after warm-up only. */
async function profileMode() {
  const gate = makeGate();
  const run5 = await row.setup({ agents: 5, gate, deps });
  await warm(run5, 5);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const seq5 = await sequential(run5, 5);
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  if (opts['profile-out']) writeFileSync(opts['profile-out'], JSON.stringify(profile));
  return { seq5 };
}

/** Sequential 5-agent runs only: a quick look while trying a change. */
async function seqMode() {
  const gate = makeGate();
  const run5 = await row.setup({ agents: 5, gate, deps });
  await warm(run5, 5);
  return { seq5: await sequential(run5, 5) };
}

const modes = { time: timeMode, heap: heapMode, profile: profileMode, seq: seqMode };
if (!modes[opts.mode]) throw new Error(`unknown mode ${opts.mode}`);
const result = await modes[opts.mode]();
process.stdout.write(`\nBENCH_RESULT ${JSON.stringify({ row: row.id, mode: opts.mode, ...result })}\n`);
// Some frameworks keep handles open (timers, exporters): the measurement is done, so leave.
process.exit(0);
