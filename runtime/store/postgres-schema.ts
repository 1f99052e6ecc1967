import { BatonError } from '../../contracts/errors.js';
import {
  isConnectionFailure,
  type PostgresPool,
  type PostgresQueryable,
  type PostgresTarget,
  postgresFailure,
  where,
} from './postgres-driver.js';

/** One change to the Postgres store's tables, applied once, in order, and recorded in `schema_version`. */
export interface PostgresMigration {
  readonly version: number;
  readonly name: string;
  /** The statements, with `%s` standing for the store's schema. */
  readonly sql: string;
}

/**
 * Every migration, oldest first. A released migration is never edited: a change to the tables is a new
 * one at the end. `schema_version` is created by the first and marks the schema as Baton's. Ids and flow
 * names sort by their bytes (`COLLATE "C"`), as in the SQLite store; JSON is kept as `json`, which keeps
 * the text as it was written (key order included), not `jsonb`.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'runs, commits, events and journal',
    sql: `
      CREATE TABLE %s.schema_version (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE %s.runs (
        id text COLLATE "C" PRIMARY KEY,
        flow text COLLATE "C" NOT NULL,
        flow_version text NOT NULL,
        status text NOT NULL,
        seq integer NOT NULL,
        agent text,
        usage json NOT NULL,
        snapshot json NOT NULL,
        lease_holder text,
        lease_expires_at bigint,
        cancel_requested boolean NOT NULL DEFAULT false,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE INDEX runs_by_status ON %s.runs (status, updated_at);
      CREATE INDEX runs_by_flow ON %s.runs (flow);
      CREATE INDEX runs_by_creation ON %s.runs (created_at DESC, id DESC);
      CREATE INDEX runs_stranded ON %s.runs (flow, lease_expires_at) WHERE status = 'running';
      -- One row per commit: (run_id, seq) is unique, so two processes can never both make commit n.
      CREATE TABLE %s.commits (
        run_id text COLLATE "C" NOT NULL REFERENCES %s.runs (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        holder text NOT NULL,
        at bigint NOT NULL,
        UNIQUE (run_id, seq)
      );
      CREATE TABLE %s.events (
        run_id text COLLATE "C" NOT NULL REFERENCES %s.runs (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        body json NOT NULL,
        PRIMARY KEY (run_id, seq)
      );
      CREATE TABLE %s.journal (
        position bigserial PRIMARY KEY,
        run_id text COLLATE "C" NOT NULL REFERENCES %s.runs (id) ON DELETE CASCADE,
        step integer NOT NULL,
        key text NOT NULL,
        value json NOT NULL,
        at bigint NOT NULL,
        UNIQUE (run_id, step, key)
      );
    `,
  },
];

/** The schema version this code writes: the last migration's. */
export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.at(-1)?.version ?? 0;

/** The first key of the advisory lock that migrations hold; the second is the schema's hash. */
const MIGRATION_LOCK = 0x62746e31;

/** A schema name Baton accepts: lower case letters, digits and `_`, starting with a letter or `_`. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,39}$/;

/**
 * Brings the store's schema up to date. It first only reads, so that a schema of another program or of a
 * newer Baton fails here and is left as it was; then it takes a transaction-scoped advisory lock, reads
 * again (another process may have migrated meanwhile), and applies the missing migrations in that one
 * transaction: processes opening the same database at once wait for each other instead of racing.
 */
export async function migrate(pool: PostgresPool, schema: string, target: PostgresTarget): Promise<void> {
  let client: Awaited<ReturnType<PostgresPool['connect']>>;
  try {
    client = await pool.connect();
  } catch (error) {
    throw postgresFailure(error, target);
  }
  let broken: Error | undefined;
  try {
    if ((await schemaVersion(client, schema, target)) === POSTGRES_SCHEMA_VERSION) return;
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK, schema]);
      const current = await schemaVersion(client, schema, target);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      for (const migration of POSTGRES_MIGRATIONS) {
        if (migration.version <= current) continue;
        await client.query(migration.sql.replaceAll('%s', schema));
        await client.query(`INSERT INTO ${schema}.schema_version (version, name) VALUES ($1, $2)`, [
          migration.version,
          migration.name,
        ]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } catch (error) {
    if (error instanceof Error && isConnectionFailure(error)) broken = error;
    throw postgresFailure(error, target);
  } finally {
    client.release(broken);
  }
}

/**
 * The version of the Baton schema, 0 when there is none yet; `store_error` for a schema that has tables but
 * no `schema_version` (another program's) or one newer than this code knows.
 */
async function schemaVersion(db: PostgresQueryable, schema: string, target: PostgresTarget): Promise<number> {
  const { rows } = await db.query(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [schema],
  );
  const tables = rows.map((row) => String(row.name));
  if (tables.length === 0) return 0;
  if (!tables.includes('schema_version'))
    throw new BatonError(
      'store_error',
      `The schema "${schema}" of the database at ${where(target)} is not a Baton store: it has tables (${tables.slice(0, 5).join(', ')}) but no schema_version. Give the store a schema of its own (the schema option).`,
      { details: { schema, tables, retryable: false } },
    );
  const found = await db.query(`SELECT MAX(version) AS version FROM ${schema}.schema_version`);
  const version = Number(found.rows[0]?.version ?? 0);
  if (version > POSTGRES_SCHEMA_VERSION)
    throw new BatonError(
      'store_error',
      `The schema "${schema}" at ${where(target)} has Baton schema version ${version}, newer than this version of Baton knows (${POSTGRES_SCHEMA_VERSION}). Upgrade baton-flow to open it.`,
      { details: { schema, version, known: POSTGRES_SCHEMA_VERSION, retryable: false } },
    );
  return version;
}
