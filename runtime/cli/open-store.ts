import { mkdirSync, rmdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { describeThrown, isBatonError } from '../../contracts/errors.js';
import { where } from '../store/postgres-driver.js';
import { PostgresStore } from '../store/postgres-store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { CliError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { statOf } from './stat-of.js';

/** The environment variable that names the run database when no `--db` is given: `BATON_DB`. */
export const DB_VARIABLE = 'BATON_DB';

/** Where runs are kept when neither `--db` nor `BATON_DB` says: `.baton/runs.db` under the current folder. */
export const DEFAULT_DB = join('.baton', 'runs.db');

/** The `--db` and `--no-store` flags. */
export interface StoreFlags {
  readonly db?: string | undefined;
  readonly noStore?: boolean | undefined;
}

/** The run database a command opened: the store, and its path as the user reads it. */
export interface OpenedStore {
  readonly store: Store;
  /** Relative to the current folder when it lies under it, e.g. `.baton/runs.db`. */
  readonly shown: string;
}

/** Opens a SQLite store at a path; `SqliteStore.open` unless a test passes another. */
export type OpenStore = (path: string) => Promise<Store>;

const openSqlite: OpenStore = (path) => SqliteStore.open(path);

/** Where the run database is, and whether the user named it (`--db` or `BATON_DB`) or it is the default. */
export function dbPath(flags: StoreFlags, io: CliIo): { path: string; shown: string; named: boolean } {
  if (flags.db !== undefined && flags.db.trim() === '')
    throw new CliError('usage', 'invalid_argument', '--db is empty. Pass the path of the run database.');
  const env = io.env[DB_VARIABLE]?.trim() || undefined;
  const given = flags.db ?? env;
  const path = resolve(io.cwd, given ?? DEFAULT_DB);
  if (statOf(path)?.isDirectory()) {
    const from = flags.db !== undefined ? '--db' : given !== undefined ? DB_VARIABLE : 'The run database';
    throw new CliError(
      'usage',
      'invalid_argument',
      `${from} names a folder, ${path}. Pass the path of the database file, e.g. ${join(path, 'runs.db')}.`,
      { details: { path } },
    );
  }
  const inside = relative(io.cwd, path);
  const shown = inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
  return { path, shown, named: given !== undefined };
}

/**
 * Opens the run database for `baton run`, creating it and its folder when missing; null with `--no-store`.
 * When `libsql` is not installed and the user named no database, the run goes on without one and one line
 * on stderr says how to keep runs; when they named one, that is `missing_dependency`.
 */
export async function openRunStore(
  flags: StoreFlags,
  io: CliIo,
  open: OpenStore = openSqlite,
): Promise<OpenedStore | null> {
  if (flags.noStore) {
    if (flags.db !== undefined)
      throw new CliError('usage', 'invalid_argument', '--no-store and --db contradict each other: pass one.');
    return null;
  }
  const postgres = await openPostgres(flags, io);
  if (postgres) return postgres;
  const { path, shown, named } = dbPath(flags, io);
  const made = makeFolder(dirname(path));
  try {
    return { store: await open(path), shown };
  } catch (error) {
    if (!isBatonError(error) || error.code !== 'missing_dependency') throw error;
    removeFolders(dirname(path), made);
    if (named) throw error;
    io.err(
      `baton: this run is not kept: install libsql (npm install libsql) to keep runs in ${shown}, or pass --no-store.`,
    );
    return null;
  }
}

/**
 * Opens the run database that `baton runs`, `show`, `resume`, `cancel` and `gc` read: one that does not
 * exist is a misuse (exit 66), never an empty database made by mistake.
 */
export async function openExistingStore(
  flags: StoreFlags,
  io: CliIo,
  open: OpenStore = openSqlite,
): Promise<OpenedStore> {
  const postgres = await openPostgres(flags, io);
  if (postgres) return postgres;
  const { path, shown, named } = dbPath(flags, io);
  if (!statOf(path)) {
    throw new CliError(
      'noInput',
      'invalid_argument',
      `No run database at ${path}: ${named ? 'check the path' : '`baton run` keeps runs there'}. Pass --db <path> or set ${DB_VARIABLE} to read another.`,
      { details: { path } },
    );
  }
  return { store: await open(path), shown };
}

/**
 * Opens the existing run database, calls `work` with it and closes it after, whatever `work` did; the
 * database `baton runs`, `show`, `resume`, `cancel` and `gc` read.
 */
export async function withRunDatabase<T>(
  flags: StoreFlags,
  io: CliIo,
  work: (opened: OpenedStore) => Promise<T>,
): Promise<T> {
  const opened = await openExistingStore(flags, io);
  return await closing(opened, () => work(opened));
}

/** Calls `work`, then closes the store (if any) whether `work` succeeded or not. */
export async function closing<T>(opened: OpenedStore | null, work: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // The error of the work is the one to report; a store that also fails to close adds nothing to it.
    await opened?.store.close().catch(() => undefined);
    throw error;
  }
  await opened?.store.close();
  return result;
}

