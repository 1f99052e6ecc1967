import { afterEach, describe, expect, it } from 'vitest';
import type { Commit, JournalWrite, Store } from '../../runtime/store/store.js';
import { type MakeStore, moved, snapshotOf, T0, triageRun, usage } from './store-contract.js';

// What every store refuses of the arguments it is called with, run by each implementation's test file
// beside the store contract: a call from code Baton did not write (a dashboard reading runs, a custom
// worker) gets `invalid_argument` naming the call and the argument, and nothing stored changes.

const TTL = 30_000;
const HOLDER = 'worker-a';

const commitOf = (overrides: Record<string, unknown>): Commit =>
  ({
    runId: 'run-1',
    seq: 1,
    holder: HOLDER,
    status: 'running',
    agent: 'billing',
    usage: usage(1),
    snapshot: snapshotOf({ value: 'billing' }),
    events: [moved('run-1', 1, T0 + 1000)],
    at: T0 + 1000,
    ...overrides,
  }) as Commit;

const entryOf = (overrides: Record<string, unknown>): JournalWrite =>
  ({
    runId: 'run-1',
    step: 1,
    key: 'reply:1',
    value: { text: 'hi' },
    at: T0,
    holder: HOLDER,
    ...overrides,
  }) as JournalWrite;

/** A store holding one run, `run-1`, leased to `worker-a`, and what it holds, to check nothing changed. */
async function withOneRun(store: Store) {
  await store.create(triageRun('run-1', { holder: HOLDER, expiresAt: T0 + TTL }));
  const held = async () => ({
    runs: await store.list(),
    events: await store.events('run-1'),
    journal: await store.journaled('run-1', 1),
  });
  return { before: await held(), held };
}

/** Expects `call` to be refused with `invalid_argument` whose message names `named` and says `says`. */
async function refused(call: () => Promise<unknown>, named: string, says: RegExp): Promise<void> {
  const error = await call().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `${named} should have been refused`).toMatchObject({ code: 'invalid_argument' });
  expect((error as Error).message).toContain(named);
  expect((error as Error).message).toMatch(says);
}

