import { afterEach, describe, expect, it } from 'vitest';
import type { RunUsage } from '../../machines/context.js';
import type { RunEvent } from '../../runtime/run-events.js';
import {
  type Commit,
  type Lease,
  type NewRun,
  SNAPSHOT_SCHEMA,
  type SnapshotEnvelope,
  type Store,
  type StoredRun,
} from '../../runtime/store/store.js';

/**
 * The contract every `Store` keeps, run by each implementation's test file. `make` returns a new, empty
 * store; `reopen`, when the store outlives its object (a file, a server), opens the same storage again
 * after the first store was closed. Times come from a fixed fake clock: plain numbers, never the real time.
 */
export type MakeStore = () => Promise<{ readonly store: Store; readonly reopen?: () => Promise<Store> }>;

/** The fixed fake time the store tests start at. */
export const T0 = 1_700_000_000_000;
const TTL = 30_000;
const A = 'worker-a';
const B = 'worker-b';

/** A run's usage after `turns` turns: all zero for none. */
export const usage = (turns: number): RunUsage => ({
  inputTokens: 100 * turns,
  outputTokens: 10 * turns,
  cachedInputTokens: 5 * turns,
  reasoningTokens: 0,
  costUsd: 0.25 * turns,
  turns,
  handoffs: turns,
});

const envelope = (state: string, flow = 'support'): SnapshotEnvelope => ({
  format: 'baton.snapshot',
  schema: SNAPSHOT_SCHEMA,
  flow,
  flowVersion: '1',
  machine: 'machine-hash',
  states: ['triage', 'billing', 'done'],
  snapshot: { status: 'active', value: state, context: { step: 1, notes: ['a', 'b'], answer: null } },
});

/** A small envelope of a support run in schema 1, around the machine's `snapshot`. */
export const snapshotOf = (snapshot: unknown): SnapshotEnvelope => ({
  format: 'baton.snapshot',
  schema: 1,
  flow: 'support',
  flowVersion: '1',
  machine: 'machine-hash',
  states: ['triage'],
  snapshot,
});

/** A new support run in `triage` with no usage yet, held by `lease`, its log starting with `events`. */
export const triageRun = (id: string, lease: Lease, events: readonly RunEvent[] = []): NewRun => ({
  id,
  flow: 'support',
  flowVersion: '1',
  snapshot: snapshotOf({ value: 'triage' }),
  usage: usage(0),
  lease,
  events,
  at: T0,
});

const started = (runId: string, at = T0): RunEvent => ({
  type: 'run.started',
  flow: 'support',
  input: { ticket: 'T-1' },
  runId,
  seq: 1,
  at,
});

/** The event commit `seq` appends: the run's log starts with `run.started`, so it is event `seq + 1`. */
export const moved = (runId: string, seq: number, at: number): RunEvent => ({
  type: 'transition',
  step: seq,
  from: `state-${seq - 1}`,
  to: `state-${seq}`,
  kind: 'handoff',
  runId,
  seq: seq + 1,
  at,
});

const newRun = (id: string, overrides: Partial<NewRun> = {}): NewRun => ({
  id,
  flow: 'support',
  flowVersion: '1',
  snapshot: envelope('triage'),
  usage: usage(0),
  lease: { holder: A, expiresAt: T0 + TTL },
  events: [started(id, overrides.at ?? T0)],
  at: T0,
  ...overrides,
});

const commitOf = (runId: string, seq: number, overrides: Partial<Commit> = {}): Commit => ({
  runId,
  seq,
  holder: A,
  status: 'running',
  agent: `agent-${seq}`,
  usage: usage(seq),
  snapshot: envelope(`state-${seq}`),
  events: [moved(runId, seq, T0 + seq * 1000)],
  at: T0 + seq * 1000,
  ...overrides,
});

/** What `get` gives for a run just made by `create(newRun(id))`. */
const storedNew = (id: string): StoredRun => ({
  id,
  flow: 'support',
  flowVersion: '1',
  status: 'running',
  seq: 0,
  agent: null,
  usage: usage(0),
  snapshot: envelope('triage'),
  lease: { holder: A, expiresAt: T0 + TTL },
  cancelRequested: false,
  createdAt: T0,
  updatedAt: T0,
});

const ids = (runs: readonly StoredRun[]) => runs.map((run) => run.id);

