import { getEventListeners } from 'node:events';
import {
  type AgentOutcome,
  type BatonError,
  defineAgent,
  defineFlow,
  isBatonError,
  type Model,
  type RunEvent,
  type RunResult,
  runFlow,
  sequentialIds,
} from 'baton-flow';
import type { AttemptPlan } from 'baton-flow/parts';
import { manualClock, scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { fromPromise } from 'xstate';
import { chainAgent, chainFlow, pingPongFlow, Report, Work, work } from '../helpers/flows.js';

const report = { ticketId: 'T-1', summary: 'all five steps done' };

describe('runFlow', () => {
  it('reaches done through four handoffs', async () => {
    const model = scripted([
      { agent: 'a', handoff: 'b', payload: work(1, ['a']) },
      { agent: 'b', handoff: 'c', payload: work(2, ['a', 'b']) },
      { agent: 'c', handoff: 'd', payload: work(3, ['a', 'b', 'c']) },
      { agent: 'd', handoff: 'e', payload: work(4, ['a', 'b', 'c', 'd']) },
      { agent: 'e', finish: report },
    ]);
    const result = await runFlow(chainFlow(), work(0), { models: model });
    expect(result.status).toBe('done');
    expect(result.status === 'done' && result.output).toEqual(report);
    expect(result.path).toEqual(['a', 'b', 'c', 'd', 'e', 'done']);
    expect(result.usage.handoffs).toBe(4);
    expect(result.usage.turns).toBe(5);
    model.assertComplete();
  });

  it("gives the receiving agent only its validated input, never an earlier agent's messages", async () => {
    const model = scripted([
      { agent: 'a', text: 'PRIVATE-REASONING-OF-A: the customer sounds angry' },
      { agent: 'a', handoff: 'b', payload: work(1, ['checked']) },
      { agent: 'b', finish: report },
    ]);
    const flow = chainFlow();
    const result = await runFlow(flow, work(0), { models: { a: model, b: model } });
    expect(result.status).toBe('failed'); // b may not finish in the chain; what matters is what b was sent
    const toB = model.requests.find((r) => r.agent === 'b');
    expect(toB?.input).toEqual(work(1, ['checked']));
    expect(toB?.messages).toEqual([]);
    expect(JSON.stringify(toB)).not.toContain('PRIVATE-REASONING-OF-A');
    expect(toB?.instructions).toBe('You do b.');
    expect(toB?.tools.map((t) => t.name)).toEqual(['handoff_to_c']);
  });

  it('sends an invalid handoff back with the violations and continues once it is repaired', async () => {
    const model = scripted([
      { agent: 'a', handoff: 'b', payload: { ticketId: 'T-1', notes: 'not a list', step: 1 } },
      { agent: 'a', handoff: 'b', payload: work(1) },
      { agent: 'b', handoff: 'c', payload: work(2) },
      { agent: 'c', handoff: 'd', payload: work(3) },
      { agent: 'd', handoff: 'e', payload: work(4) },
      { agent: 'e', finish: report },
    ]);
    const result = await runFlow(chainFlow(), work(0), { models: model });
    expect(result.status).toBe('done');
    const repair = model.requests[1]!;
    const feedback = repair.messages.at(-1);
    expect(feedback).toMatchObject({ role: 'tool', name: 'handoff_to_b', isError: true });
    expect(feedback?.role === 'tool' && feedback.content).toContain('/notes: must be array');
    expect(result.events.filter((e) => e.type === 'transition' && e.kind === 'repair')).toHaveLength(1);
  });

  it('fails with contract_violation after exactly repairs + 1 calls when the payload is never repaired', async () => {
    const bad = { agent: 'a', handoff: 'b', payload: { ticketId: 'T-1' } } as const;
    const model = scripted([bad, bad, bad, bad, bad]);
    const result = await runFlow(chainFlow({ repairs: 2 }), work(0), { models: model });
    expect(result.status).toBe('failed');
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'contract_violation',
      mast: ['FM-1.1', 'FM-2.4'],
      agent: 'a',
      state: 'a',
      step: 3,
    });
    expect(model.requests).toHaveLength(3);
    expect(result.usage.turns).toBe(3); // the repairs and the final failure all count their calls
    // One sentence: the count of repairs inside it, not after its full stop.
    expect(result.status !== 'done' && result.reason.message).toMatch(/[^.] after 2 repairs\.$/);
  });

  it('never enters done while the done predicate is unmet', async () => {
    const wrong = { agent: 'e', finish: { ticketId: 'T-999', summary: 'done, trust me' } } as const;
    const model = scripted([wrong, wrong, wrong]);
    const result = await runFlow(finisherOnly(), work(0), { models: model });
    expect(result.status).toBe('failed');
    expect(result.status !== 'done' && result.reason.code).toBe('done_unmet');
    expect(result.path).not.toContain('done');
    const lastFeedback = model.requests.at(-1)?.messages.at(-1);
    expect(lastFeedback?.role === 'tool' && lastFeedback.content).toContain(
      'the report must name the ticket',
    );
  });

  it('reaches done when a finish is repaired to meet the done predicate', async () => {
    const model = scripted([
      { agent: 'e', finish: { ticketId: 'T-999', summary: 'done' } },
      { agent: 'e', finish: report },
    ]);
    const result = await runFlow(finisherOnly(), work(0), { models: model });
    expect(result.status).toBe('done');
    expect(result.usage.turns).toBe(2);
  });

  it('fails invalid input with zero model calls', async () => {
    const model = scripted([]);
    const result = await runFlow(chainFlow(), { ticketId: 7 } as never, { models: model });
    expect(result.status).toBe('failed');
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'invalid_input',
      agent: null,
      step: 0,
    });
    expect(result.status !== 'done' && result.reason.message).toContain('/ticketId: must be string');
    expect(model.requests).toHaveLength(0);
  });

  it('gives the same event list for the same scripted input', async () => {
    const once = async () => {
      const model = scripted([
        { agent: 'a', handoff: 'b', payload: work(1) },
        { agent: 'b', handoff: 'c', payload: work(2) },
        { agent: 'c', handoff: 'd', payload: work(3) },
        { agent: 'd', handoff: 'e', payload: work(4) },
        { agent: 'e', finish: report },
      ]);
      const result = await runFlow(chainFlow(), work(0), {
        models: model,
        clock: manualClock(1_000),
        ids: sequentialIds(),
      });
      return JSON.stringify(result.events);
    };
    const first = await once();
    expect(await once()).toBe(first);
    expect(JSON.parse(first).length).toBeGreaterThan(10);
  });

  it('escalates with needs_human when an agent asks a person', async () => {
    const flow = askingFlow();
    const model = scripted([{ ask: 'Which account is this about?' }]);
    const result = await runFlow(flow, work(0), { models: model });
    expect(result.status).toBe('escalated');
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'needs_human',
      mast: ['FM-2.2'],
      details: { question: 'Which account is this about?' },
    });
  });

  it('fails with provider_error when the model throws, naming the agent', async () => {
    const model = scripted([{ agent: 'a', fail: new Error('upstream 503') }]);
    const result = await runFlow(chainFlow(), work(0), { models: model });
    expect(result.status).toBe('failed');
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'provider_error',
      agent: 'a',
      step: 1,
    });
    expect(result.status !== 'done' && result.reason.message).toContain('upstream 503');
  });

  it('ends as cancelled and aborts the in-flight model call when the signal fires', async () => {
    const controller = new AbortController();
    let aborted = false;
    const hang = scripted([{ agent: 'a', hang: true }]);
    const model = {
      id: 'watch',
      call: (request: Parameters<typeof hang.call>[0]) => {
        request.signal.addEventListener('abort', () => {
          aborted = true;
        });
        queueMicrotask(() => controller.abort(new Error('operator pressed stop')));
        return hang.call(request);
      },
    };
    const result = await runFlow(chainFlow(), work(0), { models: model, signal: controller.signal });
    expect(result.status).toBe('cancelled');
    expect(result.status !== 'done' && result.reason).toMatchObject({ code: 'cancelled', agent: 'a' });
    expect(result.status !== 'done' && result.reason.message).toContain('operator pressed stop');
    expect(aborted).toBe(true);
  });

  it('does not start a run whose signal is already aborted', async () => {
    const model = scripted([]);
    const result = await runFlow(chainFlow(), work(0), { models: model, signal: AbortSignal.abort() });
    expect(result.status).toBe('cancelled');
    expect(model.requests).toHaveLength(0);
  });

  it('returns partial: the last payload that passed its contract', async () => {
    const model = scripted([
      { agent: 'a', handoff: 'b', payload: work(1, ['kept']) },
      { agent: 'b', handoff: 'a', payload: work(2) },
    ]);
    const result = await runFlow(chainFlow({ repairs: 0 }), work(0), { models: model });
    expect(result.status).toBe('failed');
    expect(result.status !== 'done' && result.reason.code).toBe('tool_not_allowed');
    expect(result.status !== 'done' && result.partial).toEqual(work(1, ['kept']));
  });
});

