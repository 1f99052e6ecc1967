import { loadSdk } from '../../agents/providers/provider-support.js';
import { BatonError, describeThrown, isBatonError } from '../../contracts/errors.js';

/** A value SQLite binds or returns for the columns Baton uses. */
export type SqliteValue = string | number | null;

/** A prepared statement of a better-sqlite3-compatible driver: the part of it `SqliteStore` uses. */
export interface SqliteStatement {
  /** Runs the statement with its parameters; `changes` is the number of rows it changed. */
  run(...params: SqliteValue[]): { readonly changes: number | bigint };
  /** The first row the statement returns, or undefined. */
  get(...params: SqliteValue[]): unknown;
  /** Every row the statement returns. */
  all(...params: SqliteValue[]): unknown[];
}

/**
 * A synchronous, better-sqlite3-compatible database connection (`libsql`'s or `better-sqlite3`'s
 * `Database`): the part of it `SqliteStore` uses. Give your own to `SqliteStore.open` to share a
 * connection, or to use a driver other than `libsql`.
 */
export interface SqliteDatabase {
  /** Compiles one SQL statement. */
  prepare(sql: string): SqliteStatement;
  /** Runs SQL text of one or more statements, with no parameters. */
  exec(sql: string): unknown;
  /** Closes the connection. */
  close(): unknown;
}

/** The constructor of `libsql`'s `Database`, as the store uses it. */
type OpenDatabase = new (path: string, options: { readonly timeout: number }) => SqliteDatabase;

/**
 * Opens the file at `path` with `libsql`, loaded when first needed: `missing_dependency` with the install
 * line when it is not installed, `store_error` when the file cannot be opened. `load` is for tests.
 */
export async function openLibsql(
  path: string,
  busyTimeoutMs: number,
  load: () => Promise<{ default: unknown }> = () => import('libsql'),
): Promise<SqliteDatabase> {
  const libsql = await loadSdk({
    name: 'libsql',
    load,
    neededBy: 'the SQLite store',
    install: 'npm install libsql',
  });
  const Database = libsql.default as OpenDatabase;
  try {
    return new Database(path, { timeout: busyTimeoutMs });
  } catch (error) {
    throw sqliteFailure(error, path);
  }
}

/**
 * Runs `work` in one write transaction, begun IMMEDIATE so that it waits for (or fails fast on) another
 * writer before reading what it will change; rolls back if anything throws, so a failed write leaves the
 * last committed state as it was.
 */
export function transaction<T>(db: SqliteDatabase, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    try {
      db.exec('ROLLBACK');
    } catch {
      // SQLite already rolled back (a full disk or an I/O error ends the transaction): nothing is left.
    }
    throw error;
  }
}

/**
 * The `store_error` for a failure of SQLite itself (a `BatonError` passes through): retryable when the
 * database was busy or locked by another connection; not for a full disk, a read-only file, an I/O error
 * or a file that is not a database, whose message says what the operating system or SQLite said.
 */
export function sqliteFailure(error: unknown, path: string): BatonError {
  if (isBatonError(error)) return error;
  const code = sqliteCode(error);
  const said = describeThrown(error);
  const retryable = code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
  return new BatonError('store_error', `The SQLite store "${path}" failed: ${explain(code, said)}`, {
    cause: error,
    retryable,
    details: { path, sqliteCode: code, retryable },
  });
}

function explain(code: string, said: string): string {
  const what = `${said}${code === '' ? '' : ` (${code})`}`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return `another connection holds the database: ${what}. Try again, or raise busyTimeoutMs.`;
  if (code.startsWith('SQLITE_NOTADB'))
    return `the file is not a SQLite database: ${what}. Point the store at a new file or a Baton database.`;
  if (code.startsWith('SQLITE_FULL')) return `the disk or the database is full: ${what}. Free some space.`;
  if (code.startsWith('SQLITE_READONLY'))
    return `the database is read-only: ${what}. Check the permissions of the file and of its folder: in WAL mode SQLite keeps a -wal and a -shm file beside the database, even to read it. To look into a database you cannot write, copy it (with its -wal file) to a folder you can.`;
  if (code.startsWith('SQLITE_CANTOPEN') || /unable to open/i.test(said))
    return `the file cannot be opened: ${what}. Check that its folder exists and is writable.`;
  return `${what}.`;
}

/**
 * The names of SQLite's primary result codes that a store failure can carry. An extended code is its
 * primary code plus a multiple of 256.
 */
const PRIMARY: Readonly<Record<number, string>> = {
  1: 'SQLITE_ERROR',
  3: 'SQLITE_PERM',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  8: 'SQLITE_READONLY',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  26: 'SQLITE_NOTADB',
};

/** Extended codes newer than libsql's own table, which it reports as `UNKNOWN_SQLITE_ERROR_<n>`. */
const EXTENDED: Readonly<Record<number, string>> = {
  518: 'SQLITE_LOCKED_VTAB',
  773: 'SQLITE_BUSY_TIMEOUT',
  1038: 'SQLITE_CANTOPEN_SYMLINK',
  1288: 'SQLITE_READONLY_CANTINIT',
  1544: 'SQLITE_READONLY_DIRECTORY',
};

/**
 * The SQLite code of a failure, by name: libsql names the codes it knows and reports the others as
 * `UNKNOWN_SQLITE_ERROR_<n>`, which is named here from its number (a read-only folder, 1544, is
 * `SQLITE_READONLY_DIRECTORY`), so that the explanation and whether it is retryable follow its primary code.
 */
function sqliteCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { code } = error as { code?: unknown };
  if (typeof code !== 'string') return '';
  const unknown = /^UNKNOWN_SQLITE_ERROR_(\d+)$/.exec(code);
  if (!unknown) return code;
  const number = Number(unknown[1]);
  const primary = PRIMARY[number % 256];
  return EXTENDED[number] ?? (primary ? `${primary} (extended code ${number})` : code);
}
