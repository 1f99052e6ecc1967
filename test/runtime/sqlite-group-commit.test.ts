import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../runtime/run-events.js';
import type { SqliteDatabase } from '../../runtime/store/sqlite-database.js';
import { SqliteStore } from '../../runtime/store/sqlite-store.js';
import type { Commit, StoredRun } from '../../runtime/store/store.js';
import { moved, snapshotOf, T0, triageRun, usage } from './store-contract.js';

// Group commit: writes that arrive while the store's connection is busy in this turn of the event loop
// share one transaction, each keeping its own outcome. Transactions are counted by the COMMITs the store
// sends to its connection.

const A = 'worker-a';
const B = 'worker-b';
const started = (runId: string): RunEvent => ({
  type: 'run.started',
  flow: 'support',
  input: {},
  runId,
  seq: 1,
  at: T0,
});
const newRun = (id: string) => triageRun(id, { holder: A, expiresAt: T0 + 30_000 }, [started(id)]);
const commitOf = (runId: string, seq: number, overrides: Partial<Commit> = {}): Commit => ({
  runId,
  seq,
  holder: A,
  status: 'running',
  agent: 'billing',
  usage: usage(0),
  snapshot: snapshotOf({ value: `state-${seq}` }),
  events: [moved(runId, seq, T0 + seq)],
  at: T0 + seq,
  ...overrides,
});

