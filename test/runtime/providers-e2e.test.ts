import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costOf, type Model, type Usage } from '../../agents/model.js';
import { anthropic } from '../../agents/providers/anthropic.js';
import { openai } from '../../agents/providers/openai.js';
import { support } from '../../examples/support/flow.js';
import { defineFlow } from '../../machines/define-flow.js';
import { runFlow } from '../../runtime/run-flow.js';
import { manualClock } from '../../runtime/testing/manual-clock.js';
import {
  anthropicUsage,
  chatBody,
  type FakeCall,
  type FakeProviderServer,
  type FakeResponse,
  type FakeUsage,
  fakeProviderServerPerTest,
  messagesBody,
  responsesBody,
} from '../helpers/fake-provider-server.js';
import { chatEvents, messagesEvents, responsesEvents, streamed } from '../helpers/fake-provider-streams.js';

const API_KEY = 'sk-test-e2e-SECRET-0123456789abcdef';
const ticket = JSON.parse(
  readFileSync(new URL('../../examples/support/ticket.json', import.meta.url), 'utf8'),
) as {
  id: string;
  customer: string;
  subject: string;
  body: string;
};

const resolution = {
  ticketId: ticket.id,
  team: 'billing',
  reply: `Re ${ticket.id}: invoice INV-7731 was paid twice; a refund is filed.`,
  actions: ['looked up invoice', 'filed refund request'],
};

/**
 * The three model turns of the billing path, with the usage each reports: far more input than Baton's
 * estimate (system prompts and tool definitions the provider counts), growing within billing's visit as
 * its conversation grows. The budget is 20 000 tokens.
 */
const TURNS: readonly {
  readonly agent: string;
  readonly call: FakeCall;
  readonly usage: FakeUsage;
  readonly cap: number;
}[] = [
  {
    agent: 'triage',
    cap: 512,
    usage: { input: 9_000, output: 400, cached: 1_000 },
    call: {
      name: 'handoff_to_billing',
      arguments: JSON.stringify({
        ticketId: ticket.id,
        customer: ticket.customer,
        question: ticket.subject,
        invoiceId: 'INV-7731',
      }),
    },
  },
  {
    agent: 'billing',
    cap: 1_024,
    usage: { input: 4_800, output: 300 },
    call: { name: 'lookup_invoice', arguments: '{"invoiceId":"INV-7731"}' },
  },
  {
    agent: 'billing',
    cap: 1_024,
    usage: { input: 5_000, output: 100 },
    call: { name: 'finish', arguments: JSON.stringify(resolution) },
  },
];
const LIMIT = 20_000;

interface Provider {
  readonly name: string;
  /** Whether the model is asked to stream (`stream: true`). */
  readonly stream: boolean;
  model(server: FakeProviderServer): Model;
  answer(turn: (typeof TURNS)[number]): FakeResponse;
  cap(body: Record<string, unknown>): unknown;
  usage(turn: (typeof TURNS)[number]): Usage;
}

const openaiUsage = ({ input, output, cached = 0 }: FakeUsage): Usage => ({
  inputTokens: input,
  outputTokens: output,
  cachedInputTokens: cached,
  reasoningTokens: 0,
});

const anthropicReported = ({ usage }: (typeof TURNS)[number]): Usage => ({
  inputTokens: usage.input,
  outputTokens: usage.output,
  cachedInputTokens: usage.cached ?? 0,
  reasoningTokens: 0,
});

