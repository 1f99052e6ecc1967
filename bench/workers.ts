// The workers benchmark: `npx tsx bench/workers.ts [--runs N] [--quick] [--db postgres://...]`.
// Runs of the support example on its offline models, through 1, 2 and 4 worker processes against one
// Postgres, beside the same runs in one process on the SQLite store and on the Postgres store without
// workers, in the same run. Each row is measured twice: with model calls that return at once (what
// Baton, the store and the queue cost) and with calls that take 200 ms (a provider's latency, where
// workers pay off). It prints runs per second and commit latency per row as a Markdown table.
//
// Without --db it starts a throwaway PostgreSQL cluster that commits durably (fsync on, as a server in
// production does; the tests' clusters turn it off), and removes it after.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Model, runFlow, SqliteStore, type Store } from 'baton-flow';
import { enqueueRun, PostgresStore } from 'baton-flow/postgres';
import { support } from '../examples/support/flow.js';
import { billingModel, techModel, triageModel } from '../examples/support/models.js';
import { supportTicket } from '../test/fixtures/support-tickets.js';
import { findBinaries, startCluster } from '../test/helpers/postgres-cluster.js';
import { slowed, timeCommits } from './lib/store-timing.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string' },
    quick: { type: 'boolean', default: false },
    db: { type: 'string' },
  },
});
const RUNS = Number(args.runs ?? (args.quick ? 60 : 200));
/** Runs each process advances at once: the workers' default. */
const SLOTS = 4;
const MODEL_MS = args.quick ? [0] : [0, 200];
const WORKERS = [1, 2, 4];
const log = (line: string) => process.stderr.write(`${line}\n`);

const ticket = (i: number) => supportTicket('bench', i);

interface Row {
  readonly name: string;
  readonly modelMs: number;
  readonly runsPerSecond: number;
  readonly commits: readonly number[];
  readonly notDone: number;
}

const percentile = (xs: readonly number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/** The runs in this process on `store`, `SLOTS` at a time. */
async function inProcess(name: string, store: Store, modelMs: number): Promise<Row> {
  const models: Record<string, Model> = {
    triage: slowed(triageModel, modelMs),
    billing: slowed(billingModel, modelMs),
    tech: slowed(techModel, modelMs),
  };
  const commits = timeCommits(store);
  let next = 0;
  let notDone = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: SLOTS }, async () => {
      for (let i = next++; i < RUNS; i = next++) {
        const result = await runFlow(support, ticket(i), { store, models });
        if (result.status !== 'done') notDone += 1;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { name, modelMs, runsPerSecond: RUNS / seconds, commits: [...commits], notDone };
}

/** A worker process; resolves once it takes jobs. */
function startProcess(url: string, schema: string, id: string, modelMs: number) {
  const proc: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/lib/worker-process.ts', url, schema, id, String(SLOTS), String(modelMs)],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => proc.on('exit', (code) => done(code)));
  const started = new Promise<void>((done, failed) => {
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('STARTED')) done();
    });
    void exited.then((code) => failed(new Error(`worker ${id} exited ${code}: ${err}`)));
  });
  const result = async (): Promise<number[]> => {
    proc.stdin?.write('stop\n');
    await exited;
    const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
    if (!line) throw new Error(`worker ${id} gave no result: ${err}`);
    return (JSON.parse(line.slice('BENCH_RESULT '.length)) as { commits: number[] }).commits;
  };
  return { started, result, kill: () => proc.kill('SIGKILL') };
}

/** The runs through `count` worker processes, enqueued once they all take jobs. */
async function throughWorkers(url: string, count: number, modelMs: number): Promise<Row> {
  const schema = `bench_w${count}_m${modelMs}`;
  const store = await PostgresStore.open(url, { schema });
  const processes = Array.from({ length: count }, (_, n) => startProcess(url, schema, `w${n + 1}`, modelMs));
  try {
    await Promise.all(processes.map((p) => p.started));
    const t0 = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i += 20)
      ids.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(20, RUNS - i) }, (_, k) =>
            enqueueRun({ store, flow: support, input: ticket(i + k) }),
          ),
        )),
      );
    for (;;) {
      const { rows } = await store.pool.query(
        `SELECT count(*)::int AS open FROM ${schema}.runs WHERE status IN ('running', 'awaiting_human')`,
      );
      if (rows[0]?.open === 0) break;
      await new Promise((done) => setTimeout(done, 20));
    }
    const seconds = (performance.now() - t0) / 1000;
    const { rows } = await store.pool.query(
      `SELECT count(*)::int AS n FROM ${schema}.runs WHERE status <> 'done'`,
    );
    const commits = (await Promise.all(processes.map((p) => p.result()))).flat();
    return {
      name: `Postgres, ${count} worker process${count > 1 ? 'es' : ''}`,
      modelMs,
      runsPerSecond: ids.length / seconds,
      commits,
      notDone: Number(rows[0]?.n ?? 0),
    };
  } finally {
    for (const p of processes) p.kill();
    await store.close();
  }
}

const startedAt = new Date();
const before = loadavg();
const t0 = performance.now();
let stopCluster: (() => Promise<void>) | null = null;
let url = args.db ?? '';
if (!url) {
  const binaries = findBinaries();
  if (typeof binaries === 'string')
    throw new Error(`Cannot start a Postgres for the benchmark: ${binaries}.`);
  log('starting a throwaway PostgreSQL cluster (fsync on)…');
  const cluster = await startCluster(binaries, { durable: true });
  url = cluster.url;
  stopCluster = cluster.stop;
}
const folder = mkdtempSync(join(tmpdir(), 'baton-bench-workers-'));
const rows: Row[] = [];
try {
  for (const modelMs of MODEL_MS) {
    log(`model calls of ${modelMs} ms: SQLite in one process…`);
    const sqlite = await SqliteStore.open(join(folder, `runs-${modelMs}.db`));
    rows.push(await inProcess('SQLite, one process (baseline)', sqlite, modelMs));
    await sqlite.close();
    log('  Postgres in one process, no workers…');
    const direct = await PostgresStore.open(url, { schema: `bench_direct_m${modelMs}` });
    rows.push(await inProcess('Postgres, one process, no workers', direct, modelMs));
    await direct.close();
    for (const count of WORKERS) {
      log(`  ${count} worker process(es)…`);
      rows.push(await throughWorkers(url, count, modelMs));
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
  await stopCluster?.();
}

const after = loadavg();
const load = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' / ');
const ms = (x: number) => x.toFixed(x < 10 ? 2 : 1);
const lines = [
  `| Setup | Model call | Runs/s | vs SQLite baseline | Commit p50 | Commit p95 | Commits | Not done |`,
  `|---|---|---:|---:|---:|---:|---:|---:|`,
];
for (const row of rows) {
  const baseline = rows.find((r) => r.modelMs === row.modelMs && r.name.startsWith('SQLite'));
  lines.push(
    `| ${row.name} | ${row.modelMs} ms | ${row.runsPerSecond.toFixed(1)} | ${baseline ? (row.runsPerSecond / baseline.runsPerSecond).toFixed(2) : '-'}× | ${ms(percentile(row.commits, 50))} ms | ${ms(percentile(row.commits, 95))} ms | ${row.commits.length} | ${row.notDone} |`,
  );
}
process.stdout.write(
  `${[
    ...lines,
    '',
    `${RUNS} runs of the support example per row, ${SLOTS} at a time per process; ${cpus().length} cores.`,
    `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC in ${((performance.now() - t0) / 60_000).toFixed(1)} minutes; load average ${load(before)} (1/5/15 min) at the start, ${load(after)} at the end.`,
  ].join('\n')}\n`,
);
