// What the durable rows share: a SQLite file of their own per process, removed when the process exits,
// and counters of what each row commits.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './deps.mjs';

/**
 * The pragmas every durable row runs with: the SQLite settings the comparison holds equal (WAL, and
 * synchronous=FULL: an fsync at every commit). The busy timeout differs by framework and does not matter
 * here: each row has its file to itself.
 */
export const PRAGMAS = { journal_mode: 'wal', synchronous: 2 };

/** A path for a new SQLite file in a temp folder of its own, deleted when the process exits. */
export function tempDatabase(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `bench-${prefix}-`));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'runs.db');
}

/**
 * A libsql connection to the file at `path` (default: a new one in a temp folder named after `prefix`),
 * with the root's libsql: the one Baton's store loads.
 */
export function openLibsql({ path, prefix }) {
  const Database = createRequire(join(ROOT, 'package.json'))('libsql');
  return new Database(path ?? tempDatabase(prefix), { timeout: 5000 });
}

/**
 * The connection `real` as a store sees it, with `exec(sql)` and each statement's `run(...params)` going
 * through `exec(sql, real)` and `run(sql, params, statement)`; everything else is the connection's own.
 */
export function interceptConnection(real, { exec, run }) {
  return Object.create(real, {
    exec: { value: (sql) => exec(sql, real) },
    prepare: {
      value(sql) {
        const statement = real.prepare(sql);
        return Object.create(statement, { run: { value: (...params) => run(sql, params, statement) } });
      },
    },
  });
}

/**
 * What a durable row has committed so far: `transitions`, the state changes it made durable (a Baton
 * commit, a LangGraph checkpoint, a Mastra snapshot), and `transactions`, the write transactions it
 * committed, each of which ends in an fsync with synchronous=FULL.
 */
export function makeCounts() {
  return { transitions: 0, transactions: 0 };
}

/**
 * Counts the transactions a better-sqlite3-compatible connection commits through `exec('COMMIT')` (how
 * Baton's store ends every write), and leaves everything else as it is.
 */
export function countCommits(db, counts) {
  const exec = db.exec.bind(db);
  db.exec = (sql) => {
    if (sql === 'COMMIT') counts.transactions += 1;
    return exec(sql);
  };
  return db;
}

/** Throws unless the connection runs with the pragmas of the comparison. */
export function checkPragmas(read) {
  for (const [name, want] of Object.entries(PRAGMAS)) {
    const got = read(name);
    if (String(got).toLowerCase() !== String(want))
      throw new Error(`PRAGMA ${name} is ${got}, not ${want}: the rows would not run on the same settings`);
  }
}
