import { BatonError } from '../contracts/errors.js';
import { type Flow, isFlow } from '../machines/define-flow.js';
import { checkModelsOption } from './check-models.js';
import type { RunEvent } from './run-events.js';
import type { RunOptions } from './run-flow.js';
import type { RunResult } from './run-result.js';
import { openEnvelope, type SnapshotMigrations } from './store/envelope.js';
import { FINISHED_STATUSES, type Store, type StoredRun } from './store/store.js';
import { advanceStored, contextOf, DEFAULT_LEASE_MS, newHolder } from './stored-run.js';
import { systemClock } from './system-clock.js';

/**
 * Options of `resumeRun`: the store the run is in, migrations for snapshots of earlier versions, and the
 * run's own options as for `runFlow` (its id, and so `runId` and `ids`, come from the store).
 */
export type ResumeOptions = Pick<
  RunOptions,
  'signal' | 'clock' | 'models' | 'onEvent' | 'events' | 'inspect' | 'holder' | 'leaseMs'
> & {
  readonly store: Store;
  /** Turns snapshots stored by an earlier version of the flow into this one, by that version. */
  readonly migrations?: SnapshotMigrations;
};

/**
 * Continues a stored run from its last commit, in this process, to its end. The attempt that was in flight
 * when the run stopped starts again: the model replies and tool results it had journaled are replayed,
 * not paid for again, and the call that was in flight is sent again with the same idempotency key. The
 * deadline is the one the run started with. Rejects, changing nothing in the store, with
 * `run_not_found`, `run_finished` (the run has ended), `snapshot_incompatible` (the snapshot was taken
 * from another version of the flow and no migration applies) or `lease_held` (another process is
 * advancing it; the error names it and when its lease expires).
 *
 * @example
 * ```ts
 * import { type AnyFlow, MemoryStore, resumeRun } from 'baton-flow';
 *
 * declare const support: AnyFlow;
 * declare const store: MemoryStore; // the store the run was started with: runFlow(flow, input, { store })
 *
 * const result = await resumeRun(support, 'run-42', { store });
 * console.log(result.status, result.usage.turns);
 * ```
 */
export async function resumeRun<Id extends string, I, O, N extends string>(
  flow: Flow<Id, I, O, N>,
  runId: string,
  options: ResumeOptions,
): Promise<RunResult<O>> {
  if (!isFlow(flow))
    throw new BatonError(
      'invalid_argument',
      'resumeRun expects a flow made by defineFlow as its first argument.',
    );
  checkModelsOption(flow, options.models);
  const { store } = options;
  const run = await store.get(runId);
  if (!run)
    throw new BatonError(
      'run_not_found',
      `The store has no run "${runId}". List the stored runs with \`baton runs\`.`,
      {
        details: { runId },
      },
    );
  if (FINISHED_STATUSES.includes(run.status))
    throw new BatonError(
      'run_finished',
      `Run "${runId}" ended ${run.status} already: there is nothing to resume.`,
      {
        details: { runId, status: run.status },
      },
    );
  const snapshot = openEnvelope(flow, run.snapshot, runId, options.migrations);
  const context = contextOf(snapshot);
  if (!context)
    throw new BatonError('snapshot_incompatible', `Run "${runId}" has a snapshot without a flow context.`, {
      details: { runId },
    });
  const clock = options.clock ?? systemClock;
  const holder = options.holder ?? newHolder();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  await store.lease(runId, holder, clock.now(), leaseMs);
  // What the last holder committed until the lease became ours: read again now that nobody else writes.
  let latest: StoredRun;
  let prior: RunEvent[];
  let journal: Awaited<ReturnType<Store['journaled']>>;
  try {
    latest = (await store.get(runId)) ?? run;
    if (latest.seq !== run.seq) return await resumeRun(flow, runId, { ...options, holder, leaseMs, clock });
    [prior, journal] = await Promise.all([store.events(runId), store.journaled(runId, context.step)]);
  } catch (error) {
    await store.release(runId, holder).catch(() => undefined);
    throw error;
  }
  return advanceStored<O>(
    flow as Flow,
    {
      kind: 'resume',
      snapshot,
      seq: latest.seq,
      prior,
      deadline: context.deadline,
      recalledStep: context.step,
      recalled: new Map(journal.map((entry) => [entry.key, entry.value])),
      cancelled: run.cancelRequested,
    },
    { ...options, store, holder, leaseMs, clock, runId },
  );
}
