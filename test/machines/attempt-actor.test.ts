import { defineAgent, defineTool, type Model, type ModelRequest, runFlow } from 'baton-flow';
import { manualClock } from 'baton-flow/testing';
import Type from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, fromPromise, toPromise } from 'xstate';
import { AttemptAbort } from '../../agents/attempt-abort.js';
import { attemptActor } from '../../machines/attempt-actor.js';
import { chainFlow, work } from '../helpers/flows.js';
import { agentBase, callsReply, handoff, settle, solo } from '../helpers/hostile.js';

/** A promise and the function that resolves it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((yes) => {
    resolve = yes;
  });
  return { promise, resolve };
}

/** Counts the AbortControllers made while it is installed. */
function countControllers() {
  const Original = globalThis.AbortController;
  const counter = { made: 0, restore: () => (globalThis.AbortController = Original) };
  globalThis.AbortController = class extends Original {
    constructor() {
      super();
      counter.made += 1;
    }
  };
  return counter;
}

let restore: (() => void) | null = null;
afterEach(() => {
  restore?.();
  restore = null;
});

describe('attemptActor', () => {
  it('ends done with what the attempt resolves, and in error with what it rejects', async () => {
    const done = createActor(
      attemptActor<number, number>(async (n) => n * 2),
      { input: 21 },
    ).start();
    await expect(toPromise(done)).resolves.toBe(42);
    const failed = createActor(
      attemptActor<number, number>(async () => {
        throw new Error('broken');
      }),
      { input: 1 },
    );
    failed.subscribe({ error: () => {} });
    failed.start();
    await settle();
    expect(failed.getSnapshot()).toMatchObject({ status: 'error', error: new Error('broken') });
  });

  it('aborts the signal when the attempt is stopped, whether it was read before the stop or after', async () => {
    const gate = deferred<void>();
    let early: AbortSignal | null = null;
    let late: AttemptAbort | null = null;
    const readsFirst = createActor(
      attemptActor<void, void>(async (_, __, abort) => {
        early = abort.signal;
        await gate.promise;
      }),
    ).start();
    const readsLater = createActor(
      attemptActor<void, void>(async (_, __, abort) => {
        late = abort;
        await gate.promise;
      }),
    ).start();
    readsFirst.stop();
    readsLater.stop();
    expect(early!.aborted).toBe(true);
    expect(late!.aborted).toBe(true);
    // Made after the stop, the signal is already aborted, with the reason an AbortController gives.
    expect(late!.signal.aborted).toBe(true);
    expect(late!.reason).toBeInstanceOf(DOMException);
    expect((late!.reason as DOMException).name).toBe('AbortError');
  });

  it('takes nothing an attempt resolves after it was stopped', async () => {
    const gate = deferred<number>();
    const actor = createActor(attemptActor<number, void>(() => gate.promise)).start();
    actor.stop();
    gate.resolve(7);
    await settle();
    expect(actor.getSnapshot()).toMatchObject({ status: 'stopped', output: undefined });
  });

  it('makes no AbortSignal for an attempt whose code never reads it', async () => {
    const counter = countControllers();
    restore = counter.restore;
    const abort = new AttemptAbort();
    abort.abort();
    expect(counter.made).toBe(0);
    expect(abort.aborted).toBe(true);
    expect(abort.signal.aborted).toBe(true);
    expect(counter.made).toBe(1);
    const actor = createActor(
      attemptActor<number, number>(async (n) => n + 1),
      { input: 1 },
    ).start();
    await expect(toPromise(actor)).resolves.toBe(2);
    expect(counter.made).toBe(1);
  });

  it('persists exactly what fromPromise persists, and restores a running attempt to run again', async () => {
    const gate = deferred<number>();
    const ours = createActor(
      attemptActor<number, { n: number }>(() => gate.promise),
      { input: { n: 1 } },
    );
    const theirs = createActor(
      fromPromise<number, { n: number }>(() => gate.promise),
      { input: { n: 1 } },
    );
    ours.start();
    theirs.start();
    const persisted = ours.getPersistedSnapshot();
    expect(persisted).toEqual(theirs.getPersistedSnapshot());
    expect(Object.keys(persisted).sort()).toEqual(['error', 'input', 'output', 'status']);
    const stored = JSON.parse(JSON.stringify(persisted));
    const again = createActor(
      attemptActor<number, { n: number }>(async ({ n }) => n + 1),
      // The input is the restored snapshot's: XState's types ask for one all the same.
      { snapshot: stored, input: { n: 0 } },
    ).start();
    await expect(toPromise(again)).resolves.toBe(2);
    ours.stop();
    theirs.stop();
  });
});

