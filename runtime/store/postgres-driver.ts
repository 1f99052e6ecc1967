import { loadSdk } from '../../agents/providers/provider-support.js';
import { BatonError, isBatonError } from '../../contracts/errors.js';

/** What a query returns: its rows, and how many rows it changed. */
export interface PostgresResult {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number | null;
}

/** Something that runs SQL with `$1`-style parameters: a `pg` pool, or one of its clients. */
export interface PostgresQueryable {
  /** Runs one statement (or, without parameters, several). */
  query(text: string, values?: unknown[]): Promise<PostgresResult>;
}

/** A `pg` client taken from a pool: the part of it Baton uses. */
export interface PostgresClient extends PostgresQueryable {
  /** Gives the client back to its pool; with an error (or `true`) the pool closes it instead. */
  release(error?: Error | boolean): void;
  /** Listens for the NOTIFYs of the channels this client LISTENs on. */
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  /** Listens for the client's connection breaking. */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Listens for the client's connection ending, whoever ended it. */
  on(event: 'end', listener: () => void): unknown;
}

/**
 * A `pg` (node-postgres) `Pool`, or one that behaves like it: the part of it Baton uses. Give your own to
 * `PostgresStore.open` to share a pool with the rest of a service.
 */
export interface PostgresPool extends PostgresQueryable {
  /** Takes a client from the pool, connecting a new one when none is idle. */
  connect(): Promise<PostgresClient>;
  /** Closes every client. */
  end(): Promise<void>;
  /** `error`: an idle client's connection broke. */
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** How to reach a Postgres server: a `postgres://` URL, or `pg`'s connection settings. */
export type PostgresConnection =
  | string
  | {
      readonly host?: string;
      readonly port?: number;
      readonly database?: string;
      readonly user?: string;
      readonly password?: string;
      /** `pg`'s TLS settings: `true`, or an object of `tls.connect` options. */
      readonly ssl?: boolean | Readonly<Record<string, unknown>>;
    };

/** Where a store's server is, as messages name it. */
export interface PostgresTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
}

/** `pg`'s `Pool` constructor, as the store calls it. */
type PoolConstructor = new (config: Record<string, unknown>) => PostgresPool;

/** The pool settings Baton gives `pg`. */
export interface PoolSettings {
  readonly max: number;
  readonly connectTimeoutMs: number;
  /** Postgres's `statement_timeout` for the pool's sessions, in ms; 0 (or absent) for none. */
  readonly statementTimeoutMs?: number;
}

/**
 * Opens a `pg` pool, loading `pg` when first needed: `missing_dependency` with the install line when it is
 * not installed. The pool connects lazily: reaching the server is the first query's business. `load` is
 * for tests.
 */
export async function openPool(
  connection: PostgresConnection,
  settings: PoolSettings,
  load: () => Promise<unknown> = () => import('pg'),
): Promise<PostgresPool> {
  const pg = (await loadSdk({
    name: 'pg',
    load,
    neededBy: 'the Postgres store',
    install: 'npm install pg',
  })) as { default?: { Pool?: PoolConstructor }; Pool?: PoolConstructor };
  const Pool = pg.Pool ?? pg.default?.Pool;
  if (!Pool)
    throw new BatonError('missing_dependency', 'The installed "pg" package has no Pool: install pg 8.', {
      details: { package: 'pg' },
    });
  const base = typeof connection === 'string' ? { connectionString: connection } : { ...connection };
  return new Pool({
    ...base,
    max: settings.max,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    keepAlive: true,
    // A connection whose peer vanished (a failover, a cut network) is found in seconds, not the system's two hours.
    keepAliveInitialDelayMillis: 10_000,
    application_name: 'baton',
    // Sent at connect: the server cancels a statement that runs (or waits for a lock) longer.
    ...(settings.statementTimeoutMs ? { statement_timeout: settings.statementTimeoutMs } : {}),
  });
}

/** The host, port and database a connection names, for messages (`pg`'s defaults where it names none). */
export function targetOf(connection: PostgresConnection | undefined): PostgresTarget {
  const fallback = { host: 'localhost', port: 5432, database: '' };
  if (connection === undefined) return fallback;
  if (typeof connection !== 'string')
    return {
      host: connection.host ?? fallback.host,
      port: connection.port ?? fallback.port,
      database: connection.database ?? '',
    };
  try {
    const url = new URL(connection);
    const host = decodeURIComponent(url.hostname || url.searchParams.get('host') || fallback.host);
    return {
      host: host.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? fallback.port : Number(url.port),
      database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    };
  } catch {
    return fallback;
  }
}

