import {
  type AnyAgent,
  type AnyFlow,
  BatonError,
  defineAgent,
  defineFlow,
  defineStep,
  defineTool,
  type FlowLimits,
  MemoryStore,
  type Model,
  type ModelReply,
  type ModelRequest,
  type RunEvent,
  runFlow,
  SqliteStore,
} from 'baton-flow';
import { manualClock, scripted } from 'baton-flow/testing';
import Type, { type Static } from 'typebox';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { queuedRun } from '../../runtime/worker/queued-run.js';
import { chainFlow, pingPongFlow, Report, Work, work } from '../helpers/flows.js';

// Guarantees at their edges, attacked with models, tools and steps Baton did not write.

const handoff = (to: string, payload: unknown, usage = { inputTokens: 10, outputTokens: 5 }): ModelReply => ({
  text: '',
  toolCalls: [{ id: `c-${to}`, name: `handoff_to_${to}`, arguments: payload }],
  usage,
  stop: 'tool_calls',
});

/** A model that never looks at its signal: it answers when `release` is called, or never. */
function deafModel(reply: () => unknown) {
  const calls: ModelRequest[] = [];
  let release: () => void = () => undefined;
  const model: Model = {
    id: 'deaf',
    call: (request) => {
      calls.push(request);
      return new Promise((resolve) => {
        release = () => resolve(reply() as ModelReply);
      });
    },
  };
  return { model, calls, release: () => release() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A model Baton did not write that keeps every request and answers the n-th (from 1) with `answer`,
 * which may be anything, a reply or not.
 */
function recordingModel(id: string, answer: (request: ModelRequest, n: number) => unknown) {
  const requests: ModelRequest[] = [];
  const model: Model = {
    id,
    call: async (request) => {
      requests.push(request);
      return answer(request, requests.length) as ModelReply;
    },
  };
  return { model, requests };
}

/** A reply that makes `toolCalls`, with the usage given. */
const callsReply = (
  toolCalls: ModelReply['toolCalls'],
  usage: ModelReply['usage'] = { inputTokens: 10, outputTokens: 5 },
): ModelReply => ({ text: '', toolCalls, usage, stop: 'tool_calls' });

const FINISH = { ticketId: 'T-1', summary: 'ok' };

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

describe('tokens: the reservation trusts what the provider counted', () => {
  it('stops before the next call when a reply already reports more than the budget', async () => {
    // The model counts 50 000 input tokens where Baton estimates a few hundred.
    const model = scripted([
      { agent: 'a', handoff: 'b', payload: work(1), usage: { inputTokens: 50_000, outputTokens: 10 } },
      { agent: 'b', handoff: 'c', payload: work(2) },
    ]);
    const result = await runFlow(chainFlow({ tokens: 20_000 }), work(0), { models: model });
    expect(result.status !== 'done' && result.reason).toMatchObject({ code: 'token_budget', agent: 'a' });
    expect(model.requests).toHaveLength(1);
    expect(result.path).toEqual(['a', 'escalated']);
  });

  it('reserves for what the provider counted on the previous call of the visit, not the estimate alone', async () => {
    const tool = defineTool({ name: 'note', description: 'Notes.', input: Type.Object({}), run: () => 'ok' });
    const a = defineAgent({ ...agentBase('a'), tools: [tool] });
    const flow = solo(a, {
      limits: { tokens: 10_000 },
    });
    const model = scripted([
      { agent: 'a', tool: 'note', args: {}, usage: { inputTokens: 6_000, outputTokens: 10 } },
      {
        agent: 'a',
        finish: { ticketId: 'T-1', summary: 'ok' },
        usage: { inputTokens: 6_050, outputTokens: 10 },
      },
    ]);
    const result = await runFlow(flow, work(0), { models: model });
    // 10 000 − 6 010 spent leaves 3 990; the next input is at least the 6 000 counted before: no call fits.
    expect(result.status !== 'done' && result.reason).toMatchObject({ code: 'token_budget' });
    expect(model.requests).toHaveLength(1);
  });
});

describe('a tool result with no JSON form', () => {
  it.each([
    ['function', () => () => 'hi'],
    ['symbol', () => Symbol('hi')],
  ])(
    'tells the model that a %s is no result, as an error, instead of sending nothing',
    async (kind, value) => {
      const odd = defineTool({
        name: 'odd',
        description: 'Odd.',
        input: Type.Object({}),
        run: value as never,
      });
      const flow = solo(defineAgent({ ...agentBase('a'), tools: [odd] }));
      const model = scripted([
        { agent: 'a', tool: 'odd', args: {} },
        { agent: 'a', finish: { ticketId: 'T-1', summary: 'ok' } },
      ]);
      const result = await runFlow(flow, work(0), { models: model });
      expect(result.status).toBe('done');
      const answer = model.requests[1]!.messages.find((m) => m.role === 'tool');
      expect(answer).toMatchObject({ role: 'tool', isError: true });
      expect(answer?.role === 'tool' && answer.content).toContain(
        `returned a ${kind}, which has no JSON form`,
      );
    },
  );
});

describe('a reply Baton cannot read', () => {
  it.each([
    ['is not a reply', () => ({ answer: 'ok' })],
    [
      'reports NaN tokens',
      () => ({ ...handoff('b', work(1)), usage: { inputTokens: Number.NaN, outputTokens: 5 } }),
    ],
  ])('is charged as reserved when it %s: its input and its whole output cap', async (_, answer) => {
    const { model, requests } = recordingModel('unreadable', answer);
    const result = await runFlow(chainFlow({ tokens: 20_000 }), work(0), { models: model });
    expect(result.status !== 'done' && result.reason.code).toBe('provider_error');
    expect(requests).toHaveLength(1);
    expect(result.usage.turns).toBe(1);
    expect(result.usage.outputTokens).toBe(requests[0]!.maxOutputTokens);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
  });
});

describe('the first reservation in any script', () => {
  it('keeps a prompt in Chinese within the budget: its input is not estimated at four characters a token', async () => {
    // 3 000 Chinese characters: tokenizers count about 0.7 (o200k) to 1.3 (cl100k) tokens a character.
    const counted = 2_400;
    // The whole cap spent, as a verbose model may.
    const { model, requests } = recordingModel('cjk', (request) =>
      callsReply([{ id: 'c', name: 'finish', arguments: FINISH }], {
        inputTokens: counted,
        outputTokens: request.maxOutputTokens,
      }),
    );
    const flow = solo(defineAgent({ ...agentBase('a'), instructions: '請'.repeat(3_000) }), {
      limits: { tokens: 5_000 },
    });
    const result = await runFlow(flow, work(0), { models: model });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.maxOutputTokens + counted).toBeLessThanOrEqual(5_000);
    expect(result.usage.inputTokens + result.usage.outputTokens).toBeLessThanOrEqual(5_000);
  });
});

describe("an agent's budget covers its whole visit, repairs included", () => {
  it('makes at most budget.turns calls in one visit however many repairs the flow allows', async () => {
    const a = defineAgent({ ...agentBase('a'), budget: { turns: 2 } });
    const flow = solo(a, {
      limits: { repairs: 5 },
    });
    const bad = { agent: 'a', finish: { ticketId: 'T-1' } } as const;
    const model = scripted([bad, bad, bad, bad, bad, bad]);
    const result = await runFlow(flow, work(0), { models: model });
    expect(model.requests).toHaveLength(2);
    expect(result.status !== 'done' && result.reason).toMatchObject({ code: 'contract_violation', step: 2 });
    expect(result.status !== 'done' && result.reason.message).toContain("agent's 2 turns for the visit used");
  });

  it('counts an agent token budget across the attempts of a visit', async () => {
    const a = defineAgent({ ...agentBase('a'), budget: { turns: 5, tokens: 1_000 } });
    const flow = solo(a, {});
    const bad = {
      agent: 'a',
      finish: { ticketId: 'T-1' },
      usage: { inputTokens: 400, outputTokens: 200 },
    } as const;
    const model = scripted([bad, bad, bad]);
    const result = await runFlow(flow, work(0), { models: model });
    // 600 spent by the first attempt leaves 400: not enough for the second attempt's input and output.
    expect(model.requests.length).toBeLessThanOrEqual(2);
    expect(result.usage.inputTokens + result.usage.outputTokens).toBeLessThanOrEqual(1_000 + 200);
    expect(result.status !== 'done' && result.reason.code).toBe('token_budget');
  });
});

/** A flow of one agent or code step that may finish: the shape most of these attacks need. */
function solo(agent: AnyAgent, options: { readonly limits?: FlowLimits; readonly done?: unknown } = {}) {
  return defineFlow({
    id: 'solo',
    input: Work,
    output: Report,
    start: agent.name,
    agents: [agent],
    finish: [agent.name],
    ...options,
  } as never) as AnyFlow;
}

function agentBase(name: string) {
  return {
    name,
    description: `Does ${name}.`,
    input: Work,
    instructions: `You do ${name}.`,
    model: scripted([]),
  };
}

describe('the verdict is a value in the machine', () => {
  it('assesses each attempt once: the done predicate runs once per finish', async () => {
    let calls = 0;
    const flow = solo(defineAgent(agentBase('a')), {
      done: () => {
        calls += 1;
        return calls > 1 || 'not yet';
      },
    });
    const finish = { agent: 'a', finish: { ticketId: 'T-1', summary: 'ok' } } as const;
    const result = await runFlow(flow, work(0), { models: scripted([finish, finish]) });
    expect(result.status).toBe('done');
    expect(calls).toBe(2);
  });

  it('keeps the verdict in a persisted snapshot, which holds plain data and no run environment', async () => {
    const flow = chainFlow();
    const actor = createActor(flow.machine.provide({}), { input: { input: work(0), runId: 'r' } });
    actor.start();
    actor.send({
      type: 'xstate.done.actor.a',
      output: {
        decision: { kind: 'handoff', to: 'b', payload: { bad: 1 }, callId: 'x' },
        usage: zero(),
        transcript: [],
        endedAt: 0,
      },
    } as never);
    const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as {
      context: { verdict: { kind: string; agent: string; step: number } };
    };
    actor.stop();
    expect(persisted.context.verdict).toMatchObject({ kind: 'repair', agent: 'a', step: 1 });
    expect(JSON.stringify(persisted)).not.toContain('"clock"');
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('baton.runEnvs')]).toBeUndefined();
  });

  it('gives two runs of one machine in flight their own models', async () => {
    const flow = pingPongFlow();
    const finish = (summary: string) => scripted([{ agent: 'a', finish: { ticketId: 'T-1', summary } }]);
    const [one, two] = await Promise.all([
      runFlow(flow, work(0), { models: finish('one') }),
      runFlow(flow, work(0), { models: finish('two') }),
    ]);
    expect(one.status === 'done' && one.output.summary).toBe('one');
    expect(two.status === 'done' && two.output.summary).toBe('two');
  });

  it('records agent.entered before that attempt’s first model call', async () => {
    const model = scripted([{ agent: 'a', finish: { ticketId: 'T-1', summary: 'ok' } }]);
    const result = await runFlow(pingPongFlow(), work(0), { models: model });
    const types = result.events.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['run.started', 'agent.entered', 'model.called']);
  });
});

