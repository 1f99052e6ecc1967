import { kindOf } from '../contracts/arguments.js';
import { BatonError } from '../contracts/errors.js';

/**
 * A source of time, in milliseconds. A run takes it from `runFlow`'s `clock` option (default
 * `systemClock`) and never reads the global clock, so tests and replays control time: `manualClock()`
 * from `baton-flow/testing` moves only when told to. Event times, `endedAt` and the run's deadline
 * (`limits.ms`) all come from it.
 */
export interface Clock {
  /** The current time in milliseconds (an epoch time for `systemClock`; any origin will do). */
  now(): number;
  /** Calls `fn` after `ms` milliseconds of this clock's time; returns a handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer that `setTimeout` returned, if it has not fired yet. */
  clearTimeout(handle: unknown): void;
}

/**
 * A source of unique ids, such as run ids. A run takes it from `runFlow`'s `ids` option (default
 * `randomIds`), so runs can be made deterministic with `sequentialIds()`.
 */
export interface Ids {
  /** A new id starting with `prefix` (e.g. `run`), never returned before by this source. */
  next(prefix: string): string;
}

/**
 * A clock that stands still at `at` (default 0) and never fires its timers: for code that has no
 * deadline to keep. A run on it never reaches its `limits.ms` deadline; to test a deadline, use
 * `manualClock()` from `baton-flow/testing`.
 *
 * @example
 * ```ts
 * import { type Flow, frozenClock, runFlow, sequentialIds } from 'baton-flow';
 *
 * declare const notes: Flow<'notes', { text: string }, { text: string }>;
 *
 * // Every event is stamped 0 and every id counted from 1: two runs give the same event log.
 * const options = { clock: frozenClock(), ids: sequentialIds() };
 * const result = await runFlow(notes, { text: 'a haiku' }, options);
 * console.log(result.runId, result.events[0]?.at); // run-1 0
 * ```
 */
export function frozenClock(at = 0): Clock {
  if (typeof at !== 'number' || !Number.isFinite(at))
    throw new BatonError(
      'invalid_argument',
      `frozenClock: the time must be a finite number of milliseconds, got ${kindOf(at)}.`,
    );
  return { now: () => at, setTimeout: () => undefined, clearTimeout: () => undefined };
}

/**
 * Deterministic ids: `prefix-1`, `prefix-2`, … counted separately for each prefix, from 1 for every new
 * source. Pass a new one to each run that should be reproducible.
 *
 * @example
 * ```ts
 * import { sequentialIds } from 'baton-flow';
 *
 * const ids = sequentialIds();
 * ids.next('run'); // 'run-1'
 * ids.next('run'); // 'run-2'
 * ids.next('call'); // 'call-1'
 * ```
 */
export function sequentialIds(): Ids {
  const counts = new Map<string, number>();
  return {
    next(prefix) {
      const n = (counts.get(prefix) ?? 0) + 1;
      counts.set(prefix, n);
      return `${prefix}-${n}`;
    },
  };
}
