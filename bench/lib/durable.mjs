// The durable rows, measured beside each other in one run: Baton with its SQLite store, Baton in memory,
// LangGraph.js with its SQLite checkpointer, Mastra with its LibSQL storage, the bare SQLite loop that
// makes Baton's writes and nothing else, and that loop with the in-memory flow run between its writes.
// Each row runs in fresh processes: `durable-child.mjs` for time per flow and committed transitions per
// second (sequentially, and with runs in flight), `child.mjs --mode=heap` for the heap per parked flow;
// the sequential ratios come from paired rounds of `durable-child.mjs`. bench/run.ts calls
// `measureDurable` and `durableSection`.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BENCH = fileURLToPath(new URL('../', import.meta.url));

/** The rows of the durable comparison, in table order. */
export const DURABLE_ROWS = [
  'baton-sqlite',
  'baton',
  'langgraph-sqlite',
  'mastra-libsql',
  'sqlite-floor',
  'sqlite-floor-flow',
];

/** Rows that load Baton, and so need tsx when Baton runs from its sources. */
const LOADS_BATON = new Set(['baton-sqlite', 'baton', 'sqlite-floor', 'sqlite-floor-flow']);

/**
 * The rows of the paired rounds: the sequential ratios are taken from these, each round running them one
 * after the other, so that each ratio compares rows measured seconds apart on the same disk.
 */
const PAIRED = ['sqlite-floor', 'baton-sqlite', 'sqlite-floor-flow'];

/** Sequential runs of one row in one paired round: after warm-up, this many runs or this long. */
const PAIR_RUN = { warm: 30, iters: 400, maxMs: 2500 };

/** How much each measurement runs, full or quick. */
export function durableCounts(quick) {
  return quick
    ? { warm: 20, iters: 300, maxMs: 3000, inFlight: 1000, rounds: 1, parked: 500, passes: 1, pairs: 3 }
    : { warm: 50, iters: 2000, maxMs: 8000, inFlight: 1000, rounds: 1, parked: 1000, passes: 3, pairs: 15 };
}

/**
 * Measures every durable row; `child(args, timeoutMs)` runs node with `args` in the repository root and
 * returns the parsed `BENCH_RESULT` or why it failed; `loader` is what Baton rows need to load Baton.
 */
export async function measureDurable({ child, loader, quick, log }) {
  if (process.env.BENCH_NOSYNC)
    throw new Error('BENCH_NOSYNC is set: the durable rows would not run with synchronous=FULL. Unset it.');
  const counts = durableCounts(quick);
  const results = new Map();
  for (const id of DURABLE_ROWS) {
    const { row } = await import(pathToFileURL(join(BENCH, 'rows', `${id}.mjs`)).href);
    results.set(id, { id, label: row.label, time: null, heap: null, passes: [] });
  }
  const flags = (id) => ['--expose-gc', ...(LOADS_BATON.has(id) ? loader : [])];
  for (let pass = 1; pass <= counts.passes; pass += 1) {
    for (const result of results.values()) {
      log(`durable ${result.id} (pass ${pass}/${counts.passes})…`);
      const measured = child(
        [
          ...flags(result.id),
          join(BENCH, 'lib', 'durable-child.mjs'),
          `--row=${result.id}`,
          `--warm=${counts.warm}`,
          `--iters=${counts.iters}`,
          `--max-ms=${counts.maxMs}`,
          `--in-flight=${counts.inFlight}`,
          `--rounds=${counts.rounds}`,
        ],
        600_000,
      );
      if (typeof measured === 'string') {
        if (!result.time) result.error = measured;
        continue;
      }
      result.passes.push(measured);
      result.time = best(result.passes);
    }
  }
  for (const result of results.values()) {
    log(`durable ${result.id}: heap per parked flow…`);
    const heap = child(
      [
        ...flags(result.id),
        join(BENCH, 'lib', 'child.mjs'),
        `--row=${result.id}`,
        '--mode=heap',
        `--warm=${counts.warm}`,
        `--max-ms=${counts.maxMs}`,
        `--parked=${counts.parked}`,
      ],
      600_000,
    );
    result.heap = typeof heap === 'string' ? null : heap;
    if (typeof heap === 'string') result.heapError = heap;
  }
  const pairs = [];
  for (let round = 0; round < counts.pairs; round += 1) {
    log(`durable paired round ${round + 1}/${counts.pairs}…`);
    // The order alternates, so that no row always runs first (or last) after the others.
    const order = round % 2 === 0 ? PAIRED : [...PAIRED].reverse();
    const measured = {};
    for (const id of order) {
      const result = child(
        [
          ...flags(id),
          join(BENCH, 'lib', 'durable-child.mjs'),
          `--row=${id}`,
          `--warm=${PAIR_RUN.warm}`,
          `--iters=${PAIR_RUN.iters}`,
          `--max-ms=${PAIR_RUN.maxMs}`,
          '--in-flight=1',
          '--rounds=0',
        ],
        120_000,
      );
      if (typeof result !== 'string') measured[id] = perSec(result.seq.transitions, result.seq.ms);
    }
    pairs.push(measured);
  }
  return { counts, results, pairs };
}

