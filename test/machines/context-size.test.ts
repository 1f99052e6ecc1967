// The size of a run's context is a speed guarantee: XState copies the context with Object.assign at every
// assign action, and V8 keeps an object of 20 keys or more made that way in dictionary mode, where each
// copy costs over ten times as much (time per flow grew by a third when the context reached 21 keys). A
// flow that uses no waits, facts or verification, in memory or in a store, keeps its context under 20.
import { MemoryStore, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { initialContext } from '../../machines/context.js';
import { pingPongFlow, work } from '../helpers/flows.js';

const model = () =>
  scripted([
    { agent: 'a', handoff: 'b', payload: work(1) },
    { agent: 'b', finish: { ticketId: 'T-1', summary: 'done' } },
  ]);

describe("a run's context", () => {
  it('starts with 18 keys in memory and 19 in a store (the run can wait there)', () => {
    expect(Object.keys(initialContext('f', 1000, { input: {} }))).toHaveLength(18);
    expect(Object.keys(initialContext('f', 1000, { input: {}, waits: true }))).toHaveLength(19);
  });

  it('keeps under 20 keys to its end, in a store', async () => {
    const store = new MemoryStore();
    const result = await runFlow(pingPongFlow(), work(0), { models: model(), store });
    expect(result.status).toBe('done');
    const stored = await store.get(result.runId);
    if (!stored) throw new Error('the run is not stored');
    const context = (stored.snapshot.snapshot as { context: object }).context;
    expect(Object.keys(context).length).toBeLessThan(20);
  });
});
