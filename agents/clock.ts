/** A source of time. Passed in, never read from globals, so tests and replays control it. */
export interface Clock {
  now(): number;
  /** Calls `fn` after `ms` milliseconds of this clock's time; returns a handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A source of unique ids. Passed in, so runs can be made deterministic. */
export interface Ids {
  next(prefix: string): string;
}

/** A clock that stands still at `at` and never fires timers: for code that has no deadline to keep. */
export function frozenClock(at = 0): Clock {
  return { now: () => at, setTimeout: () => undefined, clearTimeout: () => undefined };
}

/** Ids `prefix-1`, `prefix-2`, … counted per prefix: deterministic. */
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
