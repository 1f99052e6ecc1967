// The shared concurrency slots of the workers, against a control connection that breaks: a slot is
// recorded with the connection it was really taken on, so it is given back there, and a slot whose
// connection broke after it was taken is not counted as held (the server let go of it).

import { BatonError } from 'baton-flow';
import { manualClock } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import type { Control } from '../../runtime/worker/control.js';
import { Slots } from '../../runtime/worker/slots.js';

/** A control connection whose session locks live on a fake server; `breakNow` drops it. */
function fakeControl() {
  const locks = new Map<number, number>(); // slot -> re-entrant count held by the live session
  const control = {
    generation: 1,
    connected: true,
    /** Set to break the connection right after the next statement, before its caller resumes. */
    breakAfterNext: false,
    breakNow() {
      this.connected = false;
      locks.clear(); // the server lets go of a dead session's locks
    },
    async queryOn(text: string, values: unknown[]) {
      // A broken connection is replaced before the statement runs, as Control.connect does.
      if (!this.connected) {
        this.connected = true;
        this.generation += 1;
      }
      const generation = this.generation;
      let rows: { slot: number }[] = [];
      if (text.includes('pg_try_advisory_lock')) {
        const [, free, count] = values as [string, number[], number];
        rows = free.slice(0, count).map((slot) => ({ slot }));
        for (const { slot } of rows) locks.set(slot, (locks.get(slot) ?? 0) + 1);
      } else if (text.includes('pg_advisory_unlock')) {
        const slot = values[1] as number;
        locks.set(slot, (locks.get(slot) ?? 1) - 1);
      }
      if (this.breakAfterNext) {
        this.breakAfterNext = false;
        this.breakNow();
        this.generation += 1;
        this.connected = true;
      }
      return { result: { rows, rowCount: rows.length }, generation };
    },
    async query(text: string, values: unknown[]) {
      return (await this.queryOn(text, values)).result;
    },
  };
  const held = () => [...locks.entries()].filter(([, n]) => n > 0).map(([slot]) => slot);
  return { control, held };
}

describe('worker slots', () => {
  it('records a slot taken on the connection that replaced a broken one, and gives it back there', async () => {
    const { control, held } = fakeControl();
    const slots = new Slots(control as unknown as Control, 'baton', manualClock());
    control.breakNow(); // the connection broke; the statement below reconnects first
    const tokens = await slots.tryTake('agent:billing', 1, 1);
    expect(tokens).toEqual([{ key: 'agent:billing', slot: 0, generation: 2 }]);
    expect(held()).toEqual([0]);
    const [token] = tokens;
    if (!token) throw new Error('no slot');
    await slots.give(token);
    expect(held()).toEqual([]); // nothing left on the live session for other workers to wait on
    expect(await slots.tryTake('agent:billing', 1, 1)).toHaveLength(1);
  });

  it('counts no slot whose connection broke after it was taken: the server let go of it', async () => {
    const { control, held } = fakeControl();
    const slots = new Slots(control as unknown as Control, 'baton', manualClock());
    control.breakAfterNext = true;
    expect(await slots.tryTake('flow:support', 2, 2)).toEqual([]);
    expect(held()).toEqual([]);
    // The next take finds both slots free on the new connection.
    expect((await slots.tryTake('flow:support', 2, 2)).map((t) => t.slot)).toEqual([0, 1]);
  });

  it('waits out a control connection that is down instead of failing the call that waits for a slot', async () => {
    const { control, held } = fakeControl();
    const clock = manualClock();
    const slots = new Slots(control as unknown as Control, 'baton', clock);
    const queryOn = control.queryOn.bind(control);
    let down = 2;
    control.queryOn = async (text: string, values: unknown[]) => {
      if (down > 0) {
        down -= 1;
        throw new BatonError('store_error', 'Cannot reach Postgres at db:5432: connect ECONNREFUSED.', {
          retryable: true,
        });
      }
      return queryOn(text, values);
    };
    const taking = slots.take('agent:billing', 1, new AbortController().signal);
    for (let i = 0; i < 20 && held().length === 0; i += 1) {
      await new Promise((done) => setTimeout(done, 0));
      clock.advance(1_000); // the waiter tries again each second
    }
    expect(await taking).toMatchObject({ key: 'agent:billing', slot: 0 });
    expect(down).toBe(0);
  });

  it('fails the wait for a slot on a database error no retry gets past', async () => {
    const { control } = fakeControl();
    const slots = new Slots(control as unknown as Control, 'baton', manualClock());
    control.queryOn = async () => {
      throw new BatonError('store_error', 'The Postgres store failed: permission denied (42501).', {
        retryable: false,
      });
    };
    await expect(slots.take('agent:billing', 1, new AbortController().signal)).rejects.toMatchObject({
      code: 'store_error',
      retryable: false,
    });
  });
});
