// The soak test of the workers: four worker processes advance runs of the support example on
// its offline models against a throwaway Postgres; in the second round, every two seconds, a worker that
// holds a run halfway through is killed with SIGKILL and replaced. Whatever the kills hit, every run ends
// once, with the output the same ticket gets in memory, no run is left behind, no run is advanced by two
// workers, and no model call is made twice except the ones in flight in a killed worker (made again with
// the same idempotency key).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Model, runFlow } from 'baton-flow';
import { enqueueRun, PostgresStore } from 'baton-flow/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket } from '../../examples/support/contracts.js';
import { support } from '../../examples/support/flow.js';
import { billingModel, techModel, triageModel } from '../../examples/support/models.js';
import { supportTicket } from '../fixtures/support-tickets.js';
import { postgresMissing, skippedNote, usePostgres } from '../helpers/postgres.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const postgres = usePostgres();
const SCHEMA = 'soak';
const WORKERS = 4;
/**
 * Runs per round: 60 in the suite, where other test files share the two cores; BATON_SOAK_RUNS=200 runs
 * the full-size soak (docs/scale-out.md gives its last result).
 */
const RUNS = Number(process.env.BATON_SOAK_RUNS ?? 60);
/** The waits scale with the runs. */
const SCALE = Math.max(1, RUNS / 60);
/** How long each model call takes in the round with kills, so that kills find calls in flight. */
const MODEL_MS = 100;
const KILL_EVERY_MS = 2_000;

