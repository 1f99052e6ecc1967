// The benchmark harness: `npm run bench` (after `npm ci`). Builds Baton, runs every row of bench/rows in
// fresh Node processes (time, heap, cold import), prints a table and writes docs/benchmarks.md.
//   npm run bench                      full run (about 10 minutes on 2 cores, under 15)
//   npm run bench -- --quick           small counts, prints only (add --write to write the doc anyway)
//   npm run bench -- --rows baton,xstate-ajv --quick
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ROOT, rootDeps as resolveRootDeps, runChild } from './lib/children.js';
import { durableSection, measureDurable } from './lib/durable.mjs';

const BENCH = join(ROOT, 'bench');
const CHILD = join(BENCH, 'lib', 'child.mjs');

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    rows: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const quick = args.quick;

/** Iteration counts: the full run stays well under 15 minutes on the 2-core machine. */
const COUNTS = quick
  ? { warm: 50, iters: 300, maxMs: 3000, concurrency: 200, rounds: 1, parked: 1000, passes: 1, imports: 3 }
  : {
      warm: 300,
      iters: 8000,
      maxMs: 10_000,
      concurrency: 1000,
      rounds: 4,
      parked: 10_000,
      passes: 3,
      imports: 7,
    };

/** The rows, in table order. */
const ROWS = [
  'floor',
  'xstate',
  'xstate-ajv',
  'baton',
  'baton-lean',
  'baton-otel-noop',
  'baton-scripted',
  'baton-deadline',
  'baton-sqlite',
  'langgraph',
  'langgraph-memory',
  'openai-agents',
  'mastra',
] as const;
type RowId = (typeof ROWS)[number];
const BASELINE: RowId = 'xstate-ajv';

interface Seq {
  n: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
  cpuUs: number;
}
interface TimeResult {
  seq5: Seq;
  seq1: Seq;
  perHandoffUs: number;
  throughput: { concurrency: number; rounds: number; medianMs: number; flowsPerSec: number };
}
interface HeapResult {
  parked: number;
  perParkedFlowKiB: number;
  arrayBuffersPerParkedFlowKiB: number;
  retainedPerFinishedFlowKiB: number;
  arrayBuffersRetainedPerFinishedFlowKiB: number;
}
interface RowMeta {
  id: RowId;
  label: string;
  packages: string[];
  notMeasured?: string;
}
interface RowOutcome {
  meta: RowMeta;
  time: TimeResult | string;
  heap: HeapResult | string;
  passes: number[];
}

const log = (line: string) => process.stderr.write(`${line}\n`);

const child = runChild;

function packageVersion(dir: string, name: string): string {
  const file = join(dir, 'node_modules', name, 'package.json');
  if (!existsSync(file)) return 'not installed';
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

// 1. Build Baton, so the rows (and the import row) load the compiled dist/ like a user would.
let batonKind: 'dist' | 'src' = 'dist';
let buildNote =
  'built with `npm run build` (tsc for the declarations, esbuild bundling the modules) at the start of this run';
if (args['no-build']) {
  buildNote = 'dist/ as found (the run was started with --no-build)';
} else {
  log('building Baton (npm run build)…');
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) {
    buildNote = `\`npm run build\` exited ${build.status} (type errors in files being edited?)`;
  }
}
if (!existsSync(join(ROOT, 'dist', 'index.js'))) {
  batonKind = 'src';
  buildNote = 'dist/ could not be built: the Baton rows ran index.ts through tsx';
}

// 2. Resolve xstate and ajv exactly as the library at the root does.
const rootDeps = resolveRootDeps();
const batonUrl = (kind: 'dist' | 'src') =>
  pathToFileURL(join(ROOT, kind === 'src' ? 'index.ts' : 'dist/index.js')).href;
const deps = { ...rootDeps, baton: batonUrl(batonKind) };
const env: NodeJS.ProcessEnv = { ...process.env, BENCH_DEPS: JSON.stringify(deps), NODE_ENV: 'production' };
const loader = batonKind === 'src' ? ['--import', 'tsx'] : [];

