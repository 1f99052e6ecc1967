import { createServer, type Server, type Socket } from 'node:net';
import { PostgresStore } from 'baton-flow/postgres';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../runtime/store/postgres-driver.js';
import { POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION } from '../../runtime/store/postgres-schema.js';
import type { PostgresStore as Store_ } from '../../runtime/store/postgres-store.js';
import type { Commit, Store } from '../../runtime/store/store.js';
import { RunQueue } from '../../runtime/worker/run-queue.js';
import { postgresMissing, skippedNote, usePostgres } from '../helpers/postgres.js';
import { storeArgumentsContract } from './store-arguments-contract.js';
import { snapshotOf, storeContract, T0, triageRun, usage } from './store-contract.js';

const postgres = usePostgres();
let url = '';
beforeAll(async () => {
  if (postgresMissing === null) url = await postgres.database();
});

const stores: Store[] = [];
const clients: pg.Client[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const client of clients.splice(0)) await client.end();
});

let schemas = 0;
const schema = () => `t${++schemas}`;
const open = async (name: string, options: Parameters<typeof PostgresStore.open>[1] = {}) => {
  const store = await PostgresStore.open(url, { schema: name, ...options });
  stores.push(store);
  return store;
};
const sql = async () => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return client;
};

const newRun = (id: string, holder = 'zombie', expiresAt = T0 + 1000) => triageRun(id, { holder, expiresAt });
const commitOf = (runId: string, seq: number, holder: string): Commit => ({
  runId,
  seq,
  holder,
  status: 'running',
  agent: holder,
  usage: usage(0),
  snapshot: snapshotOf({ value: `by ${holder}` }),
  events: [],
  at: T0 + seq,
});
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'committed',
    (error: unknown) => (error as { code?: string }).code ?? String(error),
  );

