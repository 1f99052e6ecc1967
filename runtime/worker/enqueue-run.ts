import type { Clock, Ids } from '../../agents/clock.js';
import { BatonError } from '../../contracts/errors.js';
import { type Flow, isFlow } from '../../machines/define-flow.js';
import type { PostgresStore } from '../store/postgres-store.js';
import { FINISHED_STATUSES } from '../store/store.js';
import { randomIds, systemClock } from '../system-clock.js';
import { queuedRun } from './queued-run.js';
import { RunQueue } from './run-queue.js';

/** A new run for `enqueueRun`: the store, the flow and its input. */
export interface EnqueueNewRun<I = unknown> {
  readonly store: PostgresStore;
  readonly flow: Flow<string, I, unknown, string>;
  readonly input: I;
  /** Use this id instead of a new one; `run_exists` if the store has it already. */
  readonly runId?: string;
  /** The time the run starts at: its deadline (`limits.ms`) counts from here (default `systemClock`). */
  readonly clock?: Clock;
  /** Where a new run id comes from (default `randomIds`). */
  readonly ids?: Ids;
}

/**
 * A stored run for `enqueueRun` to hand to the workers again: after a person answered it, after its job
 * ran out of retries, or to move it from a process that will not advance it.
 */
export interface EnqueueStoredRun {
  readonly store: PostgresStore;
  readonly runId: string;
}

/**
 * Hands a run to the workers of its flow and returns its id. With a flow and an input it starts a new run:
 * the run is created in the store (status `running`, held by no process, its deadline counted from now)
 * and its job sent to the flow's pg-boss queue in one transaction, so a run exists exactly when its job
 * does, and `baton runs` shows it at once. With only a `runId` it sends a job for a stored run that has
 * not ended: the path for a run that should go on in a worker rather than in the calling process, such as
 * one whose question was answered. A worker takes the job, leases the run and advances it with
 * `resumeRun`, to its end or its next wait. Rejects with `run_exists`, `run_not_found`, `run_finished`,
 * `invalid_argument`, `missing_dependency` (pg-boss is not installed) or `store_error`.
 *
 * @example
 * ```ts
 * import type { AnyFlow } from 'baton-flow';
 * import { enqueueRun, PostgresStore } from 'baton-flow/postgres';
 *
 * declare const support: AnyFlow;
 * const store = await PostgresStore.open('postgres://baton@127.0.0.1:5432/baton');
 *
 * const runId = await enqueueRun({ store, flow: support, input: { id: 'T-1042' } });
 * // Later, for a stored run that should go on in a worker (e.g. once its question is answered):
 * await enqueueRun({ store, runId });
 * ```
 */
export async function enqueueRun<I>(options: EnqueueNewRun<I> | EnqueueStoredRun): Promise<string> {
  const { store } = options;
  const queue = await RunQueue.shared(store);
  if (!('flow' in options)) {
    const run = await store.get(options.runId);
    if (!run)
      throw new BatonError('run_not_found', `The store has no run "${options.runId}" to enqueue.`, {
        details: { runId: options.runId },
      });
    if (FINISHED_STATUSES.includes(run.status))
      throw new BatonError(
        'run_finished',
        `Run "${run.id}" ended ${run.status} already: there is nothing to enqueue.`,
        { details: { runId: run.id, status: run.status } },
      );
    await queue.ensure(run.flow);
    await queue.send(run.flow, run.id);
    return run.id;
  }
  const { flow } = options;
  if (!isFlow(flow))
    throw new BatonError('invalid_argument', 'enqueueRun expects a flow made by defineFlow as its flow.');
  const runId = options.runId ?? (options.ids ?? randomIds).next('run');
  const run = queuedRun(flow, options.input, runId, options.clock ?? systemClock);
  await queue.ensure(flow.id);
  await store.createQueued(run, (db) => queue.send(flow.id, runId, { db }));
  return runId;
}
