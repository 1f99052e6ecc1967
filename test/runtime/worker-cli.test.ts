// `baton worker`: a real process against a throwaway Postgres, stopped with SIGTERM; and its misuses.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { enqueueRun, PostgresStore, startWorker } from 'baton-flow/postgres';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sampleInput, support } from '../../examples/support/flow.js';
import { main } from '../../runtime/cli/main.js';
import { cliIo } from '../helpers/cli.js';
import { postgresMissing, skippedNote, usePostgres } from '../helpers/postgres.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const postgres = usePostgres();
let url = '';
beforeAll(async () => {
  if (postgresMissing === null) url = await postgres.database();
});

const stores: PostgresStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

describe('baton worker', () => {
  it('refuses to start without a Postgres URL (exit 64)', async () => {
    const { err, io: cli } = cliIo(root, { BATON_DB: '.baton/runs.db' });
    expect(await main(['worker', 'examples/support/flow.ts'], cli)).toBe(64);
    expect(err.join('\n')).toMatch(
      /needs a Postgres database: pass --db postgres:\/\/.*not \.baton\/runs\.db/,
    );
  });

  it('refuses a concurrency that is not a whole number (exit 64)', async () => {
    const { err, io: cli } = cliIo(root);
    const argv = [
      'worker',
      'examples/support/flow.ts',
      '--db',
      'postgres://127.0.0.1/x',
      '--concurrency',
      'many',
    ];
    expect(await main(argv, cli)).toBe(64);
    expect(err.join('\n')).toContain('--concurrency must be a whole number');
  });

  it('fails at once, naming host and port, when the database cannot be reached (exit 74)', async () => {
    const closed = createServer();
    const port = await new Promise<number>((done) =>
      closed.listen(0, '127.0.0.1', () => done((closed.address() as { port: number }).port)),
    );
    await new Promise((done) => closed.close(done));
    const { err, io: cli } = cliIo(root);
    const code = await main(
      ['worker', 'examples/support/flow.ts', '--db', `postgres://baton@127.0.0.1:${port}/runs`],
      cli,
    );
    expect(code).toBe(74);
    expect(err.join('\n')).toMatch(
      new RegExp(`baton: store_error: Cannot reach Postgres at 127\\.0\\.0\\.1:${port}`),
    );
  });

  it.skipIf(postgresMissing !== null)(
    `lists and cancels runs in a Postgres store named by a postgres:// URL${skippedNote}`,
    async () => {
      const db = await postgres.database(); // a database of this test's own
      const store = await PostgresStore.open(db);
      stores.push(store);
      const queued = await enqueueRun({ store, flow: support, input: sampleInput });
      const listed = cliIo(root);
      expect(await main(['runs', '--db', db], listed.io)).toBe(0);
      expect(listed.out.join('\n')).toContain(queued);
      const cancelled = cliIo(root);
      expect(await main(['cancel', queued, '--db', db], cancelled.io)).toBe(0);
      expect(cancelled.out.join('\n')).toContain(`Run ${queued} is cancelled`);
      expect(await store.get(queued)).toMatchObject({ status: 'cancelled', lease: null });
    },
  );

  it.skipIf(postgresMissing !== null)(
    `reads the store of the schema a URL names with ?schema=, and only that one${skippedNote}`,
    async () => {
      const db = await postgres.database();
      const support1 = await PostgresStore.open(db, { schema: 'support_one' });
      const plain = await PostgresStore.open(db);
      stores.push(support1, plain);
      const inSchema = await enqueueRun({ store: support1, flow: support, input: sampleInput });
      const inDefault = await enqueueRun({ store: plain, flow: support, input: sampleInput });
      // Other parameters of the URL stay for Postgres.
      const named = `${db}${db.includes('?') ? '&' : '?'}schema=support_one&application_name=baton-test`;
      const listed = cliIo(root);
      expect(await main(['runs', '--db', named, '--json'], listed.io)).toBe(0);
      const ids = (JSON.parse(listed.out.join('\n')) as { id: string }[]).map((run) => run.id);
      expect(ids).toEqual([inSchema]);
      const byEnv = cliIo(root, { BATON_DB: named });
      expect(await main(['cancel', inSchema], byEnv.io)).toBe(0);
      expect(await support1.get(inSchema)).toMatchObject({ status: 'cancelled' });
      expect(await plain.get(inDefault)).toMatchObject({ status: 'running' });
      // Without the parameter the commands read the `baton` schema.
      const plainList = cliIo(root);
      expect(await main(['runs', '--db', db, '--json'], plainList.io)).toBe(0);
      expect((JSON.parse(plainList.out.join('\n')) as { id: string }[]).map((run) => run.id)).toEqual([
        inDefault,
      ]);
    },
  );

  it('refuses a URL that names the schema twice, or a schema Postgres would not take (exit 64)', async () => {
    const twice = cliIo(root);
    expect(await main(['runs', '--db', 'postgres://127.0.0.1/x?schema=a&schema=b'], twice.io)).toBe(64);
    expect(twice.err.join('\n')).toContain('names the schema 2 times (a, b)');
    const bad = cliIo(root);
    expect(await main(['runs', '--db', 'postgres://127.0.0.1/x?schema=Drop;Table'], bad.io)).not.toBe(0);
    expect(bad.err.join('\n')).toMatch(/baton: invalid_argument: The schema of a Postgres store must be/);
  });

  it.skipIf(postgresMissing !== null)(
    `says which queued runs no live worker serves, and stops saying it once one does${skippedNote}`,
    async () => {
      const db = await postgres.database();
      const store = await PostgresStore.open(db);
      stores.push(store);
      const queued = await enqueueRun({ store, flow: support, input: sampleInput });
      const listed = cliIo(root);
      expect(await main(['runs', '--db', db], listed.io)).toBe(0);
      expect(listed.out[0]?.split('\n')[1]).toMatch(
        new RegExp(`^${queued}\\s+support\\s+queued \\(no worker\\)`),
      );
      expect(listed.out.at(-1)).toBe(
        'Runs of flow support wait for a worker: no live worker on this database advances support. Start one with baton worker <the module of support> --db <this database>.',
      );
      const json = cliIo(root);
      expect(await main(['runs', '--db', db, '--json'], json.io)).toBe(0);
      expect(JSON.parse(json.out.join('\n'))).toMatchObject([
        { id: queued, status: 'running', queue: 'no_worker' },
      ]);
      expect(await store.servedFlows(['support', 'other'])).toEqual(new Set());
      const worker = await startWorker({ store, flows: [support], pollMs: 50 });
      try {
        expect(await store.servedFlows(['support', 'other'])).toEqual(new Set(['support']));
        for (let tries = 0; (await store.get(queued))?.status === 'running' && tries < 300; tries += 1)
          await new Promise((done) => setTimeout(done, 50));
        expect(await store.get(queued)).toMatchObject({ status: 'done' });
      } finally {
        await worker.stop({ graceMs: 0 });
      }
      // The worker's connection is closed: the server let go of its announcement.
      expect(await store.servedFlows(['support'])).toEqual(new Set());
      const after = cliIo(root);
      expect(await main(['runs', '--db', db], after.io)).toBe(0);
      expect(after.out.join('\n')).not.toContain('wait for a worker');
    },
    60_000,
  );

  it.skipIf(postgresMissing !== null)(
    `advances a queued run of the support example and stops on SIGTERM with exit 0${skippedNote}`,
    async () => {
      const store = await PostgresStore.open(url);
      stores.push(store);
      const runId = await enqueueRun({ store, flow: support, input: sampleInput });
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'runtime/cli/bin.ts',
          'worker',
          'examples/support',
          '--db',
          url,
          '--concurrency',
          '2',
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      let stopped = false;
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (stopped || !out.includes(`← ${runId} (support) done`)) return;
        stopped = true;
        child.kill('SIGTERM');
      });
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
      });
      const code = await new Promise<number | null>((done) => child.on('exit', done));
      expect({ code, err, out }).toMatchObject({ code: 0, err: '' });
      expect(out).toMatch(
        /^baton worker .+: advancing runs of support from postgres:\/\/127\.0\.0\.1:\d+\/baton_test_\w+, 2 at a time/,
      );
      expect(out).toContain(`→ ${runId} (support) taken`);
      expect(out).toMatch(/: stopped\.\n$/);
      expect(await store.get(runId)).toMatchObject({ status: 'done', lease: null });
    },
    60_000,
  );
});
