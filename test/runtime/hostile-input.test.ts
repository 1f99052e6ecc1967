import { defineAgent, defineFlow, defineStep, MemoryStore, runFlow } from 'baton-flow';
import { manualClock, scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { queuedRun } from '../../runtime/worker/queued-run.js';
import { chainFlow, Report, Work, work } from '../helpers/flows.js';
import { agentBase, nested, openFlow, solo } from '../helpers/hostile.js';

// No input reaches the defect path: inputs, payloads and predicates Baton did not write.

describe('no input reaches the defect path', () => {
  it('fails a flow input nested 10,000 levels deep as invalid_input, with no model call', async () => {
    const model = scripted([]);
    const result = await runFlow(openFlow(), { ticketId: 'T', extra: nested(10_000) }, { models: model });
    expect(result.status !== 'done' && result.reason.code).toBe('invalid_input');
    expect(result.status !== 'done' && result.reason.message).toMatch(/deeper than/);
    expect(model.requests).toHaveLength(0);
  });

  it('fails a cyclic flow input as invalid_input', async () => {
    const input: { ticketId: string; extra?: unknown } = { ticketId: 'T' };
    input.extra = { back: input };
    const result = await runFlow(openFlow(), input, { models: scripted([]) });
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/: it is cyclic at \$\.extra\.back, which refers back to \$$/),
    });
  });

  it('refuses to start a stored run on an input that is not plain JSON data, and stores nothing', async () => {
    const cyclic: { ticketId: string; extra?: unknown } = { ticketId: 'T' };
    cyclic.extra = { back: cyclic };
    for (const [extra, expected] of [
      [10n, 'is not plain JSON data: the bigint 10 at $.extra'],
      [new Date(0), 'is not plain JSON data: an instance of Date at $.extra'],
      [cyclic, 'is cyclic at $.extra.extra.back, which refers back to $.extra'],
    ] as const) {
      const store = new MemoryStore();
      const model = scripted([]);
      const error = await runFlow(openFlow(), { ticketId: 'T', extra }, { store, models: model }).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({
        code: 'invalid_argument',
        message: expect.stringContaining(
          `A stored run keeps its input as JSON, and the input of flow "open" ${expected}`,
        ),
      });
      expect(await store.list()).toEqual([]);
      expect(model.requests).toHaveLength(0);
      // A run queued for a worker is stored before any process runs it: the same check, before it is built.
      expect(() => queuedRun(openFlow(), { ticketId: 'T', extra }, 'run-1', manualClock())).toThrow(
        expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining(expected) }),
      );
    }
  });

  it('repairs a handoff payload nested 10,000 levels deep, then fails it as contract_violation', async () => {
    const deep = { agent: 'a', handoff: 'b', payload: { ticketId: 'T', extra: nested(10_000) } } as const;
    const model = scripted([deep, deep, deep]);
    const result = await runFlow(openFlow(), { ticketId: 'T' }, { models: model });
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'contract_violation',
      agent: 'a',
    });
    expect(model.requests).toHaveLength(3);
    // The repair's feedback says what was wrong, and the request carrying it could be measured and sent.
    expect(JSON.stringify(model.requests[1]!.messages)).toMatch(/deeper than/);
  });

  it.each([
    ['undefined', () => undefined, 'returned undefined'],
    ['a number', () => 1, 'returned the number 1'],
    ['an object', () => ({ ok: true }), 'returned a value of type object'],
    ['a Promise', () => Promise.resolve(true), 'returned a Promise'],
    ['a rejected Promise', () => Promise.reject(new Error('no')), 'returned a Promise'],
    ['a list with a number', () => ['fine', 2], 'a list that holds something other than strings'],
  ])('never reaches done when the done predicate returns %s', async (_, done, said) => {
    const flow = solo(defineAgent(agentBase('a')), {
      done: done as never,
      limits: { repairs: 0 },
    });
    const model = scripted([{ agent: 'a', finish: { ticketId: 'T-1', summary: 'ok' } }]);
    const result = await runFlow(flow, work(0), { models: model });
    expect(result.status !== 'done' && result.reason.code).toBe('done_unmet');
    expect(result.status !== 'done' && result.reason.message).toContain(said);
  });

  it('reaches done when the done predicate returns an empty list of unmet conditions', async () => {
    const flow = solo(defineAgent(agentBase('a')), {
      done: () => [],
    });
    const result = await runFlow(flow, work(0), {
      models: scripted([{ agent: 'a', finish: { ticketId: 'T', summary: 's' } }]),
    });
    expect(result.status).toBe('done');
  });

  it('tells dates apart: a code step that outputs a new date each round is no loop', async () => {
    const Stamp = Type.Object({ at: Type.Unknown(), round: Type.Integer() });
    let round = 0;
    const clock = defineStep({
      name: 'clock',
      description: 'Stamps the time.',
      input: Stamp,
      output: Stamp,
      run: () => {
        round += 1;
        return { at: new Date(round), round: 0 };
      },
    });
    const check = defineStep({
      name: 'check',
      description: 'Checks the stamp.',
      input: Stamp,
      output: Stamp,
      run: ({ input }) => ({ at: input.at, round: 0 }),
      next: () => (round < 3 ? 'clock' : null),
    });
    const flow = defineFlow({
      id: 'dates',
      input: Stamp,
      output: Stamp,
      start: 'clock',
      agents: [clock, check],
      routes: { clock: ['check'], check: ['clock'] },
      finish: ['check'],
      limits: { visits: 5, handoffs: 10 },
    });
    const result = await runFlow(flow, { at: null, round: 0 });
    expect(result.status).toBe('done');
    expect(round).toBe(3);
  });

  it('ends a code step that throws as step_failed, not as a provider error', async () => {
    const broken = defineStep({
      name: 'broken',
      description: 'Throws.',
      input: Work,
      output: Report,
      run: () => {
        throw new Error('disk full');
      },
    });
    const flow = solo(broken, {});
    const result = await runFlow(flow, work(0));
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'step_failed',
      agent: 'broken',
      mast: [],
      details: { agent: 'broken', error: 'disk full' },
    });
  });

  it('rejects a models option naming no agent of the flow, before any model is called', async () => {
    const paid = scripted([]);
    const flow = chainFlow();
    await expect(runFlow(flow, work(0), { models: { tirage: paid } as never })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(runFlow(flow, work(0), { models: [paid] as never })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(runFlow(flow, work(0), { models: 'openai' as never })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    expect(paid.requests).toHaveLength(0);
  });
});
