import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createActor } from 'xstate';
import type { Clock } from '../agents/clock.js';
import { NO_USAGE } from '../agents/decision.js';
import { BatonError, describeThrown } from '../contracts/errors.js';
import { plainJsonCopy } from '../contracts/json-value.js';
import type { FlowContext } from '../machines/context.js';
import type { Flow } from '../machines/define-flow.js';
import { AWAITING_HUMAN } from '../machines/flow-events.js';
import { RUN_ACTOR, type RunEnv } from '../machines/run-env.js';
import { DurableRun } from './durable-run.js';
import type { RunEvent } from './run-events.js';
import type { RunOptions } from './run-flow.js';
import { RunLog } from './run-log.js';
import type { StoredRunResult } from './run-result.js';
import { describeAbort, RunWatch, runUsage } from './run-watch.js';
import { envelopeMaker } from './store/envelope.js';
import type { Store } from './store/store.js';

/** How long a lease lasts unless told: a run whose process died can be taken over after this. */
export const DEFAULT_LEASE_MS = 30_000;

/** The longest lease: the longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days). */
export const LONGEST_LEASE_MS = 2_147_483_647;

/** The `leaseMs` option checked (default 30 s): `invalid_argument` unless a whole number of ms, 1 to about 24.8 days. */
export function leaseMsOf(value: unknown): number {
  if (value === undefined) return DEFAULT_LEASE_MS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > LONGEST_LEASE_MS)
    throw new BatonError(
      'invalid_argument',
      `leaseMs must be a whole number of milliseconds from 1 to ${LONGEST_LEASE_MS} (about 24.8 days); got ${describeThrown(value)}.`,
      { details: { leaseMs: typeof value === 'number' ? value : null } },
    );
  return value;
}

/** The host and process part of holder ids, read once when the module loads: `hostname()` is a system call. */
const PROCESS_PART = `${hostname()}:${process.pid}`;

/** A lease holder id for this process: host, process id and a random part, so two processes never share one. */
export function newHolder(): string {
  return `${PROCESS_PART}:${randomUUID().slice(0, 8)}`;
}

/** What a stored run needs besides its flow: the run's own options, with the store and its identity settled. */
export type StoredRunOptions = Pick<RunOptions, 'signal' | 'models' | 'onEvent' | 'events' | 'inspect'> & {
  readonly store: Store;
  readonly holder: string;
  readonly leaseMs: number;
  readonly clock: Clock;
  readonly runId: string;
};

/** Where a stored run goes on from: nothing (a new run) or its last commit. */
export type StoredStart =
  | { readonly kind: 'new'; readonly input: unknown }
  | {
      readonly kind: 'resume';
      readonly snapshot: unknown;
      readonly seq: number;
      readonly prior: readonly RunEvent[];
      readonly deadline: number | null;
      readonly recalledStep: number;
      readonly recalled: ReadonlyMap<string, unknown>;
      /** A cancel was requested while no process advanced the run: it ends cancelled as it resumes. */
      readonly cancelled?: boolean;
      /** For a run waiting for a person: the answer it goes on with, or its wait's timeout. */
      readonly human?:
        | {
            readonly kind: 'answer';
            readonly question: string;
            readonly answer: unknown;
            readonly at: number;
          }
        | { readonly kind: 'timeout'; readonly question: string };
    };

/**
 * A copy of a new stored run's input, which is refused when it is not plain JSON data (`invalid_argument`):
 * a store keeps the input as JSON from the run's first commit, and JSON would refuse, drop or change it.
 * Without a store the run ends invalid_input instead, as for any input that does not fit.
 */
export function storableInput(flow: string, input: unknown): unknown {
  const copied = plainJsonCopy(input);
  if (copied.kind === 'copy') return copied.value;
  throw new BatonError(
    'invalid_argument',
    `A stored run keeps its input as JSON, and the input of flow "${flow}" is ${copied.problem}. Pass plain JSON data: strings, finite numbers, booleans, null, arrays and plain objects.`,
    { details: { flow } },
  );
}

