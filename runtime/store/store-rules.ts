import { BatonError, isBatonError } from '../../contracts/errors.js';
import { jsonValueProblem } from '../../contracts/json-value.js';
import type { RunEvent } from '../run-events.js';
import { type Commit, FINISHED_STATUSES, type Lease, type RunFilter, type StoredStatus } from './store.js';

// The rules every store enforces, in one place, so that each implementation refuses the same calls with
// the same errors and the contract suite can hold them all to it.

/**
 * The JSON text a store writes for a value; a value with no JSON form (undefined) is written as null. A
 * value JSON refuses (a bigint, a cycle) is `invalid_argument`, which says what and where.
 */
export function storedJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    const problem = jsonValueProblem(value);
    throw new BatonError(
      'invalid_argument',
      `A store keeps plain JSON data, and this value ${problem === null ? `has no JSON form (${String(error)})` : `is ${problem}`}.`,
      { cause: error },
    );
  }
}

/** How many runs `list` returns when the filter sets no limit. */
export const DEFAULT_LIST_LIMIT = 100;

/** The error every call on a closed store throws. */
export function storeClosed(): BatonError {
  return new BatonError('store_error', 'The store is closed: open a new one to read or write runs.', {
    details: { retryable: false },
  });
}

/** The error for a commit that changed no row though nothing refuses it: a defect, not a fence. */
export function changedNothing(commit: Commit): BatonError {
  return new BatonError('internal_error', `Commit ${commit.seq} of run "${commit.runId}" changed nothing.`, {
    details: { runId: commit.runId, seq: commit.seq },
  });
}

/** The error for a run id the store does not have. */
export function runNotFound(runId: string): BatonError {
  return new BatonError(
    'run_not_found',
    `The store has no run "${runId}": it was never created here, or finished and was deleted.`,
    { details: { runId } },
  );
}

/** The error for creating a run whose id is taken. */
export function runExists(runId: string): BatonError {
  return new BatonError(
    'run_exists',
    `The store already has a run "${runId}": give the new run another id.`,
    {
      details: { runId },
    },
  );
}

/** What a store knows of a run when it checks a commit against it. */
export interface Fence {
  readonly seq: number;
  /** Who holds the lease, or null when nobody does. */
  readonly holder: string | null;
  readonly status: StoredStatus;
}

/**
 * Why a commit may not follow the stored run, or null when it may: its `seq` must be the stored one + 1,
 * its holder must hold the lease, and the run must not have ended. A holder whose lease expired still
 * holds it until another process takes it, so a slow process that nobody replaced keeps its work.
 */
export function commitRefusal(stored: Fence, commit: Commit): BatonError | null {
  const details = {
    runId: commit.runId,
    seq: commit.seq,
    storedSeq: stored.seq,
    holder: stored.holder,
    status: stored.status,
  };
  const refuse = (why: string) =>
    new BatonError('store_conflict', `Commit ${commit.seq} of run "${commit.runId}" was refused: ${why}.`, {
      details,
    });
  if (commit.seq !== stored.seq + 1)
    return refuse(
      `the store is at ${stored.seq}, so the next commit is ${stored.seq + 1}; another process advanced the run`,
    );
  if (stored.holder !== commit.holder)
    return refuse(
      stored.holder === null
        ? `"${commit.holder}" does not hold the lease (nobody does): take the lease before committing`
        : `"${commit.holder}" does not hold the lease, "${stored.holder}" does`,
    );
  if (isFinished(stored.status)) return refuse(`the run already ended ${stored.status}`);
  return null;
}

/**
 * Why `holder` may not take the lease now, or null when it may: the run has no lease, its lease expired
 * (`expiresAt <= now`), or `holder` holds it already. With `renew`, only the last: `store_conflict` when
 * `holder` no longer holds it.
 */
export function leaseRefusal(
  runId: string,
  current: Lease | null,
  holder: string,
  now: number,
  renew = false,
): BatonError | null {
  if (renew) return holderRefusal(runId, current?.holder ?? null, holder, 'Renewing the lease');
  if (current === null || current.holder === holder || current.expiresAt <= now) return null;
  return new BatonError(
    'lease_held',
    `Run "${runId}" is leased to "${current.holder}" until ${new Date(current.expiresAt).toISOString()}: wait until then, or let that process finish.`,
    { details: { runId, holder: current.holder, expiresAt: current.expiresAt } },
  );
}

/**
 * Why `holder` may not journal or renew now, or null when it may: it must hold the run's lease (expired
 * or not, while no other process took it). `what` names the refused write.
 */
export function holderRefusal(
  runId: string,
  current: string | null,
  holder: string,
  what: string,
): BatonError | null {
  if (current === holder) return null;
  return new BatonError(
    'store_conflict',
    `${what} of run "${runId}" was refused: "${holder}" no longer holds its lease (${current === null ? 'nobody does' : `"${current}" does`}); another process took the run over.`,
    { details: { runId, holder: current }, retryable: false },
  );
}

/**
 * Checks that events belong to the run and follow its log: each event's `seq` is greater than the one
 * before, starting after `lastSeq`, the last stored. A run's log is appended in order, each event once.
 */
export function checkEvents(runId: string, events: readonly RunEvent[], lastSeq: number): void {
  let previous = lastSeq;
  for (const event of events) {
    if (event.runId !== runId)
      throw new BatonError(
        'invalid_argument',
        `An event of run "${event.runId}" was written to run "${runId}": each run keeps its own events.`,
        { details: { runId, eventRunId: event.runId, seq: event.seq } },
      );
    if (!(event.seq > previous))
      throw new BatonError(
        'invalid_argument',
        `Event ${event.seq} of run "${runId}" does not follow event ${previous}: a run's events are appended in order, each once.`,
        { details: { runId, seq: event.seq, after: previous } },
      );
    previous = event.seq;
  }
}

/**
 * Why a commit that a store's fenced write refused was refused, from the run's fence and the sequence
 * number of its last stored event (null for a run the store does not have): no such run, the fence, or
 * events that do not follow the log; null when nothing refuses it now.
 */
export function fencedRefusal(
  stored: (Fence & { readonly lastEvent: number }) | null,
  commit: Commit,
): BatonError | null {
  if (stored === null) return runNotFound(commit.runId);
  const refused = commitRefusal(stored, commit);
  if (refused) return refused;
  try {
    checkEvents(commit.runId, commit.events, stored.lastEvent);
  } catch (error) {
    if (isBatonError(error)) return error;
    throw error;
  }
  return null;
}

/**
 * The statuses a filter asks for, or null for any; and how many runs it wants. The filter was checked by
 * `storeArguments.list`.
 */
export function readFilter(filter: RunFilter): { statuses: readonly StoredStatus[] | null; limit: number } {
  const { status } = filter;
  const statuses = status === undefined ? null : typeof status === 'string' ? [status] : status;
  return { statuses, limit: filter.limit ?? DEFAULT_LIST_LIMIT };
}

/** Whether a status is one a run ends in. */
/** `run_finished`: a cancel asked of a run that has ended. */
export function runFinished(runId: string, status: StoredStatus): BatonError {
  return new BatonError(
    'run_finished',
    `Run "${runId}" ended ${status} already: there is nothing to cancel.`,
    {
      details: { runId, status },
    },
  );
}

export function isFinished(status: StoredStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}