function zero() {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, costUsd: 0, turns: 0 };
}

/** A value nested `depth` levels deep. */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = { next: value };
  return value;
}

describe('no input reaches the defect path', () => {
  const Open = Type.Object({ ticketId: Type.String(), extra: Type.Optional(Type.Unknown()) });
  /** a → b, both taking `Open`; a may hand over or finish, b finishes. */
  const openPair = (a: Model, b?: Model) =>
    defineFlow({
      id: 'open',
      input: Open,
      output: Report,
      start: 'a',
      agents: [
        defineAgent({ ...agentBase('a'), input: Open, model: a }),
        defineAgent({ ...agentBase('b'), input: Open, ...(b ? { model: b } : {}) }),
      ],
      routes: { a: ['b'] },
      finish: ['a', 'b'],
    });

  const openFlow = () => openPair(scripted([]));

  /** One code step `s` on `Open` that finishes with what `run` returns. */
  const openStepFlow = (description: string, run: (input: Static<typeof Open>) => unknown) =>
    defineFlow({
      id: 'open-step',
      input: Open,
      output: Open,
      start: 's',
      agents: [
        defineStep({
          name: 's',
          description,
          input: Open,
          output: Open,
          run: ({ input }) => run(input) as never,
        }),
      ],
      finish: ['s'],
    });

  /** One agent on `Open` that may finish, whose done predicate hands what it reads of the input to `read`. */
  const readingFlow = (model: Model, read: (input: unknown) => void) =>
    defineFlow({
      id: 'open',
      input: Open,
      output: Report,
      start: 'a',
      agents: [defineAgent({ ...agentBase('a'), input: Open, model })],
      finish: ['a'],
      done: ({ input }) => {
        read(input);
        return true;
      },
    });

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

describe('usage is checked where it enters', () => {
  const replying = (usage: unknown): Model => ({
    id: 'hostile',
    call: async () =>
      ({
        text: '',
        toolCalls: [{ id: 'c', name: 'handoff_to_b', arguments: work(1) }],
        usage,
        stop: 'tool_calls',
      }) as never,
  });

  it.each([
    ['NaN', { inputTokens: Number.NaN, outputTokens: 1 }],
    ['negative', { inputTokens: -5, outputTokens: 1 }],
    ['a string', { inputTokens: '12', outputTokens: 1 }],
    ['more cached than input', { inputTokens: 5, outputTokens: 1, cachedInputTokens: 10 }],
    ['counts beyond 2^53, whose sums overflow', { inputTokens: 1e308, outputTokens: 1 }],
  ])('fails the run as provider_error when a model reports %s token counts', async (_, usage) => {
    const result = await runFlow(chainFlow({ tokens: 10_000 }), work(0), { models: replying(usage) });
    expect(result.status !== 'done' && result.reason).toMatchObject({ code: 'provider_error', agent: 'a' });
  });

  it('ends token_budget before the call when the cap left is below what the model takes', async () => {
    const calls: number[] = [];
    // OpenAI's Responses API refuses a max_output_tokens below 16.
    const picky: Model = {
      id: 'picky',
      minOutputTokens: 16,
      call: async (request) => {
        calls.push(request.maxOutputTokens);
        return {
          text: '',
          toolCalls: [{ id: 'f', name: 'finish', arguments: { ticketId: 'T-1', summary: 'done' } }],
          usage: { inputTokens: 10, outputTokens: 5 },
          stop: 'tool_calls',
        };
      },
    };
    const flow = solo(defineAgent({ ...agentBase('a'), budget: { maxOutputTokens: 10 } }));
    const result = await runFlow(flow, work(0), { models: picky });
    expect(result.status !== 'done' && result.reason.code).toBe('token_budget');
    expect(calls).toEqual([]);
    // With room for its least cap, it is called.
    const roomy = solo(defineAgent({ ...agentBase('a'), budget: { maxOutputTokens: 16 } }));
    await runFlow(roomy, work(0), { models: picky });
    expect(calls).toEqual([16]);
  });

  it('estimates missing usage honestly, so a budget still holds', async () => {
    // A model that never reports usage, asked to finish under a budget its replies overrun.
    const silent: Model = {
      id: 'silent',
      call: async () =>
        ({
          text: 'x'.repeat(4_000),
          toolCalls: [{ id: 'c', name: 'note', arguments: {} }],
          stop: 'tool_calls',
        }) as never,
    };
    const note = defineTool({ name: 'note', description: 'Notes.', input: Type.Object({}), run: () => 'ok' });
    const flow = solo(defineAgent({ ...agentBase('a'), tools: [note], budget: { turns: 10 } }), {
      limits: { tokens: 3_000 },
    });
    const result = await runFlow(flow, work(0), { models: silent });
    // Each reply's 4 000 characters count as about 1 000 output tokens: the budget stops the run.
    expect(result.status !== 'done' && result.reason.code).toBe('token_budget');
    expect(result.usage.outputTokens).toBeGreaterThanOrEqual(1_000);
    expect(result.usage.turns).toBeLessThan(4);
  });
});

describe('a provider that fails mid-visit', () => {
  it('keeps what the turns before the failure used, and the provider’s status and request id', async () => {
    let calls = 0;
    const flaky: Model = {
      id: 'flaky',
      price: { input: 1, output: 2 },
      call: async () => {
        calls += 1;
        if (calls === 1)
          return {
            text: 'let me think',
            toolCalls: [],
            stop: 'end',
            usage: { inputTokens: 120, outputTokens: 30 },
          } satisfies ModelReply;
        throw new BatonError('provider_error', 'OpenAI model "m" answered HTTP 503: overloaded.', {
          retryable: true,
          details: { provider: 'OpenAI', status: 503, requestId: 'req_42' },
        });
      },
    };
    const result = await runFlow(chainFlow(), work(0), { models: flaky });
    expect(calls).toBe(2);
    expect(result.status).toBe('failed');
    // The failed call returned nothing to meter; the turn before it is counted, tokens and cost.
    expect(result.usage).toMatchObject({ inputTokens: 120, outputTokens: 30, turns: 1 });
    expect(result.usage.costUsd).toBeCloseTo((120 * 1 + 30 * 2) / 1e6, 12);
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'provider_error',
      agent: 'a',
      message: 'Agent "a" failed: OpenAI model "m" answered HTTP 503: overloaded.',
      details: { error: 'provider_error', retryable: true, status: 503, requestId: 'req_42' },
    });
  });
});