let dir: string;
let cleanups: (() => unknown)[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baton-group-commit-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

/** What `exec` does instead, when a test wants one statement to fail. */
type Interfere = (sql: string, exec: (sql: string) => unknown) => unknown;

/**
 * A store on a connection of the test's own, whose `exec` counts the transactions the store commits and
 * lets a test make a statement fail.
 */
async function openCounted(options: { busyTimeoutMs?: number } = {}) {
  const path = join(dir, 'runs.db');
  const db = new Database(path) as unknown as SqliteDatabase;
  const exec = db.exec.bind(db);
  const seen = { commits: 0, interfere: null as Interfere | null };
  db.exec = (sql: string) => {
    if (sql === 'COMMIT') seen.commits += 1;
    return seen.interfere ? seen.interfere(sql, exec) : exec(sql);
  };
  const store = await SqliteStore.open(path, { database: db, ...options });
  cleanups.push(
    () => db.close(),
    () => store.close(),
  );
  return { store, seen, path, db };
}

/** A write that ends this turn's idle state: writes made after it in the same turn wait and go together. */
const takeTheTurn = (store: SqliteStore) => store.release('no-such-run', 'nobody');

/** Lets the store's end-of-turn write run. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

const stored = async (store: SqliteStore, id: string) => ({
  run: (await store.get(id)) as StoredRun,
  events: (await store.events(id)).map((event) => event.seq),
});

describe('SqliteStore group commit', () => {
  it('commits the transitions of many runs in flight in one transaction, and every one lands', async () => {
    const { store, seen } = await openCounted();
    const ids = Array.from({ length: 50 }, (_, i) => `run-${i}`);
    for (const id of ids) await store.create(newRun(id));
    await nextTurn();
    seen.commits = 0;
    await takeTheTurn(store);
    const outcomes = await Promise.all(ids.map((id) => store.commit(commitOf(id, 1))));
    expect(seen.commits).toBe(2);
    expect(outcomes).toEqual(ids.map(() => ({ cancelRequested: false })));
    for (const id of ids) {
      const { run, events } = await stored(store, id);
      expect(run).toMatchObject({ seq: 1, snapshot: { snapshot: { value: 'state-1' } } });
      expect(events).toEqual([1, 2]);
    }
  });

  it('writes a commit at once, in a transaction of its own, when no other write is in its turn', async () => {
    const { store, seen, path } = await openCounted();
    await store.create(newRun('run-1'));
    const reader = new Database(path) as unknown as SqliteDatabase;
    cleanups.push(() => reader.close());
    for (const seq of [1, 2, 3]) {
      await nextTurn();
      seen.commits = 0;
      const committing = store.commit(commitOf('run-1', seq));
      // Already in the file before the caller's first await: nothing waited for the end of the turn.
      expect(reader.prepare('SELECT seq FROM runs WHERE id = ?').get('run-1')).toMatchObject({ seq });
      await committing;
      expect(seen.commits).toBe(1);
    }
  });

  it("keeps each run's commits and events in the order they were asked for", async () => {
    const { store, seen } = await openCounted();
    const ids = ['run-a', 'run-b', 'run-c'];
    for (const id of ids) await store.create(newRun(id));
    seen.commits = 0;
    const writes: Promise<unknown>[] = [];
    for (let seq = 1; seq <= 5; seq += 1)
      for (const id of ids) writes.push(store.commit(commitOf(id, seq, { agent: `agent-${seq}` })));
    await Promise.all(writes);
    expect(seen.commits).toBeLessThan(writes.length);
    for (const id of ids) {
      const { run, events } = await stored(store, id);
      expect(run).toMatchObject({ seq: 5, agent: 'agent-5' });
      expect(events).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('refuses a conflicting write alone and commits the rest of its transaction', async () => {
    const { store, seen } = await openCounted();
    const ids = Array.from({ length: 8 }, (_, i) => `run-${i}`);
    for (const id of ids) await store.create(newRun(id));
    await store.commit(commitOf('run-5', 1, { status: 'done' }));
    await store.lease('run-6', B, T0 + 60_000, 30_000);
    await nextTurn();
    seen.commits = 0;
    await takeTheTurn(store);
    const settled = await Promise.allSettled([
      store.commit(commitOf('run-0', 1)),
      store.commit(commitOf('run-1', 2)),
      store.commit(commitOf('run-2', 1)),
      store.commit(commitOf('run-3', 1, { holder: B })),
      store.commit(commitOf('run-4', 1)),
      store.commit(commitOf('run-5', 2)),
      store.requestCancel('run-5'),
      store.lease('run-6', A, T0 + 60_000, 30_000),
      store.commit(commitOf('run-7', 1, { events: [moved('run-0', 1, T0 + 1)] })),
      store.commit(commitOf('nobody', 1)),
      store.commit(commitOf('run-7', 1)),
    ]);
    expect(seen.commits).toBe(2);
    expect(
      settled.map((s) => (s.status === 'fulfilled' ? 'ok' : (s.reason as { code: string }).code)),
    ).toEqual([
      'ok',
      'store_conflict',
      'ok',
      'store_conflict',
      'ok',
      'store_conflict',
      'run_finished',
      'lease_held',
      'invalid_argument',
      'run_not_found',
      'ok',
    ]);
    for (const id of ['run-0', 'run-2', 'run-4', 'run-7'])
      expect(await stored(store, id)).toMatchObject({ run: { seq: 1 }, events: [1, 2] });
    for (const id of ['run-1', 'run-3'])
      expect(await stored(store, id)).toMatchObject({ run: { seq: 0, lease: { holder: A } }, events: [1] });
    expect(await stored(store, 'run-5')).toMatchObject({
      run: { seq: 1, status: 'done', cancelRequested: false },
      events: [1, 2],
    });
    expect((await store.get('run-6'))?.lease).toEqual({ holder: B, expiresAt: T0 + 90_000 });
  });

  it('fails every write of a transaction whose commit fails, and leaves the file as it was', async () => {
    const { store, seen, path } = await openCounted();
    const ids = ['run-1', 'run-2', 'run-3'];
    for (const id of ids) await store.create(newRun(id));
    await store.commit(commitOf('run-1', 1));
    const before = await Promise.all(ids.map((id) => stored(store, id)));
    const ioError = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_FSYNC' });
    seen.interfere = (sql, exec) => {
      if (sql === 'COMMIT') throw ioError;
      return exec(sql);
    };
    await nextTurn();
    const settled = await Promise.allSettled([
      takeTheTurn(store),
      store.commit(commitOf('run-1', 2)),
      store.commit(commitOf('run-2', 1)),
      store.create(newRun('run-4')),
      store.journal({ runId: 'run-3', step: 1, key: 'model:1', value: 'reply', at: T0, holder: A }),
    ]);
    for (const outcome of settled.slice(1))
      expect(outcome).toMatchObject({
        status: 'rejected',
        reason: { code: 'store_error', retryable: false, details: { sqliteCode: 'SQLITE_IOERR_FSYNC' } },
      });
    seen.interfere = null;
    const reopened = await SqliteStore.open(path);
    cleanups.push(() => reopened.close());
    for (const [i, id] of ids.entries()) expect(await stored(reopened, id)).toEqual(before[i]);
    expect(await reopened.get('run-4')).toBeNull();
    expect(await reopened.journaled('run-3', 1)).toEqual([]);
    // Nothing was half-written: the same writes go through once the disk is back.
    await Promise.all([store.commit(commitOf('run-1', 2)), store.commit(commitOf('run-2', 1))]);
    expect((await reopened.get('run-2'))?.seq).toBe(1);
  });

  it('fails every write as retryable while another connection holds the write lock', async () => {
    const { store, path } = await openCounted({ busyTimeoutMs: 0 });
    for (const id of ['run-1', 'run-2', 'run-3']) await store.create(newRun(id));
    const other = new Database(path, { timeout: 0 }) as unknown as SqliteDatabase;
    cleanups.push(() => other.close());
    other.exec('BEGIN IMMEDIATE');
    const settled = await Promise.allSettled(
      ['run-1', 'run-2', 'run-3'].map((id) => store.commit(commitOf(id, 1))),
    );
    for (const outcome of settled)
      expect(outcome).toMatchObject({
        status: 'rejected',
        reason: {
          code: 'store_error',
          retryable: true,
          details: { sqliteCode: expect.stringMatching(/^SQLITE_BUSY/) },
        },
      });
    other.exec('ROLLBACK');
    await Promise.all(['run-1', 'run-2', 'run-3'].map((id) => store.commit(commitOf(id, 1))));
    expect((await store.list()).map((run) => run.seq)).toEqual([1, 1, 1]);
  });

  it('fails alone a write that fills the disk, and commits the others of its transaction', async () => {
    const { store, db } = await openCounted();
    for (const id of ['run-1', 'run-2', 'run-3']) await store.create(newRun(id));
    const pages = Object.values(db.prepare('PRAGMA page_count').get() as object)[0] as number;
    db.exec(`PRAGMA max_page_count = ${pages + 4}`);
    const big = commitOf('run-2', 1, { snapshot: snapshotOf({ value: 'x'.repeat(200_000) }) });
    await takeTheTurn(store);
    const settled = await Promise.allSettled([
      store.commit(commitOf('run-1', 1)),
      store.commit(big),
      store.commit(commitOf('run-3', 1)),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled[1]).toMatchObject({
      reason: { code: 'store_error', retryable: false, details: { sqliteCode: 'SQLITE_FULL' } },
    });
    expect((await store.list()).map((run) => [run.id, run.seq]).sort()).toEqual([
      ['run-1', 1],
      ['run-2', 0],
      ['run-3', 1],
    ]);
    // The statement that failed is not left failing: the run commits once its snapshot fits.
    await store.commit(commitOf('run-2', 1));
    expect((await store.get('run-2'))?.seq).toBe(1);
  });

  it('writes what waits for its transaction before the store closes', async () => {
    const { store, path } = await openCounted();
    await takeTheTurn(store);
    const writes = [store.create(newRun('run-1')), store.create(newRun('run-2'))];
    await store.close();
    await Promise.all(writes);
    const reopened = await SqliteStore.open(path);
    cleanups.push(() => reopened.close());
    expect((await reopened.list()).map((run) => run.id).sort()).toEqual(['run-1', 'run-2']);
  });

  it("is not held back by a test's fake timers", async () => {
    const { store } = await openCounted();
    vi.useFakeTimers();
    for (const id of ['run-1', 'run-2']) await store.create(newRun(id));
    await Promise.all([store.commit(commitOf('run-1', 1)), store.commit(commitOf('run-2', 1))]);
    await store.commit(commitOf('run-1', 2));
    expect((await store.get('run-1'))?.seq).toBe(2);
  });
});
