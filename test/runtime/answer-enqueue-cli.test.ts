// `baton answer --enqueue`: the CLI, in a process of its own, takes an approval for a run in a throwaway
// Postgres and hands the run to the workers' queue; a worker then finishes it. And its misuses.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFlow, SqliteStore } from 'baton-flow';
import { enqueueRun, PostgresStore } from 'baton-flow/postgres';
import { describe, expect, it } from 'vitest';
import { type CallLog, killFlow } from '../fixtures/durable-flow.js';
import { runBaton, spawnBaton } from '../helpers/cli.js';
import { postgresMissing, skippedNote, usePostgres } from '../helpers/postgres.js';
import { logged, recorder, until, useWorkers } from '../helpers/workers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FLOW = join(root, 'test/fixtures/publish-flow.ts');
const APPROVE = '{"approved": true}';
const input = { topic: 'tides' };
// Workers that look for jobs only every ten minutes: within a test, they take a job when they start or
// when a notification brings them.
const deaf = { pollMs: 600_000, sweepMs: 600_000 } as const;

const postgres = usePostgres();

const { start, keep, folder, watch } = useWorkers();

/**
 * A Postgres store in a database of the test's own, in the default schema (`baton`), which is the one the
 * CLI opens for a `postgres://` URL; its pg-boss tables are in `baton_queue`.
 */
async function database() {
  const url = await postgres.database();
  const store = keep(await PostgresStore.open(url));
  return { url, store };
}

/**
 * A run of the kill flow parked at its approval by a worker that is stopped once the run waits, so that
 * no worker is left to take the job an answer sends. Returns the run's id and the id of its question.
 */
async function parked(store: PostgresStore, log: CallLog) {
  const flow = killFlow(log, true);
  const runId = await enqueueRun({ store, flow, input });
  const parker = await start({ store, flows: [flow], ...deaf, id: 'parker' });
  await until(
    () => store.get(runId),
    (run) => run?.status === 'awaiting_human' && run.lease === null,
    `run ${runId} to wait for its approval`,
    30_000,
  );
  await parker.stop();
  return { runId, question: questionOf(await store.get(runId)) };
}

/** The id of the question a stored run of the kill flow waits on. */
function questionOf(run: { readonly snapshot: { readonly snapshot: unknown } } | null): string {
  const snapshot = run?.snapshot.snapshot as { context: { verdict: { wait: { id: string } } } };
  return snapshot.context.verdict.wait.id;
}

/** The states of the jobs of a run in the kill flow's pg-boss queue. */
async function jobs(store: PostgresStore, runId: string): Promise<string[]> {
  const { rows } = await store.pool.query(
    `SELECT state FROM baton_queue.job WHERE name = 'flow.kill' AND data->>'runId' = $1 ORDER BY created_on`,
    [runId],
  );
  return rows.map((row) => String((row as { state: unknown }).state));
}

/** Runs `baton` in-process in `cwd`: its exit code, stdout as one text, and stderr. */
async function baton(argv: string[], cwd = root, env: Record<string, string> = {}) {
  const { code, out, err } = await runBaton(argv, cwd, env);
  return { code, out, err: err.join('\n') };
}

/** Runs `baton` in a process of its own, from the project folder, and waits for it to exit. */
async function batonProcess(argv: string[], env: Record<string, string>) {
  const cli = spawnBaton(argv, { env });
  watch(cli.child);
  const { code, out, err } = await cli.ended;
  return { code, out, err };
}