describe('a model that numbers its tool calls afresh each turn', () => {
  it('has each turn’s call run, though it reuses the id of an answered one', async () => {
    let runs = 0;
    const count = defineTool({
      name: 'count',
      description: 'Counts.',
      input: Type.Object({ n: Type.Number() }),
      run: ({ input }) => {
        runs += 1;
        return { n: input.n };
      },
    });
    const flow = solo(defineAgent({ ...agentBase('a'), tools: [count] }));
    // Some local servers call every turn's first call `call_0`.
    const { model, requests } = recordingModel('reuses-ids', (_, n) =>
      callsReply([
        n <= 2
          ? { id: 'call_0', name: 'count', arguments: { n } }
          : { id: 'call_0', name: 'finish', arguments: FINISH },
      ]),
    );
    const result = await runFlow(flow, work(0), { models: model });
    expect(result.status).toBe('done');
    expect(runs).toBe(2);
    const answers = requests[2]!.messages.filter((m) => m.role === 'tool');
    expect(answers.map((m) => m.role === 'tool' && m.content)).toEqual(['{"n":1}', '{"n":2}']);
  });
});

describe('a repair for a result with thousands of violations', () => {
  it('lists twenty of them and counts the rest, so the next paid request does not grow with them', async () => {
    const flow = solo(defineAgent(agentBase('a')));
    // 5,000 extra properties, the first with a name 100,000 characters long.
    const extra = Object.fromEntries(
      Array.from({ length: 5_000 }, (_, i) => [i === 0 ? 'k'.repeat(100_000) : `k${i}`, i]),
    );
    const model = scripted([
      { agent: 'a', finish: { ticketId: 'T-1', summary: 'ok', ...extra } },
      { agent: 'a', finish: { ticketId: 'T-1', summary: 'ok' } },
    ]);
    const result = await runFlow(flow, work(0), { models: model });
    expect(result.status).toBe('done');
    const repair = model.requests[1]!.messages.at(-1);
    const text = repair?.role === 'tool' ? repair.content : JSON.stringify(repair);
    expect(text).toContain('… and 4,980 more');
    expect(text.length).toBeLessThan(8_000);
  });
});
