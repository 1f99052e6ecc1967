// A Postgres server for tests. By default each test file that calls `usePostgres()` gets a throwaway
// cluster of its own: `initdb` in a temp folder (as the `postgres` user when run as root, since initdb
// refuses root), started with fsync off on a free port of 127.0.0.1, stopped and deleted after the file.
// BATON_TEST_PG=postgres://user@host:port/db points the tests at an existing server instead. Either way
// every `database()` is a new, empty database, dropped at the end.
//
// Where no Postgres can be found the tests that need it are skipped, and say so on stderr and in their
// names; with BATON_TEST_PG_REQUIRED=1 (as CI sets it) that is a failure instead.
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { type Binaries, findBinaries, startCluster } from './postgres-cluster.js';

/** A Postgres server the tests of one file use. */
export interface TestPostgres {
  /** A URL of a new, empty database on the server, dropped when the file's tests end. */
  database(): Promise<string>;
  /** The URL of the server's `postgres` database, for administration. */
  readonly adminUrl: () => string;
}

const external = process.env.BATON_TEST_PG?.trim() || undefined;
const found = external ? null : findBinaries();

/** Why the Postgres tests cannot run here, or null when they can. */
export const postgresMissing: string | null = typeof found === 'string' ? found : null;

if (postgresMissing !== null) {
  if (process.env.BATON_TEST_PG_REQUIRED === '1')
    throw new Error(`The Postgres tests must run here (BATON_TEST_PG_REQUIRED=1), but ${postgresMissing}.`);
  process.stderr.write(`\n*** POSTGRES TESTS SKIPPED: ${postgresMissing}. ***\n\n`);
}

/** A title suffix that says the tests were skipped, and why. */
export const skippedNote = postgresMissing === null ? '' : ` [SKIPPED: ${postgresMissing}]`;

const urlOf = (server: string, database: string) => {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
};

/**
 * The Postgres server of this test file: started before its tests (or BATON_TEST_PG), stopped after,
 * with every database it made dropped. Call it at the top of a test file.
 */
export function usePostgres(): TestPostgres {
  let server: string | null = null;
  let stopCluster: (() => Promise<void>) | null = null;
  const made: string[] = [];
  beforeAll(async () => {
    if (postgresMissing !== null) return;
    if (external) server = external;
    else {
      const cluster = await startCluster(found as Binaries);
      server = cluster.url;
      stopCluster = cluster.stop;
    }
  }, 120_000);
  afterAll(async () => {
    if (server && !stopCluster && made.length > 0) {
      const admin = new pg.Client({ connectionString: urlOf(server, 'postgres') });
      await admin.connect();
      for (const name of made) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
    await stopCluster?.();
  }, 60_000);
  return {
    adminUrl: () => {
      if (!server) throw new Error('usePostgres: the server is not started (or Postgres is missing)');
      return urlOf(server, 'postgres');
    },
    async database() {
      if (!server) throw new Error('usePostgres: the server is not started (or Postgres is missing)');
      const name = `baton_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
      const admin = new pg.Client({ connectionString: urlOf(server, 'postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      made.push(name);
      return urlOf(server, name);
    },
  };
}