describe('loop detection', () => {
  it('ends A⇄B ping-pong with unchanged payloads as loop_detected before the fourth call', async () => {
    const model = scripted([
      { agent: 'a', handoff: 'b', payload: work(1) },
      { agent: 'b', handoff: 'a', payload: work(2) },
      { agent: 'a', handoff: 'b', payload: work(1) },
    ]);
    const result = await runFlow(pingPongFlow({ visits: 5, handoffs: 10 }), work(0), { models: model });
    expect(result.status).toBe('escalated');
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'loop_detected',
      mast: ['FM-1.3'],
      agent: 'a',
      step: 3,
    });
    expect(model.requests).toHaveLength(3);
  });

  it('ends a re-entry with an input the agent already had as loop_detected', async () => {
    const model = scripted([
      { agent: 'a', handoff: 'b', payload: work(1) },
      { agent: 'b', handoff: 'a', payload: work(0) },
    ]);
    const result = await runFlow(pingPongFlow({ visits: 5, handoffs: 10 }), work(0), { models: model });
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'loop_detected',
      agent: 'b',
      details: { to: 'a' },
    });
    expect(model.requests).toHaveLength(2);
  });

  it('lets an agent receive the same payload another agent had', async () => {
    const model = scripted([
      { agent: 'a', handoff: 'b', payload: work(0) },
      { agent: 'b', finish: report },
    ]);
    const result = await runFlow(pingPongFlow({ visits: 5, handoffs: 10 }), work(0), { models: model });
    expect(result.status).toBe('done');
  });

  it('lets a bounce with new information through', async () => {
    const model = scripted([
      { agent: 'a', handoff: 'b', payload: work(1) },
      { agent: 'b', handoff: 'a', payload: work(2, ['b needs the invoice']) },
      { agent: 'a', handoff: 'b', payload: work(3, ['invoice attached']) },
      { agent: 'b', finish: report },
    ]);
    const result = await runFlow(pingPongFlow({ visits: 5, handoffs: 10 }), work(0), { models: model });
    expect(result.status).toBe('done');
  });
});