/** Registers the store contract tests for one implementation. */
export function storeContract(name: string, make: MakeStore): void {
  describe(`${name} keeps the store contract`, () => {
    let opened: Store[] = [];
    const open = async () => {
      const made = await make();
      opened.push(made.store);
      return made;
    };
    const fresh = async () => (await open()).store;
    afterEach(async () => {
      for (const store of opened) await store.close();
      opened = [];
    });

    describe('create and get', () => {
      it('gives a new run back as it was created, with its first events', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        expect(await store.get('run-1')).toStrictEqual(storedNew('run-1'));
        expect(await store.events('run-1')).toStrictEqual([started('run-1')]);
      });

      it('keeps copies: changing what was given or what was read changes nothing stored', async () => {
        const store = await fresh();
        const run = structuredClone(newRun('run-1')) as { -readonly [K in keyof NewRun]: NewRun[K] };
        await store.create(run);
        (run.snapshot.snapshot as { value: string }).value = 'changed';
        (run.events[0] as { at: number }).at = 0;
        const read = (await store.get('run-1')) as { snapshot: { snapshot: { value: string } } };
        read.snapshot.snapshot.value = 'changed too';
        const events = await store.events('run-1');
        (events[0] as { at: number }).at = 1;
        expect(await store.get('run-1')).toStrictEqual(storedNew('run-1'));
        expect(await store.events('run-1')).toStrictEqual([started('run-1')]);
      });

      it('refuses a second run with a taken id (run_exists) and keeps the first', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        await expect(store.create(newRun('run-1', { flow: 'other', events: [] }))).rejects.toMatchObject({
          code: 'run_exists',
          details: { runId: 'run-1' },
        });
        expect(await store.get('run-1')).toStrictEqual(storedNew('run-1'));
        expect(await store.events('run-1')).toStrictEqual([started('run-1')]);
      });

      it('gives null for an unknown run, and no events or journal', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        expect(await store.get('run-2')).toBeNull();
        expect(await store.events('run-2')).toEqual([]);
        expect(await store.journaled('run-2', 1)).toEqual([]);
      });

      it('throws run_not_found when a call changes an unknown run', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        const unknown = { code: 'run_not_found', details: { runId: 'run-2' } };
        await expect(store.commit(commitOf('run-2', 1))).rejects.toMatchObject(unknown);
        await expect(store.lease('run-2', A, T0, TTL)).rejects.toMatchObject(unknown);
        await expect(store.requestCancel('run-2')).rejects.toMatchObject(unknown);
        await expect(
          store.journal({ runId: 'run-2', step: 1, key: 'model:1', value: {}, at: T0, holder: A }),
        ).rejects.toMatchObject(unknown);
        expect(await store.get('run-2')).toBeNull();
      });
    });

    describe('commit', () => {
      it('commits in sequence: the run takes the new status, agent, usage, snapshot and time, and its events follow', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        await store.commit(commitOf('run-1', 1));
        await store.commit(commitOf('run-1', 2, { status: 'awaiting_human', agent: 'billing' }));
        expect(await store.get('run-1')).toStrictEqual({
          ...storedNew('run-1'),
          status: 'awaiting_human',
          seq: 2,
          agent: 'billing',
          usage: usage(2),
          snapshot: envelope('state-2'),
          updatedAt: T0 + 2000,
        });
        expect(await store.events('run-1')).toStrictEqual([
          started('run-1'),
          moved('run-1', 1, T0 + 1000),
          moved('run-1', 2, T0 + 2000),
        ]);
      });

      it('refuses a commit out of sequence with store_conflict and changes nothing', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        await store.commit(commitOf('run-1', 1));
        const before = await store.get('run-1');
        await expect(store.commit(commitOf('run-1', 3))).rejects.toMatchObject({
          code: 'store_conflict',
          details: { runId: 'run-1', seq: 3, storedSeq: 1, holder: A },
        });
        await expect(store.commit(commitOf('run-1', 1, { status: 'done' }))).rejects.toMatchObject({
          code: 'store_conflict',
          details: { seq: 1, storedSeq: 1 },
        });
        expect(await store.get('run-1')).toStrictEqual(before);
        expect(await store.events('run-1')).toHaveLength(2);
      });

      it('refuses a commit from a process that does not hold the lease', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        await expect(store.commit(commitOf('run-1', 1, { holder: B }))).rejects.toMatchObject({
          code: 'store_conflict',
          details: { seq: 1, storedSeq: 0, holder: A },
        });
        await store.release('run-1', A);
        await expect(store.commit(commitOf('run-1', 1))).rejects.toMatchObject({
          code: 'store_conflict',
          details: { holder: null },
        });
        expect(await store.get('run-1')).toStrictEqual({ ...storedNew('run-1'), lease: null });
        expect(await store.events('run-1')).toHaveLength(1);
      });

      it('lets a holder whose lease expired commit while no other process took the lease', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        await store.commit(commitOf('run-1', 1, { at: T0 + TTL + 5000 }));
        expect(await store.get('run-1')).toMatchObject({ seq: 1, updatedAt: T0 + TTL + 5000 });
      });

      it('fences the old holder once another process takes over its expired lease', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        expect(await store.lease('run-1', B, T0 + TTL, TTL)).toEqual({ holder: B, expiresAt: T0 + 2 * TTL });
        await expect(store.commit(commitOf('run-1', 1))).rejects.toMatchObject({
          code: 'store_conflict',
          details: { holder: B },
        });
        await expect(store.lease('run-1', A, T0 + TTL + 1, TTL)).rejects.toMatchObject({
          code: 'lease_held',
        });
        await store.commit(commitOf('run-1', 1, { holder: B }));
        expect(await store.get('run-1')).toMatchObject({ seq: 1, lease: { holder: B } });
      });

      it('refuses any commit after the run ended', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        await store.commit(commitOf('run-1', 1, { status: 'done' }));
        await expect(store.commit(commitOf('run-1', 2, { status: 'running' }))).rejects.toMatchObject({
          code: 'store_conflict',
          details: { seq: 2, storedSeq: 1, status: 'done' },
        });
        expect(await store.get('run-1')).toMatchObject({ status: 'done', seq: 1 });
      });

      it('refuses events that do not follow the log (invalid_argument) and changes nothing', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        const again = { ...moved('run-1', 1, T0 + 1000), seq: 1 };
        await expect(store.commit(commitOf('run-1', 1, { events: [again] }))).rejects.toMatchObject({
          code: 'invalid_argument',
          details: { seq: 1, after: 1 },
        });
        const stranger = moved('run-9', 1, T0 + 1000);
        await expect(store.commit(commitOf('run-1', 1, { events: [stranger] }))).rejects.toMatchObject({
          code: 'invalid_argument',
        });
        await expect(
          store.create(newRun('run-2', { events: [moved('run-2', 2, T0), moved('run-2', 1, T0)] })),
        ).rejects.toMatchObject({ code: 'invalid_argument' });
        expect(await store.get('run-1')).toStrictEqual(storedNew('run-1'));
        expect(await store.events('run-1')).toStrictEqual([started('run-1')]);
        expect(await store.get('run-2')).toBeNull();
      });

      it('refuses a value JSON cannot write (invalid_argument, naming it) and changes nothing', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        const withBigint = {
          ...envelope('state-1'),
          snapshot: { status: 'active', value: 'state-1', context: { step: 1, seats: 10n } },
        };
        const refused = {
          code: 'invalid_argument',
          message: expect.stringContaining('the bigint 10 at $.snapshot.context.seats'),
        };
        await expect(store.commit(commitOf('run-1', 1, { snapshot: withBigint }))).rejects.toMatchObject(
          refused,
        );
        await expect(store.create(newRun('run-2', { snapshot: withBigint }))).rejects.toMatchObject(refused);
        await expect(
          store.journal({ runId: 'run-1', step: 1, key: 'model:1', value: { n: 1n }, at: T0, holder: A }),
        ).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('$.n') });
        expect(await store.get('run-1')).toStrictEqual(storedNew('run-1'));
        expect(await store.events('run-1')).toStrictEqual([started('run-1')]);
        expect(await store.journaled('run-1', 1)).toEqual([]);
        expect(await store.get('run-2')).toBeNull();
      });
    });

    describe('lease', () => {
      it('grants a lease that is free, expired, or already held by the asker', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        expect(await store.lease('run-1', A, T0 + 10, TTL)).toEqual({ holder: A, expiresAt: T0 + 10 + TTL });
        await store.release('run-1', A);
        expect(await store.lease('run-1', B, T0 + 20, 1000)).toEqual({ holder: B, expiresAt: T0 + 1020 });
        expect(await store.lease('run-1', A, T0 + 1020, TTL)).toEqual({
          holder: A,
          expiresAt: T0 + 1020 + TTL,
        });
        expect((await store.get('run-1'))?.lease).toEqual({ holder: A, expiresAt: T0 + 1020 + TTL });
      });

      it('refuses a lease another process holds (lease_held), naming the holder and when its lease expires', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        await expect(store.lease('run-1', B, T0 + TTL - 1, TTL)).rejects.toMatchObject({
          code: 'lease_held',
          details: { runId: 'run-1', holder: A, expiresAt: T0 + TTL },
        });
        expect((await store.get('run-1'))?.lease).toEqual({ holder: A, expiresAt: T0 + TTL });
      });

      it('renews only a lease its holder still holds: refused once another process took it', async () => {
        const store = await fresh();
        await store.create(newRun('run-1')); // leased to A until T0 + TTL
        // Expired, and nobody took it: A renews it.
        expect(await store.lease('run-1', A, T0 + TTL + 5, TTL, { renew: true })).toEqual({
          holder: A,
          expiresAt: T0 + 2 * TTL + 5,
        });
        await expect(store.lease('run-1', B, T0 + TTL + 6, TTL, { renew: true })).rejects.toMatchObject({
          code: 'store_conflict',
          details: { runId: 'run-1', holder: A },
        });
        await store.lease('run-1', B, T0 + 3 * TTL, TTL); // A's lease expired: B takes the run over
        await expect(store.lease('run-1', A, T0 + 3 * TTL + 1, TTL, { renew: true })).rejects.toMatchObject({
          code: 'store_conflict',
          details: { holder: B },
        });
        // B let go of it: a plain lease would be granted, a renewal by the old holder is not.
        await store.release('run-1', B);
        await expect(store.lease('run-1', A, T0 + 3 * TTL + 2, TTL, { renew: true })).rejects.toMatchObject({
          code: 'store_conflict',
          details: { holder: null },
        });
        expect((await store.get('run-1'))?.lease).toBeNull();
        await expect(store.lease('run-2', A, T0, TTL, { renew: true })).rejects.toMatchObject({
          code: 'run_not_found',
        });
      });

      it('releases a lease only for its holder', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        await store.release('run-1', B);
        expect((await store.get('run-1'))?.lease).toEqual({ holder: A, expiresAt: T0 + TTL });
        await store.release('run-1', A);
        expect((await store.get('run-1'))?.lease).toBeNull();
        await expect(store.release('run-2', A)).resolves.toBeUndefined();
      });
    });

    describe('events, list and cancel', () => {
      it('gives the events after a sequence number, in order', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        await store.commit(commitOf('run-1', 1));
        await store.commit(commitOf('run-1', 2));
        expect(await store.events('run-1', 1)).toStrictEqual([
          moved('run-1', 1, T0 + 1000),
          moved('run-1', 2, T0 + 2000),
        ]);
        expect(await store.events('run-1', 3)).toEqual([]);
      });

      it('lists runs newest first, by status (one or several), by flow, and up to a limit', async () => {
        const store = await fresh();
        await store.create(newRun('old', { at: T0 }));
        await store.create(newRun('billing', { flow: 'billing', at: T0 + 1 }));
        await store.create(newRun('new', { at: T0 + 2 }));
        await store.commit(commitOf('old', 1, { status: 'done' }));
        expect(ids(await store.list())).toEqual(['new', 'billing', 'old']);
        expect(ids(await store.list({ status: 'done' }))).toEqual(['old']);
        expect(ids(await store.list({ status: ['done', 'running'] }))).toEqual(['new', 'billing', 'old']);
        expect(ids(await store.list({ status: ['escalated', 'awaiting_human'] }))).toEqual([]);
        expect(ids(await store.list({ flow: 'billing' }))).toEqual(['billing']);
        expect(ids(await store.list({ flow: 'support', status: 'running' }))).toEqual(['new']);
        expect(ids(await store.list({ limit: 2 }))).toEqual(['new', 'billing']);
        expect(await store.list({ limit: 0 })).toEqual([]);
        expect((await store.list({ status: 'done' }))[0]).toStrictEqual(await store.get('old'));
      });

      it('lists runs created at the same time by id, the greatest first', async () => {
        const store = await fresh();
        for (const id of ['b', 'c', 'a']) await store.create(newRun(id));
        expect(ids(await store.list())).toEqual(['c', 'b', 'a']);
      });

      it('refuses a limit that is not a whole number', async () => {
        const store = await fresh();
        await expect(store.list({ limit: -1 })).rejects.toMatchObject({ code: 'invalid_argument' });
        await expect(store.list({ limit: 1.5 })).rejects.toMatchObject({ code: 'invalid_argument' });
      });

      it('marks a run to be cancelled and changes nothing else', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        await store.requestCancel('run-1');
        expect(await store.get('run-1')).toStrictEqual({ ...storedNew('run-1'), cancelRequested: true });
      });

      it('refuses to mark a run that has ended, with run_finished', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        await store.commit(commitOf('run-1', 1, { status: 'done' }));
        await expect(store.requestCancel('run-1')).rejects.toMatchObject({ code: 'run_finished' });
        expect((await store.get('run-1'))?.cancelRequested).toBe(false);
      });

      it('tells the writer of each commit whether a cancel was requested', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        expect(await store.commit(commitOf('run-1', 1))).toEqual({ cancelRequested: false });
        await store.requestCancel('run-1');
        expect(await store.commit(commitOf('run-1', 2))).toEqual({ cancelRequested: true });
      });
    });

    describe('journal', () => {
      it('keeps the first value of each (run, step, key), per step, in the order written', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        await store.create(newRun('run-2'));
        const entry = (step: number, key: string, value: unknown, at = T0) => ({
          runId: 'run-1',
          step,
          key,
          value,
          at,
        });
        const write = (kept: ReturnType<typeof entry>) => store.journal({ ...kept, holder: A });
        await write(entry(1, 'model:1', { text: 'first' }));
        await write(entry(1, 'tool:call-1', { result: [1, 2] }, T0 + 1));
        await write(entry(2, 'model:1', { text: 'next step' }, T0 + 2));
        await write(entry(1, 'model:2', { text: 'second' }, T0 + 3));
        await write(entry(1, 'model:1', { text: 'rewritten' }, T0 + 4));
        await store.journal({
          runId: 'run-2',
          step: 1,
          key: 'model:1',
          value: 'other run',
          at: T0,
          holder: A,
        });
        expect(await store.journaled('run-1', 1)).toStrictEqual([
          entry(1, 'model:1', { text: 'first' }),
          entry(1, 'tool:call-1', { result: [1, 2] }, T0 + 1),
          entry(1, 'model:2', { text: 'second' }, T0 + 3),
        ]);
        expect(await store.journaled('run-1', 2)).toStrictEqual([
          entry(2, 'model:1', { text: 'next step' }, T0 + 2),
        ]);
        expect(await store.journaled('run-1', 3)).toEqual([]);
        expect(await store.journaled('run-2', 1)).toHaveLength(1);
      });

      it('keeps entries only from the lease holder: one whose lease was taken over is refused', async () => {
        const store = await fresh();
        await store.create(newRun('run-1')); // leased to A until T0 + TTL
        const entry = (holder: string, key: string) => ({
          runId: 'run-1',
          step: 1,
          key,
          value: { by: holder },
          at: T0,
          holder,
        });
        const refused = { code: 'store_conflict', retryable: false, details: { runId: 'run-1', holder: A } };
        await expect(store.journal(entry(B, 'model:1'))).rejects.toMatchObject(refused);
        // A's lease expired and nobody took it: A still holds it, and its work is kept.
        await store.journal(entry(A, 'model:1'));
        await store.lease('run-1', B, T0 + TTL, TTL);
        await expect(store.journal(entry(A, 'model:2'))).rejects.toMatchObject({
          code: 'store_conflict',
          details: { holder: B },
        });
        await store.journal(entry(B, 'model:2'));
        // Let go of by its taker, the run holds no lease: the old holder's entries stay refused.
        await store.release('run-1', B);
        await expect(store.journal(entry(A, 'model:3'))).rejects.toMatchObject({
          code: 'store_conflict',
          details: { holder: null },
        });
        expect((await store.journaled('run-1', 1)).map((kept) => [kept.key, kept.value])).toEqual([
          ['model:1', { by: A }],
          ['model:2', { by: B }],
        ]);
      });
    });

    describe('deleteFinished', () => {
      it('deletes only finished runs last updated before the cutoff, with their events and journal', async () => {
        const store = await fresh();
        const cutoff = T0 + 10_000;
        const runs = {
          done: { status: 'done', at: T0 + 1000 },
          escalated: { status: 'escalated', at: cutoff - 1 },
          failedAtCutoff: { status: 'failed', at: cutoff },
          cancelledLater: { status: 'cancelled', at: cutoff + 1 },
          running: { status: 'running', at: T0 + 1000 },
          waiting: { status: 'awaiting_human', at: T0 + 1000 },
        } as const;
        for (const [id, { status, at }] of Object.entries(runs)) {
          await store.create(newRun(id));
          await store.commit(commitOf(id, 1, { status, at }));
          await store.journal({ runId: id, step: 1, key: 'model:1', value: id, at, holder: A });
        }
        expect(await store.deleteFinished(cutoff)).toBe(2);
        for (const id of ['done', 'escalated']) {
          expect(await store.get(id)).toBeNull();
          expect(await store.events(id)).toEqual([]);
          expect(await store.journaled(id, 1)).toEqual([]);
        }
        expect(ids(await store.list()).sort()).toEqual([
          'cancelledLater',
          'failedAtCutoff',
          'running',
          'waiting',
        ]);
        expect(await store.journaled('running', 1)).toHaveLength(1);
        // Nothing of a deleted run is left behind: its id starts a new log.
        await store.create(newRun('done'));
        expect(await store.events('done')).toStrictEqual([started('done')]);
        expect(await store.journaled('done', 1)).toEqual([]);
        expect(await store.deleteFinished(cutoff)).toBe(0);
      });

      it('refuses a cutoff that is not a time, and deletes nothing', async () => {
        const store = await fresh();
        await store.create(newRun('done'));
        await store.commit(commitOf('done', 1, { status: 'done', at: T0 }));
        // A duration typed where a time goes: SQLite would find every number less than any text.
        for (const before of ['30d', Number.NaN, Number.POSITIVE_INFINITY, null, undefined]) {
          await expect(store.deleteFinished(before as unknown as number)).rejects.toMatchObject({
            code: 'invalid_argument',
            message: expect.stringContaining('deleteFinished needs a time'),
          });
        }
        expect(ids(await store.list())).toEqual(['done']);
      });
    });

    describe('close', () => {
      it('fails every call after close with store_error, and closing again does nothing', async () => {
        const store = await fresh();
        await store.create(newRun('run-1'));
        await store.close();
        const closed = { code: 'store_error', message: expect.stringMatching(/the store is closed/i) };
        await expect(store.get('run-1')).rejects.toMatchObject(closed);
        await expect(store.create(newRun('run-2'))).rejects.toMatchObject(closed);
        await expect(store.commit(commitOf('run-1', 1))).rejects.toMatchObject(closed);
        await expect(store.list()).rejects.toMatchObject(closed);
        await expect(store.events('run-1')).rejects.toMatchObject(closed);
        await expect(store.lease('run-1', A, T0, TTL)).rejects.toMatchObject(closed);
        await expect(store.release('run-1', A)).rejects.toMatchObject(closed);
        await expect(store.requestCancel('run-1')).rejects.toMatchObject(closed);
        await expect(
          store.journal({ runId: 'run-1', step: 1, key: 'model:1', value: 1, at: T0, holder: A }),
        ).rejects.toMatchObject(closed);
        await expect(store.journaled('run-1', 1)).rejects.toMatchObject(closed);
        await expect(store.deleteFinished(T0)).rejects.toMatchObject(closed);
        await expect(store.close()).resolves.toBeUndefined();
      });
    });

    describe('reopening', () => {
      it('keeps runs, events, journal, leases and the commit fence after reopening', async (context) => {
        const { store, reopen } = await open();
        if (!reopen) return context.skip('this store does not outlive its object');
        await store.create(newRun('run-1'));
        await store.commit(commitOf('run-1', 1));
        await store.requestCancel('run-1');
        await store.journal({
          runId: 'run-1',
          step: 1,
          key: 'model:1',
          value: { text: 'kept' },
          at: T0,
          holder: A,
        });
        await store.create(newRun('run-2', { at: T0 + 1 }));
        await store.lease('run-2', B, T0 + TTL, TTL);
        const before = {
          runs: await store.list(),
          events: await store.events('run-1'),
          journal: await store.journaled('run-1', 1),
        };
        await store.close();
        const again = await reopen();
        opened.push(again);
        expect(await again.list()).toStrictEqual(before.runs);
        expect(await again.events('run-1')).toStrictEqual(before.events);
        expect(await again.journaled('run-1', 1)).toStrictEqual(before.journal);
        await expect(again.commit(commitOf('run-1', 1))).rejects.toMatchObject({ code: 'store_conflict' });
        await again.commit(commitOf('run-1', 2));
        await expect(again.lease('run-2', A, T0 + TTL, TTL)).rejects.toMatchObject({ code: 'lease_held' });
        expect(await again.get('run-1')).toMatchObject({ seq: 2, cancelRequested: true });
      });
    });
  });
}
