import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openLibsql, type SqliteDatabase } from '../../runtime/store/sqlite-database.js';
import { SCHEMA_VERSION } from '../../runtime/store/sqlite-schema.js';
import { SqliteStore } from '../../runtime/store/sqlite-store.js';
import type { Store } from '../../runtime/store/store.js';
import { storeArgumentsContract } from './store-arguments-contract.js';
import { snapshotOf, storeContract, T0, triageRun, usage } from './store-contract.js';

let dir: string;
let stores: Store[] = [];
let connections: SqliteDatabase[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baton-sqlite-store-'));
});
afterEach(async () => {
  for (const store of stores) await store.close();
  for (const db of connections) db.close();
  stores = [];
  connections = [];
  await rm(dir, { recursive: true, force: true });
});

const fileIn = (name = 'runs.db') => join(dir, name);
const open = async (path: string, options?: Parameters<typeof SqliteStore.open>[1]) => {
  const store = await SqliteStore.open(path, options);
  stores.push(store);
  return store;
};
/** A connection of the test's own to the file, closed after the test. */
const connect = (path: string, options: { timeout?: number } = {}): SqliteDatabase => {
  const db = new Database(path, options) as unknown as SqliteDatabase;
  connections.push(db);
  return db;
};
const pragma = (db: SqliteDatabase, name: string) =>
  Object.values(db.prepare(`PRAGMA ${name}`).get() as object)[0];

storeContract('SqliteStore', async () => {
  const path = fileIn();
  return { store: await open(path), reopen: () => open(path) };
});
storeArgumentsContract('SqliteStore', async () => ({ store: await open(fileIn()) }));

const newRun = (id: string) => triageRun(id, { holder: 'worker-a', expiresAt: T0 + 30_000 });
const commit = (seq: number, value: unknown = { value: `state-${seq}` }) => ({
  runId: 'run-1',
  seq,
  holder: 'worker-a',
  status: 'running' as const,
  agent: 'billing',
  usage: usage(0),
  snapshot: snapshotOf(value),
  events: [],
  at: T0 + seq,
});

