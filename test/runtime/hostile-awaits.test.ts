import {
  defineAgent,
  defineStep,
  defineTool,
  type Model,
  type ModelReply,
  type RunEvent,
  runFlow,
} from 'baton-flow';
import { manualClock, scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { chainFlow, Report, Work, work } from '../helpers/flows.js';
import {
  agentBase,
  callsReply,
  deafModel,
  handoff,
  recordingModel,
  settle,
  solo,
} from '../helpers/hostile.js';

// Every await of a run under the deadline and the kill switch, attacked with models and tools Baton did not write.

describe('the deadline bounds every await', () => {
  it('ends at the deadline while a model that ignores its signal never answers, with one timer per run', async () => {
    const clock = manualClock(0);
    let timers = 0;
    const counted = {
      ...clock,
      setTimeout: (fn: () => void, ms: number) => {
        timers += 1;
        return clock.setTimeout(fn, ms);
      },
    };
    const deaf = deafModel(() => handoff('b', work(1)));
    const running = runFlow(chainFlow({ ms: 500 }), work(0), { models: deaf.model, clock: counted });
    await settle();
    expect(deaf.calls).toHaveLength(1);
    clock.advance(500);
    const result = await running;
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'deadline',
      agent: 'a',
      step: 1,
    });
    expect(deaf.calls[0]!.signal.aborted).toBe(true);
    expect(timers).toBe(1);
  });

  it('keeps a deadline longer than the longest timer Node takes (about 24.8 days) to its length', async () => {
    const day = 24 * 3600 * 1000;
    // With the real clock: Node fires a longer timer at once, which ended such runs at their start.
    const slow: Model = {
      id: 'slow',
      call: async () => {
        await new Promise((done) => setTimeout(done, 20));
        return handoff('b', work(1));
      },
    };
    const real = await runFlow(chainFlow({ ms: 30 * day }), work(0), {
      models: { a: slow, b: scripted([{ agent: 'b', handoff: 'c', payload: work(2) }]) } as never,
    }).catch((error: unknown) => error);
    expect(real).not.toMatchObject({ status: 'escalated', reason: { code: 'deadline' } });
    // With a clock the test moves: the deadline comes after 60 days, not before.
    const clock = manualClock(0);
    const deaf = deafModel(() => handoff('b', work(1)));
    const running = runFlow(chainFlow({ ms: 60 * day }), work(0), { models: deaf.model, clock });
    let ended = false;
    void running.then(() => {
      ended = true;
    });
    await settle();
    clock.advance(30 * day);
    await settle();
    expect(ended).toBe(false);
    clock.advance(30 * day);
    expect(await running).toMatchObject({ status: 'escalated', reason: { code: 'deadline' } });
  });

  it('aborts the signal of a tool that never resolves and ends the run at the deadline', async () => {
    const clock = manualClock(0);
    let seen: AbortSignal | null = null;
    const forever = defineTool({
      name: 'forever',
      description: 'Never returns.',
      input: Type.Object({}),
      run: ({ signal }) => {
        seen = signal;
        return new Promise<never>(() => undefined);
      },
    });
    const a = defineAgent({ ...agentBase('a'), tools: [forever] });
    const flow = solo(a, {
      limits: { ms: 1_000 },
    });
    const model = scripted([{ agent: 'a', tool: 'forever', args: {} }]);
    const running = runFlow(flow, work(0), { models: model, clock });
    await settle();
    expect(seen).not.toBeNull();
    clock.advance(1_000);
    const result = await running;
    expect(result.status !== 'done' && result.reason).toMatchObject({ code: 'deadline', agent: 'a' });
    expect(seen!.aborted).toBe(true);
  });

  it('aborts the signal of a code step that never resolves and ends the run at the deadline', async () => {
    const clock = manualClock(0);
    let seen: AbortSignal | null = null;
    const stuck = defineStep({
      name: 'stuck',
      description: 'Never returns.',
      input: Work,
      output: Report,
      run: ({ signal }) => {
        seen = signal;
        return new Promise<never>(() => undefined);
      },
    });
    const flow = solo(stuck, {
      limits: { ms: 250 },
    });
    const running = runFlow(flow, work(0), { clock });
    await settle();
    clock.advance(250);
    const result = await running;
    expect(result.status !== 'done' && result.reason).toMatchObject({ code: 'deadline', agent: 'stuck' });
    expect(seen!.aborted).toBe(true);
  });
});

