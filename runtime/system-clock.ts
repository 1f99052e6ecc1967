import { randomUUID } from 'node:crypto';
import type { Clock, Ids } from '../agents/clock.js';

/** The real clock: `Date.now` and the host's timers. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
});

/**
 * Random UUID ids: `prefix-<uuid>`. Node builds a UUID by concatenating its hex pieces, which leaves a
 * tree of about twenty string fragments (half a KiB) behind every id a run keeps; `join` copies them
 * into one flat string.
 */
export const randomIds: Ids = Object.freeze({ next: (prefix: string) => [prefix, randomUUID()].join('-') });