describe('the signal a run hands out', () => {
  it('is made only for an attempt whose model reads it: a run of five agents that never read it makes none', async () => {
    const counter = countControllers();
    restore = counter.restore;
    const quiet: Model = {
      id: 'quiet',
      call: async (request) => {
        const next = { a: 'b', b: 'c', c: 'd', d: 'e' }[request.agent];
        return next
          ? handoff(next, work(1))
          : callsReply([{ id: 'c-finish', name: 'finish', arguments: { ticketId: 'T-1', summary: 'done' } }]);
      },
    };
    const result = await runFlow(chainFlow(), work(0), { models: quiet });
    expect(result.status).toBe('done');
    expect(counter.made).toBe(0);
  });

  it('reaches a model through a wrapper that spreads the request, and aborts on cancel', async () => {
    const seen: ModelRequest[] = [];
    const inner: Model = {
      id: 'inner',
      call: (request) => {
        seen.push(request);
        return new Promise(() => {});
      },
    };
    // A wrapper that trims what it forwards: the spread must carry the signal.
    const wrapper: Model = { id: 'wrapper', call: (request) => inner.call({ ...request, messages: [] }) };
    const controller = new AbortController();
    const running = runFlow(chainFlow(), work(0), { models: wrapper, signal: controller.signal });
    await settle();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.signal).toBeInstanceOf(AbortSignal);
    expect(seen[0]!.signal.aborted).toBe(false);
    controller.abort();
    const result = await running;
    expect(result.status).toBe('cancelled');
    expect(seen[0]!.signal.aborted).toBe(true);
  });

  it('is read through a Proxy of the request, or an object made on it, as on the request itself', async () => {
    const read: AbortSignal[] = [];
    const model: Model = {
      id: 'wrapping',
      call: async (request) => {
        read.push(new Proxy(request, {}).signal, Object.create(request).signal, request.signal);
        return callsReply([
          { id: 'c-finish', name: 'finish', arguments: { ticketId: 'T-1', summary: 'ok' } },
        ]);
      },
    };
    const flow = solo(defineAgent(agentBase('a')));
    const result = await runFlow(flow, work(0), { models: model });
    expect(result.status).toBe('done');
    expect(read).toHaveLength(3);
    expect(read[0]).toBeInstanceOf(AbortSignal);
    expect(read[0]).toBe(read[2]);
    expect(read[1]).toBe(read[2]);
  });

  it('is aborted when a tool first reads it after the deadline passed', async () => {
    const clock = manualClock(0);
    const gate = deferred<void>();
    let readLate: boolean | null = null;
    const slow = defineTool({
      name: 'slow',
      description: 'Reads its signal only when it wakes.',
      input: Type.Object({}),
      run: async (context) => {
        await gate.promise;
        readLate = context.signal.aborted;
        return 'late';
      },
    });
    const flow = solo(defineAgent({ ...agentBase('a'), tools: [slow] }), { limits: { ms: 100 } });
    // A model that never reads its signal: the tool is the first to ask for it.
    const model: Model = {
      id: 'quiet',
      call: async () => callsReply([{ id: 'c-slow', name: 'slow', arguments: {} }]),
    };
    const running = runFlow(flow, work(0), { models: model, clock });
    await settle();
    clock.advance(100);
    const result = await running;
    expect(result.status !== 'done' && result.reason.code).toBe('deadline');
    gate.resolve();
    await settle();
    expect(readLate).toBe(true);
  });
});
