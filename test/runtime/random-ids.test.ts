// Run ids are version 7 UUIDs: unique, and ordered by the time they were made, so that a store's
// indexes keyed by run id take new runs at their end.
import { describe, expect, it } from 'vitest';
import { randomIds } from '../../runtime/system-clock.js';

const V7 = /^run-([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Waits until `Date.now()` has moved past `ms`. */
function after(ms: number): void {
  while (Date.now() <= ms) {
    // A few ms at most.
  }
}

describe('randomIds', () => {
  it('makes a version 7 UUID whose first 48 bits are the time it was made', () => {
    const before = Date.now();
    const id = randomIds.next('run');
    const made = Date.now();
    const match = V7.exec(id);
    expect(match, id).not.toBeNull();
    const time = Number.parseInt(`${match?.[1]}${match?.[2]}`, 16);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(made);
  });

  it('orders ids made in later milliseconds after earlier ones', () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      ids.push(randomIds.next('run'));
      // Past the millisecond the id was made in (at the latest, the one read after it): the clock may
      // tick between a read before the call and the call's own read.
      after(Date.now());
    }
    expect([...ids].sort()).toEqual(ids);
  });

  it('keeps ids made in the same millisecond apart by their random bits', () => {
    const ids = Array.from({ length: 10_000 }, () => randomIds.next('run'));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(V7);
  });
});