const BATCH: readonly Provider[] = [
  {
    name: 'openai (Responses API)',
    stream: false,
    model: (server) => openai('gpt-5-mini', { apiKey: API_KEY, baseURL: server.openaiURL, maxRetries: 0 }),
    answer: (turn) => ({ body: responsesBody({ calls: [turn.call], usage: turn.usage }) }),
    cap: (body) => body.max_output_tokens,
    usage: (turn) => openaiUsage(turn.usage),
  },
  {
    name: 'openai (Chat Completions)',
    stream: false,
    model: (server) =>
      openai('llama3.1', { api: 'chat', apiKey: API_KEY, baseURL: server.openaiURL, maxRetries: 0 }),
    answer: (turn) => ({ body: chatBody({ calls: [turn.call], usage: turn.usage }) }),
    cap: (body) => body.max_tokens,
    usage: (turn) => openaiUsage(turn.usage),
  },
  {
    name: 'anthropic',
    stream: false,
    model: (server) => anthropic('claude-haiku-4-5', { apiKey: API_KEY, baseURL: server.url, maxRetries: 0 }),
    answer: (turn) => ({ body: messagesBody({ calls: [turn.call], usage: anthropicUsage(turn.usage) }) }),
    cap: (body) => body.max_tokens,
    usage: anthropicReported,
  },
];

// The same providers with `stream: true`, answered with server-sent events whose arguments arrive in small deltas.
const STREAMING: readonly Provider[] = [
  {
    name: 'openai (Responses API, streaming)',
    stream: true,
    model: (server) =>
      openai('gpt-5-mini', { apiKey: API_KEY, baseURL: server.openaiURL, maxRetries: 0, stream: true }),
    answer: (turn) => streamed(responsesEvents({ calls: [turn.call], usage: turn.usage }, { chunk: 7 })),
    cap: (body) => body.max_output_tokens,
    usage: (turn) => openaiUsage(turn.usage),
  },
  {
    name: 'openai (Chat Completions, streaming)',
    stream: true,
    model: (server) =>
      openai('llama3.1', {
        api: 'chat',
        apiKey: API_KEY,
        baseURL: server.openaiURL,
        maxRetries: 0,
        stream: true,
      }),
    answer: (turn) => streamed(chatEvents({ calls: [turn.call], usage: turn.usage }, { chunk: 7 })),
    cap: (body) => body.max_tokens,
    usage: (turn) => openaiUsage(turn.usage),
  },
  {
    name: 'anthropic (streaming)',
    stream: true,
    model: (server) =>
      anthropic('claude-haiku-4-5', { apiKey: API_KEY, baseURL: server.url, maxRetries: 0, stream: true }),
    answer: (turn) =>
      streamed(messagesEvents({ calls: [turn.call], usage: anthropicUsage(turn.usage) }, { chunk: 7 })),
    cap: (body) => body.max_tokens,
    usage: anthropicReported,
  },
];

const PROVIDERS: readonly Provider[] = [...BATCH, ...STREAMING];

// A server of its own for every test: a request one test abandons never reaches the next one's.
const server = fakeProviderServerPerTest();

