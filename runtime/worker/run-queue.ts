import { loadSdk } from '../../agents/providers/provider-support.js';
import { BatonError, describeThrown, isBatonError } from '../../contracts/errors.js';
import { type PostgresQueryable, sqlState } from '../store/postgres-driver.js';
import type { PostgresStore } from '../store/postgres-store.js';

/** A job of a flow's queue: which run to advance. */
export interface RunJob {
  readonly id: string;
  readonly data: unknown;
}

/** pg-boss's `PgBoss`, as far as Baton uses it. */
interface Boss {
  start(): Promise<unknown>;
  stop(options?: {
    readonly graceful?: boolean;
    readonly close?: boolean;
    readonly wait?: boolean;
  }): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  createQueue(name: string, options?: Readonly<Record<string, unknown>>): Promise<void>;
  send(name: string, data: object, options?: Readonly<Record<string, unknown>>): Promise<string | null>;
  fetch(name: string, options?: { readonly batchSize?: number }): Promise<RunJob[] | null>;
  complete(name: string, id: string, data?: object): Promise<unknown>;
  fail(name: string, id: string, data?: object): Promise<unknown>;
}

/** SQLSTATEs of two installs of pg-boss's tables colliding: unique_violation, duplicate_schema, duplicate_object, duplicate_table. */
const INSTALL_RACES = new Set(['23505', '42P06', '42710', '42P07']);
const INSTALL_TRIES = 5;

type BossConstructor = new (options: Readonly<Record<string, unknown>>) => Boss;

/** pg-boss's way to run SQL: on Baton's pool, or inside Baton's transaction. */
const executor = (db: PostgresQueryable) => ({
  executeSql: (text: string, values?: unknown[]) => db.query(text, values ?? []),
});

/**
 * How a flow's queue treats its jobs. A job is tried again with a growing delay (1 s, 2 s, 4 s, ...) when
 * the worker fails it (a lost connection, a store error), up to ten times; a job active for longer than
 * `expireInSeconds` is taken to be lost and delivered again (the run's lease tells whether it still is).
 */
export const QUEUE_SETTINGS = {
  policy: 'standard',
  retryLimit: 10,
  retryDelay: 1,
  retryBackoff: true,
  expireInSeconds: 15 * 60,
} as const;

/** The pg-boss queue that holds the jobs of a flow's runs. */
export function queueName(flow: string): string {
  return `flow.${flow}`;
}

/** The schema pg-boss keeps its tables in, beside the store's. */
export function queueSchema(store: PostgresStore): string {
  return `${store.schema}_queue`;
}

/** The sending queue of each store, for `RunQueue.shared`. */
const senders = new WeakMap<PostgresStore, Promise<RunQueue>>();

/**
 * The job queue of a Postgres store, on pg-boss, in the same database (its own schema) and on the store's
 * pool. `missing_dependency` when pg-boss is not installed.
 */
export class RunQueue {
  private readonly queues = new Set<string>();

  private constructor(
    private readonly boss: Boss,
    private readonly store: PostgresStore,
  ) {}

  /**
   * Opens the queue; `started` also installs or migrates pg-boss's tables and, with `maintain`, runs its
   * maintenance (expiring lost jobs, archiving done ones) as one of the processes that take turns at it.
   */
  static async open(
    store: PostgresStore,
    options: {
      readonly start: boolean;
      readonly maintain: boolean;
      readonly onError?: (error: BatonError) => void;
    },
    load: () => Promise<unknown> = () => import('pg-boss'),
  ): Promise<RunQueue> {
    const loaded = (await loadSdk({
      name: 'pg-boss',
      load,
      neededBy: 'Baton workers',
      install: 'npm install pg-boss@10',
    })) as { default?: BossConstructor } | BossConstructor;
    const PgBoss = typeof loaded === 'function' ? loaded : loaded.default;
    if (typeof PgBoss !== 'function')
      throw new BatonError(
        'missing_dependency',
        'The installed "pg-boss" package has no PgBoss class: install pg-boss 10.',
        {
          details: { package: 'pg-boss' },
        },
      );
    const make = () => {
      const boss = new PgBoss({
        db: executor(store.pool),
        schema: queueSchema(store),
        supervise: options.maintain,
        schedule: false,
        migrate: true,
      });
      boss.on('error', (error) => options.onError?.(queueFailure(error, store)));
      return new RunQueue(boss, store);
    };
    if (!options.start) return make();
    for (let tries = 1; ; tries += 1) {
      const queue = make();
      try {
        await queue.boss.start();
        return queue;
      } catch (error) {
        // Processes that install pg-boss's tables at once can collide on them (a name that another has
        // just created); the next try finds them installed. A PgBoss that failed to start cannot start
        // again, so each try has its own.
        const state = sqlState(isBatonError(error) ? error.cause : error);
        if (tries >= INSTALL_TRIES || !INSTALL_RACES.has(state)) throw queueFailure(error, store);
      }
    }
  }

  /**
   * The started queue a process sends jobs through for a store, opened on first use and kept for the
   * store's life: `enqueueRun` and `enqueueAnswer` share it, so sending a job costs the job's own queries,
   * not a pg-boss start (its schema check) each time. A failed open is not kept: the next call tries again.
   */
  static shared(store: PostgresStore): Promise<RunQueue> {
    let queue = senders.get(store);
    if (!queue) {
      queue = RunQueue.open(store, { start: true, maintain: false });
      senders.set(store, queue);
      queue.catch(() => senders.delete(store));
    }
    return queue;
  }