describe('a reply of many tool calls', () => {
  let stamped = 0;
  const stamp = defineTool({
    name: 'stamp',
    description: 'Stamps.',
    input: Type.Object({ n: Type.Integer() }),
    run: () => {
      stamped += 1;
      return 'stamped';
    },
  });
  const calls = (n: number) =>
    ({
      text: '',
      toolCalls: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, name: 'stamp', arguments: { n: i } })),
      usage: { inputTokens: 10, outputTokens: 5 },
      stop: 'tool_calls',
    }) as ModelReply;

  it('runs no tool past the deadline, even when the tools before it never let the timer fire', async () => {
    let now = 0;
    let ran = 0;
    // Timers are real (none fires while the tools run one after another); time moves as each tool runs.
    const clock = {
      now: () => now,
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
      clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    const slow = defineTool({
      name: 'slow',
      description: 'Takes a second of the clock.',
      input: Type.Object({ n: Type.Integer() }),
      run: () => {
        ran += 1;
        now += 1_000;
        return 'done';
      },
    });
    const flow = solo(defineAgent({ ...agentBase('a'), tools: [slow] }), { limits: { ms: 2_500 } });
    const model: Model = {
      id: 'many',
      call: async () =>
        ({
          ...calls(5),
          toolCalls: calls(5).toolCalls.map((c) => ({ ...c, name: 'slow' })),
        }) as ModelReply,
    };
    const result = await runFlow(flow, work(0), { models: model, clock });
    expect(result.status !== 'done' && result.reason.code).toBe('deadline');
    expect(ran).toBe(3); // at 0, 1 000 and 2 000 ms; the fourth would start at 3 000, past 2 500
  });

  it('fails as provider_error when a reply makes more than 128 tool calls, and runs none of them', async () => {
    stamped = 0;
    const flow = solo(defineAgent({ ...agentBase('a'), tools: [stamp] }));
    const model: Model = { id: 'many', call: async () => calls(129) };
    const result = await runFlow(flow, work(0), { models: model });
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'provider_error',
      details: expect.objectContaining({ field: 'toolCalls' }),
    });
    expect(stamped).toBe(0);
  });
});

describe('tool arguments nested too deep for a recursive check', () => {
  it('refuses the call to the model and goes on, keeping what every turn used', async () => {
    const Tree = Type.Object({ tree: Type.Array(Type.Unknown()) });
    const Node = { type: 'array', items: { $ref: '#/$defs/node' } };
    let ran = 0;
    const walk = defineTool({
      name: 'walk',
      description: 'Walks a tree.',
      // A recursive schema: its check walks the arguments as deep as they go.
      input: {
        ...Tree,
        properties: { tree: { $ref: '#/$defs/node' } },
        $defs: { node: Node },
      } as unknown as typeof Tree,
      run: () => {
        ran += 1;
        return 'walked';
      },
    });
    const deep = JSON.parse(`{"tree":${'['.repeat(100_000)}${']'.repeat(100_000)}}`) as unknown;
    const turns: ModelReply['toolCalls'][] = [
      [{ id: 'c1', name: 'walk', arguments: { tree: [] } }],
      [{ id: 'c2', name: 'walk', arguments: deep as Record<string, unknown> }],
      [{ id: 'f', name: 'finish', arguments: { ticketId: 'T-1', summary: 'walked' } }],
    ];
    const { model, requests } = recordingModel('deep', (_, n) =>
      callsReply(turns[n - 1] ?? [], { inputTokens: 1_000, outputTokens: 100 }),
    );
    const flow = solo(defineAgent({ ...agentBase('a'), tools: [walk], budget: { turns: 5 } }));
    const result = await runFlow(flow, work(0), { models: model });
    expect(result.status).toBe('done');
    expect(ran).toBe(1);
    expect(result.usage).toMatchObject({ turns: 3, inputTokens: 3_000, outputTokens: 300 });
    const refused = requests[2]!.messages.find((m) => m.role === 'tool' && m.callId === 'c2');
    expect(refused?.role === 'tool' && refused.content).toMatch(/^Rejected: the arguments are nested/);
  });
});

describe('after a cancel nothing new starts', () => {
  it('neither calls again, counts nor logs what a model that ignores its signal answers later', async () => {
    const deaf = deafModel(() => handoff('b', work(1), { inputTokens: 999, outputTokens: 999 }));
    const controller = new AbortController();
    const events: RunEvent[] = [];
    const running = runFlow(chainFlow(), work(0), {
      models: deaf.model,
      signal: controller.signal,
      onEvent: (event) => events.push(event),
    });
    await settle();
    controller.abort();
    const result = await running;
    deaf.release();
    await settle();
    await settle();
    expect(result.status).toBe('cancelled');
    expect(result.usage.inputTokens).toBe(0);
    expect(deaf.calls).toHaveLength(1);
    expect(events.at(-1)?.type).toBe('run.ended');
    expect(events.filter((e) => e.type === 'model.replied')).toHaveLength(0);
  });

  it('starts no tool after the cancel even when the running one ignores its signal', async () => {
    let runs = 0;
    let finishTool: () => void = () => undefined;
    const slow = defineTool({
      name: 'slow',
      description: 'Ignores its signal.',
      input: Type.Object({}),
      run: () => {
        runs += 1;
        return new Promise<string>((resolve) => {
          finishTool = () => resolve('late');
        });
      },
    });
    const a = defineAgent({ ...agentBase('a'), tools: [slow] });
    const flow = solo(a, {});
    const model = scripted([
      {
        agent: 'a',
        calls: [
          { tool: 'slow', args: {} },
          { tool: 'slow', args: {} },
        ],
      },
    ]);
    const controller = new AbortController();
    const running = runFlow(flow, work(0), { models: model, signal: controller.signal });
    await settle();
    controller.abort();
    const result = await running;
    finishTool();
    await settle();
    expect(result.status).toBe('cancelled');
    expect(runs).toBe(1);
    expect(model.requests).toHaveLength(1);
  });
});