describe.skipIf(postgresMissing !== null)(`PostgresStore${skippedNote}`, () => {
  storeContract('PostgresStore', async () => {
    const name = schema();
    return { store: await open(name), reopen: () => open(name) };
  });
  storeArgumentsContract('PostgresStore', async () => ({ store: await open(schema()) }));

  describe('the fence', () => {
    it('refuses a zombie: once another process took its expired lease, its commit fails and the new holder commits', async () => {
      const name = schema();
      const [zombie, fresh] = [await open(name), await open(name)];
      await zombie.create(newRun('run-1'));
      await zombie.commit(commitOf('run-1', 1, 'zombie'));
      await fresh.lease('run-1', 'fresh', T0 + 1000, 30_000);
      await expect(zombie.commit(commitOf('run-1', 2, 'zombie'))).rejects.toMatchObject({
        code: 'store_conflict',
        details: { holder: 'fresh', storedSeq: 1 },
      });
      await fresh.commit(commitOf('run-1', 2, 'fresh'));
      expect(await zombie.get('run-1')).toMatchObject({ seq: 2, agent: 'fresh', lease: { holder: 'fresh' } });
      const { rows } = await (await sql()).query(
        `SELECT seq, holder FROM ${name}.commits WHERE run_id = 'run-1' ORDER BY seq`,
      );
      expect(rows).toEqual([
        { seq: 1, holder: 'zombie' },
        { seq: 2, holder: 'fresh' },
      ]);
    });

    it('cancels a commit stuck behind a stalled session’s row lock after statementTimeoutMs, as retryable', async () => {
      const name = schema();
      const store = await open(name, { statementTimeoutMs: 1_000 });
      await store.create(newRun('run-1'));
      // A session that locked the run's row and then stalled, its transaction open.
      const stalled = await sql();
      await stalled.query('BEGIN');
      await stalled.query(`SELECT 1 FROM ${name}.runs WHERE id = 'run-1' FOR UPDATE`);
      await expect(store.commit(commitOf('run-1', 1, 'zombie'))).rejects.toMatchObject({
        code: 'store_error',
        retryable: true,
        details: { sqlState: '57014' },
        message: expect.stringContaining('statementTimeoutMs'),
      });
      await stalled.query('ROLLBACK');
      // Nothing was half written: the commit goes through once the lock is gone.
      await store.commit(commitOf('run-1', 1, 'zombie'));
      expect(await store.get('run-1')).toMatchObject({ seq: 1 });
    });

    it('refuses a statementTimeoutMs that is not a whole number of ms', async () => {
      for (const statementTimeoutMs of [-1, 1.5, Number.NaN, 2 ** 31])
        await expect(open(schema(), { statementTimeoutMs })).rejects.toMatchObject({
          code: 'invalid_argument',
          message: expect.stringContaining('statementTimeoutMs'),
        });
    });

    it('lets exactly one of two stores racing a takeover commit the next transition', async () => {
      const name = schema();
      const [zombie, fresh] = [
        await open(name, { maxConnections: 4 }),
        await open(name, { maxConnections: 4 }),
      ];
      for (let round = 0; round < 20; round += 1) {
        const id = `race-${round}`;
        await zombie.create(newRun(id));
        // The zombie's lease has expired: it commits as the other store takes the run over and commits.
        const takeover = fresh
          .lease(id, 'fresh', T0 + 1000, 30_000)
          .then(() => fresh.commit(commitOf(id, 1, 'fresh')));
        const late = zombie.commit(commitOf(id, 1, 'zombie'));
        const results = await Promise.all([outcome(late), outcome(takeover)]);
        expect(
          results.filter((r) => r === 'committed'),
          results.join(),
        ).toHaveLength(1);
        expect(results.filter((r) => r !== 'committed')).toEqual(['store_conflict']);
        const run = await fresh.get(id);
        expect(run?.seq).toBe(1);
        expect(run?.agent).toBe(results[0] === 'committed' ? 'zombie' : 'fresh');
      }
    });

    it('commits each sequence number once when many commits race', async () => {
      const name = schema();
      const racers = await Promise.all([1, 2, 3].map(() => open(name, { maxConnections: 5 })));
      await racers[0]!.create(newRun('run-1', 'holder', T0 + 60_000));
      const tries = racers.flatMap((store) =>
        [1, 2, 3, 4, 5].map(() => outcome(store.commit(commitOf('run-1', 1, 'holder')))),
      );
      const results = await Promise.all(tries);
      expect(results.filter((r) => r === 'committed')).toHaveLength(1);
      expect(new Set(results.filter((r) => r !== 'committed'))).toEqual(new Set(['store_conflict']));
    });

    it('keeps (run_id, seq) unique in the commits table, whatever writes there', async () => {
      const name = schema();
      const store = await open(name);
      await store.create(newRun('run-1'));
      await store.commit(commitOf('run-1', 1, 'zombie'));
      await expect(
        (await sql()).query(
          `INSERT INTO ${name}.commits (run_id, seq, holder, at) VALUES ('run-1', 1, 'other', 0)`,
        ),
      ).rejects.toMatchObject({ code: '23505' });
    });
  });

  describe('migrations', () => {
    it('migrates once when several processes open a new schema at the same time', async () => {
      const name = schema();
      await Promise.all([1, 2, 3, 4, 5].map(() => open(name)));
      const { rows } = await (await sql()).query(
        `SELECT version, name FROM ${name}.schema_version ORDER BY version`,
      );
      expect(rows).toEqual(POSTGRES_MIGRATIONS.map(({ version, name }) => ({ version, name })));
    });

    it('refuses a schema of another program and leaves it as it was', async () => {
      const name = schema();
      const client = await sql();
      await client.query(`CREATE SCHEMA ${name}; CREATE TABLE ${name}.orders (id int)`);
      await expect(open(name)).rejects.toMatchObject({
        code: 'store_error',
        message: expect.stringMatching(/not a Baton store.*orders/),
      });
      const { rows } = await client.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`,
        [name],
      );
      expect(rows).toEqual([{ table_name: 'orders' }]);
    });

    it('refuses a schema from a newer Baton', async () => {
      const name = schema();
      await (await open(name)).close();
      await (await sql()).query(`INSERT INTO ${name}.schema_version (version, name) VALUES ($1, 'later')`, [
        POSTGRES_SCHEMA_VERSION + 1,
      ]);
      await expect(open(name)).rejects.toMatchObject({
        code: 'store_error',
        message: expect.stringMatching(/newer than this version of Baton knows/),
        details: { version: POSTGRES_SCHEMA_VERSION + 1 },
      });
    });

    it('refuses a schema name it would have to quote', async () => {
      await expect(open('Robert"; DROP TABLE runs')).rejects.toMatchObject({ code: 'invalid_argument' });
    });
  });

  describe('cancel', () => {
    it('notifies listeners of the store with the run id when a cancel is requested', async () => {
      const name = schema();
      const store = await open(name);
      await store.create(newRun('run-1'));
      const listener = await sql();
      await listener.query(`LISTEN ${name}_cancel`);
      const heard = new Promise<string | undefined>((resolve) =>
        listener.on('notification', (message) => resolve(message.payload)),
      );
      await store.requestCancel('run-1');
      expect(await heard).toBe('run-1');
    });
  });
});

describe('without a reachable server or the optional packages', () => {
  let silent: Server | null = null;
  const sockets: Socket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
  });

  const listen = (server: Server) =>
    new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );

  it('fails at once with a retryable store_error naming the host and port when nothing listens there', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const failure = PostgresStore.open(`postgres://baton@127.0.0.1:${port}/runs`);
    await expect(failure).rejects.toMatchObject({
      code: 'store_error',
      retryable: true,
      message: expect.stringContaining(`Cannot reach Postgres at 127.0.0.1:${port}`),
      details: { host: '127.0.0.1', port, database: 'runs' },
    });
  });

  it('gives up after connectTimeoutMs when the server accepts but never answers', async () => {
    silent = createServer((socket) => sockets.push(socket));
    const port = await listen(silent);
    await expect(
      PostgresStore.open(
        { host: '127.0.0.1', port, database: 'runs', user: 'baton' },
        { connectTimeoutMs: 300 },
      ),
    ).rejects.toMatchObject({
      code: 'store_error',
      retryable: true,
      message: expect.stringContaining(`Cannot reach Postgres at 127.0.0.1:${port}`),
    });
  });

  it('says which package to install when pg is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'pg' imported from baton"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(
      openPool('postgres://127.0.0.1/runs', { max: 1, connectTimeoutMs: 1 }, () => Promise.reject(missing)),
    ).rejects.toMatchObject({
      code: 'missing_dependency',
      message: expect.stringContaining('npm install pg'),
      details: { package: 'pg' },
    });
  });

  it('says which package to install when pg-boss is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'pg-boss' imported from baton"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const opening = RunQueue.open({} as Store_, { start: false, maintain: false }, () =>
      Promise.reject(missing),
    );
    await expect(opening).rejects.toMatchObject({
      code: 'missing_dependency',
      message: expect.stringContaining('npm install pg-boss@10'),
      details: { package: 'pg-boss' },
    });
  });
});
