import { assertText, kindOf } from '../../contracts/arguments.js';
import { BatonError } from '../../contracts/errors.js';
import {
  type Commit,
  type JournalWrite,
  type LeaseOptions,
  type NewRun,
  type RunFilter,
  STORED_STATUSES,
  type StoredStatus,
} from './store.js';

// What every store checks of the arguments it is called with, before it reads or writes anything, so that
// a call from code Baton did not write fails with `invalid_argument` naming the call and the argument:
// a run id of the wrong type is refused rather than found nowhere, and a mistyped status is refused rather
// than matching no run. The checks are typeof checks and nothing more: they sit on every commit's path.

const FILTER_KEYS: readonly string[] = ['status', 'flow', 'limit'];

function refuse(call: string, what: string, expected: string, value: unknown): never {
  throw new BatonError('invalid_argument', `${call}: ${what} must be ${expected}, got ${kindOf(value)}.`);
}

function assertRecord(value: unknown, call: string, what: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    refuse(call, what, 'an object', value);
}

/** A sequence number or a step: a whole number, `min` or more. */
function assertCount(value: unknown, call: string, what: string, min = 0): asserts value is number {
  if (!Number.isInteger(value) || (value as number) < min)
    refuse(call, what, `a whole number, ${min} or more`, value);
}

/** A time in milliseconds since the epoch, or a length of time: a finite number. */
function assertTime(value: unknown, call: string, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) refuse(call, what, 'a finite number', value);
}

function assertStatus(value: unknown, call: string, what: string): asserts value is StoredStatus {
  if (!STORED_STATUSES.includes(value as StoredStatus))
    refuse(call, what, `one of ${STORED_STATUSES.map((s) => `"${s}"`).join(', ')}`, value);
}

/** `get`, `requestCancel`: the run id. */
function checkRunId(call: string, runId: unknown): asserts runId is string {
  assertText(runId, call, 'the run id');
}

/** `events` and `journaled`: the run id and a sequence number. */
function checkRunAndSeq(call: string, runId: unknown, seq: unknown, what: string): void {
  assertText(runId, call, 'the run id');
  assertCount(seq, call, what);
}

/** `release`: the run id and the holder letting go of its lease. */
function checkRelease(runId: unknown, holder: unknown): void {
  assertText(runId, 'store.release', 'the run id');
  assertText(holder, 'store.release', 'the holder');
}

/** `lease`: the run id, the holder, the time now, how long the lease lasts, and the options. */
function checkLease(
  runId: unknown,
  holder: unknown,
  now: unknown,
  ttlMs: unknown,
  options: unknown,
): asserts options is LeaseOptions | undefined {
  const call = 'store.lease';
  assertText(runId, call, 'the run id');
  assertText(holder, call, 'the holder');
  assertTime(now, call, 'the time now');
  assertTime(ttlMs, call, 'the lease length (ttlMs)');
  if (ttlMs <= 0) refuse(call, 'the lease length (ttlMs)', 'more than 0', ttlMs);
  if (options === undefined) return;
  assertRecord(options, call, 'the options');
  if (options.renew !== undefined && typeof options.renew !== 'boolean')
    refuse(call, 'options.renew', 'true or false', options.renew);
}

/**
 * `deleteFinished`: a finite number of milliseconds since the epoch. SQLite finds every number less than
 * any text, so a duration typed where the time goes ("30d") would delete every finished run.
 */
function checkCutoff(before: unknown): void {
  if (typeof before === 'number' && Number.isFinite(before)) return;
  throw new BatonError(
    'invalid_argument',
    `deleteFinished needs a time in milliseconds since the epoch (a finite number), got ${typeof before === 'string' ? JSON.stringify(before) : String(before)}: for runs older than 30 days pass Date.now() - 30 * 86_400_000.`,
    {
      details: { before: typeof before === 'number' || typeof before === 'string' ? before : String(before) },
    },
  );
}