describe.skipIf(postgresMissing !== null)(`baton answer --enqueue${skippedNote}`, () => {
  it('takes an approval in its own process without running the tool; a worker then runs it once and finishes the run', async () => {
    const { url, store } = await database();
    const { log, calls } = recorder();
    const { runId, question } = await parked(store, log);
    expect(await jobs(store, runId)).not.toContain('created');
    const cliLog = join(folder('baton-answer-enqueue-'), 'cli.jsonl');

    const cli = await batonProcess(
      ['answer', FLOW, runId, APPROVE, '--question', question, '--db', url, '--enqueue'],
      { BATON_CALL_LOG: cliLog },
    );
    expect(cli, cli.err).toMatchObject({ code: 0, err: '' });
    expect(cli.out).toBe(
      `↷ answered (${question}): a worker of kill goes on with run ${runId}. baton show ${runId} shows where it is.\n`,
    );
    // The CLI made no model call and ran no tool; the run is free, with its job waiting in the queue.
    expect(logged(cliLog)).toEqual([]);
    expect(await store.get(runId)).toMatchObject({ status: 'running', lease: null });
    expect((await jobs(store, runId)).filter((state) => state === 'created')).toHaveLength(1);
    const answered = (await store.events(runId)).find(
      (event) => event.type === 'transition' && event.kind === 'answer',
    );
    expect(answered).toMatchObject({ answer: { approved: true }, question });
    expect(calls.filter((call) => call.startsWith('tool publish:'))).toEqual([]);

    await start({ store, flows: [killFlow(log, true)], ...deaf, id: 'finisher' });
    await until(
      () => store.get(runId),
      (run) => run?.status === 'done' && run.lease === null,
      `run ${runId} to end done`,
      30_000,
    );
    // The approved tool ran once, in the worker; no call was made twice by the two workers.
    expect(calls.filter((call) => call.startsWith('tool publish:'))).toHaveLength(1);
    expect(new Set(calls).size).toBe(calls.length);
    expect(logged(cliLog)).toEqual([]);
    await until(
      () => jobs(store, runId),
      (states) => !states.includes('created') && !states.includes('active'),
      `the jobs of run ${runId} to be completed`,
      30_000,
    );
  }, 90_000);

  it('refuses an answer that does not fit and enqueues nothing; a fitting one prints the result as JSON', async () => {
    const { url, store } = await database();
    const { log, calls } = recorder();
    const { runId, question } = await parked(store, log);
    const before = await store.get(runId);
    const jobsBefore = await jobs(store, runId);

    const invalid = await baton(['answer', FLOW, runId, '{"approved": "yes"}', '--db', url, '--enqueue']);
    expect(invalid.code).toBe(65);
    expect(invalid.err).toMatch(/^baton: invalid_answer: /);
    expect(invalid.out).toBe('');
    expect(await store.get(runId)).toEqual(before);
    expect(await jobs(store, runId)).toEqual(jobsBefore);

    const missing = await baton(['answer', FLOW, 'run-nope', APPROVE, '--db', url, '--enqueue']);
    expect(missing.code).toBe(66);
    expect(missing.err).toMatch(/^baton: run_not_found: /);

    const taken = await baton(['answer', FLOW, runId, APPROVE, '--db', url, '--enqueue', '--json']);
    expect(taken.code, taken.err).toBe(0);
    expect(JSON.parse(taken.out)).toEqual({ status: 'enqueued', runId, flow: 'kill', question });
    expect((await jobs(store, runId)).filter((state) => state === 'created')).toHaveLength(1);

    const again = await baton([
      'answer',
      FLOW,
      runId,
      '{"approved": false}',
      '--question',
      question,
      '--db',
      url,
      '--enqueue',
    ]);
    expect(again.code).toBe(65);
    expect(again.err).toMatch(/^baton: already_answered: .*"approved":true/);
    expect((await jobs(store, runId)).filter((state) => state === 'created')).toHaveLength(1);
    expect(calls.filter((call) => call.startsWith('tool publish:'))).toEqual([]);
  }, 60_000);
});

describe('baton answer --enqueue misused', () => {
  it('is a usage error with a SQLite store, and changes nothing', async () => {
    const cwd = folder('baton-answer-enqueue-');
    const db = join(cwd, 'runs.db');
    const store = keep(await SqliteStore.open(db));
    const { log, calls } = recorder();
    const waiting = await runFlow(killFlow(log, true), input, { store, runId: 'run-sqlite' });
    expect(waiting.status).toBe('awaiting_human');
    const before = await store.get('run-sqlite');
    const made = calls.length;

    const named = await baton(['answer', FLOW, 'run-sqlite', APPROVE, '--db', db, '--enqueue'], cwd);
    expect(named).toEqual({
      code: 64,
      out: '',
      err: expect.stringMatching(
        /^baton: invalid_argument: --enqueue needs a Postgres store that workers read: pass --db postgres:\/\/.* not .*runs\.db\. Without --enqueue, baton answer goes on with the run in this process\.$/,
      ),
    });
    const fromEnv = await baton(['answer', FLOW, 'run-sqlite', APPROVE, '--enqueue'], cwd, {
      BATON_DB: db,
    });
    expect(fromEnv.code).toBe(64);
    expect(fromEnv.err).toContain('--enqueue needs a Postgres store that workers read');
    const unnamed = await baton(['answer', FLOW, 'run-sqlite', APPROVE, '--enqueue'], cwd);
    expect(unnamed.code).toBe(64);
    expect(existsSync(join(cwd, '.baton'))).toBe(false);

    expect(await store.get('run-sqlite')).toEqual(before);
    expect(calls).toHaveLength(made);
  });

  it('refuses --model with --enqueue: the workers call their own models', async () => {
    const { code, err } = await baton([
      'answer',
      FLOW,
      'run-1',
      APPROVE,
      '--db',
      'postgres://127.0.0.1/x',
      '--enqueue',
      '--model',
      'scripted',
    ]);
    expect(code).toBe(64);
    expect(err).toMatch(/^baton: invalid_argument: --model does not apply with --enqueue/);
  });
});