describe.each(PROVIDERS)('the support example through $name', (provider) => {
  it('reaches done with the exact token usage the server reported', async () => {
    for (const turn of TURNS) server.enqueue(provider.answer(turn));
    const model = provider.model(server);
    const result = await runFlow(support, ticket, { models: model });

    expect(result.status).toBe('done');
    expect(result.status === 'done' && result.output).toEqual(resolution);
    expect(server.requests).toHaveLength(3);
    for (const request of server.requests)
      expect((request.body as { stream?: unknown }).stream ?? false).toBe(
        provider.name.includes('streaming'),
      );
    const usages = TURNS.map((turn) => provider.usage(turn));
    expect(result.usage).toMatchObject({
      inputTokens: usages.reduce((sum, u) => sum + u.inputTokens, 0),
      outputTokens: usages.reduce((sum, u) => sum + u.outputTokens, 0),
      cachedInputTokens: usages.reduce((sum, u) => sum + (u.cachedInputTokens ?? 0), 0),
    });
    expect(result.usage.costUsd).toBeCloseTo(
      usages.reduce((sum, u) => sum + costOf(u, model.price), 0),
      12,
    );
    expect(JSON.stringify(result)).not.toContain(API_KEY);
  });

  it('sends an output cap that never exceeds what the budgets have left', async () => {
    for (const turn of TURNS) server.enqueue(provider.answer(turn));
    await runFlow(support, ticket, { models: provider.model(server) });

    let spent = 0;
    const caps = server.requests.map((request, i) => {
      const turn = TURNS[i]!;
      const cap = provider.cap(request.body as Record<string, unknown>) as number;
      expect(Number.isInteger(cap) && cap > 0).toBe(true);
      expect(cap).toBeLessThanOrEqual(Math.min(turn.cap, LIMIT - spent));
      spent += turn.usage.input + turn.usage.output;
      return cap;
    });
    // The last call has 5 500 tokens left. Baton's own estimate of its input is far below that, but the
    // provider counted billing's previous call at 4 800 input tokens: the reservation trusts that count,
    // so the cap is at most 700 and binds below the agent's own 1 024.
    expect(LIMIT - spent + TURNS[2]!.usage.input + TURNS[2]!.usage.output).toBe(5_500);
    expect(caps[2]).toBeLessThanOrEqual(5_500 - TURNS[1]!.usage.input);
    expect(caps[2]).toBeLessThan(TURNS[2]!.cap);
  });

  it("sends billing only its handoff payload and its own messages, never triage's conversation", async () => {
    for (const turn of TURNS) server.enqueue(provider.answer(turn));
    await runFlow(support, ticket, { models: provider.model(server) });

    // Triage, which the ticket is for, does see it: the checks below can fail.
    expect(server.requests[0]?.raw).toContain('Classify the ticket');
    expect(server.requests[0]?.raw).toContain(JSON.stringify(ticket.body).slice(1, -1));
    for (const request of server.requests.slice(1)) {
      expect(request.raw).toContain('"invoiceId\\":\\"INV-7731\\"');
      expect(request.raw).not.toContain('Classify the ticket');
      expect(request.raw).not.toContain(JSON.stringify(ticket.body).slice(1, -1));
    }
  });
});

describe.each(BATCH)('a 200 that is not the API through $name', (provider) => {
  it('is charged as reserved: its input and its whole output cap', async () => {
    server.enqueue(provider.answer(TURNS[0]!));
    server.enqueue({ body: { id: 'resp_1', note: 'a proxy answered this, not the API' } });
    const result = await runFlow(support, ticket, { models: provider.model(server) });

    expect(result.status !== 'done' && result.reason.code).toBe('provider_error');
    expect(server.requests).toHaveLength(2);
    const first = provider.usage(TURNS[0]!);
    const cap = provider.cap(server.requests[1]!.body as Record<string, unknown>) as number;
    expect(result.usage.turns).toBe(2);
    expect(result.usage.outputTokens).toBe(first.outputTokens + cap);
    // The unread call's input is charged as reserved: at least what the provider counted of the first.
    expect(result.usage.inputTokens).toBeGreaterThan(first.inputTokens);
  });
});

describe('the run deadline through a real SDK client', () => {
  it('ends a run at its deadline while the SDK sleeps out a 429 retry-after, and sends nothing more', async () => {
    const clock = manualClock(0);
    const flow = defineFlow({
      id: 'support_deadline',
      input: support.input,
      output: support.output,
      start: 'triage',
      agents: [...support.agents.values()],
      routes: support.routes,
      finish: [...support.finish],
      limits: { ms: 500 },
    } as never);
    server.enqueue({
      status: 429,
      headers: { 'retry-after': '5' },
      body: { error: { message: 'slow down' } },
    });
    const model = openai('gpt-5-mini', { apiKey: API_KEY, baseURL: server.openaiURL, maxRetries: 2 });
    const running = runFlow(flow, ticket, { models: model, clock });
    await server.received(1);
    clock.advance(500);
    const result = await running;
    expect(result.status !== 'done' && result.reason).toMatchObject({ code: 'deadline', agent: 'triage' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.requests).toHaveLength(1);
  }, 2_000);
});