/** `host:port`, with brackets around an IPv6 address. */
export function where(target: PostgresTarget): string {
  return target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

/** Node's codes for a connection that could not be made or broke. */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
]);

/** SQLSTATEs that a later try may get past: a lost or refused connection, a shutdown, a conflict. */
const RETRYABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01', '55P03']);

/** Whether an error is a broken or impossible connection rather than a refused statement. */
export function isConnectionFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK.has(code) || code.startsWith('08'))) return true;
  return /connection terminated|timeout expired|connection timeout|not queryable|Client has encountered a connection error/i.test(
    String(message),
  );
}

/**
 * The `store_error` for a failure of Postgres or of the way to it (a `BatonError` passes through). A server
 * that cannot be reached is named by host and port, retryable; a refused login, a missing database or a
 * refused statement is not retryable and says what the server said.
 */
export function postgresFailure(error: unknown, target: PostgresTarget): BatonError {
  if (isBatonError(error)) return error;
  const said = describe(error);
  const state = sqlState(error);
  const at = where(target);
  const details = { host: target.host, port: target.port, database: target.database };
  if (isConnectionFailure(error)) {
    return new BatonError(
      'store_error',
      `Cannot reach Postgres at ${at}: ${said}. Check that the server runs and listens there, and that the host and port of the connection are right.`,
      { cause: error, retryable: true, details: { ...details, retryable: true, sqlState: state } },
    );
  }
  const fail = (message: string, retryable = false) =>
    new BatonError('store_error', message, {
      cause: error,
      retryable,
      details: { ...details, retryable, sqlState: state },
    });
  if (state === '28P01' || state === '28000')
    return fail(
      `Postgres at ${at} refused the login: ${said}. Check the user and password of the connection.`,
    );
  if (state === '3D000')
    return fail(
      `Postgres at ${at} has no database "${target.database}": ${said}. Create it (createdb ${target.database || '<name>'}) or name another.`,
    );
  // pg-pool's own timeout: every connection of the pool was busy for connectTimeoutMs. The server is fine.
  if (/timeout exceeded when trying to connect/i.test(said))
    return fail(
      `Every connection of the store's pool to Postgres at ${at} stayed busy: ${said}. Try again, or give the store more connections (maxConnections).`,
      true,
    );
  if (state === '57014')
    return fail(
      `A statement of the Postgres store at ${at} ran past its statement timeout and was cancelled: ${said}. Another session may hold a lock on the run for long (a stalled transaction); try again, or raise statementTimeoutMs.`,
      true,
    );
  if (RETRYABLE_STATES.has(state))
    return fail(`Postgres at ${at} failed for now: ${said} (${state}). Try again.`, true);
  return fail(`The Postgres store at ${at} failed: ${said}${state === '' ? '' : ` (${state})`}.`);
}

/** The SQLSTATE of a server error, or ''. */
export function sqlState(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { code } = error as { code?: unknown };
  return typeof code === 'string' && !NETWORK.has(code) && /^[0-9A-Z]{5}$/.test(code) ? code : '';
}

/** What an error says: its message, or its code when it has no message (Node's AggregateError of a refused connection). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code } = error as { code?: unknown };
  if (error.message !== '') return error.message;
  return typeof code === 'string' ? code : error.name;
}

/**
 * Runs `work` in one transaction on `client`, then gives the client back (closing it when its connection
 * broke); rolls back if anything throws. A thrown Baton error goes on as it is; anything else goes through
 * `failure`.
 */
export async function inTransaction<T>(
  client: PostgresClient,
  work: (db: PostgresQueryable) => Promise<T>,
  failure: (error: unknown) => BatonError,
): Promise<T> {
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } catch (error) {
    const cause = isBatonError(error) ? error.cause : error;
    if (cause instanceof Error && isConnectionFailure(cause)) broken = cause;
    throw isBatonError(error) ? error : failure(error);
  } finally {
    client.release(broken);
  }
}
