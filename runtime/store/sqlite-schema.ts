import { BatonError } from '../../contracts/errors.js';
import { type SqliteDatabase, transaction } from './sqlite-database.js';

/** One change to the SQLite store's tables, applied once, in order, and recorded in `baton_schema`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Every migration, oldest first. A released migration is never edited: a change to the tables is a new
 * one at the end. `baton_schema` is created by the first and marks the file as Baton's.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, events and journal',
    sql: `
      CREATE TABLE baton_schema (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL
      );
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        flow TEXT NOT NULL,
        flow_version TEXT NOT NULL,
        status TEXT NOT NULL,
        seq INTEGER NOT NULL,
        agent TEXT,
        usage TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        lease_holder TEXT,
        lease_expires_at INTEGER,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX runs_by_status ON runs (status, updated_at);
      CREATE INDEX runs_by_flow ON runs (flow);
      CREATE INDEX runs_by_creation ON runs (created_at);
      CREATE TABLE events (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      -- The journal keeps write order in its own integer key: an implicit rowid may be renumbered by VACUUM.
      CREATE TABLE journal (
        position INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        at INTEGER NOT NULL,
        UNIQUE (run_id, step, key)
      );
    `,
  },
];

/** The schema version this code writes: the last migration's. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** How `SqliteStore.open` sets up a connection. */
export interface Setup {
  readonly path: string;
  readonly synchronous: 'full' | 'normal';
  readonly busyTimeoutMs: number;
}

/**
 * Gets a connection ready for the store. It first only reads, so that a file that is not a SQLite
 * database, belongs to another program, or was written by a newer Baton fails here and is left as it
 * was; then it sets WAL mode, the chosen `synchronous`, foreign keys, and applies missing migrations in
 * one transaction.
 */
export function prepareDatabase(db: SqliteDatabase, { path, synchronous, busyTimeoutMs }: Setup): void {
  db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
  const found = schemaVersion(db, path);
  db.prepare('PRAGMA journal_mode = WAL').get();
  db.exec(`PRAGMA synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.exec('PRAGMA foreign_keys = ON');
  if (found === SCHEMA_VERSION) return;
  transaction(db, () => {
    // Read again under the write lock: another process may have migrated the file meanwhile.
    const current = schemaVersion(db, path);
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO baton_schema (version, name) VALUES (?, ?)').run(
        migration.version,
        migration.name,
      );
    }
  });
}

/**
 * The schema version of a Baton database, 0 for an empty file; `store_error` for a database with tables
 * but no `baton_schema` (another program's) or one newer than this code knows.
 */
function schemaVersion(db: SqliteDatabase, path: string): number {
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
  ).map((table) => table.name);
  if (tables.length === 0) return 0;
  if (!tables.includes('baton_schema'))
    throw new BatonError(
      'store_error',
      `The SQLite file "${path}" is not a Baton database: it has tables (${tables.slice(0, 5).join(', ')}) but no baton_schema. Give the store a file of its own.`,
      { details: { path, tables, retryable: false } },
    );
  const row = db.prepare('SELECT MAX(version) AS version FROM baton_schema').get() as
    | { version: number | null }
    | undefined;
  const version = row?.version ?? 0;
  if (version > SCHEMA_VERSION)
    throw new BatonError(
      'store_error',
      `The SQLite file "${path}" has Baton schema version ${version}, newer than this version of Baton knows (${SCHEMA_VERSION}). Upgrade baton-flow to open it.`,
      { details: { path, version, known: SCHEMA_VERSION, retryable: false } },
    );
  return version;
}