/** Registers the argument checks every store keeps. */
export function storeArgumentsContract(name: string, make: MakeStore): void {
  describe(`${name} refuses arguments of the wrong kind`, () => {
    let opened: Store[] = [];
    const fresh = async () => {
      const { store } = await make();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of opened) await store.close();
      opened = [];
    });

    it('refuses a run id that is not a non-empty string in every call that takes one', async () => {
      const store = await fresh();
      const { before, held } = await withOneRun(store);
      const bad = store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      for (const runId of [42, undefined, null, '', { id: 'run-1' }]) {
        await refused(() => bad.get!(runId), 'store.get', /the run id must be a non-empty string/);
        await refused(() => bad.events!(runId), 'store.events', /the run id/);
        await refused(() => bad.journaled!(runId, 1), 'store.journaled', /the run id/);
        await refused(() => bad.requestCancel!(runId), 'store.requestCancel', /the run id/);
        await refused(() => bad.release!(runId, HOLDER), 'store.release', /the run id/);
        await refused(() => bad.lease!(runId, HOLDER, T0, TTL), 'store.lease', /the run id/);
      }
      expect(await held()).toEqual(before);
      expect((await store.get('run-1'))?.cancelRequested).toBe(false);
    });

    it('refuses a filter with a status it does not know, an option it does not have, or a flow that is not text', async () => {
      const store = await fresh();
      await withOneRun(store);
      const list = store.list.bind(store) as (filter?: unknown) => Promise<unknown>;
      // A mistyped status matched no run, and a mistyped option was ignored: both looked like an answer.
      await refused(() => list({ status: 'runing' }), 'store.list', /"running", "awaiting_human"/);
      await refused(() => list({ status: ['done', 'finished'] }), 'store.list', /status\[1\]/);
      await refused(() => list({ statuses: ['running'] }), 'store.list', /no option "statuses"/);
      await refused(() => list({ flow: 5 }), 'store.list', /flow must be a non-empty string/);
      await refused(() => list('running'), 'store.list', /the filter must be an object/);
      await refused(() => list(null), 'store.list', /the filter must be an object/);
      expect((await store.list({ status: ['running'], flow: 'support' })).map((run) => run.id)).toEqual([
        'run-1',
      ]);
    });

    it('refuses a sequence number or a step that is not a whole number, 0 or more', async () => {
      const store = await fresh();
      await withOneRun(store);
      const bad = store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      for (const n of ['1', -1, 1.5, Number.NaN, null]) {
        await refused(() => bad.events!('run-1', n), 'store.events', /sequence number to read after/);
        await refused(() => bad.journaled!('run-1', n), 'store.journaled', /the step/);
      }
      expect(await store.events('run-1', 0)).toEqual([]);
    });

    it('refuses a lease with a time that is not a finite number, no length, or options of the wrong kind', async () => {
      const store = await fresh();
      const { before, held } = await withOneRun(store);
      const lease = store.lease.bind(store) as (...args: unknown[]) => Promise<unknown>;
      await refused(() => lease('run-1', 7, T0, TTL), 'store.lease', /the holder/);
      await refused(
        () => lease('run-1', HOLDER, Number.NaN, TTL),
        'store.lease',
        /the time now must be a finite number/,
      );
      await refused(() => lease('run-1', HOLDER, `${T0}`, TTL), 'store.lease', /the time now/);
      await refused(() => lease('run-1', HOLDER, T0, Number.POSITIVE_INFINITY), 'store.lease', /ttlMs/);
      await refused(() => lease('run-1', HOLDER, T0, 0), 'store.lease', /ttlMs\) must be more than 0/);
      await refused(() => lease('run-1', HOLDER, T0, TTL, { renew: 'yes' }), 'store.lease', /options.renew/);
      await refused(
        () => lease('run-1', HOLDER, T0, TTL, true),
        'store.lease',
        /the options must be an object/,
      );
      const release = store.release.bind(store) as (...args: unknown[]) => Promise<unknown>;
      await refused(() => release('run-1', null), 'store.release', /the holder/);
      expect(await held()).toEqual(before);
    });

    it('refuses a create, a commit or a journal entry with a field of the wrong kind, and writes nothing', async () => {
      const store = await fresh();
      const { before, held } = await withOneRun(store);
      const create = store.create.bind(store) as (run: unknown) => Promise<unknown>;
      const fresher = triageRun('run-2', { holder: HOLDER, expiresAt: T0 + TTL });
      await refused(() => create(null), 'store.create', /the run must be an object/);
      await refused(() => create({ ...fresher, id: 2 }), 'store.create', /the run id/);
      await refused(() => create({ ...fresher, lease: null }), 'store.create', /the lease must be an object/);
      await refused(
        () => create({ ...fresher, at: Number.NaN }),
        'store.create',
        /the time must be a finite number/,
      );
      await refused(
        () => create({ ...fresher, events: 'none' }),
        'store.create',
        /the events must be an array/,
      );
      expect(await store.get('run-2')).toBeNull();

      await refused(() => store.commit(commitOf({ seq: '1' })), 'store.commit', /sequence number/);
      await refused(() => store.commit(commitOf({ seq: 0 })), 'store.commit', /1 or more/);
      await refused(
        () => store.commit(commitOf({ status: 'finished' })),
        'store.commit',
        /the status must be one of/,
      );
      await refused(() => store.commit(commitOf({ agent: 3 })), 'store.commit', /the agent/);
      await refused(() => store.commit(commitOf({ holder: undefined })), 'store.commit', /the holder/);
      await refused(() => store.commit(commitOf({ snapshot: 'state' })), 'store.commit', /the snapshot/);
      await refused(
        () => store.commit(commitOf({ at: Number.POSITIVE_INFINITY })),
        'store.commit',
        /the time/,
      );

      await refused(() => store.journal(entryOf({ step: -1 })), 'store.journal', /the step/);
      await refused(() => store.journal(entryOf({ key: '' })), 'store.journal', /the key/);
      await refused(() => store.journal(entryOf({ holder: null })), 'store.journal', /the holder/);
      expect(await held()).toEqual(before);
      // What was refused was refused for its arguments alone: the same commit, well formed, is taken.
      await store.commit(commitOf({}));
      expect((await store.get('run-1'))?.seq).toBe(1);
    });
  });
}