let url = '';
let store: PostgresStore | null = null;
let folder = '';
const processes: { id: string; proc: ChildProcess; exited: Promise<void> }[] = [];
beforeAll(async () => {
  if (postgresMissing !== null) return;
  url = await postgres.database();
  store = await PostgresStore.open(url, { schema: SCHEMA });
  folder = mkdtempSync(join(tmpdir(), 'baton-soak-'));
}, 120_000);
afterAll(async () => {
  for (const { proc, exited } of processes.splice(0)) {
    proc.kill('SIGKILL');
    await exited;
  }
  await store?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

const ticket = supportTicket;

/** The same ticket in memory, in this process: its output and how many model calls it makes. */
async function inMemory(input: Ticket): Promise<{ output: unknown; calls: number }> {
  let calls = 0;
  const counted = (model: Model): Model => ({
    id: model.id,
    call: (request) => {
      calls += 1;
      return model.call(request);
    },
  });
  const models = { triage: counted(triageModel), billing: counted(billingModel), tech: counted(techModel) };
  const result = await runFlow(support, input, { models });
  if (result.status !== 'done') throw new Error(`the in-memory run of ${input.id} ended ${result.status}`);
  return { output: result.output, calls };
}

/** Starts a worker process; resolves once it takes jobs. */
async function startWorker(id: string, modelMs: number): Promise<void> {
  const log = join(folder, `calls-${id}.jsonl`);
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/worker-soak.ts', url, SCHEMA, log, id, String(modelMs)],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  const exited = new Promise<void>((done) => proc.on('exit', () => done()));
  processes.push({ id, proc, exited });
  await new Promise<void>((started, failed) => {
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('STARTED')) started();
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    proc.on('exit', (code, signal) => failed(new Error(`worker ${id} exited ${code ?? signal}: ${err}`)));
  });
}

/** Kills worker `id` with SIGKILL and waits until it is gone. */
async function kill(id: string): Promise<void> {
  const at = processes.findIndex((p) => p.id === id);
  const found = processes.splice(at, 1)[0];
  if (!found) throw new Error(`no worker ${id}`);
  found.proc.kill('SIGKILL');
  await found.exited;
}

/** A model call a worker process logged before making it. */
interface CallLine {
  readonly worker: string;
  readonly at: number;
  readonly key: string;
}
/** What a worker process did with a run it took a job of: took it, let it go (skipped, failed), left it. */
interface EventLine {
  readonly worker: string;
  readonly at: number;
  readonly event: string;
  readonly run: string;
  readonly why: string;
}

/** Every line the worker processes logged, in the order they logged them. */
function logLines(): (CallLine | EventLine)[] {
  return readdirSync(folder)
    .filter((name) => name.startsWith('calls-') || name.startsWith('events-'))
    .flatMap((name) =>
      readFileSync(join(folder, name), 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as CallLine | EventLine),
    )
    .sort((a, b) => a.at - b.at);
}

/** Waits (generously: the machine is shared) until no run of `ids` is left unended. */
async function allEnded(ids: readonly string[], ms: number, during?: () => Promise<void>): Promise<void> {
  const end = Date.now() + ms;
  const db = store as PostgresStore;
  for (;;) {
    const open = await db.list({ status: ['running', 'awaiting_human'], limit: 1_000 });
    const left = open.filter((run) => ids.includes(run.id));
    if (left.length === 0) return;
    if (Date.now() > end)
      throw new Error(
        `Waited ${ms} ms; ${left.length} runs are left: ${JSON.stringify(left.map(({ snapshot: _, ...run }) => run))}`,
      );
    if (during) await during();
    else await new Promise((done) => setTimeout(done, 100));
  }
}

/** The commits of the runs, in order: which holder made each sequence number. */
async function commits(): Promise<Map<string, { seq: number; holder: string }[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT run_id, seq, holder FROM ${SCHEMA}.commits ORDER BY run_id, seq`,
    );
    const byRun = new Map<string, { seq: number; holder: string }[]>();
    for (const row of rows) {
      const list = byRun.get(String(row.run_id)) ?? [];
      list.push({ seq: Number(row.seq), holder: String(row.holder) });
      byRun.set(String(row.run_id), list);
    }
    return byRun;
  } finally {
    await client.end();
  }
}

/** A live worker that holds the lease of a run of `ids` it has committed to, which has not ended. */
async function holdingMidRun(ids: readonly string[]): Promise<string | undefined> {
  const db = store as PostgresStore;
  const running = await db.list({ status: ['running'], limit: 1_000 });
  const byRun = await commits();
  const alive = new Set(processes.map((p) => p.id));
  for (const run of running) {
    const holder = run.lease?.holder;
    if (holder === undefined || !ids.includes(run.id)) continue;
    const worker = holder.split('/')[0]!;
    if (alive.has(worker) && (byRun.get(run.id) ?? []).some((c) => c.holder === holder)) return worker;
  }
  return undefined;
}

/** Checks each run of a round against its ticket in memory; returns the runs taken over from a killed worker. */
async function checkRound(round: string, ids: readonly string[], killed: ReadonlySet<string>) {
  const db = store as PostgresStore;
  const byRun = await commits();
  const lines = logLines();
  const calls = lines.filter((line): line is CallLine => 'key' in line);
  const doings = lines.filter((line): line is EventLine => 'event' in line);
  let takenOver = 0;
  for (const [i, runId] of ids.entries()) {
    const expected = await inMemory(ticket(round, i));
    const run = await db.get(runId);
    if (!run) throw new Error(`run ${runId} is gone`);
    expect(run.status, runId).toBe('done');
    const ending = (run.snapshot.snapshot as { context: { ending?: { output?: unknown } } }).context.ending;
    expect(ending?.output, runId).toEqual(expected.output);
    // It ended once: one run.ended in a log whose sequence numbers run 1, 2, 3, ... without a gap.
    const events = await db.events(runId);
    expect(
      events.filter((e) => e.type === 'run.ended'),
      runId,
    ).toHaveLength(1);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, n) => n + 1));
    // One advancer at a time: each commit number once, and a holder that lost the run never commits again.
    const made = byRun.get(runId) ?? [];
    expect(
      made.map((c) => c.seq),
      runId,
    ).toEqual(made.map((_, n) => n + 1));
    const holders = made.map((c) => c.holder).filter((h, n, all) => n === 0 || all[n - 1] !== h);
    expect(new Set(holders).size, runId).toBe(holders.length);
    const workers = new Set(holders.map((h) => h.split('/')[0]));
    if (workers.size > 1) takenOver += 1;
    // Each of its model calls was paid for once, except a call in flight in a worker that lost the run
    // then (killed, or stalled past its lease on this loaded machine, so that another worker took the run
    // over): made again, with the same key, by the worker that took it over (who may lose it in turn).
    // Of the workers that made one call, all but one were killed or let the run go after making it.
    const mine = calls.filter((c) => c.key.startsWith(`${runId}:`));
    const keys = new Set(mine.map((c) => c.key));
    expect(keys.size, runId).toBe(expected.calls);
    const story = () =>
      lines
        .filter((line) => ('key' in line ? line.key.startsWith(`${runId}:`) : line.run === runId))
        .map((line) => JSON.stringify(line))
        .join('\n');
    for (const key of keys) {
      const makers = mine.filter((c) => c.key === key);
      expect(new Set(makers.map((c) => c.worker)).size, `${key} made twice by one worker`).toBe(
        makers.length,
      );
      const kept = makers.filter(
        (call) =>
          !killed.has(call.worker) &&
          !doings.some(
            (e) =>
              e.worker === call.worker &&
              e.run === runId &&
              e.at >= call.at &&
              (e.event === 'run.skipped' || e.event === 'run.failed'),
          ),
      );
      expect(
        kept.length,
        `${key} made by ${makers.length} workers that kept the run:\n${story()}`,
      ).toBeLessThanOrEqual(1);
    }
  }
  return takenOver;
}

/** Enqueues the round's runs, twenty at a time; their ids in ticket order. */
async function enqueueAll(db: PostgresStore, round: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < RUNS; i += 20) {
    const batch = Array.from({ length: Math.min(20, RUNS - i) }, (_, n) =>
      enqueueRun({ store: db, flow: support, input: ticket(round, i + n) }),
    );
    ids.push(...(await Promise.all(batch)));
  }
  return ids;
}

describe.skipIf(postgresMissing !== null)(`workers under kills${skippedNote}`, () => {
  it(
    `ends each of ${RUNS} runs once with the in-memory output over ${WORKERS} worker processes, then again with one killed every ${KILL_EVERY_MS / 1000} s`,
    async () => {
      const db = store as PostgresStore;
      let next = 0;
      const starting = Array.from({ length: WORKERS }, () => startWorker(`w${++next}`, 0));
      const calm = await enqueueAll(db, 'a');
      await Promise.all(starting);
      await allEnded(calm, 60_000 * SCALE);
      for (const { id } of [...processes]) await kill(id); // idle now: they make way for slower ones
      expect(await checkRound('a', calm, new Set())).toBe(0);

      // The second round: a backlog, slower models, and every two seconds a kill of a worker making calls.
      const stormy = await enqueueAll(db, 'b');
      await Promise.all(Array.from({ length: WORKERS }, () => startWorker(`w${++next}`, MODEL_MS)));
      const killed = new Set<string>();
      const replacements: Promise<void>[] = [];
      let lastKill = 0;
      await allEnded(stormy, 90_000 * SCALE, async () => {
        await new Promise((done) => setTimeout(done, 100));
        if (Date.now() - lastKill < KILL_EVERY_MS) return;
        // A worker that holds a run it has committed to and not ended: the kill leaves that run half done,
        // for another worker to take over. (A worker picked because it made a call may have ended its runs
        // by the time the kill lands, on a loaded machine, and then nothing is taken over.)
        const busy = await holdingMidRun(stormy);
        if (busy === undefined) return;
        lastKill = Date.now();
        killed.add(busy);
        await kill(busy);
        replacements.push(startWorker(`w${++next}`, MODEL_MS));
      });
      await Promise.all(replacements);
      for (const { id } of [...processes]) await kill(id);
      expect(killed.size).toBeGreaterThan(0);
      expect(await checkRound('b', stormy, killed)).toBeGreaterThan(0);
    },
    180_000 * SCALE,
  );
});