/** One agent that finishes, held to `done` (by default: the report names the input's ticket). */
function finisherOnly(
  done: (run: { input: { ticketId: string }; output: { ticketId: string } }) => unknown = ({
    input,
    output,
  }) => output.ticketId === input.ticketId || 'the report must name the ticket',
  limits: { repairs?: number } = {},
) {
  return defineFlow({
    id: 'finisher',
    input: Work,
    output: Report,
    start: 'e',
    agents: [chainAgent('e')],
    finish: ['e'],
    done: done as (run: { input: { ticketId: string }; output: { ticketId: string } }) => boolean,
    limits,
  });
}

function askingFlow() {
  const asker = defineAgent({
    name: 'asker',
    description: 'Needs a person to say which account.',
    input: Work,
    instructions: 'Ask which account when unsure.',
    model: scripted([]),
    ask: true,
  });
  return defineFlow({
    id: 'asking',
    input: Work,
    output: Type.Object({ ok: Type.Boolean() }),
    start: 'asker',
    agents: [asker],
    finish: ['asker'],
  });
}

describe('defects', () => {
  it('rejects with internal_error instead of hanging when the machine itself breaks', async () => {
    const flow = chainFlow();
    const broken = {
      ...flow,
      machine: flow.machine.provide({
        actors: {
          a: fromPromise<AgentOutcome, AttemptPlan>(async () => undefined as unknown as AgentOutcome),
        },
      }),
    };
    Object.defineProperty(broken, Symbol.for('baton.flow'), { value: true });
    await expect(runFlow(broken, work(0))).rejects.toMatchObject({ code: 'internal_error' });
  });
});