/** `list`: the filter, if any: only `status`, `flow` and `limit`, each of its type. */
function checkFilter(filter: unknown): asserts filter is RunFilter | undefined {
  const call = 'store.list';
  if (filter === undefined) return;
  assertRecord(filter, call, 'the filter');
  for (const key of Object.keys(filter))
    if (!FILTER_KEYS.includes(key))
      throw new BatonError(
        'invalid_argument',
        `${call}: a run filter has no option "${key}"; it takes ${FILTER_KEYS.map((k) => `"${k}"`).join(', ')}.`,
        { details: { option: key } },
      );
  const { status, flow, limit } = filter;
  if (limit !== undefined && (!Number.isInteger(limit) || (limit as number) < 0))
    throw new BatonError(
      'invalid_argument',
      `A run filter's limit must be a whole number of runs, 0 or more; got ${String(limit)}.`,
      { details: { limit } },
    );
  if (Array.isArray(status)) {
    for (const [i, each] of status.entries()) assertStatus(each, call, `the filter's status[${i}]`);
  } else if (status !== undefined) assertStatus(status, call, "the filter's status");
  if (flow !== undefined) assertText(flow, call, "the filter's flow");
}

/** `create`: the new run's fields, as far as a store reads them. */
function checkNewRun(run: unknown): asserts run is NewRun {
  const call = 'store.create';
  assertRecord(run, call, 'the run');
  assertText(run.id, call, 'the run id');
  assertText(run.flow, call, 'the flow id');
  assertText(run.flowVersion, call, 'the flow version');
  assertRecord(run.snapshot, call, 'the snapshot');
  assertRecord(run.lease, call, 'the lease');
  assertText(run.lease.holder, call, 'the lease holder');
  assertTime(run.lease.expiresAt, call, 'the lease expiry');
  if (!Array.isArray(run.events)) refuse(call, 'the events', 'an array', run.events);
  assertTime(run.at, call, 'the time');
}

/** `commit`: the commit's fields, as far as a store reads them. */
function checkCommit(commit: unknown): asserts commit is Commit {
  const call = 'store.commit';
  assertRecord(commit, call, 'the commit');
  assertText(commit.runId, call, 'the run id');
  assertCount(commit.seq, call, 'the sequence number', 1);
  assertText(commit.holder, call, 'the holder');
  assertStatus(commit.status, call, 'the status');
  if (commit.agent !== null) assertText(commit.agent, call, 'the agent (or null)');
  assertRecord(commit.snapshot, call, 'the snapshot');
  if (!Array.isArray(commit.events)) refuse(call, 'the events', 'an array', commit.events);
  assertTime(commit.at, call, 'the time');
}

/** `journal`: the entry's fields, as far as a store reads them. */
function checkJournalWrite(entry: unknown): asserts entry is JournalWrite {
  const call = 'store.journal';
  assertRecord(entry, call, 'the entry');
  assertText(entry.runId, call, 'the run id');
  assertCount(entry.step, call, 'the step');
  assertText(entry.key, call, 'the key');
  assertTime(entry.at, call, 'the time');
  assertText(entry.holder, call, 'the holder');
}

/**
 * The checks of each `Store` method, by the method's name: a store calls the one of the method it is in
 * first, as in `storeArguments.commit(commit)`.
 */
export const storeArguments = Object.freeze({
  create: (run: unknown): void => checkNewRun(run),
  commit: (commit: unknown): void => checkCommit(commit),
  get: (runId: unknown): void => checkRunId('store.get', runId),
  list: (filter: unknown): void => checkFilter(filter),
  events: (runId: unknown, after: unknown): void =>
    checkRunAndSeq('store.events', runId, after, 'the sequence number to read after'),
  lease: (runId: unknown, holder: unknown, now: unknown, ttlMs: unknown, options: unknown): void =>
    checkLease(runId, holder, now, ttlMs, options),
  release: (runId: unknown, holder: unknown): void => checkRelease(runId, holder),
  requestCancel: (runId: unknown): void => checkRunId('store.requestCancel', runId),
  journal: (entry: unknown): void => checkJournalWrite(entry),
  journaled: (runId: unknown, step: unknown): void =>
    checkRunAndSeq('store.journaled', runId, step, 'the step'),
  deleteFinished: (before: unknown): void => checkCutoff(before),
});
