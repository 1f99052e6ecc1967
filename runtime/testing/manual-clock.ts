import type { Clock } from '../../agents/clock.js';

/** A clock that moves only when told to, firing due timers in order: tests never wait. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing every timer that falls due. */
  advance(ms: number): void;
  /** Moves time to `at` without firing timers (for steps that take time inside a call). */
  set(at: number): void;
}

/**
 * Makes a manual clock starting at `start` (default 0): timers fire only when the test calls `advance`.
 *
 * @example
 * ```ts
 * import { sequentialIds } from 'baton-flow';
 * import { manualClock } from 'baton-flow/testing';
 *
 * const clock = manualClock();
 * clock.setTimeout(() => console.log('fired at', clock.now()), 500);
 * clock.advance(499); // nothing yet
 * clock.advance(1); // "fired at 500"
 * // runFlow(flow, input, { clock, ids: sequentialIds() }) gives the same events, byte for byte, every run
 * ```
 */
export function manualClock(start = 0): ManualClock {
  let now = start;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      nextId += 1;
      timers.set(nextId, { at: now + Math.max(0, ms), fn });
      return nextId;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    set(at) {
      now = at;
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, t]) => t.at <= target)
          .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
      }
      now = target;
    },
  };
}
