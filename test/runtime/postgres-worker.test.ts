// Workers on pg-boss against a throwaway Postgres: each test has a schema of its own (its store and its
// queue), its workers in this process, and for the takeover a worker in a child process killed with SIGKILL.
import { readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  answerRun,
  BatonError,
  cancelRun,
  defineAgent,
  defineFlow,
  type Model,
  type RunEvent,
  runFlow,
} from 'baton-flow';
import { enqueueRun, PostgresStore, startWorker, type WorkerEvent } from 'baton-flow/postgres';
import { scripted } from 'baton-flow/testing';
import pg from 'pg';
import PgBoss from 'pg-boss';
import Type from 'typebox';
import { describe, expect, it, vi } from 'vitest';
import { RunQueue } from '../../runtime/worker/run-queue.js';
import { killFlow, replyFor } from '../fixtures/durable-flow.js';
import { postgresMissing, skippedNote } from '../helpers/postgres.js';
import { tsxProcess } from '../helpers/processes.js';
import { recorder, until, useSchemas, useWorkers } from '../helpers/workers.js';

const { start, keep, folder } = useWorkers();
const { url, schema } = useSchemas({ prefix: 'w', keep });

const input = { topic: 'tides' };
const quick = { pollMs: 50, sweepMs: 100 } as const;

async function finished(store: PostgresStore, runId: string) {
  const run = await until(
    () => store.get(runId),
    // The lease is let go of right after the last commit.
    (read) =>
      read !== null &&
      ['done', 'escalated', 'failed', 'cancelled'].includes(read.status) &&
      read.lease === null,
    `run ${runId} to end`,
  );
  if (!run) throw new Error(`run ${runId} is gone`);
  return run;
}

/** What a worker said when it left a run (it says so after its last commit and the lease's release). */
async function left(events: readonly WorkerEvent[], runId: string) {
  const found = await until(
    async () => events.find((e) => e.type === 'run.left' && e.runId === runId),
    (event) => event !== undefined,
    `the worker to leave run ${runId}`,
  );
  return found;
}

/**
 * Who made a run's last commit. A cancel ended by the worker holding the run is committed by that worker;
 * `cancelRun` commits it itself only when no process holds the run.
 */
