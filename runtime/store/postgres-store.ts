import type { BatonError } from '../../contracts/errors.js';
import type { RunEvent } from '../run-events.js';
import {
  inTransaction,
  openPool,
  type PostgresClient,
  type PostgresConnection,
  type PostgresPool,
  type PostgresQueryable,
  type PostgresResult,
  type PostgresTarget,
  postgresFailure,
  sqlState,
  targetOf,
} from './postgres-driver.js';
import {
  type PostgresStoreOptions,
  type QueuedRun,
  type StrandedRun,
  storeSettings,
} from './postgres-options.js';
import { committedTwice, refusalOf, runFromRow } from './postgres-rows.js';
import { migrate } from './postgres-schema.js';
import { type PostgresStatements, statementsFor } from './postgres-statements.js';
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
  holderRefusal,
  leaseRefusal,
  readFilter,
  runExists,
  runFinished,
  runNotFound,
  storeClosed,
  storedJson,
} from './store-rules.js';

/**
 * A store in a Postgres database, through the `pg` package (an optional dependency: `npm install pg`),
 * for runs that many processes on many machines advance: workers (`startWorker`) take them over from each
 * other. Its tables live in a schema of their own (`baton` by default), migrated when it is opened; several
 * processes opening it at once wait for each other's migration under an advisory lock. Each commit is one
 * statement, fenced twice: the run's row changes only for the lease holder at the next sequence number,
 * and `UNIQUE (run_id, seq)` on the commits table refuses a second commit with the same number, so a
 * process that lost its lease can never write over the one that took it. `requestCancel` also notifies
 * listening workers (LISTEN / NOTIFY), which cancel the run at once. A server that cannot be reached is a
 * retryable `store_error` naming its host and port.
 *
 * @example
 * ```ts
 * import { PostgresStore } from 'baton-flow/postgres';
 *
 * const store = await PostgresStore.open('postgres://baton@127.0.0.1:5432/baton');
 * try {
 *   for (const run of await store.list({ status: 'running' })) console.log(run.id, run.lease?.holder);
 * } finally {
 *   await store.close();
 * }
 * ```
 */
export class PostgresStore implements Store {
  private closed = false;
  /** The store's statements, for its schema. */
  private readonly sql: PostgresStatements;

  private constructor(
    private readonly db: PostgresPool,
    /** The schema the store's tables are in. */
    readonly schema: string,
    /** Where the server is: host, port and database, as messages name it. */
    readonly target: PostgresTarget,
    private readonly owned: boolean,
  ) {
    this.sql = statementsFor(schema);
  }