// 3. Row metadata.
const selected = args.rows ? (args.rows.split(',') as RowId[]) : [...ROWS];
const metas = new Map<RowId, RowMeta>();
for (const id of selected) {
  const meta = child<RowMeta>(
    [
      '--input-type=module',
      '-e',
      `const { row } = await import(${JSON.stringify(pathToFileURL(join(BENCH, 'rows', `${id}.mjs`)).href)}); process.stdout.write('\\nBENCH_RESULT ' + JSON.stringify({ id: row.id, label: row.label, packages: row.packages, notMeasured: row.notMeasured }) + '\\n');`,
    ],
    env,
    30_000,
  );
  if (typeof meta === 'string') throw new Error(`row ${id}: ${meta}`);
  metas.set(id, meta);
}

const startedAt = new Date();
const loadBefore = loadavg();
const t0 = performance.now();

// 4. Time: each row in fresh processes, the passes interleaved over the rows; the best pass counts.
const outcomes = new Map<RowId, RowOutcome>();
for (const meta of metas.values()) {
  outcomes.set(meta.id, { meta, time: meta.notMeasured ?? '', heap: meta.notMeasured ?? '', passes: [] });
}
const countArgs = [
  `--warm=${COUNTS.warm}`,
  `--iters=${COUNTS.iters}`,
  `--max-ms=${COUNTS.maxMs}`,
  `--concurrency=${COUNTS.concurrency}`,
  `--rounds=${COUNTS.rounds}`,
  `--parked=${COUNTS.parked}`,
];
const needsLoader = (id: RowId) => id.startsWith('baton');
for (let pass = 1; pass <= COUNTS.passes; pass += 1) {
  for (const outcome of outcomes.values()) {
    const { id, notMeasured } = outcome.meta;
    if (notMeasured) continue;
    log(`time ${id} (pass ${pass}/${COUNTS.passes})…`);
    const flags = ['--expose-gc', ...(needsLoader(id) ? loader : [])];
    const result = child<TimeResult>(
      [...flags, CHILD, `--row=${id}`, '--mode=time', ...countArgs],
      env,
      300_000,
    );
    if (typeof result === 'string') {
      if (typeof outcome.time !== 'object') outcome.time = result;
      continue;
    }
    outcome.passes.push(result.seq5.meanUs);
    if (typeof outcome.time !== 'object' || result.seq5.meanUs < outcome.time.seq5.meanUs)
      outcome.time = result;
  }
}

// 5. Heap per parked flow: one fresh process per row.
for (const outcome of outcomes.values()) {
  const { id, notMeasured } = outcome.meta;
  if (notMeasured) continue;
  log(`heap ${id}…`);
  const flags = ['--expose-gc', ...(needsLoader(id) ? loader : [])];
  outcome.heap = child<HeapResult>(
    [...flags, CHILD, `--row=${id}`, '--mode=heap', ...countArgs],
    env,
    300_000,
  );
}

// 5b. The durable rows beside each other, when the SQLite row is run: time and heap per flow, and
// committed transitions per second, sequentially and with 1,000 runs in flight.
const durable = metas.has('baton-sqlite')
  ? await measureDurable({
      child: (nodeArgs, timeoutMs) => child(nodeArgs, env, timeoutMs),
      loader,
      quick,
      log,
    })
  : null;