/**
 * The database `--db` or `BATON_DB` names (undefined for the default), and whether it is a Postgres URL.
 * A Postgres URL may name the schema of the store's tables in Baton's own `schema` parameter
 * (`postgres://host/db?schema=support`; default `baton`), which is taken out of the URL given to Postgres.
 */
export function namedDatabase(
  flags: StoreFlags,
  io: CliIo,
): { url: string | undefined; postgres: boolean; schema: string | undefined } {
  const named = (flags.db ?? io.env[DB_VARIABLE])?.trim() || undefined;
  if (named === undefined || !/^postgres(ql)?:\/\//.test(named))
    return { url: named, postgres: false, schema: undefined };
  return { ...withoutSchema(named), postgres: true };
}

/**
 * A Postgres URL without its `schema` parameter, and that parameter's value. The query is read as it is
 * written, not through a URL parser: Postgres takes URLs that one refuses (a Unix socket as
 * `postgres://user@/db?host=/var/run/postgresql`), and the other parameters go to it untouched.
 */
function withoutSchema(url: string): { url: string; schema: string | undefined } {
  const at = url.indexOf('?');
  if (at < 0) return { url, schema: undefined };
  const hash = url.indexOf('#', at);
  const query = url.slice(at + 1, hash < 0 ? undefined : hash);
  const nameOf = (part: string) => decoded(part.split('=')[0] ?? '');
  const parts = query.split('&');
  const schemas = parts
    .filter((part) => nameOf(part) === 'schema')
    .map((part) => (part.includes('=') ? decoded(part.slice(part.indexOf('=') + 1)) : ''));
  if (schemas.length === 0) return { url, schema: undefined };
  if (schemas.length > 1)
    throw new CliError(
      'usage',
      'invalid_argument',
      `The database URL names the schema ${schemas.length} times (${schemas.join(', ')}): name it once, as ?schema=<name>.`,
    );
  const kept = parts.filter((part) => nameOf(part) !== 'schema' && part !== '').join('&');
  return {
    url: `${url.slice(0, at)}${kept === '' ? '' : `?${kept}`}${hash < 0 ? '' : url.slice(hash)}`,
    schema: schemas[0],
  };
}

/** A URL's query piece decoded, or as written when it is not valid percent-encoding. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/** Opens the Postgres store `namedDatabase` found, in its schema. */
export function openPostgresStore(named: {
  url: string;
  schema: string | undefined;
}): Promise<PostgresStore> {
  return PostgresStore.open(named.url, named.schema === undefined ? {} : { schema: named.schema });
}

/**
 * The Postgres store that `--db` or `BATON_DB` names with a `postgres://` URL, or null when they name a
 * file; shown without its user and password.
 */
async function openPostgres(flags: StoreFlags, io: CliIo): Promise<OpenedStore | null> {
  const { url, postgres, schema } = namedDatabase(flags, io);
  if (url === undefined || !postgres) return null;
  const store = await openPostgresStore({ url, schema });
  return { store, shown: shownPostgres(store) };
}

/** A Postgres store as the commands show it: without user and password, with its schema unless it is `baton`. */
export function shownPostgres(store: PostgresStore): string {
  const { target, schema } = store;
  return `postgres://${where(target)}/${target.database}${schema === 'baton' ? '' : `?schema=${schema}`}`;
}

/** Creates a folder and its missing parents; returns the first one it created, or undefined. */
function makeFolder(folder: string): string | undefined {
  try {
    return mkdirSync(folder, { recursive: true });
  } catch (cause) {
    throw new CliError(
      'io',
      'store_error',
      `Cannot create the folder of the run database, ${folder}: ${describeThrown(cause)}. Pass --db <path> in a folder you can write to, or --no-store.`,
      { cause, details: { path: folder } },
    );
  }
}

/** Removes the empty folders `makeFolder` created, from `folder` up to `top`. */
function removeFolders(folder: string, top: string | undefined): void {
  if (top === undefined) return;
  for (let at = folder; at.startsWith(top); at = dirname(at)) {
    try {
      rmdirSync(at);
    } catch {
      return; // not empty, or gone: leave it
    }
    if (at === top) return;
  }
}
