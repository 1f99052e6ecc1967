import { BatonError } from '../../contracts/errors.js';
import type { RunEvent } from '../run-events.js';
import type { PostgresPool } from './postgres-driver.js';
import { SCHEMA_NAME } from './postgres-schema.js';
import type { NewRun, SnapshotEnvelope } from './store.js';

/** How `PostgresStore.open` connects. */
export interface PostgresStoreOptions {
  /**
   * The schema (namespace) of the store's tables (default `baton`): lower case letters, digits and `_`.
   * Stores in different schemas of one database know nothing of each other.
   */
  readonly schema?: string;
  /**
   * A `pg` pool of your own to use instead of one the store opens; the store leaves it open when it
   * closes. The connection given to `open` then only names the server in messages.
   */
  readonly pool?: PostgresPool;
  /** The most connections the store's own pool opens at once (default 10). */
  readonly maxConnections?: number;
  /** How long connecting may take before it fails as unreachable, in ms (default 10 000). */
  readonly connectTimeoutMs?: number;
  /**
   * How long one statement of the store's own pool may run, waits for row locks included, before
   * Postgres cancels it and the call fails with a retryable `store_error`, in ms (default 30 000; 0 for
   * no limit). A statement stuck behind a lock that a stalled session holds would otherwise hold the run,
   * and the process advancing it, for good. A `pool` of your own keeps its own settings.
   */
  readonly statementTimeoutMs?: number;
  /**
   * Called when an idle connection of the store's pool breaks (the server restarted, the network
   * dropped); the pool replaces it at the next query. Without it, such errors are dropped.
   */
  readonly onError?: (error: BatonError) => void;
}

/** A run `enqueueRun` creates: no lease, since no process advances it until a worker takes its job. */
export interface QueuedRun {
  readonly id: string;
  readonly flow: string;
  readonly flowVersion: string;
  readonly snapshot: SnapshotEnvelope;
  readonly usage: NewRun['usage'];
  readonly events: readonly RunEvent[];
  readonly at: number;
}

/** A run whose lease expired while it was `running`: its process died (or stalled), and any may take it. */
export interface StrandedRun {
  readonly id: string;
  readonly flow: string;
}

/** The options `PostgresStore.open` reads, checked, with their defaults; `invalid_argument` for a bad one. */
export function storeSettings(options: PostgresStoreOptions): {
  readonly schema: string;
  readonly max: number;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
} {
  const schema = options.schema ?? 'baton';
  const max = options.maxConnections ?? 10;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const statementTimeoutMs = options.statementTimeoutMs ?? 30_000;
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema))
    throw new BatonError(
      'invalid_argument',
      `The schema of a Postgres store must be lower case letters, digits and _, starting with a letter or _, at most 40 characters; got ${JSON.stringify(schema)}.`,
      { details: { schema } },
    );
  if (!Number.isInteger(max) || max < 1)
    throw new BatonError(
      'invalid_argument',
      `maxConnections must be a whole number, 1 or more; got ${String(max)}.`,
    );
  if (!Number.isInteger(connectTimeoutMs) || connectTimeoutMs < 0)
    throw new BatonError(
      'invalid_argument',
      `connectTimeoutMs must be a whole number of milliseconds, 0 or more; got ${String(connectTimeoutMs)}.`,
    );
  if (!Number.isInteger(statementTimeoutMs) || statementTimeoutMs < 0 || statementTimeoutMs > 2_147_483_647)
    throw new BatonError(
      'invalid_argument',
      `statementTimeoutMs must be a whole number of milliseconds from 0 (no limit) to 2147483647; got ${String(statementTimeoutMs)}.`,
    );
  return { schema, max, connectTimeoutMs, statementTimeoutMs };
}