// 6. Cold import: a fresh process per sample, the targets interleaved; the first round is discarded.
const importTargets: { id: string; label: string; flags: string[]; specifiers: string[] }[] = [
  { id: 'xstate', label: 'xstate', flags: [], specifiers: [rootDeps.xstate] },
  { id: 'xstate-ajv', label: 'xstate + ajv', flags: [], specifiers: [rootDeps.xstate, rootDeps.ajv] },
  { id: 'baton-dist', label: 'Baton, dist/index.js', flags: [], specifiers: [batonUrl('dist')] },
  {
    id: 'baton-src',
    label: 'Baton, index.ts through tsx',
    flags: ['--import', 'tsx'],
    specifiers: [batonUrl('src')],
  },
  { id: 'langgraph', label: '@langchain/langgraph', flags: [], specifiers: ['@langchain/langgraph'] },
  { id: 'openai-agents', label: '@openai/agents', flags: [], specifiers: ['@openai/agents'] },
  { id: 'mastra', label: '@mastra/core/workflows', flags: [], specifiers: ['@mastra/core/workflows'] },
];
const importSamples = new Map<string, number[] | string>(importTargets.map((t) => [t.id, []]));
const importScript = join(BENCH, 'lib', 'import-time.mjs');
for (let round = 0; round <= COUNTS.imports; round += 1) {
  log(`cold imports, round ${round}/${COUNTS.imports}…`);
  for (const target of importTargets) {
    if (target.id === 'baton-dist' && !existsSync(join(ROOT, 'dist', 'index.js'))) {
      importSamples.set(target.id, 'not measured: dist/ not built');
      continue;
    }
    const samples = importSamples.get(target.id);
    if (typeof samples === 'string') continue;
    const result = child<{ ms: number }>([...target.flags, importScript, ...target.specifiers], env, 60_000);
    if (typeof result === 'string') importSamples.set(target.id, result);
    else if (round > 0) samples?.push(result.ms);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const importMs = new Map<string, number | string>(
  [...importSamples].map(([id, s]) => [id, typeof s === 'string' ? s : median(s)]),
);

// 7. defineFlow and `check` of a 50-agent dense flow.
log('defineFlow and check of a 50-agent dense flow…');
interface DenseResult {
  agents: number;
  routes: number;
  ms: number;
  firstMs: number;
  checkMs?: number;
  checkFirstMs?: number;
  diagnostics?: string[];
}
const dense = child<DenseResult>([...loader, join(BENCH, 'lib', 'dense-flow.mjs'), '50'], env, 300_000);

// 8. Targets, and a CPU profile of Baton when it misses the time target.
const time = (id: RowId) => {
  const t = outcomes.get(id)?.time;
  return typeof t === 'object' ? t : null;
};
const heap = (id: RowId) => {
  const h = outcomes.get(id)?.heap;
  return typeof h === 'object' ? h : null;
};
const base = time(BASELINE);
const baton = time('baton');
const timeRatio = base && baton ? baton.seq5.meanUs / base.seq5.meanUs : Number.NaN;
const p50Ratio = base && baton ? baton.seq5.p50Us / base.seq5.p50Us : Number.NaN;
const cpuRatio = base && baton ? baton.seq5.cpuUs / base.seq5.cpuUs : Number.NaN;
const bareHeap = heap('xstate');
const batonHeap = heap('baton');
const heapRatio = bareHeap && batonHeap ? batonHeap.perParkedFlowKiB / bareHeap.perParkedFlowKiB : Number.NaN;
const importBase = importMs.get('xstate-ajv');
const importBaton = importMs.get('baton-dist');
const importRatio =
  typeof importBase === 'number' && typeof importBaton === 'number' ? importBaton / importBase : Number.NaN;

interface ProfileLine {
  key: string;
  ms: number;
  share: number;
}
interface ProfileSummary {
  busyMs: number;
  gcShare: number;
  selfByFunction: ProfileLine[];
  selfByFile: ProfileLine[];
  inclusiveBaton: ProfileLine[];
}
let profile: ProfileSummary | string | null = null;
if (metas.has('baton') && (!(timeRatio <= 1.5) || quick)) {
  log('profiling Baton (V8 CPU profiler)…');
  const dir = mkdtempSync(join(tmpdir(), 'baton-prof-'));
  const file = join(dir, 'baton.cpuprofile');
  const run = child<{ seq5: Seq }>(
    ['--expose-gc', ...loader, CHILD, '--row=baton', '--mode=profile', ...countArgs, `--profile-out=${file}`],
    env,
    300_000,
  );
  if (typeof run === 'string' || !existsSync(file))
    profile = typeof run === 'string' ? run : 'no profile written';
  else {
    const summary = child<ProfileSummary>(
      [
        '--input-type=module',
        '-e',
        `import { readFileSync } from 'node:fs'; const { summarize } = await import(${JSON.stringify(pathToFileURL(join(BENCH, 'lib', 'cpu-profile.mjs')).href)}); process.stdout.write('\\nBENCH_RESULT ' + JSON.stringify(summarize(JSON.parse(readFileSync(${JSON.stringify(file)}, 'utf8')), 12)) + '\\n');`,
      ],
      env,
      60_000,
    );
    profile = summary;
  }
  for (const name of readdirSync(dir)) rmSync(join(dir, name));
  rmSync(dir, { recursive: true });
}

const elapsedMin = (performance.now() - t0) / 60_000;
const loadAfter = loadavg();

// 9. The report.
const us = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${x.toFixed(1)} µs`);
const ratio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const verdict = (x: number, max: number) =>
  Number.isFinite(x) ? (x <= max ? '**meets**' : '**misses**') : 'not measured';

const timeTable = [
  '| row | mean | p50 | p99 | CPU / flow | per handoff (5−1)/4 | throughput (1,000 at once) | × XState+ajv (mean) | × XState+ajv (p50) | mean of each pass |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
];
const memTable = [
  '| row | heap per parked flow | × bare XState | × XState+ajv | + off-heap ArrayBuffers | retained per finished flow (heap + ArrayBuffers) |',
  '|---|---:|---:|---:|---:|---:|',
];
for (const { meta } of outcomes.values()) {
  const t = time(meta.id);
  const h = heap(meta.id);
  const label = `${meta.label} (\`${meta.id}\`)`;
  const raw = outcomes.get(meta.id);
  if (t && base) {
    timeTable.push(
      `| ${label} | ${us(t.seq5.meanUs)} | ${us(t.seq5.p50Us)} | ${us(t.seq5.p99Us)} | ${us(t.seq5.cpuUs)} | ${us(t.perHandoffUs)} | ${Math.round(t.throughput.flowsPerSec).toLocaleString('en-US')} flows/s | ${ratio(t.seq5.meanUs / base.seq5.meanUs)} | ${ratio(t.seq5.p50Us / base.seq5.p50Us)} | ${(raw?.passes ?? []).map(us).join(' / ')} |`,
    );
  } else {
    timeTable.push(`| ${label} | ${notMeasured(raw?.time)} | | | | | | | | |`);
  }
  if (h && bareHeap) {
    const baseHeap = heap(BASELINE);
    memTable.push(
      `| ${label} | ${h.perParkedFlowKiB.toFixed(1)} KiB | ${ratio(h.perParkedFlowKiB / bareHeap.perParkedFlowKiB)} | ${baseHeap ? ratio(h.perParkedFlowKiB / baseHeap.perParkedFlowKiB) : '–'} | ${h.arrayBuffersPerParkedFlowKiB.toFixed(1)} KiB | ${h.retainedPerFinishedFlowKiB.toFixed(2)} + ${h.arrayBuffersRetainedPerFinishedFlowKiB.toFixed(2)} KiB |`,
    );
  } else {
    memTable.push(`| ${label} | ${notMeasured(raw?.heap)} | | | | |`);
  }
}
function notMeasured(value: unknown): string {
  if (typeof value === 'string' && value)
    return value.startsWith('not measured') ? value : `not measured: ${value}`;
  return 'not measured';
}

const importTable = ['| import | cold `await import()` (median) | × xstate+ajv |', '|---|---:|---:|'];
for (const target of importTargets) {
  const ms = importMs.get(target.id);
  importTable.push(
    typeof ms === 'number'
      ? `| ${target.label} | ${ms.toFixed(1)} ms | ${typeof importBase === 'number' ? ratio(ms / importBase) : '–'} |`
      : `| ${target.label} | ${notMeasured(ms)} | |`,
  );
}

const targets = [
  '| target | measured | verdict |',
  '|---|---|---|',
  `| time per flow ≤ 1.5× bare XState+ajv | ${ratio(timeRatio)} mean (${ratio(p50Ratio)} p50, ${ratio(cpuRatio)} CPU time) | ${verdict(timeRatio, 1.5)} |`,
  `| heap per parked in-flight flow ≤ 1.5× bare XState | ${ratio(heapRatio)} | ${verdict(heapRatio, 1.5)} |`,
  `| cold import ≤ 2× xstate+ajv | ${ratio(importRatio)} (dist/index.js) | ${verdict(importRatio, 2)} |`,
  sqliteTarget(),
  denseTarget(),
];

/** The SQLite row against the in-memory one: what keeping every run costs, fsync per commit included. */
function sqliteTarget(): string {
  const what = '| with the SQLite store, time per flow ≤ 3× Baton in memory |';
  const stored = time('baton-sqlite');
  if (!stored || !baton) return `${what} not measured | not measured |`;
  const r = stored.seq5.meanUs / baton.seq5.meanUs;
  return `${what} ${ratio(r)} mean (${(stored.seq5.meanUs / 1000).toFixed(2)} ms per flow, synchronous=FULL) | ${verdict(r, 3)} |`;
}

function denseTarget(): string {
  const what = '| `check` of a generated 50-agent dense flow < 1 s |';
  if (typeof dense === 'string') return `${what} ${notMeasured(dense)} | not measured |`;
  const define = `\`defineFlow\` of it (${dense.routes} routes): ${dense.ms.toFixed(0)} ms, first (cold) ${dense.firstMs.toFixed(0)} ms`;
  if (dense.checkMs === undefined)
    return `${what} not measured: the library exports no \`check\`; ${define} | not measured |`;
  const found = dense.diagnostics?.length ? dense.diagnostics.join(', ') : 'no diagnostics';
  return `${what} ${dense.checkMs.toFixed(0)} ms median of 3, first (cold) ${(dense.checkFirstMs ?? Number.NaN).toFixed(0)} ms (${found}); ${define} | ${verdict((dense.checkFirstMs ?? Number.POSITIVE_INFINITY) / 1000, 1)} |`;
}

const cpu = cpus();
const machine = [
  `- CPU: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free at the end); ${type()}`,
  `- Node ${process.version}; load average ${loadBefore.map((x) => x.toFixed(2)).join(' / ')} (1/5/15 min) at the start, ${loadAfter.map((x) => x.toFixed(2)).join(' / ')} at the end`,
  `- Run on ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${elapsedMin.toFixed(1)} minutes for the measurements`,
];
const rootPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const versions = [
  `- Baton ${rootPkg.version} (${buildNote}); xstate ${packageVersion(ROOT, 'xstate')}, ajv ${packageVersion(ROOT, 'ajv')}, ajv-formats ${packageVersion(ROOT, 'ajv-formats')} (the root's copies, used by the XState rows too)`,
  `- @langchain/langgraph ${packageVersion(BENCH, '@langchain/langgraph')}, @langchain/core ${packageVersion(BENCH, '@langchain/core')}; @openai/agents ${packageVersion(BENCH, '@openai/agents')} (openai ${packageVersion(BENCH, 'openai')}); @mastra/core ${packageVersion(BENCH, '@mastra/core')}; zod ${packageVersion(BENCH, 'zod')}`,
];

const profileSection: string[] = [];
if (profile && typeof profile === 'object') {
  profileSection.push(
    `Measured by this run: V8's CPU profiler (the one \`node --cpu-prof\` uses, started after warm-up, 100 µs sampling) over ${COUNTS.iters} sequential 5-agent Baton flows: ${profile.busyMs.toFixed(0)} ms sampled, ${pct(profile.gcShare)} of it in the garbage collector.`,
    '',
    '| self time, by function | share |',
    '|---|---:|',
    ...profile.selfByFunction.map((l) => `| \`${l.key}\` | ${pct(l.share)} |`),
    '',
    '| inclusive time, Baton functions | share |',
    '|---|---:|',
    ...profile.inclusiveBaton.map((l) => `| \`${l.key}\` | ${pct(l.share)} |`),
    '',
  );
} else if (typeof profile === 'string') {
  profileSection.push(`The profile of this run failed: ${profile}`, '');
}
const findingsFile = join(BENCH, 'findings.md');
const findings = existsSync(findingsFile) ? readFileSync(findingsFile, 'utf8').trim() : '';

const report = [
  '# Benchmarks',
  '',
  'Generated by `npm run bench` (bench/run.ts); the analysis under "Findings" comes from bench/findings.md. Do not edit this file by hand.',
  '',
  "The workload, the same for every row: five agents in a chain (triage → research → draft → review → finish, four handoffs), each returning at once a small payload `{ ticketId, notes[], step }` that is handed to the next; every run's final payload is checked (ticket id, the five notes in order, step 5), so no row can skip work. Each row runs in fresh Node processes (`--expose-gc`), so one framework's async hooks cannot slow another.",
  '',
  '## Machine',
  '',
  ...machine,
  ...versions,
  '',
  '## Targets',
  '',
  ...targets,
  '',
  '## Time per flow',
  '',
  `Sequential runs after warm-up (${COUNTS.warm} runs of each chain; then up to ${COUNTS.iters} timed runs of the 5-agent chain and ${COUNTS.iters} of a 1-agent chain, each phase capped at ${COUNTS.maxMs / 1000} s). Each row ran in ${COUNTS.passes} fresh process${COUNTS.passes > 1 ? 'es, the passes interleaved over the rows; the pass with the lower mean is shown' : ''}. "CPU / flow" is the process's user + system CPU time per sequential run (all threads, so GC helpers count). Throughput: ${COUNTS.concurrency.toLocaleString('en-US')} flows started at once, median of ${COUNTS.rounds} rounds after one warm-up round.`,
  '',
  ...timeTable,
  '',
  '## Memory',
  '',
  `${COUNTS.parked.toLocaleString('en-US')} flows parked in the third agent (its model call or step awaits one shared promise), in a fresh process after warm-up: \`global.gc()\` then \`process.memoryUsage().heapUsed\`, minus the same reading before the flows started, divided by the number of flows. Off-heap ArrayBuffer memory (\`process.memoryUsage().arrayBuffers\`, where serialized checkpoints live) is not in \`heapUsed\` and is shown beside it. "Retained per finished flow" is the same reading after they are released and finished, with the row's runner still reachable: memory a row keeps for every flow it ever ran. A few tenths of a KiB either way is noise.`,
  '',
  ...memTable,
  '',
  '## Cold import',
  '',
  `A fresh process per sample timing \`await import(…)\` of the entry (process start-up, and tsx's own start-up, not counted), median of ${COUNTS.imports} samples after one discarded round; the targets are interleaved. The OS file cache is warm: "cold" means a new process, not a cold disk.`,
  '',
  ...importTable,
  '',
  ...(durable ? durableSection(durable) : []),
  '## What biases the comparison',
  '',
  "- The machine is shared: other engineers' tests and type checks ran on the same 2 cores during the run (see the load averages above). Wall-clock means and p99s carry their preemptions; the p50 and CPU-time columns are less disturbed, and every ratio compares rows measured minutes apart, not side by side. Re-running moves single numbers by 15% or more.",
  "- The rows do not do the same work around the chain, by design: each does what its framework does. Baton validates the input, every handoff and the result against JSON Schema (ajv), fingerprints every payload for loop detection, meters usage and budgets, and records an event log per run; bare XState+ajv validates the same six payloads and nothing else; LangGraph validates nothing; OpenAI Agents JS validates each handoff with zod and passes the growing conversation to the next agent (transcript passing) and parses the final text with the last agent's zod `outputType`; Mastra validates every step input with zod (`validateInputs: true`) and emits watch events.",
  '- The `baton` row, which the targets are measured on, runs with the defaults: the event log of every run is built and kept in the result. `baton-lean` is the same flow with `runFlow(..., { events: false })`. Both are driven by a minimal custom `Model` (`{ id, call }`); `baton-scripted` uses `scripted(responder, { record: false })`, as a user would write it. `baton-deadline` is the `baton` row with `limits.ms` set: the run keeps one deadline timer, so a deadline should cost one timer per run, not one per model call.',
  '- The OpenAI Agents row uses @openai/agents 0.14.3, the newest release whose dependencies install on Node 20 (0.15 and later need `openai` ^7, which requires Node 22); the Mastra row uses @mastra/core 0.24.9, the newest release that supports Node 20 (1.x requires Node ≥ 22.13). Newer releases may be faster or slower.',
  "- Mastra 0.24.9 comes out about as fast as bare XState here (its default engine is a plain async loop over the steps). The issue's anchors (Mastra 3.2×, OpenAI Agents JS 8.2×, LangGraph.js 22× XState) came from other versions and another harness: compare ratios within one run.",
  "- LangGraph with `MemorySaver` keeps every thread's checkpoints for the life of the saver: its time per flow includes that growing store (one thread per run).",
  "- Each runner hands back its framework's own promise of the outcome (`toPromise(actor)` for the XState rows, `runFlow(...).then(check)` for Baton), so no row keeps a suspended frame of the harness per flow in flight.",
  '- The Baton rows load `dist/`, the published build: the entry points and a few shared chunks, bundled by esbuild (target node20); the peers load their published builds. NODE_ENV=production is set for every child.',
  '- "Per handoff" subtracts a 1-agent chain from the 5-agent chain; for Baton the 1-agent flow still validates input and output and judges the finish, so the difference is the cost of four handoffs plus four agent visits.',
  '',
  '## Findings',
  '',
  ...profileSection,
  findings,
  '',
];

const text = report.join('\n');
process.stdout.write(
  `\n${['## Targets', '', ...targets, '', '## Time per flow', '', ...timeTable, '', '## Memory', '', ...memTable, '', '## Cold import', '', ...importTable, '', ...(durable ? durableSection(durable) : [])].join('\n')}\n`,
);
if (!quick || args.write) {
  writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), text);
  log(`wrote docs/benchmarks.md (${elapsedMin.toFixed(1)} min)`);
}