/**
 * Runs a flow with every transition committed to the store before the next model call is paid for, from
 * its start or from its last commit. The store is written only by the lease holder; a failure to commit
 * rejects the run with the store's error and leaves the last commit as it was.
 */
export function advanceStored<O>(
  flow: Flow,
  from: StoredStart,
  options: StoredRunOptions,
): Promise<StoredRunResult<O>> {
  const { store, holder, leaseMs, clock, runId, signal } = options;
  let watch: RunWatch<O> | null = null;
  const durable = new DurableRun(
    {
      store,
      runId,
      holder,
      leaseMs,
      clock,
      seq: from.kind === 'resume' ? from.seq : 0,
      envelope: envelopeMaker(flow),
      ...(from.kind === 'resume' ? { recalled: from.recalled, recalledStep: from.recalledStep } : {}),
    },
    (error) => watch?.abandon(error),
  );
  const log = new RunLog(runId, clock, {
    keep: options.events !== false,
    onEvent: options.onEvent,
    tap: (event) => durable.event(event),
    ...(from.kind === 'resume' ? { prior: from.prior } : {}),
  });
  // The attempts find the journal in the run environment, which travels in the root actor's input.
  const env: RunEnv = { clock, models: options.models, events: log, journal: durable };
  const startedAt = clock.now();
  const actor = createActor(flow.machine, {
    input: { input: from.kind === 'new' ? from.input : null, runId, startedAt, env, waits: true },
    systemId: RUN_ACTOR,
    ...(from.kind === 'resume' ? { snapshot: from.snapshot as never } : {}),
    ...(options.inspect ? { inspect: options.inspect } : {}),
  });
  if (from.kind === 'new') log.record({ type: 'run.started', flow: flow.id, input: from.input });
  const created =
    from.kind === 'new'
      ? store.create({
          id: runId,
          flow: flow.id,
          flowVersion: flow.version,
          snapshot: durable.envelope(actor.getPersistedSnapshot()),
          usage: runUsage(NO_USAGE, 0),
          lease: { holder, expiresAt: clock.now() + leaseMs },
          events: durable.takePending(),
          at: clock.now(),
        })
      : Promise.resolve();
  return created.then(
    () =>
      new Promise<StoredRunResult<O>>((resolve, reject) => {
        const running = new RunWatch<O>(flow.id, runId, log, actor, resolve, reject);
        watch = running;
        running.durable = durable;
        const human = from.kind === 'resume' ? from.human : undefined;
        if (human) running.answering = human.question;
        actor.subscribe(running);
        if (signal) running.cancelOn(signal);
        const deadline =
          from.kind === 'resume'
            ? from.deadline
            : Number.isFinite(flow.limits.ms)
              ? startedAt + flow.limits.ms
              : null;
        if (deadline !== null) running.expireAfter(clock, deadline - clock.now());
        // A cancel found in the store after the run ended (or parked) has nothing left to stop.
        durable.watch((why) => {
          if (actor.getSnapshot().status === 'active') actor.send({ type: 'baton.cancel', reason: why });
        });
        try {
          actor.start();
        } catch (error) {
          running.detach();
          durable.stop();
          throw error;
        }
        if (signal?.aborted) actor.send({ type: 'baton.cancel', reason: describeAbort(signal.reason) });
        else if (from.kind === 'resume' && from.cancelled)
          actor.send({ type: 'baton.cancel', reason: 'cancelled through the store' });
        else if (human?.kind === 'answer')
          actor.send({ type: 'baton.answer', question: human.question, answer: human.answer, at: human.at });
        else if (human?.kind === 'timeout') actor.send({ type: 'baton.human_timeout' });
        running.answering = null;
        // An answer the machine did not take (answerRun validates first, so only a defect gets here)
        // leaves the run waiting: it is let go again, not held.
        const now = actor.getSnapshot();
        if (human && now.status === 'active' && now.value === AWAITING_HUMAN) running.next(now);
      }),
  );
}

/** The context of a stored XState snapshot, as far as resuming reads it. */
export function contextOf(snapshot: unknown): FlowContext | null {
  const context = (snapshot as { context?: FlowContext } | null)?.context;
  return context && typeof context === 'object' ? context : null;
}
