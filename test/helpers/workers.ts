// What the tests of Postgres workers share: the things a test starts or makes, undone after it; stores in
// schemas of their own; the calls a run made, heard or logged; and a patient poll for what a worker does.
// `useWorkers()` and `useSchemas()` register hooks: call them at the top of a test file.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBatonError } from 'baton-flow';
import { PostgresStore, startWorker, type Worker, type WorkerOptions } from 'baton-flow/postgres';
import { afterEach, beforeAll } from 'vitest';
import type { CallLog } from '../fixtures/durable-flow.js';
import { postgresMissing, usePostgres } from './postgres.js';

/** What a test starts or makes, each undone after it. */
export interface TestWorkers {
  /** Starts a worker, stopped with no grace after the test. */
  start(options: WorkerOptions): Promise<Worker>;
  /** Hands back `store`, closed after the test (after its workers stopped). */
  keep<T extends { close(): Promise<void> }>(store: T): T;
  /** Makes a temp folder named from `prefix`, deleted after the test. */
  folder(prefix: string): string;
  /** Hands back `child`, killed with SIGKILL after the test if it is still running. */
  watch<T extends ChildProcess>(child: T): T;
}

/** After each test: kills its processes, stops its workers, closes its stores, deletes its folders. */
export function useWorkers(): TestWorkers {
  const children: ChildProcess[] = [];
  const workers: Worker[] = [];
  const stores: { close(): Promise<void> }[] = [];
  const folders: string[] = [];
  afterEach(async () => {
    for (const child of children.splice(0))
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const worker of workers.splice(0)) await worker.stop({ graceMs: 0 });
    for (const store of stores.splice(0)) await store.close();
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });
  return {
    start: async (options) => {
      const worker = await startWorker(options);
      workers.push(worker);
      return worker;
    },
    keep: (store) => {
      stores.push(store);
      return store;
    },
    folder: (prefix) => {
      const made = mkdtempSync(join(tmpdir(), prefix));
      folders.push(made);
      return made;
    },
    watch: (child) => {
      children.push(child);
      return child;
    },
  };
}

/** A store schema of a test's own: each `open()` is another connection to it. */
export interface TestSchema {
  readonly name: string;
  open(): Promise<PostgresStore>;
}

/** A database of the file's own, its stores in schemas `<prefix>1`, `<prefix>2`, …; after `useWorkers()`. */
export function useSchemas({ prefix, keep }: { prefix: string; keep: TestWorkers['keep'] }) {
  const postgres = usePostgres();
  let url = '';
  beforeAll(async () => {
    if (postgresMissing === null) url = await postgres.database();
  });
  let made = 0;
  return {
    /** The URL of the file's database, once its tests have begun. */
    url: () => url,
    /** A store in a schema of the test's own. */
    schema: (): TestSchema => {
      const name = `${prefix}${++made}`;
      return { name, open: async () => keep(await PostgresStore.open(url, { schema: name })) };
    },
  };
}

/** Model calls and tool runs by idempotency key, as the scripted processes log them. */
export function recorder() {
  const calls: string[] = [];
  const log: CallLog = {
    model: (_, key) => calls.push(`model ${key}`),
    tool: (key) => calls.push(`tool ${key}`),
  };
  return { calls, log };
}

/** The calls a process logged to its file (a `{ kind, key }` a line), worded as `recorder` words them. */
export function logged(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const call = JSON.parse(line) as { kind: string; key: string };
      return `${call.kind} ${call.key}`;
    });
}

/**
 * Reads until `ok` holds, for up to `ms` (generous: the machine is shared). A read the store says may
 * pass if tried again (a retryable `store_error`: a test that cuts connections cuts the reader's too) is
 * tried again, as a caller would.
 */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, ms = 15_000) {
  const end = Date.now() + ms;
  let last = 'nothing yet';
  for (;;) {
    try {
      const value = await read();
      if (ok(value)) return value;
      last = JSON.stringify(value);
    } catch (error) {
      if (!isBatonError(error) || !error.retryable) throw error;
      last = `a retryable ${error.code}: ${error.message}`;
    }
    if (Date.now() > end) throw new Error(`Waited ${ms} ms for ${what}; last saw ${last}`);
    await new Promise((done) => setTimeout(done, 25));
  }
}