async function lastCommitter(schemaName: string, runId: string): Promise<string> {
  const client = new pg.Client({ connectionString: url() });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT holder FROM ${schemaName}.commits WHERE run_id = $1 ORDER BY seq DESC LIMIT 1`,
      [runId],
    );
    return String(rows[0]?.holder);
  } finally {
    await client.end();
  }
}

/** An event as two runs of the same flow share it: no run id, no time. */
const comparable = (events: readonly RunEvent[]) =>
  events.map(({ runId: _, at: __, ...rest }) =>
    JSON.parse(JSON.stringify(rest).replaceAll(/run-[\w-]+:/g, 'run:')),
  );

/** The reference: the same flow and input, in memory. */
async function inMemory() {
  const { log, calls } = recorder();
  const result = await runFlow(killFlow(log), input, { runId: 'run-memory' });
  return { result, calls };
}

/** A model that blocks until its call is aborted, and says when a call starts. */
function blocking() {
  const keys: string[] = [];
  let started: () => void = () => undefined;
  const first = new Promise<void>((resolve) => {
    started = resolve;
  });
  const model: Model = {
    id: 'blocking',
    call: (request) =>
      new Promise((_, reject) => {
        keys.push(request.idempotencyKey);
        started();
        request.signal.addEventListener(
          'abort',
          () => reject(new BatonError('aborted', 'The call was aborted.', { retryable: true })),
          { once: true },
        );
      }),
  };
  return { model, keys, first };
}

describe.skipIf(postgresMissing !== null)(`workers on pg-boss${skippedNote}`, () => {
  it('advances an enqueued run to its end as an in-memory run goes, each call paid once', async () => {
    const { open } = schema();
    const store = await open();
    const { log, calls } = recorder();
    const runId = await enqueueRun({ store, flow: killFlow(log), input });
    expect(await store.get(runId)).toMatchObject({ status: 'running', seq: 0, lease: null });
    const events: WorkerEvent[] = [];
    await start({ store, flows: [killFlow(log)], ...quick, onEvent: (event) => events.push(event) });
    const run = await finished(store, runId);
    const reference = await inMemory();
    expect(run).toMatchObject({ status: 'done', lease: null });
    expect(comparable(await store.events(runId))).toEqual(comparable(reference.result.events));
    expect(calls.map((c) => c.replace(runId, 'run'))).toEqual(
      reference.calls.map((c) => c.replace('run-memory', 'run')),
    );
    await left(events, runId);
    expect(events.map((e) => e.type)).toEqual(['run.taken', 'run.left']);
  });

  it('starts pg-boss once per store to send jobs, however many runs it enqueues', async () => {
    const starts = vi.spyOn(PgBoss.prototype, 'start');
    try {
      const { open } = schema();
      const [first, second] = [await open(), await open()];
      const { log } = recorder();
      const ids = await Promise.all(
        Array.from({ length: 5 }, () => enqueueRun({ store: first, flow: killFlow(log), input })),
      );
      expect(starts).toHaveBeenCalledTimes(1);
      ids.push(await enqueueRun({ store: second, flow: killFlow(log), input }));
      await enqueueRun({ store: first, runId: ids[0] as string });
      expect(starts).toHaveBeenCalledTimes(2);
      const { rows } = await first.pool.query(
        `SELECT count(*)::int AS jobs FROM ${first.schema}_queue.job WHERE name = 'flow.' || $1`,
        [killFlow(log).id],
      );
      expect(rows[0]).toEqual({ jobs: 7 });
    } finally {
      starts.mockRestore();
    }
  });

  it('advances a run whose job is delivered twice once: one delivery advances it, the other finds nothing to do', async () => {
    const { open, name } = schema();
    const store = await open();
    const { log, calls } = recorder();
    const runId = await enqueueRun({ store, flow: killFlow(log), input });
    await enqueueRun({ store, runId }); // the same run's job again, as a redelivery would bring it
    const events: WorkerEvent[] = [];
    const onEvent = (event: WorkerEvent) => events.push(event);
    // Two workers with connections of their own, as two machines have.
    await Promise.all([
      start({ store, flows: [killFlow(log)], ...quick, onEvent, id: 'one' }),
      start({ store: await open(), flows: [killFlow(log)], ...quick, onEvent, id: 'two' }),
    ]);
    await finished(store, runId);
    await until(
      async () => events.filter((e) => e.type === 'run.left' || e.type === 'run.skipped').length,
      (n) => n === 2,
      'both jobs to be settled',
    );
    expect(events.filter((e) => e.type === 'run.left')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'run.skipped')).toHaveLength(1);
    expect(new Set(calls).size).toBe(calls.length);
    expect(calls).toHaveLength((await inMemory()).calls.length);
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    const { rows } = await client.query(`SELECT seq FROM ${name}.commits WHERE run_id = $1 ORDER BY seq`, [
      runId,
    ]);
    await client.end();
    const last = (await store.get(runId))?.seq ?? 0;
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  });

  it('hands a cancel from another process to the worker holding the run at once, not at its next lease renewal', async () => {
    const { open, name } = schema();
    const store = await open();
    const { log } = recorder();
    const { model, first } = blocking();
    const runId = await enqueueRun({ store, flow: killFlow(log), input });
    // A lease of ten minutes is renewed every 200 s: only the notification can end the run within the test.
    const worker = await start({ store, flows: [killFlow(log)], ...quick, leaseMs: 600_000, models: model });
    await first;
    await cancelRun(await open(), runId);
    const run = await finished(store, runId);
    expect(run).toMatchObject({ status: 'cancelled', lease: null });
    const ended = (await store.events(runId)).at(-1);
    expect(ended).toMatchObject({ type: 'run.ended', status: 'cancelled' });
    expect(await lastCommitter(name, runId)).toMatch(new RegExp(`^${worker.id}/`));
  });

  it('keeps a run in flight when pg-boss delivers its job again after the job expired: a cancel still reaches it', async () => {
    const { open, name } = schema();
    const store = await open();
    const { log } = recorder();
    const { model, first } = blocking();
    const runId = await enqueueRun({ store, flow: killFlow(log), input });
    const worker = await start({ store, flows: [killFlow(log)], ...quick, leaseMs: 600_000, models: model });
    await first;
    // What pg-boss does with a job that outlived its expiry: the same job, with its id, is delivered again.
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      const state = async () =>
        (
          await client.query(`SELECT state FROM ${name}_queue.job WHERE data->>'runId' = $1`, [runId])
        ).rows.map((row) => String(row.state));
      await client.query(`UPDATE ${name}_queue.job SET state = 'created' WHERE data->>'runId' = $1`, [runId]);
      await until(
        state,
        (states) => states.length === 1 && states[0] !== 'created',
        'the job to be fetched again',
      );
    } finally {
      await client.end();
    }
    await new Promise((done) => setTimeout(done, 200)); // the worker's polls that would take it up again
    expect(worker.running()).toEqual([runId]);
    // The run is still the worker's: a cancel from another process ends it at once, not at the renewal in 200 s.
    await cancelRun(await open(), runId);
    expect(await finished(store, runId)).toMatchObject({ status: 'cancelled', lease: null });
  });

  it('sweeps a run enqueued again after an earlier job of it failed, but not one whose latest job failed', async () => {
    const { open, name } = schema();
    const store = await open();
    const { log } = recorder();
    const flow = killFlow(log);
    const runId = await enqueueRun({ store, flow, input });
    const queue = await RunQueue.shared(store);
    const swept = async () =>
      (await queue.unclaimed({ flows: [flow.id], before: Date.now() + 1, leaseMs: 1000, limit: 10 })).map(
        (run) => run.id,
      );
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      const jobs = `${name}_queue.job`;
      // Its first job failed for good; it was enqueued again, and a worker that died before it leased the
      // run took that job an hour ago.
      await client.query(
        `UPDATE ${jobs} SET state = 'failed', created_on = now() - interval '2 hours' WHERE data->>'runId' = $1`,
        [runId],
      );
      await enqueueRun({ store, runId });
      await client.query(
        `UPDATE ${jobs} SET state = 'active', started_on = now() - interval '1 hour'
         WHERE data->>'runId' = $1 AND state = 'created'`,
        [runId],
      );
      expect(await swept()).toEqual([runId]);
      // Its latest job failed for good: the sweep leaves it.
      await client.query(
        `UPDATE ${jobs} SET state = 'failed' WHERE data->>'runId' = $1 AND state = 'active'`,
        [runId],
      );
      expect(await swept()).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('releases a run in flight when it stops, and another worker finishes it from its last commit', async () => {
    const { open } = schema();
    const store = await open();
    const { log, calls } = recorder();
    const { model, keys, first } = blocking();
    const runId = await enqueueRun({ store, flow: killFlow(log), input });
    const events: WorkerEvent[] = [];
    const leaving = await start({
      store,
      flows: [killFlow(log)],
      ...quick,
      models: model,
      onEvent: (event) => events.push(event),
    });
    await first;
    const before = await store.get(runId);
    await leaving.stop({ graceMs: 0 });
    expect(events.map((e) => e.type)).toEqual(['run.taken', 'run.released']);
    // Nothing of the stopped worker's abort was committed: the run is where its last commit left it.
    expect(await store.get(runId)).toMatchObject({ status: 'running', seq: before?.seq, lease: null });
    await start({ store: await open(), flows: [killFlow(log)], ...quick });
    expect(await finished(store, runId)).toMatchObject({ status: 'done' });
    // The call in flight at the stop is the one made again, with the same idempotency key.
    expect(calls[0]).toBe(`model ${keys[0]}`);
    expect(new Set(calls).size).toBe(calls.length);
  });

  it('stops within its grace and a few seconds when the database stops answering mid-run', async () => {
    const { name, open } = schema();
    const { log } = recorder();
    // A way to the database that can go silent: data stops flowing both ways, and no connection closes.
    let silent = false;
    const proxy = await databaseProxy({ pass: () => !silent, hangUpTogether: true });
    let store: PostgresStore | null = null;
    try {
      store = await PostgresStore.open(proxy.url, { schema: name });
      const runId = await enqueueRun({ store, flow: killFlow(log), input });
      let reached: () => void = () => undefined;
      const atCall = new Promise<void>((done) => {
        reached = done;
      });
      const inner = replyFor(log);
      const model: Model = {
        id: 'silenced',
        call: async (request) => {
          reached();
          silent = true; // the database goes silent while the call is in flight
          return inner.call(request);
        },
      };
      const worker = await startWorker({ store, flows: [killFlow(log)], ...quick, models: model });
      await atCall;
      const stopping = worker.stop({ graceMs: 200 });
      const outcome = await Promise.race([
        stopping.then(() => 'stopped'),
        new Promise((done) => setTimeout(() => done('still stopping after 15 s'), 15_000)),
      ]);
      expect(outcome).toBe('stopped');
      // Nothing lost: the run is at its last commit, for another worker once its lease expires.
      expect((await (await open()).get(runId))?.status).toBe('running');
    } finally {
      await proxy.close();
      await store?.close().catch(() => undefined);
    }
  });

  it('no longer counts as serving its flows once stop resolves, even while the server has not seen it hang up', async () => {
    const { name, open } = schema();
    const { log } = recorder();
    const flow = killFlow(log);
    // A way to the database that keeps the server's side open after the worker hangs up, as a busy server
    // does until the session's backend has exited: its session locks would outlive the worker's stop. The
    // protocol's Terminate message ('X', length 4) is not passed on, so the session lives on.
    const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);
    const proxy = await databaseProxy({ pass: (data) => !data.equals(TERMINATE), hangUpTogether: false });
    let store: PostgresStore | null = null;
    try {
      store = await PostgresStore.open(proxy.url, { schema: name });
      const direct = await open();
      const worker = await startWorker({ store, flows: [flow], ...quick });
      expect(await direct.servedFlows([flow.id])).toEqual(new Set([flow.id]));
      await worker.stop({ graceMs: 0 });
      expect(await direct.servedFlows([flow.id])).toEqual(new Set());
    } finally {
      await proxy.close();
      await store?.close().catch(() => undefined);
    }
  });

  it('lets go of a run that waits for a person: no lease, no slot; the answer goes on with it elsewhere', async () => {
    const { open } = schema();
    const store = await open();
    const Ticket = Type.Object({ id: Type.String() });
    const Reply = Type.Object({ id: Type.String(), serial: Type.String() });
    const asker = defineAgent({
      name: 'asker',
      description: 'Asks for the serial number, then replies.',
      input: Ticket,
      instructions: 'Ask for the serial number, then finish with it.',
      ask: true,
      model: scripted((request) => {
        const answer = request.messages.find((m) => m.role === 'tool' && m.name === 'ask_human');
        if (answer?.role !== 'tool') return { ask: 'What is the serial number?' };
        return { finish: { id: 'T-1', serial: answer.content } };
      }),
    });
    const asking = defineFlow({
      id: 'asking',
      input: Ticket,
      output: Reply,
      start: 'asker',
      agents: [asker],
      finish: ['asker'],
    });
    const { log } = recorder();
    const events: WorkerEvent[] = [];
    // One slot: the second run can go only if the waiting one holds none.
    const worker = await start({
      store,
      flows: [asking, killFlow(log)],
      ...quick,
      concurrency: 1,
      onEvent: (event) => events.push(event),
    });
    const waitingId = await enqueueRun({ store, flow: asking, input: { id: 'T-1' } });
    // The worker lets go of the lease, then says so: wait for what it says.
    await left(events, waitingId);
    expect(events).toContainEqual({
      type: 'run.left',
      runId: waitingId,
      flow: 'asking',
      status: 'awaiting_human',
    });
    expect(await store.get(waitingId)).toMatchObject({ status: 'awaiting_human', lease: null });
    const other = await enqueueRun({ store, flow: killFlow(log), input });
    expect(await finished(store, other)).toMatchObject({ status: 'done' });
    await until(
      async () => worker.running(),
      (running) => running.length === 0,
      'the worker to be idle',
    );
    // Another process answers: the run goes on there, from the store alone.
    const result = await answerRun(asking, waitingId, 'SN-1234', { store: await open() });
    expect(result).toMatchObject({ status: 'done', output: { id: 'T-1', serial: 'SN-1234' } });
  });

  it('goes on after every connection of the worker is cut mid-run: the run finishes, and a cancel still reaches it', async () => {
    const { open, name } = schema();
    const store = await open();
    const { log, calls } = recorder();
    const inner = replyFor(log);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { model: stuck, first: stuckStarted } = blocking();
    let reached: () => void = () => undefined;
    const atGate = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const gated: Model = {
      id: 'gated',
      call: async (request) => {
        if (request.input && (request.input as { topic?: string }).topic === 'stuck')
          return stuck.call(request);
        reached();
        await gate;
        return inner.call(request);
      },
    };
    const runId = await enqueueRun({ store, flow: killFlow(log), input });
    const worker = await start({ store, flows: [killFlow(log)], ...quick, leaseMs: 600_000, models: gated });
    await atGate;
    const admin = new pg.Client({ connectionString: url() });
    await admin.connect();
    const { rows } = await admin.query(
      `SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'baton' AND pid <> pg_backend_pid()`,
    );
    await admin.end();
    expect(rows.length).toBeGreaterThan(1); // the pool's connections and the worker's own
    release();
    expect(await finished(store, runId)).toMatchObject({ status: 'done' });
    expect(new Set(calls).size).toBe(calls.length);
    // The worker's own connection came back: a cancel reaches a run at once again.
    const next = await enqueueRun({ store, flow: killFlow(log), input: { topic: 'stuck' } });
    await stuckStarted;
    await cancelRun(await open(), next);
    expect(await finished(store, next)).toMatchObject({ status: 'cancelled' });
    expect(await lastCommitter(name, next)).toMatch(new RegExp(`^${worker.id}/`));
  });

  it('leaves the job of a flow it does not have for a worker that has it', async () => {
    const { open } = schema();
    const store = await open();
    const { log } = recorder();
    const Note = Type.Object({ text: Type.String() });
    const writer = defineAgent({
      name: 'writer',
      description: 'Writes a note.',
      input: Note,
      instructions: 'Write the note.',
      model: scripted(() => ({ finish: { text: 'written' } }), { record: false }),
    });
    const notes = defineFlow({
      id: 'notes',
      input: Note,
      output: Note,
      start: 'writer',
      agents: [writer],
      finish: ['writer'],
    });
    const foreign = await enqueueRun({ store, flow: killFlow(log), input });
    const own = await enqueueRun({ store, flow: notes, input: { text: 'a note' } });
    await start({ store, flows: [notes], ...quick });
    // It has worked (its own run is done) and left the other flow's run as it was.
    expect(await finished(store, own)).toMatchObject({ status: 'done' });
    expect(await store.get(foreign)).toMatchObject({ status: 'running', seq: 0, lease: null });
    await start({ store: await open(), flows: [killFlow(log)], ...quick });
    expect(await finished(store, foreign)).toMatchObject({ status: 'done' });
  });

  it('keeps to a flow limit across workers', async () => {
    const { open } = schema();
    const store = await open();
    const { log } = recorder();
    let active = 0;
    let most = 0;
    const inner = replyFor(log);
    const slow: Model = {
      id: 'slow',
      call: async (request) => {
        active += 1;
        most = Math.max(most, active);
        try {
          await new Promise((done) => setTimeout(done, 20));
          return await inner.call(request);
        } finally {
          active -= 1;
        }
      },
    };
    const ids = [];
    for (let i = 0; i < 4; i += 1) ids.push(await enqueueRun({ store, flow: killFlow(log), input }));
    const options = {
      flows: [killFlow(log)],
      ...quick,
      concurrency: 3,
      models: slow,
      limits: { flows: { kill: 1 } },
    };
    await Promise.all([start({ store, ...options }), start({ store: await open(), ...options })]);
    for (const id of ids) expect(await finished(store, id)).toMatchObject({ status: 'done' });
    expect(most).toBe(1);
  });

  it('keeps to an agent limit while runs go on in parallel', async () => {
    const { open } = schema();
    const store = await open();
    const { log } = recorder();
    const active = new Map<string, number>();
    const most = new Map<string, number>();
    const inner = replyFor(log);
    const slow: Model = {
      id: 'slow',
      call: async (request) => {
        active.set(request.agent, (active.get(request.agent) ?? 0) + 1);
        most.set(request.agent, Math.max(most.get(request.agent) ?? 0, active.get(request.agent) ?? 0));
        try {
          await new Promise((done) => setTimeout(done, 20));
          return await inner.call(request);
        } finally {
          active.set(request.agent, (active.get(request.agent) ?? 1) - 1);
        }
      },
    };
    const ids = [];
    for (let i = 0; i < 4; i += 1) ids.push(await enqueueRun({ store, flow: killFlow(log), input }));
    const options = {
      flows: [killFlow(log)],
      ...quick,
      concurrency: 4,
      models: slow,
      limits: { agents: { writer: 1 } },
    };
    await Promise.all([start({ store, ...options }), start({ store: await open(), ...options })]);
    for (const id of ids) expect(await finished(store, id)).toMatchObject({ status: 'done' });
    expect(most.get('writer')).toBe(1);
  });

  it('takes over the run of a worker killed with SIGKILL once its lease expires, with no step by anyone', async () => {
    const { open, name } = schema();
    const store = await open();
    const logFile = join(folder('baton-worker-'), 'calls.jsonl');
    const { log, calls } = recorder();
    const runId = await enqueueRun({ store, flow: killFlow(log), input });
    await killWorkerAt(name, logFile, 'model:writer');
    const killed = await store.get(runId);
    expect(killed).toMatchObject({
      status: 'running',
      lease: { holder: expect.stringMatching(/^doomed\//) },
    });
    const events: WorkerEvent[] = [];
    await start({ store, flows: [killFlow(log)], ...quick, onEvent: (event) => events.push(event) });
    const run = await finished(store, runId);
    expect(run.status).toBe('done');
    expect(run.lease).toBeNull();
    const before = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; key: string });
    const all = [...before.map((c) => `${c.kind} ${c.key}`), ...calls];
    const twice = all.filter((key, i) => all.indexOf(key) !== i);
    // Only the call in flight at the kill was made again, with its idempotency key.
    expect(twice).toEqual([`model ${before.at(-1)?.key}`]);
    expect(new Set(all).size).toBe((await inMemory()).calls.length);
    expect(await left(events, runId)).toMatchObject({ status: 'done' });
  }, 60_000);
});

/** Runs a worker in a child process until it reaches `point` in a run, then kills it with SIGKILL. */
async function killWorkerAt(schemaName: string, logFile: string, point: string): Promise<void> {
  const worker = tsxProcess('test/fixtures/worker-child.ts', [url(), schemaName, logFile, point], {
    onOut: (out) => {
      if (out.includes('READY')) worker.child.kill('SIGKILL');
    },
  });
  const { signal, out, err } = await worker.ended;
  if (signal !== 'SIGKILL')
    throw new Error(`the worker ended without being killed at ${point}: ${out}${err}`);
}

/**
 * A TCP way to the test database: `pass` decides, per chunk, whether it goes on (either way); with
 * `hangUpTogether`, either side closing closes the other, else the server's side stays open until `close`.
 */
async function databaseProxy({
  pass,
  hangUpTogether,
}: {
  readonly pass: (data: Buffer) => boolean;
  readonly hangUpTogether: boolean;
}): Promise<{ readonly url: string; close(): Promise<void> }> {
  const target = new URL(url());
  const sockets: Socket[] = [];
  const proxy = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.push(client, upstream);
    client.on('data', (data: Buffer) => (pass(data) ? upstream.write(data) : undefined));
    upstream.on('data', (data: Buffer) => (pass(data) && !client.destroyed ? client.write(data) : undefined));
    for (const [one, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      one.on('error', () => other.destroy());
      if (hangUpTogether) one.on('close', () => other.destroy());
    }
  });
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  const proxied = new URL(url());
  proxied.hostname = '127.0.0.1';
  proxied.port = String((proxy.address() as { port: number }).port);
  return {
    url: proxied.toString(),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => proxy.close(done));
    },
  };
}
