import type { Clock } from '../agents/clock.js';
import { BatonError, isBatonError } from '../contracts/errors.js';
import type { RunEvent } from './run-events.js';
import { checkRunId, checkRunOptions, checkStore } from './run-options.js';
import { FINISHED_STATUSES, type Store } from './store/store.js';
import { newHolder } from './stored-run.js';
import { systemClock } from './system-clock.js';

/** What `cancelRun` did: ended the run itself, or asked the process advancing it to. */
export type CancelOutcome = 'cancelled' | 'requested';

/** How long `cancelRun` holds a run it ends itself: one commit's worth. */
const CANCEL_LEASE_MS = 10_000;

/**
 * The kill switch for a stored run, from any process. When no process advances the run (its lease is free
 * or expired: the process died), it ends the run `cancelled` at once and returns `'cancelled'`. Otherwise
 * it marks the run and returns `'requested'`: the process advancing it notices at its next transition or
 * lease renewal (a third of the lease), whichever comes first, aborts what is in flight and ends it `cancelled`. Rejects with `run_not_found`,
 * or `run_finished` for a run that has ended.
 *
 * @example
 * ```ts
 * import { cancelRun, MemoryStore } from 'baton-flow';
 *
 * declare const store: MemoryStore; // the store the run is in
 * const outcome = await cancelRun(store, 'run-42'); // 'cancelled' or 'requested'
 * ```
 */
export async function cancelRun(
  store: Store,
  runId: string,
  options: { readonly clock?: Clock } = {},
): Promise<CancelOutcome> {
  checkStore('cancelRun', store);
  checkRunId('cancelRun', runId);
  checkRunOptions('cancelRun', options);
  const run = await store.get(runId);
  if (!run) throw new BatonError('run_not_found', `The store has no run "${runId}".`, { details: { runId } });
  if (FINISHED_STATUSES.includes(run.status))
    throw new BatonError(
      'run_finished',
      `Run "${runId}" ended ${run.status} already: there is nothing to cancel.`,
      {
        details: { runId, status: run.status },
      },
    );
  await store.requestCancel(runId);
  const clock = options.clock ?? systemClock;
  const holder = `cancel:${newHolder()}`;
  try {
    await store.lease(runId, holder, clock.now(), CANCEL_LEASE_MS);
  } catch (error) {
    if (isBatonError(error) && error.code === 'lease_held') return 'requested';
    throw error;
  }
  try {
    const current = await store.get(runId);
    if (!current || FINISHED_STATUSES.includes(current.status)) return 'cancelled';
    const at = clock.now();
    const seq = (await store.events(runId)).length + 1;
    const ended: RunEvent = {
      type: 'run.ended',
      status: 'cancelled',
      code: 'cancelled',
      usage: current.usage,
      runId,
      seq,
      at,
    };
    await store.commit({
      runId,
      seq: current.seq + 1,
      holder,
      status: 'cancelled',
      agent: current.agent,
      usage: current.usage,
      snapshot: current.snapshot,
      events: [ended],
      at,
    });
    return 'cancelled';
  } finally {
    await store.release(runId, holder);
  }
}
