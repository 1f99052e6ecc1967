import type { AttemptJournal } from '../agents/attempt-journal.js';
import type { Clock } from '../agents/clock.js';
import { BatonError, describeThrown, isBatonError } from '../contracts/errors.js';
import type { FlowContext } from '../machines/context.js';
import { AWAITING_HUMAN } from '../machines/flow-events.js';
import type { RunEvent } from './run-events.js';
import { runUsage } from './run-watch.js';
import type { JournalWrite, SnapshotEnvelope, Store, StoredStatus } from './store/store.js';

/** How a run kept in a store is persisted: where, by whom, and for how long a lease lasts. */
export interface DurableSettings {
  readonly store: Store;
  readonly runId: string;
  /** Who advances the run: its lease holder (default: a new id per process and run). */
  readonly holder: string;
  /** How long a lease lasts without renewal; it is renewed every third of it while the run goes on. */
  readonly leaseMs: number;
  readonly clock: Clock;
  /** The sequence number of the last commit: 0 for a new run. */
  readonly seq: number;
  /** Wraps an XState persisted snapshot for the store. */
  readonly envelope: (snapshot: unknown) => SnapshotEnvelope;
  /** The journal of the step that was in flight when a resumed run stopped, by key. */
  readonly recalled?: ReadonlyMap<string, unknown>;
  readonly recalledStep?: number;
}

/** What a commit reads of a flow machine's snapshot. */
export interface CommittableSnapshot {
  readonly status: string;
  readonly value: unknown;
  readonly context: FlowContext;
}

/** How many times a commit the store calls retryable is tried before the run stops. */
const COMMIT_TRIES = 3;

/**
 * Persists one run as it goes: each transition's snapshot and events in one commit, in order, before the
 * next attempt may pay for a model call (`ready`); each model reply and tool result in the journal before
 * the next paid action (a reply that ends its attempt needs none: the transition's commit follows); the
 * lease renewed while the run goes on, and a cancel requested from another process noticed at the next
 * commit or renewal. A commit that fails for good stops the run: `failure` holds why, and the last committed state
 * stays as it was.
 */
export class DurableRun implements AttemptJournal {
  private seq: number;
  private writes: Promise<void> = Promise.resolve();
  private committedStep = -1;
  private waiting: {
    readonly step: number;
    readonly resolve: () => void;
    readonly reject: (e: unknown) => void;
  }[] = [];
  private lastKey = '';
  private pending: RunEvent[] = [];
  /** Journal entries of the step in flight, committed before its next paid action. */
  private journalled: JournalWrite[] = [];
  private failed: BatonError | null = null;
  private stopRenewal: (() => void) | null = null;
  private cancelled: ((why: string) => void) | null = null;

  constructor(
    private readonly settings: DurableSettings,
    private readonly onFailure: (error: BatonError) => void,
  ) {
    this.seq = settings.seq;
  }

  /** Why the run could not be persisted, if it could not. */
  get failure(): BatonError | null {
    return this.failed;
  }

  /** Wraps an XState persisted snapshot for the store. */
  envelope(snapshot: unknown): SnapshotEnvelope {
    return this.settings.envelope(snapshot);
  }

