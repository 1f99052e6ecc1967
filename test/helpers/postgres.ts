// A Postgres server for tests. By default each test file that calls `usePostgres()` gets a throwaway
// cluster of its own: `initdb` in a temp folder (as the `postgres` user when run as root, since initdb
// refuses root), started with fsync off on a free port of 127.0.0.1, stopped and deleted after the file.
// BATON_TEST_PG=postgres://user@host:port/db points the tests at an existing server instead. Either way
// every `database()` is a new, empty database, dropped at the end.
//
// Where no Postgres can be found the tests that need it are skipped, and say so on stderr and in their
// names; with BATON_TEST_PG_REQUIRED=1 (as CI sets it) that is a failure instead.
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

const run = promisify(execFile);

/** A Postgres server the tests of one file use. */
export interface TestPostgres {
  /** A URL of a new, empty database on the server, dropped when the file's tests end. */
  database(): Promise<string>;
  /** The URL of the server's `postgres` database, for administration. */
  readonly adminUrl: () => string;
}

interface Binaries {
  readonly bin: string;
  /** The user initdb and the server run as, when this process is root. */
  readonly runAs: { readonly name: string; readonly uid: number; readonly gid: number } | null;
}

/** Where the server binaries are, and whom they run as; or why none can be used. */
function findBinaries(): Binaries | string {
  const candidates: string[] = [];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian))
    candidates.push(
      ...readdirSync(debian)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join(debian, v, 'bin')),
    );
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(dir);
  const bin = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!bin)
    return "no PostgreSQL server binaries (initdb, pg_ctl) were found: install Debian's postgresql, or set BATON_TEST_PG to a server URL";
  if (process.getuid?.() !== 0) return { bin, runAs: null };
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0)
    return 'running as root, and there is no "postgres" user to run initdb as (it refuses root)';
  return { bin, runAs: { name: 'postgres', uid: Number(uid.stdout), gid: Number(gid.stdout) } };
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a server binary, as the `postgres` user when this process is root. */
function binary(binaries: Binaries, name: string, args: readonly string[]) {
  const path = join(binaries.bin, name);
  return binaries.runAs
    ? run('runuser', ['-u', binaries.runAs.name, '--', path, ...args])
    : run(path, [...args]);
}

/** A cluster in a temp folder, started on a free port. */
async function startCluster(binaries: Binaries): Promise<{ url: string; stop: () => Promise<void> }> {
  const folder = mkdtempSync(join(tmpdir(), 'baton-pg-'));
  if (binaries.runAs) chownSync(folder, binaries.runAs.uid, binaries.runAs.gid);
  const data = join(folder, 'data');
  const log = join(folder, 'server.log');
  const stop = async () => {
    await binary(binaries, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    await binary(binaries, 'initdb', [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-N',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      `-k ${folder}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    await binary(binaries, 'pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', settings, 'start']);
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
  } catch (error) {
    const said = existsSync(log) ? readFileSync(log, 'utf8') : '';
    await stop();
    throw new Error(`The test Postgres did not start: ${String(error)}\n${said}`);
  }
}

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