  /**
   * Connects to Postgres and brings the store's schema up to date. `missing_dependency` when `pg` is not
   * installed and no `pool` is given; `store_error` when the server cannot be reached (naming host and
   * port, retryable), refuses the login, has no such database, or holds a schema that is not Baton's or is
   * newer than this code; `invalid_argument` for a bad option.
   */
  static async open(
    connection: PostgresConnection,
    options: PostgresStoreOptions = {},
  ): Promise<PostgresStore> {
    const { schema, max, connectTimeoutMs, statementTimeoutMs } = storeSettings(options);
    const target = targetOf(connection);
    const owned = options.pool === undefined;
    const pool = options.pool ?? (await openPool(connection, { max, connectTimeoutMs, statementTimeoutMs }));
    // An idle connection that breaks is reported on the pool: without a listener it would end the process.
    const { onError } = options;
    pool.on('error', (error) => onError?.(postgresFailure(error, target)));
    try {
      await migrate(pool, schema, target);
    } catch (error) {
      if (owned) await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresStore(pool, schema, target, owned);
  }

  /** Stores a new run with its first events, leased to its creator; `run_exists` if the id is taken. */
  async create(run: NewRun): Promise<void> {
    storeArguments.create(run);
    await this.insertRun(this.db, run, run.lease);
  }

  /** Commits one transition and its events in one statement, fenced by sequence number and lease holder. */
  async commit(commit: Commit): Promise<CommitOutcome> {
    storeArguments.commit(commit);
    // The events' own order is checked here; that they follow the stored log is checked by the statement.
    checkEvents(commit.runId, commit.events, Number.NEGATIVE_INFINITY);
    const values = [
      commit.runId,
      commit.seq,
      commit.status,
      commit.agent,
      storedJson(commit.usage),
      storedJson(commit.snapshot),
      commit.at,
      commit.holder,
      commit.events[0]?.seq ?? null,
      commit.events.map((event) => event.seq),
      commit.events.map((event) => storedJson(event)),
    ];
    for (let tries = 1; ; tries += 1) {
      const { rows } = await this.query(this.sql.commit, values, (state) =>
        state === '23505' ? committedTwice(commit) : null,
      );
      if (rows[0]) return { cancelRequested: rows[0].cancel_requested === true };
      const refusal = await this.refusal(commit);
      // Nothing refuses the commit now: the run changed between the statement and the look at it.
      if (refusal === null && tries < 3) continue;
      throw refusal ?? changedNothing(commit);
    }
  }

  /** The run, or null. */
  async get(runId: string): Promise<StoredRun | null> {
    storeArguments.get(runId);
    const { rows } = await this.query(this.sql.run, [runId]);
    return rows[0] ? runFromRow(rows[0]) : null;
  }

  /** The runs that match, newest first (by creation time, then id). */
  async list(filter: RunFilter = {}): Promise<StoredRun[]> {
    storeArguments.list(filter);
    const { statuses, limit } = readFilter(filter);
    const { rows } = await this.query(this.sql.list, [statuses, filter.flow ?? null, limit]);
    return rows.map(runFromRow);
  }

  /** The run's events after `after`, in order; none for an unknown run. */
  async events(runId: string, after = 0): Promise<RunEvent[]> {
    storeArguments.events(runId, after);
    const { rows } = await this.query(this.sql.events, [runId, after]);
    return rows.map((row) => row.body as RunEvent);
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
    for (;;) {
      const { rowCount } = await this.query(options.renew ? this.sql.renewLease : this.sql.takeLease, [
        runId,
        holder,
        lease.expiresAt,
        now,
      ]);
      if (rowCount === 1) return lease;
      const { rows } = await this.query(this.sql.leaseOf, [runId]);
      const row = rows[0];
      if (!row) throw runNotFound(runId);
      const current =
        row.lease_holder === null
          ? null
          : { holder: String(row.lease_holder), expiresAt: Number(row.lease_expires_at) };
      const refusal = leaseRefusal(runId, current, holder, now, options.renew);
      if (refusal) throw refusal;
      // The holder let go between the update and the look: try again.
    }
  }

  /** Lets go of the lease if `holder` holds it. */
  async release(runId: string, holder: string): Promise<void> {
    storeArguments.release(runId, holder);
    await this.query(this.sql.release, [runId, holder]);
  }

  /** Marks the run to be cancelled by whoever advances it, and tells listening workers at once. */
  async requestCancel(runId: string): Promise<void> {
    storeArguments.requestCancel(runId);
    const { rowCount } = await this.query(this.sql.requestCancel, [runId, this.channel('cancel')]);
    if (rowCount === 1) return;
    const { rows } = await this.query(this.sql.statusOf, [runId]);
    if (!rows[0]) throw runNotFound(runId);
    throw runFinished(runId, rows[0].status as StoredStatus);
  }

  /** Journals what an attempt finished; the first value for a (run, step, key) is kept. */
  async journal(entry: JournalWrite): Promise<void> {
    storeArguments.journal(entry);
    // The run's row is locked while the entry goes in, so its lease cannot change hands in between.
    const { rows } = await this.query(this.sql.journal, [
      entry.runId,
      entry.step,
      entry.key,
      storedJson(entry.value),
      entry.at,
      entry.holder,
    ]);
    const row = rows[0];
    if (!row) throw runNotFound(entry.runId);
    const current = row.lease_holder === null ? null : String(row.lease_holder);
    const refusal = holderRefusal(entry.runId, current, entry.holder, 'A journal entry');
    if (refusal) throw refusal;
  }

  /** One step's journal, in the order it was written. */
  async journaled(runId: string, step: number): Promise<JournalEntry[]> {
    storeArguments.journaled(runId, step);
    const { rows } = await this.query(this.sql.journaled, [runId, step]);
    return rows.map((row) => ({
      runId,
      step: Number(row.step),
      key: String(row.key),
      value: row.value,
      at: Number(row.at),
    }));
  }

  /** Deletes finished runs last updated before `before`; their commits, events and journal go with them. */
  async deleteFinished(before: number): Promise<number> {
    storeArguments.deleteFinished(before);
    const { rowCount } = await this.query(this.sql.deleteFinished, [before]);
    return rowCount ?? 0;
  }

  /** Closes the pool (one given to `open` is left open); later calls fail. Closing again does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.owned) await this.db.end().catch((error: unknown) => Promise.reject(this.failure(error)));
  }

  /** The first key of the shared session locks by which workers announce the flows they serve. @internal */
  get servesKey(): string {
    return `${this.schema}:serves`;
  }

  /**
   * Which of these flows some live worker on this database serves: each worker holds a shared session lock
   * per flow on its own connection, and the server lets go of it when the worker's connection ends.
   */
  async servedFlows(flows: readonly string[]): Promise<Set<string>> {
    if (flows.length === 0) return new Set();
    const { rows } = await this.query(this.sql.servedFlows, [this.servesKey, flows]);
    return new Set(rows.map((row) => String(row.flow)));
  }

  /**
   * Runs still `running` of these flows whose lease expired before `now`: their process died or stalled,
   * and any process may take them over. The oldest expiry first, at most `limit` (default 100).
   */
  async stranded(options: {
    readonly flows: readonly string[];
    readonly now: number;
    readonly limit?: number;
  }): Promise<StrandedRun[]> {
    const { rows } = await this.query(this.sql.stranded, [options.flows, options.now, options.limit ?? 100]);
    return rows.map((row) => ({ id: String(row.id), flow: String(row.flow) }));
  }

  /**
   * Creates a run that no process holds, and in the same transaction calls `also` with the connection:
   * the queue's job is sent there, so a run exists exactly when its job does. `run_exists` if the id is taken.
   * @internal
   */
  async createQueued(run: QueuedRun, also: (db: PostgresQueryable) => Promise<void>): Promise<void> {
    await this.transaction(async (db) => {
      await this.insertRun(db, run, null);
      await also(db);
    });
  }

  /**
   * Lets go of `holder`'s lease of a run and, in the same transaction, calls `also` with the connection:
   * the queue's job is sent there, so the run is either still leased (and found by a sweep once the lease
   * expires) or free with a job that brings a worker to it, never free without one.
   * @internal
   */
  async releaseWith(
    runId: string,
    holder: string,
    also: (db: PostgresQueryable) => Promise<void>,
  ): Promise<void> {
    await this.transaction(async (db) => {
      await this.query(this.sql.release, [runId, holder], undefined, db);
      await also(db);
    });
  }

  /**
   * A connection of its own, outside the pool's turn-taking, for LISTEN and session locks; `release(true)`
   * closes it.
   * @internal
   */
  async dedicatedClient(): Promise<PostgresClient> {
    if (this.closed) throw storeClosed();
    try {
      return await this.db.connect();
    } catch (error) {
      throw this.failure(error);
    }
  }

  /**
   * The pool, for a job queue that keeps its tables in the same database.
   * @internal
   */
  get pool(): PostgresQueryable {
    return { query: (text, values) => this.query(text, values ?? []) };
  }

  /**
   * The NOTIFY channel of this store's schema for `kind`: `cancel` (a run id), `work` (a flow id), `slot`.
   * @internal
   */
  channel(kind: 'cancel' | 'work' | 'slot'): string {
    return `${this.schema}_${kind}`;
  }

  /** Turns a driver error into the store's error. */
  private failure(error: unknown): BatonError {
    return postgresFailure(error, this.target);
  }

  private async insertRun(db: PostgresQueryable, run: QueuedRun, lease: Lease | null): Promise<void> {
    checkEvents(run.id, run.events, 0);
    const { rows } = await this.query(
      this.sql.insertRun,
      [
        run.id,
        run.flow,
        run.flowVersion,
        storedJson(run.usage),
        storedJson(run.snapshot),
        lease?.holder ?? null,
        lease?.expiresAt ?? null,
        run.at,
        run.events.map((event) => event.seq),
        run.events.map((event) => storedJson(event)),
      ],
      undefined,
      db,
    );
    if (rows.length === 0) throw runExists(run.id);
  }

  /** Why a commit that changed no row was refused, or null when nothing refuses it now. */
  private async refusal(commit: Commit): Promise<BatonError | null> {
    const { rows } = await this.query(this.sql.fence, [commit.runId]);
    return refusalOf(rows[0], commit);
  }

  /**
   * Runs one statement on the pool (or on `db`), turning a failure into the store's error; `known` maps a
   * SQLSTATE to an error of its own.
   */
  private async query(
    text: string,
    values: unknown[],
    known?: (state: string) => BatonError | null,
    db: PostgresQueryable = this.db,
  ): Promise<PostgresResult> {
    if (this.closed) throw storeClosed();
    try {
      return await db.query(text, values);
    } catch (error) {
      throw known?.(sqlState(error)) ?? this.failure(error);
    }
  }

  /** Runs `work` in one transaction on one connection; rolls back if anything throws. */
  private async transaction<T>(work: (db: PostgresQueryable) => Promise<T>): Promise<T> {
    return inTransaction(await this.dedicatedClient(), work, (error) => this.failure(error));
  }
}