describe('SqliteStore.open', () => {
  it('sets WAL mode, synchronous FULL, foreign keys and the busy timeout by default', async () => {
    const path = fileIn();
    const db = connect(path);
    db.exec('PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; PRAGMA busy_timeout = 1');
    await open(path, { database: db });
    expect(pragma(db, 'journal_mode')).toBe('wal');
    expect(pragma(db, 'synchronous')).toBe(2);
    expect(pragma(db, 'foreign_keys')).toBe(1);
    expect(pragma(db, 'busy_timeout')).toBe(5000);
    expect(pragma(connect(path), 'journal_mode')).toBe('wal');
  });

  it('sets synchronous NORMAL and the busy timeout when asked', async () => {
    const db = connect(fileIn());
    await open('runs.db', { database: db, synchronous: 'normal', busyTimeoutMs: 250 });
    expect(pragma(db, 'synchronous')).toBe(1);
    expect(pragma(db, 'busy_timeout')).toBe(250);
  });

  it('refuses options it does not know', async () => {
    await expect(SqliteStore.open(fileIn(), { synchronous: 'off' as 'full' })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(SqliteStore.open(fileIn(), { busyTimeoutMs: -1 })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    expect(existsSync(fileIn())).toBe(false);
  });

  it('records its migrations once, in baton_schema', async () => {
    const path = fileIn();
    await (await open(path)).close();
    await (await open(path)).close();
    const db = connect(path);
    expect(db.prepare('SELECT version, name FROM baton_schema').all()).toEqual([
      { version: 1, name: 'runs, events and journal' },
    ]);
    expect(SCHEMA_VERSION).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    expect(tables).toEqual([
      { name: 'baton_schema' },
      { name: 'events' },
      { name: 'journal' },
      { name: 'runs' },
    ]);
  });

  it('refuses a database of a newer schema, naming both versions, and leaves the file as it was', async () => {
    const path = fileIn();
    await (await open(path)).close();
    const db = new Database(path);
    db.exec("INSERT INTO baton_schema (version, name) VALUES (7, 'from the future')");
    db.close();
    const bytes = await readFile(path);
    await expect(SqliteStore.open(path)).rejects.toMatchObject({
      code: 'store_error',
      message: expect.stringMatching(/version 7, newer than .* \(1\)/),
      details: { version: 7, known: 1, retryable: false },
    });
    expect((await readFile(path)).equals(bytes)).toBe(true);
  });

  it('refuses a file that is not a SQLite database and leaves it as it was', async () => {
    const path = fileIn('notes.txt');
    const text = 'These are my notes, not a database.\n'.repeat(200);
    await writeFile(path, text);
    await expect(SqliteStore.open(path)).rejects.toMatchObject({
      code: 'store_error',
      message: expect.stringMatching(/not a SQLite database/),
      details: { retryable: false },
    });
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it("refuses another program's SQLite database and leaves it as it was", async () => {
    const path = fileIn('app.db');
    const db = new Database(path);
    db.exec(
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('hello')",
    );
    db.close();
    const bytes = await readFile(path);
    await expect(SqliteStore.open(path)).rejects.toMatchObject({
      code: 'store_error',
      message: expect.stringMatching(/not a Baton database: it has tables \(notes\)/),
      details: { tables: ['notes'], retryable: false },
    });
    expect((await readFile(path)).equals(bytes)).toBe(true);
  });

  it('fails with store_error when the folder does not exist', async () => {
    await expect(SqliteStore.open(join(dir, 'missing', 'runs.db'))).rejects.toMatchObject({
      code: 'store_error',
      details: { retryable: false },
    });
  });

  it('says how to install libsql when it is missing', async () => {
    const missing = Object.assign(
      new Error("Cannot find package 'libsql' imported from sqlite-database.js"),
      {
        code: 'ERR_MODULE_NOT_FOUND',
      },
    );
    await expect(openLibsql(fileIn(), 0, () => Promise.reject(missing))).rejects.toMatchObject({
      code: 'missing_dependency',
      message: expect.stringMatching(/the SQLite store needs it.*npm install libsql/),
    });
  });
});

describe('SqliteStore failures', () => {
  it('fails a commit on a read-only database with store_error and keeps the last state', async () => {
    // SQLite itself refuses the writes (query_only): a chmod would not stop the root user the tests may run
    // as, and libsql 0.5 has no read-only open.
    const path = fileIn();
    const writer = await open(path);
    await writer.create(newRun('run-1'));
    await writer.commit(commit(1));
    await writer.close();
    const readOnly = connect(path);
    readOnly.exec('PRAGMA query_only = ON');
    const reader = await open(path, { database: readOnly });
    const error = await reader.commit(commit(2)).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'store_error',
      retryable: false,
      message: expect.stringMatching(/read-only/),
      details: { retryable: false, sqliteCode: expect.stringMatching(/^SQLITE_READONLY/) },
    });
    expect(await reader.get('run-1')).toMatchObject({ seq: 1, snapshot: { snapshot: { value: 'state-1' } } });
    expect(await (await open(path)).get('run-1')).toMatchObject({ seq: 1 });
  });

  it('names the codes libsql reports by number: a read-only folder, a lock wait that timed out', async () => {
    // What libsql throws to a user who can read the file but not write its folder (WAL mode needs its -shm
    // file there even to read): a code it has no name for, with the number.
    const libsqlError = (message: string, rawCode: number) =>
      Object.assign(new Error(message), {
        name: 'SqliteError',
        code: `UNKNOWN_SQLITE_ERROR_${rawCode}`,
        rawCode,
      });
    const failing = (sql: RegExp, error: Error): SqliteDatabase => {
      const db = connect(fileIn());
      return Object.assign(Object.create(db) as SqliteDatabase, {
        prepare: (text: string) => {
          if (sql.test(text)) throw error;
          return db.prepare(text);
        },
      });
    };
    const readOnly = failing(/journal_mode/, libsqlError('attempt to write a readonly database', 1544));
    await expect(SqliteStore.open('/srv/baton/runs.db', { database: readOnly })).rejects.toMatchObject({
      code: 'store_error',
      retryable: false,
      message: expect.stringMatching(/read-only.*\(SQLITE_READONLY_DIRECTORY\).*its folder.*copy it/s),
      details: { sqliteCode: 'SQLITE_READONLY_DIRECTORY', retryable: false },
    });
    const timedOut = failing(/^UPDATE runs/, libsqlError('database is locked', 773));
    const store = await open('runs.db', { database: timedOut });
    await store.create(newRun('run-1'));
    await expect(store.commit(commit(1))).rejects.toMatchObject({
      code: 'store_error',
      retryable: true,
      details: { sqliteCode: 'SQLITE_BUSY_TIMEOUT', retryable: true },
    });
  });

  it('fails a commit on a full database with store_error, rolls it back, and commits once there is room', async () => {
    const db = connect(fileIn());
    const store = await open('runs.db', { database: db });
    await store.create(newRun('run-1'));
    db.exec(`PRAGMA max_page_count = ${Number(pragma(db, 'page_count'))}`);
    const big = { value: 'x'.repeat(200_000) };
    await expect(store.commit(commit(1, big))).rejects.toMatchObject({
      code: 'store_error',
      retryable: false,
      message: expect.stringMatching(/full/),
      details: { retryable: false, sqliteCode: 'SQLITE_FULL' },
    });
    expect(await store.get('run-1')).toMatchObject({ seq: 0 });
    db.exec('PRAGMA max_page_count = 1073741823');
    await store.commit(commit(1, big));
    expect(await store.get('run-1')).toMatchObject({ seq: 1, snapshot: { snapshot: big } });
  });

  it('fails as retryable while another connection holds the write lock, and commits after', async () => {
    const path = fileIn();
    const store = await open(path, { busyTimeoutMs: 0 });
    await store.create(newRun('run-1'));
    const other = connect(path, { timeout: 0 });
    other.exec('BEGIN IMMEDIATE');
    await expect(store.commit(commit(1))).rejects.toMatchObject({
      code: 'store_error',
      retryable: true,
      details: { retryable: true, sqliteCode: expect.stringMatching(/^SQLITE_BUSY/) },
    });
    other.exec('ROLLBACK');
    await store.commit(commit(1));
    expect(await store.get('run-1')).toMatchObject({ seq: 1 });
  });
});

describe('SqliteStore.close', () => {
  it('closes the connection it opened, once', async () => {
    const close = vi.spyOn(Database.prototype, 'close');
    try {
      const store = await open(fileIn());
      await store.create(newRun('run-1'));
      expect(close).not.toHaveBeenCalled();
      await store.close();
      await store.close();
      expect(close).toHaveBeenCalledTimes(1);
    } finally {
      close.mockRestore();
    }
  });

  it('uses a database of your own and leaves it open', async () => {
    const db = connect(fileIn());
    const store = await open('my connection', { database: db });
    await store.create(newRun('run-1'));
    await store.close();
    expect(db.prepare('SELECT id, seq FROM runs').all()).toEqual([{ id: 'run-1', seq: 0 }]);
    await expect(store.get('run-1')).rejects.toMatchObject({ code: 'store_error' });
  });
});