/**
 * The ratio `of / to` of committed transitions per second in each paired round that measured both: the
 * median, the lowest and the highest, and how many rounds; null when none did.
 */
export function pairedRatio(pairs, of, to) {
  const ratios = pairs
    .filter((p) => Number.isFinite(p[of]) && Number.isFinite(p[to]))
    .map((p) => p[of] / p[to])
    .sort((a, b) => a - b);
  if (ratios.length === 0) return null;
  const mid = Math.floor(ratios.length / 2);
  const median = ratios.length % 2 === 1 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
  return { median, low: ratios[0], high: ratios.at(-1), rounds: ratios.length };
}

/** The passes' best: the fastest sequential phase and the fastest round in flight, each as measured. */
function best(passes) {
  const seq = passes.map((p) => p.seq).sort((a, b) => a.ms / a.flows - b.ms / b.flows)[0];
  const concurrent = passes.map((p) => p.concurrent).sort((a, b) => a.ms - b.ms)[0];
  return { seq, concurrent, inFlight: passes[0].inFlight };
}

/** The version of a package installed under `dir`, or `not installed`. */
function versionIn(dir, name) {
  const file = join(dir, 'node_modules', name, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : 'not installed';
}

const perSec = (n, ms) => (n / ms) * 1000;
const fmt = (x, digits = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';
const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(2)} ms` : '–');

/** The derived numbers of one row: per flow, per second, per transaction. */
function derive(result) {
  const t = result.time;
  if (!t) return null;
  const { seq, concurrent } = t;
  const counted = seq.transitions !== undefined;
  return {
    flowMs: seq.ms / seq.flows,
    cpuMs: seq.cpuMs / seq.flows,
    seqFlows: perSec(seq.flows, seq.ms),
    seqTransitions: counted ? perSec(seq.transitions, seq.ms) : Number.NaN,
    seqTransactions: counted ? perSec(seq.transactions, seq.ms) : Number.NaN,
    transitionsPerFlow: counted ? seq.transitions / seq.flows : Number.NaN,
    transactionsPerFlow: counted ? seq.transactions / seq.flows : Number.NaN,
    inFlightFlows: perSec(concurrent.flows, concurrent.ms),
    inFlightTransitions: counted ? perSec(concurrent.transitions, concurrent.ms) : Number.NaN,
    inFlightTransactionsPerFlow: counted ? concurrent.transactions / concurrent.flows : Number.NaN,
    inFlightWritesPerTransaction: counted
      ? (concurrent.flows * (seq.transactions / seq.flows)) / concurrent.transactions
      : Number.NaN,
  };
}

/** The markdown of the durable section: what was run, the table, and the targets with their verdicts. */
export function durableSection({ counts, results, pairs = [] }) {
  const d = new Map([...results.values()].map((r) => [r.id, derive(r)]));
  const baton = d.get('baton-sqlite');
  const floor = d.get('sqlite-floor');
  const lang = d.get('langgraph-sqlite');
  const mastra = d.get('mastra-libsql');
  const table = [
    '| row | time per flow (sequential) | CPU per flow (user + system) | heap per parked flow | transitions / transactions per flow | committed transitions/s, sequential | transactions/s, sequential | runs/s with 1,000 in flight | committed transitions/s with 1,000 in flight | transactions per run in flight |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const result of results.values()) {
    const x = d.get(result.id);
    const heap = result.heap
      ? `${result.heap.perParkedFlowKiB.toFixed(1)} KiB`
      : `not measured${result.heapError ? `: ${result.heapError}` : ''}`;
    if (!x) {
      table.push(
        `| ${result.label} (\`${result.id}\`) | not measured: ${result.error ?? 'no result'} | | ${heap} | | | | | | |`,
      );
      continue;
    }
    const counted = Number.isFinite(x.transitionsPerFlow);
    table.push(
      `| ${result.label} (\`${result.id}\`) | ${ms(x.flowMs)} | ${ms(x.cpuMs)} | ${heap} | ${counted ? `${fmt(x.transitionsPerFlow, 1)} / ${fmt(x.transactionsPerFlow, 1)}` : 'nothing stored'} | ${counted ? fmt(x.seqTransitions) : '–'} | ${counted ? fmt(x.seqTransactions) : '–'} | ${fmt(x.inFlightFlows)} | ${counted ? fmt(x.inFlightTransitions) : '–'} | ${counted ? fmt(x.inFlightTransactionsPerFlow, 3) : '–'} |`,
    );
  }
  const verdict = (ok) => (ok === null ? 'not measured' : ok ? '**meets**' : '**misses**');
  const peers = [lang, mastra].filter(Boolean);
  const faster =
    baton && lang && mastra
      ? `${ms(baton.flowMs)} per flow against ${ms(lang.flowMs)} (LangGraph + SqliteSaver) and ${ms(mastra.flowMs)} (Mastra + LibSQLStore); with 1,000 in flight ${fmt(baton.inFlightFlows)} runs/s against ${fmt(lang.inFlightFlows)} and ${fmt(mastra.inFlightFlows)}`
      : 'not measured';
  const fasterOk =
    baton && peers.length === 2
      ? peers.every((p) => baton.flowMs < p.flowMs && baton.inFlightFlows > p.inFlightFlows)
      : null;
  const seqRatio = baton && floor ? baton.seqTransitions / floor.seqTransitions : Number.NaN;
  const paired = pairedRatio(pairs, 'baton-sqlite', 'sqlite-floor');
  const pct = (x) => `${(x * 100).toFixed(0)} %`;
  const spread = (r) => `${pct(r.median)} (${pct(r.low)}–${pct(r.high)} over ${r.rounds} rounds)`;
  // One fsync per transition allows at most as many transitions per second as the bare loop commits
  // transactions when it runs alone: each of its transactions is one fsync and almost nothing else.
  const fsyncLimit = floor ? floor.seqTransactions : Number.NaN;
  const groupRatio = baton ? baton.inFlightTransitions / fsyncLimit : Number.NaN;
  const writeRatio = baton
    ? (baton.inFlightTransitions * (baton.transactionsPerFlow / baton.transitionsPerFlow)) / fsyncLimit
    : Number.NaN;
  const targets = [
    '| target | measured | verdict |',
    '|---|---|---|',
    `| faster than both peers' durable rows | ${faster} | ${verdict(fasterOk)} |`,
    `| sequential committed transitions/s ≥ 70 % of the bare loop | ${paired ? `median of the paired rounds: ${spread(paired)}` : 'paired rounds: not measured'}; in the table above ${fmt(baton?.seqTransitions)} against ${fmt(floor?.seqTransitions)}: ${Number.isFinite(seqRatio) ? pct(seqRatio) : '–'} | ${verdict(paired ? paired.median >= 0.7 : null)} |`,
    `| with 1,000 runs in flight, group commit passes one fsync per transition | ${fmt(baton?.inFlightTransitions)} transitions/s against at most ${fmt(fsyncLimit)} with one fsync each (${Number.isFinite(groupRatio) ? `${groupRatio.toFixed(2)}×` : '–'}); counting every write Baton makes (${baton ? fmt(baton.transactionsPerFlow / baton.transitionsPerFlow, 2) : '–'} per transition), ${fmt(baton ? baton.inFlightTransitions * (baton.transactionsPerFlow / baton.transitionsPerFlow) : Number.NaN)} writes/s against the same ${fmt(fsyncLimit)} (${Number.isFinite(writeRatio) ? `${writeRatio.toFixed(2)}×` : '–'}); ${baton ? fmt(baton.inFlightWritesPerTransaction, 0) : '–'} writes per transaction | ${verdict(Number.isFinite(groupRatio) ? groupRatio > 1 : null)} |`,
  ];
  const bounded = pairedRatio(pairs, 'sqlite-floor-flow', 'sqlite-floor');
  const layer = pairedRatio(pairs, 'baton-sqlite', 'sqlite-floor-flow');
  const bound =
    bounded && layer
      ? `What bounds the sequential ratio: the bare loop with the in-memory flow run between its writes (\`sqlite-floor-flow\`: every write and every step of a durable Baton run, but no durable layer: no snapshot taken, nothing serialised, no lease kept) reaches ${spread(bounded)} of the bare loop's committed transitions per second. No durable layer making these writes for this flow can do better on this machine. Baton's durable layer reaches ${spread(layer)} of that bound. Run alone, the flow takes ${ms(d.get('baton')?.flowMs)} per flow (\`baton\`).`
      : 'What bounds the sequential ratio: not measured.';
  return [
    '## Durable runs',
    '',
    `The five-agent chain with each framework's own durable setup, every row on one SQLite file of its own in WAL mode with \`synchronous=FULL\` (an fsync at every commit), each in fresh processes: ${counts.warm} warm-up runs, then up to ${counts.iters} sequential runs (at most ${counts.maxMs / 1000} s), then ${counts.rounds} round${counts.rounds > 1 ? 's' : ''} of ${counts.inFlight.toLocaleString('en-US')} runs started at once after a warm-up round of 100${counts.passes > 1 ? `; ${counts.passes} passes interleaved over the rows, the better of each kept` : ''}. Heap per parked flow: ${counts.parked.toLocaleString('en-US')} runs parked in the third agent, as in "Memory". The sequential ratios come from ${counts.pairs} paired rounds: in each, the bare loop, Baton and the loop with the flow run one after the other in fresh processes (${PAIR_RUN.warm} warm-up runs, then up to ${PAIR_RUN.iters} runs or ${PAIR_RUN.maxMs / 1000} s each, the order alternating by round), so that each ratio compares rows measured seconds apart: the disk's fsyncs slow down and speed up by 2× from one minute to the next, which moves rows measured minutes apart more than anything the rows do. A *transition* is a state change the row made durable (a Baton commit, a LangGraph checkpoint, a Mastra snapshot); a *transaction* is a write transaction committed to the file, each one fsync. The bare loop makes exactly Baton's writes (its transactions recorded at the store's connection in a Baton run: the same statements with the same parameters) and nothing else. "CPU per flow" counts the kernel's work for the writes and fsyncs too, which is most of it for the bare loop.`,
    '',
    `Versions: libsql ${versionIn(join(BENCH, '..'), 'libsql')} (Baton's store and the bare loop); @langchain/langgraph-checkpoint-sqlite ${versionIn(BENCH, '@langchain/langgraph-checkpoint-sqlite')} on libsql ${versionIn(BENCH, 'better-sqlite3')} (installed in place of better-sqlite3, which would compile from source here); @mastra/libsql ${versionIn(BENCH, '@mastra/libsql')} with @libsql/client ${versionIn(BENCH, '@libsql/client')} on libsql ${versionIn(BENCH, 'libsql')}.`,
    '',
    ...table,
    '',
    ...targets,
    '',
    bound,
    '',
  ];
}
