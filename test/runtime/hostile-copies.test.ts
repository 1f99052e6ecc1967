import {
  defineAgent,
  defineFlow,
  defineStep,
  defineTool,
  MemoryStore,
  type Model,
  runFlow,
  SqliteStore,
} from 'baton-flow';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { Report, work } from '../helpers/flows.js';
import {
  agentBase,
  callsReply,
  FINISH,
  handoff,
  Open,
  openPair,
  openStepFlow,
  readingFlow,
  recordingModel,
  settle,
  solo,
} from '../helpers/hostile.js';

// What Baton validated is what it keeps: values that models, steps, tools and callers change after handing them over.

describe('what Baton validated is what it keeps', () => {
  it('makes a tool call whose arguments are not plain JSON data malformed: the model is told, with or without a store', async () => {
    for (const [label, extra] of [
      ['bigint', 10n],
      ['NaN', Number.NaN],
      ['Date', new Date(0)],
      ['function', () => 1],
    ] as const) {
      for (const store of [undefined, new MemoryStore(), await SqliteStore.open(':memory:')]) {
        const { model, requests } = recordingModel('custom', (_request, n) =>
          n === 1
            ? handoff('b', { ticketId: 'T', extra })
            : callsReply([{ id: 'c2', name: 'finish', arguments: { ticketId: 'T', summary: 'ok' } }]),
        );
        const result = await runFlow(openPair(model), { ticketId: 'T' }, store ? { store } : {});
        expect(result.status, `${label} ${store?.constructor.name ?? 'no store'}`).toBe('done');
        expect(result.path).toEqual(['a', 'done']);
        // The second turn answers the call: its arguments were removed, and why is said.
        const answer = requests[1]?.messages.at(-1);
        expect(answer).toMatchObject({ role: 'tool', callId: 'c-b', isError: true });
        expect(JSON.stringify(requests[1]?.messages)).toContain('not plain JSON data');
        if (store) expect(await store.get(result.runId)).toMatchObject({ status: 'done' });
        await store?.close();
      }
    }
  });

  it('hands on the payload it validated, whatever the model does to its arguments object afterwards', async () => {
    const reused = { ticketId: 'T', extra: { notes: ['from a'] } };
    const { model } = recordingModel('reuse', (_request, n) => {
      if (n > 1)
        return callsReply([{ id: 'c2', name: 'finish', arguments: { ticketId: 'T', summary: 'ok' } }]);
      // It answers, then changes the object it answered with, to what the schema would refuse.
      setImmediate(() => {
        (reused as { ticketId: unknown }).ticketId = 42;
        reused.extra.notes.push('late');
      });
      return handoff('b', reused);
    });
    const seen: unknown[] = [];
    const b = recordingModel('b', (request) => {
      seen.push(structuredClone(request.input));
      return callsReply([{ id: 'c3', name: 'finish', arguments: { ticketId: 'T', summary: 'ok' } }]);
    });
    const slowB: Model = {
      id: 'b',
      call: async (request) => {
        await settle();
        return b.model.call(request);
      },
    };
    const flow = openPair(model, slowB);
    const result = await runFlow(flow, { ticketId: 'T' });
    expect(result.status).toBe('done');
    expect(seen).toEqual([{ ticketId: 'T', extra: { notes: ['from a'] } }]);
    const handed = result.events.find((e) => e.type === 'transition' && e.kind === 'handoff');
    expect(handed).toMatchObject({ payload: { ticketId: 'T', extra: { notes: ['from a'] } } });
  });

  it('gives a model and a code step their input read-only: a change in place fails that call, and the run keeps its input', async () => {
    const stripping: Model = {
      id: 'strip',
      call: async (request) => {
        // A wrapper that drops a field before sending the input on, by deleting it from the request.
        delete (request.input as { extra?: unknown }).extra;
        return callsReply([{ id: 'c1', name: 'finish', arguments: { ticketId: 'T', summary: 'ok' } }]);
      },
    };
    let read: unknown = null;
    const flow = readingFlow(stripping, (input) => {
      read = input;
    });
    const result = await runFlow(flow, { ticketId: 'T', extra: 'keep' });
    expect(result).toMatchObject({
      status: 'failed',
      reason: { code: 'provider_error', message: expect.stringContaining("Cannot delete property 'extra'") },
    });
    expect(read).toBeNull();
    const stepFlow = openStepFlow('Sorts its list in place.', (input) => {
      (input.extra as number[]).sort();
      return input;
    });
    const sorted = await runFlow(stepFlow, { ticketId: 'T', extra: [3, 1, 2] });
    expect(sorted).toMatchObject({
      status: 'failed',
      reason: { code: 'step_failed', message: expect.stringContaining('read only') },
    });
  });

  it('runs on the input it was given, whatever the caller does to that object while the run goes on', async () => {
    const input = { ticketId: 'T', extra: { tags: ['a'] } };
    let read: unknown = null;
    const late: Model = {
      id: 'late',
      call: async () => {
        await settle();
        return callsReply([{ id: 'c1', name: 'finish', arguments: { ticketId: 'T', summary: 'ok' } }]);
      },
    };
    const flow = readingFlow(late, (seen) => {
      read = structuredClone(seen);
    });
    const running = runFlow(flow, input);
    input.ticketId = 'changed';
    input.extra.tags.push('b');
    const result = await running;
    expect(result.status).toBe('done');
    expect(read).toEqual({ ticketId: 'T', extra: { tags: ['a'] } });
  });

  it('hands on a frozen copy of what a code step returns, and leaves the step its own value', async () => {
    // A step that returns the object it caches, and goes on filling it after it returned.
    const cache = { ticketId: 'T', extra: { notes: ['first'] } };
    const filling = defineStep({
      name: 's',
      description: 'Returns its cache.',
      input: Open,
      output: Open,
      run: () => {
        setImmediate(() => cache.extra.notes.push('later'));
        return cache;
      },
    });
    const seen: unknown[] = [];
    const b: Model = {
      id: 'b',
      call: async (request) => {
        await settle();
        seen.push(structuredClone(request.input));
        return callsReply([{ id: 'c1', name: 'finish', arguments: { ticketId: 'T', summary: 'ok' } }]);
      },
    };
    const flow = defineFlow({
      id: 'step-then-agent',
      input: Open,
      output: Report,
      start: 's',
      agents: [filling, defineAgent({ ...agentBase('b'), input: Open, model: b })],
      routes: { s: ['b'] },
      finish: ['b'],
    });
    const result = await runFlow(flow, { ticketId: 'T' });
    expect(result.status).toBe('done');
    expect(seen).toEqual([{ ticketId: 'T', extra: { notes: ['first'] } }]);
    expect(result.events.find((e) => e.type === 'transition' && e.kind === 'handoff')).toMatchObject({
      payload: { ticketId: 'T', extra: { notes: ['first'] } },
    });
    // The step's own object was neither frozen nor kept by the run.
    expect(Object.isFrozen(cache) || Object.isFrozen(cache.extra.notes)).toBe(false);
    expect(cache.extra.notes).toEqual(['first', 'later']);

    // A finish hands back a copy too: the step changing its value later does not change the result.
    const finishing = await runFlow(
      openStepFlow('Returns its cache.', () => cache),
      { ticketId: 'T' },
    );
    cache.extra.notes.push('after the run');
    expect(finishing.status === 'done' && finishing.output).toEqual({
      ticketId: 'T',
      extra: { notes: ['first', 'later'] },
    });
  });

  it('gives a tool its arguments read-only: a change in place fails that call, and the transcript keeps them', async () => {
    const sorter = defineTool({
      name: 'sorter',
      description: 'Sorts a list in place.',
      input: Type.Object({ list: Type.Array(Type.Number()) }),
      run: ({ input }) => input.list.sort(),
    });
    const { model, requests } = recordingModel('sorting', (_request, n) =>
      n === 1
        ? callsReply([{ id: 's1', name: 'sorter', arguments: { list: [3, 1, 2] } }])
        : callsReply([{ id: 'f1', name: 'finish', arguments: FINISH }]),
    );
    const result = await runFlow(solo(defineAgent({ ...agentBase('a'), tools: [sorter], model })), work(0));
    expect(result.status).toBe('done');
    const second = requests[1]?.messages ?? [];
    const asked = second.find((m) => m.role === 'assistant');
    expect(asked?.role === 'assistant' && asked.toolCalls[0]?.arguments).toEqual({ list: [3, 1, 2] });
    expect(second.find((m) => m.role === 'tool')).toMatchObject({
      isError: true,
      content: expect.stringContaining('read only'),
    });
  });

  it('refuses, as the step_failed of that step, an output without a store that cannot be copied', async () => {
    const result = await runFlow(
      openStepFlow('Returns a function.', (input) => ({ ...input, extra: { format: () => 'x' } })),
      { ticketId: 'T' },
    );
    expect(result).toMatchObject({
      status: 'failed',
      reason: { code: 'step_failed', message: expect.stringContaining('cannot be copied to hand on') },
    });
  });

  it('fails a stored run whose code step returns what JSON would change, as the step_failed of that step', async () => {
    const flow = openStepFlow('Returns a date.', (input) => ({
      ...input,
      extra: { at: new Date(0), seats: 3n },
    }));
    for (const store of [new MemoryStore(), await SqliteStore.open(':memory:')]) {
      const result = await runFlow(flow, { ticketId: 'T' }, { store });
      expect(result).toMatchObject({
        status: 'failed',
        reason: {
          code: 'step_failed',
          message: expect.stringContaining(
            'Step "s" returned a value a stored run cannot keep: it is not plain JSON data: an instance of Date at $.extra.at.',
          ),
        },
      });
      expect(await store.get(result.runId)).toMatchObject({ status: 'failed' });
      await store.close();
    }
    // Without a store the step's dates are kept as they are.
    const kept = await runFlow(flow, { ticketId: 'T' }, {});
    expect(kept.status === 'done' && kept.output).toMatchObject({ extra: { at: new Date(0) } });
  });
});
