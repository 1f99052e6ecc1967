import { assertText } from '../../contracts/arguments.js';
import { BatonError, isBatonError } from '../../contracts/errors.js';
import type { RunEvent } from '../run-events.js';
import {
  openLibsql,
  type SqliteDatabase,
  type SqliteStatement,
  type SqliteValue,
  sqliteFailure,
} from './sqlite-database.js';
import { GroupCommit } from './sqlite-group-commit.js';
import { bodies, type EventBody, type RunRow, runFromRow } from './sqlite-rows.js';
import { prepareDatabase } from './sqlite-schema.js';
import { SQL } from './sqlite-statements.js';
import type {
  Commit,
  CommitOutcome,
  JournalEntry,
  JournalWrite,
  Lease,
  LeaseOptions,
  NewRun,
  RunFilter,
  Store,
  StoredRun,
  StoredStatus,
} from './store.js';
import { storeArguments } from './store-arguments.js';
import {
  changedNothing,
  checkEvents,
  fencedRefusal,
  holderRefusal,
  isFinished,
  leaseRefusal,
  readFilter,
  runExists,
  runFinished,
  runNotFound,
  storeClosed,
  storedJson,
} from './store-rules.js';

/** How `SqliteStore.open` opens its file. */
export interface SqliteStoreOptions {
  /**
   * When a commit is safe on disk. `'full'` (the default) syncs the file at every commit: a committed
   * transition survives a power loss. `'normal'` syncs less often and is faster: in WAL mode a power loss
   * or an operating system crash can lose the last transactions, though a crash of the process cannot.
   */
  readonly synchronous?: 'full' | 'normal';
  /**
   * An open better-sqlite3-compatible connection to use instead of opening `path` with `libsql`; the
   * store sets its pragmas and leaves it open when it closes. `path` then only names it in messages.
   */
  readonly database?: SqliteDatabase;
  /** How long a write waits for another connection's lock before it fails as retryable (default 5000). */
  readonly busyTimeoutMs?: number;
}

/** Whether a statement changed a row. */
const changed = (result: { changes: number | bigint }): boolean => Number(result.changes) === 1;

/**
 * A store in one SQLite file (WAL mode), through the `libsql` package (an optional dependency: `npm
 * install libsql`) or a better-sqlite3-compatible connection of your own. Runs survive the process, so a
 * run can be resumed after a crash or wait for a person. A commit changes the run's row only for the lease
 * holder at the next sequence number, and its events go in with it, atomically. A holder whose lease
 * expired may still commit as long as no other process took the lease. With many runs in flight, the
 * writes that arrive while one is being written share the next transaction (group commit: one fsync for
 * all of them), each keeping its own outcome; a run advancing alone is written at once. The file's
 * tables are migrated when it is opened; a file that is not a Baton database, or is newer than this
 * code, is refused with `store_error` and left untouched.
 *
 * @example
 * ```ts
 * import { SqliteStore } from 'baton-flow';
 *
 * const store = await SqliteStore.open('runs.db');
 * try {
 *   for (const run of await store.list({ status: 'awaiting_human' })) console.log(run.id, run.agent);
 * } finally {
 *   await store.close();
 * }
 * ```
 */
export class SqliteStore implements Store {
  private closed = false;
  private readonly writer: GroupCommit;
  /**
   * Statements prepared once per store, dropped on close or when SQLite fails. Preparing them for each
   * call took about 45 % of a commit's CPU time (350 against 190 µs per sequential commit, measured with
   * synchronous=NORMAL so that the fsync does not hide it), and that CPU time is what bounds a transaction
   * shared by hundreds of runs.
   */
  private statements = new Map<string, SqliteStatement>();

  private constructor(
    private readonly db: SqliteDatabase,
    private readonly path: string,
    private readonly owned: boolean,
  ) {
    this.writer = new GroupCommit(db, (error) => this.failure(error));
  }