describe('settling', () => {
  it('returns a rejected promise, never a synchronous throw, when a run cannot start', async () => {
    const broken = {
      next: (): string => {
        throw new Error('ids broke');
      },
    };
    let run: Promise<unknown> | undefined;
    expect(() => {
      run = runFlow(chainFlow(), work(0), { ids: broken });
    }).not.toThrow();
    await expect(run).rejects.toThrow('ids broke');
  });

  it('hands out no unstamped event, and none after run.ended, when a model ignores its signal', async () => {
    const controller = new AbortController();
    let answered!: () => void;
    const late = new Promise<void>((resolve) => {
      answered = resolve;
    });
    const deaf: Model = {
      id: 'deaf',
      call: async () => {
        queueMicrotask(() => controller.abort(new Error('stop')));
        await new Promise((resolve) => setTimeout(resolve, 5));
        queueMicrotask(answered);
        return {
          text: '',
          toolCalls: [{ id: 'x', name: 'handoff_to_b', arguments: work(1) }],
          usage: { inputTokens: 1, outputTokens: 1 },
          stop: 'tool_calls',
        };
      },
    };
    const heard: string[] = [];
    const result = await runFlow(chainFlow(), work(0), {
      models: deaf,
      signal: controller.signal,
      onEvent: (e) => heard.push(e.type),
    });
    expect(result.status).toBe('cancelled');
    await late;
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const e of result.events) expect(e).toMatchObject({ runId: result.runId, seq: expect.any(Number) });
    expect(result.events.at(-1)?.type).toBe('run.ended');
    expect(heard.at(-1)).toBe('run.ended');
  });

  it('ends as cancelled when its actor is stopped from outside', async () => {
    let root: { stop(): unknown } | undefined;
    const running = runFlow(chainFlow(), work(0), {
      models: scripted([{ agent: 'a', hang: true }]),
      inspect: (event) => {
        if (event.type === '@xstate.actor' && !root) root = event.actorRef as unknown as { stop(): unknown };
      },
    });
    await new Promise((resolve) => setImmediate(resolve));
    root?.stop();
    const result = await running;
    expect(result.status).toBe('cancelled');
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'cancelled',
      agent: 'a',
      step: 1,
    });
    expect(result.path.at(-1)).toBe('cancelled');
    expect(result.events.at(-1)).toMatchObject({ type: 'run.ended', status: 'cancelled' });
  });

  it('rejects with what an inspector threw as the run started, and lets go of the signal', async () => {
    const controller = new AbortController();
    const run = runFlow(chainFlow(), work(0), {
      models: scripted([]),
      signal: controller.signal,
      inspect: (event) => {
        // Past the actor's creation: it throws as the actor starts.
        if (event.type !== '@xstate.actor') throw new Error('inspector broke');
      },
    });
    await expect(run).rejects.toThrow('inspector broke');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects with listener_failed when onEvent throws on a run cancelled before it starts', async () => {
    const run = runFlow(chainFlow(), work(0), {
      models: scripted([]),
      signal: AbortSignal.abort(),
      onEvent: () => {
        throw new Error('listener broke');
      },
    });
    await expect(run).rejects.toMatchObject({
      code: 'listener_failed',
      details: { result: { status: 'cancelled' } },
    });
  });
});

