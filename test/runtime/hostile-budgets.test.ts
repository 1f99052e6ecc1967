import { BatonError, defineAgent, defineTool, type Model, type ModelReply, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { chainFlow, work } from '../helpers/flows.js';
import { agentBase, callsReply, FINISH, handoff, recordingModel, solo } from '../helpers/hostile.js';

// Budgets and usage at their edges, attacked with models Baton did not write.

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