  /** The events kept since the last commit, for a commit made elsewhere (the run's creation). */
  takePending(): RunEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }

  /** Keeps an event for the next commit. */
  event(event: RunEvent): void {
    this.pending.push(event);
  }

  /**
   * Commits a snapshot of the running machine when it moved (another step, state or status): its
   * persisted form, its context's status and usage, and the events since the last commit.
   */
  transition(snapshot: CommittableSnapshot, persisted: () => unknown): void {
    const { context } = snapshot;
    const key = `${context.step}|${JSON.stringify(snapshot.value)}`;
    if (key === this.lastKey || snapshot.status !== 'active') return;
    this.lastKey = key;
    this.write(snapshot.value === AWAITING_HUMAN ? 'awaiting_human' : 'running', context, persisted());
  }

  /**
   * Lets go of a run that waits for a person, once its wait is committed: no lease, no renewal, nothing
   * of it in this process. Resolves once it is stored.
   */
  park(): Promise<void> {
    this.stopRenewal?.();
    return this.flush().then(() => this.settings.store.release(this.settings.runId, this.settings.holder));
  }

  /** Commits the run's end: its final snapshot, status and last events. Resolves once it is stored. */
  finish(status: StoredStatus, context: FlowContext, persisted: unknown): Promise<void> {
    this.stopRenewal?.();
    this.write(status, context, persisted);
    return this.flush().then(() => this.settings.store.release(this.settings.runId, this.settings.holder));
  }

  /** Resolves once every write so far is stored; rejects with the failure if one failed for good. */
  flush(): Promise<void> {
    return this.writes.then(() => {
      if (this.failed) throw this.failed;
    });
  }

  ready(step: number): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    // The next attempt starts before the transition into it is committed: what a finished step journaled
    // is dropped here, as the transition's commit would drop it (resuming recalls only the step in flight).
    this.journalled = this.journalled.filter((entry) => entry.step >= step);
    if (this.journalled.length > 0) {
      const { store } = this.settings;
      for (const entry of this.journalled.splice(0)) this.enqueue(() => store.journal(entry));
      return this.flush().then(() => this.ready(step));
    }
    if (this.committedStep >= step) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiting.push({ step, resolve, reject }));
  }

  recall(step: number, key: string): unknown {
    return step === this.settings.recalledStep ? this.settings.recalled?.get(key) : undefined;
  }

  record(step: number, key: string, value: unknown): void {
    const { runId, clock, holder } = this.settings;
    this.journalled.push({ runId, step, key, value, at: clock.now(), holder });
  }

  /**
   * Renews the lease every third of its length while the run goes on, and asks the store whether the run
   * was cancelled meanwhile: `onCancel` is called once if it was.
   */
  watch(onCancel: (why: string) => void): void {
    const { store, runId, holder, leaseMs, clock } = this.settings;
    let told = false;
    this.cancelled = (why) => {
      if (told) return;
      told = true;
      onCancel(why);
    };
    let handle: unknown;
    let stopped = false;
    const tick = () => {
      if (stopped) return;
      store
        // Only the lease this run holds: one taken over (or let go of after a takeover) stops the run.
        .lease(runId, holder, clock.now(), leaseMs, { renew: true })
        .then(() => store.get(runId))
        .then(
          (run) => {
            if (stopped) return;
            if (run?.cancelRequested) this.cancelled?.('cancelled through the store');
            else handle = clock.setTimeout(tick, Math.max(1, Math.floor(leaseMs / 3)));
          },
          (error: unknown) => {
            if (!stopped) this.fail(asStoreError(error));
          },
        );
    };
    handle = clock.setTimeout(tick, Math.max(1, Math.floor(leaseMs / 3)));
    this.stopRenewal = () => {
      stopped = true;
      clock.clearTimeout(handle);
    };
  }

  /** Stops renewing the lease, for a run that ends without a final commit. */
  stop(): void {
    this.stopRenewal?.();
  }

  private write(status: StoredStatus, context: FlowContext, persisted: unknown): void {
    const { store, runId, holder, clock, envelope } = this.settings;
    this.seq += 1;
    const commit = {
      runId,
      seq: this.seq,
      holder,
      status,
      agent: context.agent,
      usage: runUsage(context.usage, context.handoffs),
      snapshot: envelope(persisted),
      events: this.pending,
      at: clock.now(),
    };
    this.pending = [];
    // What the finished attempt journaled is not needed once its step is over: resuming recalls only
    // the step in the committed snapshot.
    this.journalled = [];
    const step = context.step;
    this.enqueue(
      () =>
        store.commit(commit).then((outcome) => {
          // Another process asked for a cancel: this transition is where the run notices it.
          if (outcome.cancelRequested) this.cancelled?.('cancelled through the store');
        }),
      () => this.committed(step),
      // A try whose reply was lost (the connection broke after the store committed it) made the commit:
      // the store is at its number, and the lease is still this run's, so nobody else could have.
      (failure) =>
        failure.code === 'store_conflict' &&
        failure.details.storedSeq === commit.seq &&
        failure.details.holder === holder,
    );
  }

  /**
   * Runs `write` after the writes before it, retrying what the store calls retryable; `made` tells
   * whether a retry's refusal says an earlier try went through after all.
   */
  private enqueue(
    write: () => Promise<void>,
    then?: () => void,
    made: (failure: BatonError) => boolean = () => false,
  ): void {
    this.writes = this.writes.then(async () => {
      if (this.failed) return;
      for (let tries = 1; ; tries += 1) {
        try {
          await write();
          then?.();
          return;
        } catch (error) {
          const failure = asStoreError(error);
          if (tries > 1 && made(failure)) {
            then?.();
            return;
          }
          if (!failure.retryable || tries >= COMMIT_TRIES) {
            this.fail(failure);
            return;
          }
        }
      }
    });
  }

  private committed(step: number): void {
    this.committedStep = Math.max(this.committedStep, step);
    const due = this.waiting.filter((w) => w.step <= this.committedStep);
    this.waiting = this.waiting.filter((w) => w.step > this.committedStep);
    for (const w of due) w.resolve();
  }

  private fail(error: BatonError): void {
    if (this.failed) return;
    this.failed = error;
    this.stopRenewal?.();
    for (const w of this.waiting) w.reject(error);
    this.waiting = [];
    this.onFailure(error);
  }
}

function asStoreError(error: unknown): BatonError {
  if (isBatonError(error)) return error;
  return new BatonError('store_error', `The store failed: ${describeThrown(error)}`, {
    cause: error,
    retryable: false,
  });
}