  /**
   * Opens (or creates) the store in the SQLite file at `path`, migrating its tables. `missing_dependency`
   * when `libsql` is not installed and no `database` is given; `store_error` when the file cannot be
   * opened or is not a Baton database of a version this code knows.
   */
  static async open(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    assertText(path, 'SqliteStore.open', "the path (a file, or ':memory:')");
    const synchronous = options.synchronous ?? 'full';
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (synchronous !== 'full' && synchronous !== 'normal')
      throw new BatonError(
        'invalid_argument',
        `synchronous must be 'full' or 'normal'; got ${String(synchronous)}.`,
      );
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0)
      throw new BatonError(
        'invalid_argument',
        `busyTimeoutMs must be a whole number of milliseconds, 0 or more; got ${String(busyTimeoutMs)}.`,
      );
    const owned = options.database === undefined;
    const db = options.database ?? (await openLibsql(path, busyTimeoutMs));
    try {
      prepareDatabase(db, { path, synchronous, busyTimeoutMs });
    } catch (error) {
      if (owned) closeQuietly(db);
      throw sqliteFailure(error, path);
    }
    return new SqliteStore(db, path, owned);
  }

  /** Stores a new run with its first events, leased to its creator; `run_exists` if the id is taken. */
  async create(run: NewRun): Promise<void> {
    storeArguments.create(run);
    checkEvents(run.id, run.events, 0);
    const usage = storedJson(run.usage);
    const snapshot = storedJson(run.snapshot);
    const events = bodies(run.events);
    await this.write(() => {
      // A taken id inserts nothing, and is refused before anything is written.
      const { changes } = this.sql(SQL.create).run(
        run.id,
        run.flow,
        run.flowVersion,
        usage,
        snapshot,
        run.lease.holder,
        run.lease.expiresAt,
        run.at,
        run.at,
      );
      if (Number(changes) === 0) throw runExists(run.id);
      this.append(run.id, events);
    });
  }

  /**
   * Commits one transition and its events atomically, fenced by sequence number, lease holder and the
   * stored log (the first event must follow its last), in one statement; with other runs' writes in the
   * same transaction when they arrive together, but refused or kept on its own.
   */
  async commit(commit: Commit): Promise<CommitOutcome> {
    storeArguments.commit(commit);
    // The events' own order is checked here; that they follow the stored log is checked by the statement.
    checkEvents(commit.runId, commit.events, Number.NEGATIVE_INFINITY);
    const usage = storedJson(commit.usage);
    const snapshot = storedJson(commit.snapshot);
    const events = bodies(commit.events);
    const first = commit.events[0]?.seq ?? null;
    const params = [
      commit.seq,
      commit.status,
      commit.agent,
      usage,
      snapshot,
      commit.at,
      commit.runId,
      commit.seq - 1,
      commit.holder,
      first,
      first,
      commit.runId,
    ];
    return this.write(() => {
      // Most commits find no cancel request, and a plain UPDATE is cheaper than one with RETURNING. A
      // commit that finds the request is written by the second statement, whose success says it is there.
      let cancelRequested = false;
      if (!changed(this.sql(SQL.commitUncancelled).run(...params))) {
        if (!changed(this.sql(SQL.commit).run(...params))) throw this.refusal(commit);
        cancelRequested = true;
      }
      this.append(commit.runId, events);
      return { cancelRequested };
    });
  }

  /** The run, or null. */
  async get(runId: string): Promise<StoredRun | null> {
    storeArguments.get(runId);
    const row = this.read(() => this.sql(SQL.run).get(runId)) as RunRow | undefined;
    return row === undefined ? null : runFromRow(row);
  }

  /** The runs that match, newest first (by creation time, then id). */
  async list(filter: RunFilter = {}): Promise<StoredRun[]> {
    storeArguments.list(filter);
    const { statuses, limit } = readFilter(filter);
    const where: string[] = [];
    const params: SqliteValue[] = [];
    if (statuses !== null) {
      where.push(`status IN (${statuses.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...statuses);
    }
    if (filter.flow !== undefined) {
      where.push('flow = ?');
      params.push(filter.flow);
    }
    const sql = `SELECT * FROM runs ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
      ORDER BY created_at DESC, id DESC LIMIT ?`;
    // Prepared for this call only: a filter's text varies, and a list is not on any run's path.
    const rows = this.read(() => this.db.prepare(sql).all(...params, limit)) as RunRow[];
    return rows.map(runFromRow);
  }

  /** The run's events after `after`, in order; none for an unknown run. */
  async events(runId: string, after = 0): Promise<RunEvent[]> {
    storeArguments.events(runId, after);
    const rows = this.read(() => this.sql(SQL.events).all(runId, after)) as { body: string }[];
    return rows.map((row) => JSON.parse(row.body) as RunEvent);
  }

  /** Takes or renews the lease of a run for `holder` until `now + ttlMs`, or throws `lease_held`. */
  async lease(
    runId: string,
    holder: string,
    now: number,
    ttlMs: number,
    options: LeaseOptions = {},
  ): Promise<Lease> {
    storeArguments.lease(runId, holder, now, ttlMs, options);
    const lease = { holder, expiresAt: now + ttlMs };
    await this.write(() => {
      const row = this.sql(SQL.leaseOf).get(runId) as
        | Pick<RunRow, 'lease_holder' | 'lease_expires_at'>
        | undefined;
      if (row === undefined) throw runNotFound(runId);
      const current =
        row.lease_holder === null
          ? null
          : { holder: row.lease_holder, expiresAt: Number(row.lease_expires_at) };
      const refusal = leaseRefusal(runId, current, holder, now, options.renew);
      if (refusal) throw refusal;
      this.sql(SQL.lease).run(lease.holder, lease.expiresAt, runId);
    });
    return lease;
  }

  /** Lets go of the lease if `holder` holds it. */
  async release(runId: string, holder: string): Promise<void> {
    storeArguments.release(runId, holder);
    await this.write(() => this.sql(SQL.release).run(runId, holder));
  }

  /** Marks the run to be cancelled by whoever advances it. */
  async requestCancel(runId: string): Promise<void> {
    storeArguments.requestCancel(runId);
    await this.write(() => {
      const row = this.sql(SQL.statusOf).get(runId) as { status: StoredStatus } | undefined;
      if (row === undefined) throw runNotFound(runId);
      if (isFinished(row.status)) throw runFinished(runId, row.status);
      this.sql(SQL.requestCancel).run(runId);
    });
  }

  /** Journals what an attempt finished; the first value for a (run, step, key) is kept. */
  async journal(entry: JournalWrite): Promise<void> {
    storeArguments.journal(entry);
    const value = storedJson(entry.value);
    await this.write(() => {
      const row = this.sql(SQL.holderOf).get(entry.runId) as Pick<RunRow, 'lease_holder'> | undefined;
      if (row === undefined) throw runNotFound(entry.runId);
      const refusal = holderRefusal(entry.runId, row.lease_holder, entry.holder, 'A journal entry');
      if (refusal) throw refusal;
      this.sql(SQL.journal).run(entry.runId, entry.step, entry.key, value, entry.at);
    });
  }

  /** One step's journal, in the order it was written. */
  async journaled(runId: string, step: number): Promise<JournalEntry[]> {
    storeArguments.journaled(runId, step);
    const rows = this.read(() => this.sql(SQL.journaled).all(runId, step)) as {
      step: number;
      key: string;
      value: string;
      at: number;
    }[];
    return rows.map((row) => ({
      runId,
      step: row.step,
      key: row.key,
      value: JSON.parse(row.value),
      at: row.at,
    }));
  }

  /** Deletes finished runs last updated before `before`, with their events and journal, in one transaction. */
  async deleteFinished(before: number): Promise<number> {
    storeArguments.deleteFinished(before);
    return this.write(() => {
      // Deleted explicitly rather than by cascade, which holds only on connections with foreign keys on.
      this.sql(SQL.deleteEvents).run(before);
      this.sql(SQL.deleteJournal).run(before);
      return Number(this.sql(SQL.deleteRuns).run(before).changes);
    });
  }

  /**
   * Writes what is still waiting for its transaction, then closes the file (a `database` given to `open`
   * is left open); later calls fail. Closing again does nothing.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.writer.drain();
    this.closed = true;
    // libsql cannot finalize statements: SQLite releases the file once the last one is garbage collected,
    // so none is kept past here.
    this.statements = new Map();
    if (this.owned) {
      try {
        this.db.close();
      } catch (error) {
        throw sqliteFailure(error, this.path);
      }
    }
  }

  /** Why a commit that changed no row was refused: no such run, the fence, or events that do not follow. */
  private refusal(commit: Commit): BatonError {
    const row = this.sql(SQL.fence).get(commit.runId) as
      | (Pick<RunRow, 'seq' | 'lease_holder' | 'status'> & { last_event: number })
      | undefined;
    const fence =
      row === undefined
        ? null
        : { seq: row.seq, holder: row.lease_holder, status: row.status, lastEvent: Number(row.last_event) };
    return fencedRefusal(fence, commit) ?? changedNothing(commit);
  }

  private append(runId: string, events: readonly EventBody[]): void {
    if (events.length === 0) return;
    const insert = this.sql(SQL.event);
    for (const event of events) insert.run(runId, event.seq, event.body);
  }

  /** The statement for `sql`, prepared on first use. */
  private sql(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private read<T>(work: () => T): T {
    if (this.closed) throw storeClosed();
    try {
      return work();
    } catch (error) {
      throw this.failure(error);
    }
  }

  /**
   * The error a caller gets for what a read or write threw. When SQLite itself failed, every kept
   * statement is dropped: libsql does not reset a statement whose `get` failed, and it would fail again.
   */
  private failure(error: unknown): BatonError {
    if (!isBatonError(error)) this.statements = new Map();
    return sqliteFailure(error, this.path);
  }

  /** Runs `work` in a write transaction: at once when no other write is in this turn, else with the others. */
  private write<T>(work: () => T): Promise<T> {
    if (this.closed) return Promise.reject(storeClosed());
    return this.writer.write(work);
  }
}

function closeQuietly(db: SqliteDatabase): void {
  try {
    db.close();
  } catch {
    // The open already failed with the error that matters.
  }
}