describe('the event log', () => {
  const steps = () =>
    scripted([
      { agent: 'a', handoff: 'b', payload: work(1) },
      { agent: 'b', handoff: 'c', payload: work(2) },
      { agent: 'c', handoff: 'd', payload: work(3) },
      { agent: 'd', handoff: 'e', payload: work(4) },
      { agent: 'e', finish: { ticketId: 'T-1', summary: 's' } },
    ]);

  it('keeps no events with events: false, and reaches the same outcome', async () => {
    const kept = await runFlow(chainFlow(), work(0), { models: steps() });
    const lean = await runFlow(chainFlow(), work(0), { models: steps(), events: false });
    expect(lean.events).toEqual([]);
    expect(kept.events.length).toBeGreaterThan(10);
    expect({ ...lean, events: [], runId: '' }).toEqual({ ...kept, events: [], runId: '' });
  });

  it('still calls onEvent with every event when the log is off', async () => {
    const seen: string[] = [];
    const result = await runFlow(chainFlow(), work(0), {
      models: steps(),
      events: false,
      onEvent: (e) => seen.push(e.type),
    });
    const kept = await runFlow(chainFlow(), work(0), { models: steps() });
    expect(result.events).toEqual([]);
    expect(seen).toEqual(kept.events.map((e) => e.type));
  });

  it('rejects with listener_failed, holding the finished result, when onEvent throws', async () => {
    for (const type of ['run.started', 'model.called', 'transition'] as const) {
      let calls = 0;
      const error = await runFlow(chainFlow(), work(0), {
        models: steps(),
        onEvent: (e) => {
          calls += 1;
          if (e.type === type) throw new Error(`listener broke on ${type}`);
        },
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isBatonError(error) && error.code).toBe('listener_failed');
      const failed = error as BatonError;
      expect(failed.message).toContain(`listener broke on ${type}`);
      expect((failed.cause as Error).message).toBe(`listener broke on ${type}`);
      // The run went on to its end; the listener was not called after it threw.
      const result = failed.details.result as RunResult;
      expect(result.status).toBe('done');
      expect(result.path.at(-1)).toBe('done');
      expect(calls).toBe(result.events.findIndex((e) => e.type === type) + 1);
    }
  });

  it('stamps every event alike whether it is kept, listened to, or both', async () => {
    // A clock that ticks on every reading, so each event's time is its own.
    const ticking = () => {
      let t = 1_000;
      return { ...manualClock(), now: () => (t += 7) };
    };
    const options = () => ({ models: steps(), clock: ticking(), ids: sequentialIds() });
    const kept = await runFlow(chainFlow(), work(0), options());
    const heard: RunEvent[] = [];
    const both = await runFlow(chainFlow(), work(0), { ...options(), onEvent: (e) => heard.push(e) });
    const only: RunEvent[] = [];
    await runFlow(chainFlow(), work(0), { ...options(), events: false, onEvent: (e) => only.push(e) });

    expect(kept.events.map((e) => e.seq)).toEqual(kept.events.map((_, i) => i + 1));
    expect(new Set(kept.events.map((e) => e.at)).size).toBe(kept.events.length);
    expect(kept.events.every((e) => e.runId === 'run-1')).toBe(true);
    const called = kept.events.find((e) => e.type === 'model.called');
    expect(called).toMatchObject({ agent: 'a', step: 1 });
    expect(JSON.stringify(both.events)).toBe(JSON.stringify(kept.events));
    expect(JSON.stringify(heard)).toBe(JSON.stringify(kept.events));
    expect(JSON.stringify(only)).toBe(JSON.stringify(kept.events));
  });
});

describe('inspection', () => {
  it('passes every actor event of the run to an XState inspector', async () => {
    const types = new Set<string>();
    const actors = new Set<string>();
    const model = scripted([{ agent: 'e', finish: { ticketId: 'T-1', summary: 's' } }]);
    await runFlow(finisherOnly(), work(0), {
      models: model,
      inspect: (event) => {
        types.add(event.type);
        actors.add((event.actorRef as { id?: string }).id ?? '');
      },
    });
    expect(types).toContain('@xstate.snapshot');
    expect(types).toContain('@xstate.event');
    expect(actors).toContain('e'); // the agent's invoked actor is visible, not only the flow
  });
});

describe("values a caller's code hands back that cannot be read or turned into text", () => {
  /** A value whose conversion to text throws: no prototype, so no toString. */
  const unprintable = () => Object.create(null) as object;
  /** A value whose `then` cannot even be read. */
  const trap = () =>
    Object.defineProperty({}, 'then', {
      get() {
        throw unprintable();
      },
    });
  const doneWith = (done: () => unknown) => finisherOnly(done, { repairs: 0 });
  const finish = () => scripted([{ agent: 'e', finish: { ticketId: 'T-1', summary: 's' } }]);

  it('rejects with listener_failed when onEvent throws a value without a prototype', async () => {
    const error = await runFlow(chainFlow(), work(0), {
      models: scripted([
        { agent: 'a', handoff: 'b', payload: work(1) },
        { agent: 'b', handoff: 'c', payload: work(2) },
        { agent: 'c', handoff: 'd', payload: work(3) },
        { agent: 'd', handoff: 'e', payload: work(4) },
        { agent: 'e', finish: { ticketId: 'T-1', summary: 's' } },
      ]),
      onEvent: () => {
        throw unprintable();
      },
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isBatonError(error) && error.code).toBe('listener_failed');
    expect((error as BatonError).message).toContain('threw: [object Object]');
  });

  it('counts a done predicate that throws one, or returns one it cannot read, as unmet', async () => {
    for (const [done, said] of [
      [
        () => {
          throw unprintable();
        },
        'the done predicate threw: [object Object]',
      ],
      [() => trap(), 'the done predicate returned a value that throws when read'],
    ] as const) {
      const model = finish();
      const result = await runFlow(doneWith(done), work(0), { models: model });
      expect(result.status !== 'done' && result.reason.code).toBe('done_unmet');
      expect(result.status !== 'done' && result.reason.message).toContain(said);
    }
  });
});