  /** Makes sure the queue of a flow exists (once per flow for this object). */
  async ensure(flow: string): Promise<void> {
    if (this.queues.has(flow)) return;
    for (let tries = 1; ; tries += 1) {
      try {
        await this.boss.createQueue(queueName(flow), QUEUE_SETTINGS);
        break;
      } catch (error) {
        // Processes that create one queue at once can deadlock or collide; the next try finds it made.
        const state = sqlState(isBatonError(error) ? error.cause : error);
        if (tries >= INSTALL_TRIES || !(INSTALL_RACES.has(state) || state === '40P01'))
          throw queueFailure(error, this.store);
      }
    }
    this.queues.add(flow);
  }

  /**
   * Sends a job to advance a run, on `db` when given (a transaction that creates the run), and notifies the
   * workers of the flow. With `singleton`, a job for the same run sent in the same window of that many
   * seconds is not sent again.
   */
  async send(
    flow: string,
    runId: string,
    options: { readonly db?: PostgresQueryable; readonly singleton?: number } = {},
  ): Promise<void> {
    const db = options.db ?? this.store.pool;
    const sent = await this.guard(() =>
      this.boss.send(
        queueName(flow),
        { runId },
        {
          db: executor(db),
          ...(options.singleton ? { singletonKey: runId, singletonSeconds: options.singleton } : {}),
        },
      ),
    );
    // pg-boss sends nothing to a queue that does not exist, or again within a singleton's window.
    if (sent === null && !options.singleton)
      throw new BatonError(
        'store_error',
        `The queue of flow "${flow}" does not exist in the Postgres store at ${this.store.target.host}:${this.store.target.port}: start a worker of the flow, or enqueue a new run of it, to create it.`,
        { details: { flow, runId, retryable: false } },
      );
    await db.query('SELECT pg_notify($1, $2)', [this.store.channel('work'), flow]);
  }

  /**
   * Runs of these flows that are `running`, held by no process, unchanged since `before`, and that no job
   * will bring a worker to: none waits in their queue (`created`, `retry`), none was taken within the
   * last `leaseMs`, and their latest job did not end `failed` (a run that failed for good is not tried
   * again; one enqueued again after a failed job is). Their job was taken by a worker that died before it
   * leased the run (a lease would have made the sweep of expired leases find them). At most `limit`.
   */
  async unclaimed(options: {
    readonly flows: readonly string[];
    readonly before: number;
    readonly leaseMs: number;
    readonly limit: number;
  }): Promise<{ id: string; flow: string }[]> {
    const s = this.store.schema;
    const q = queueSchema(this.store);
    const { rows } = await this.guard(() =>
      this.store.pool.query(
        `SELECT r.id, r.flow FROM ${s}.runs r
         WHERE r.status = 'running' AND r.lease_holder IS NULL AND r.flow = ANY($1::text[])
           AND r.updated_at <= $2
           AND NOT EXISTS (
             SELECT 1 FROM ${q}.job j
             WHERE j.name = 'flow.' || r.flow AND j.data->>'runId' = r.id
               AND (j.state IN ('created', 'retry')
                 OR (j.state = 'active' AND j.started_on > now() - make_interval(secs => $3))))
           AND NOT EXISTS (
             SELECT 1 FROM ${q}.job j
             WHERE j.name = 'flow.' || r.flow AND j.data->>'runId' = r.id AND j.state = 'failed'
               AND NOT EXISTS (
                 SELECT 1 FROM ${q}.job k
                 WHERE k.name = j.name AND k.data->>'runId' = r.id AND k.created_on > j.created_on))
         ORDER BY r.updated_at LIMIT $4`,
        [options.flows, options.before, options.leaseMs / 1000, options.limit],
      ),
    );
    return rows.map((row) => ({ id: String(row.id), flow: String(row.flow) }));
  }

  /** Takes up to `count` jobs of a flow's queue, marking them active. */
  async fetch(flow: string, count: number): Promise<RunJob[]> {
    return (await this.guard(() => this.boss.fetch(queueName(flow), { batchSize: count }))) ?? [];
  }

  /** Marks a job done. */
  async complete(flow: string, job: string, note: string): Promise<void> {
    await this.guard(() => this.boss.complete(queueName(flow), job, { note }));
  }

  /** Marks a job failed: pg-boss tries it again later, up to its retry limit. */
  async fail(flow: string, job: string, error: BatonError): Promise<void> {
    await this.guard(() =>
      this.boss.fail(queueName(flow), job, { code: error.code, message: error.message }),
    );
  }

  /** Stops pg-boss's maintenance; the store's pool stays open. */
  async stop(): Promise<void> {
    await this.guard(() => this.boss.stop({ graceful: false, close: false }));
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw queueFailure(error, this.store);
    }
  }
}

/** A pg-boss failure as a `store_error` (a `BatonError`, e.g. the store's own, passes through). */
function queueFailure(error: unknown, store: PostgresStore): BatonError {
  if (isBatonError(error)) return error;
  const said = describeThrown(error);
  return new BatonError(
    'store_error',
    `The job queue (pg-boss) in the Postgres store at ${store.target.host}:${store.target.port} failed: ${said}`,
    {
      cause: error,
      retryable: true,
      details: { host: store.target.host, port: store.target.port, retryable: true },
    },
  );
}
