import Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages/messages';
import { ProxyTracerProvider, type TracerProvider, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message, ModelRequest, ToolSpec } from '../../../agents/model.js';
import { anthropic } from '../../../agents/providers/anthropic.js';
import { isBatonError } from '../../../contracts/errors.js';
import {
  anthropicError,
  anthropicUsage,
  type FakeResponse,
  failureOf,
  fakeProviderServerPerTest,
  messagesBody,
  RETRY_SOON,
} from '../../helpers/fake-provider-server.js';
import { modelContract } from './model-contract.js';
import { retryWaitContract } from './retry-wait-contract.js';

// A key that looks like no known key format: only the provider's own redaction of its key can hide it.
const API_KEY = 'local-anthropic-key-0f9e8d7c6b5a';
// A server of its own for every test: a request one test abandons never reaches the next one's.
const server = fakeProviderServerPerTest();

const model = (options: Parameters<typeof anthropic>[1] = {}) =>
  anthropic('claude-haiku-4-5', { apiKey: API_KEY, baseURL: server.url, maxRetries: 0, ...options });

const sent = (index = 0) => server.requests[index]?.body as MessageCreateParamsNonStreaming;

modelContract('anthropic (Messages API)', (scenario) => {
  if (scenario.kind === 'hang') server.enqueue({ hang: true });
  else {
    const { inputTokens, outputTokens, cachedInputTokens, reasoningTokens } = scenario.usage;
    const usage = anthropicUsage({
      input: inputTokens,
      output: outputTokens,
      ...(cachedInputTokens === undefined ? {} : { cached: cachedInputTokens }),
      ...(reasoningTokens === undefined ? {} : { reasoning: reasoningTokens }),
    });
    if (scenario.kind === 'tool_call')
      server.enqueue({
        body: messagesBody({
          calls: [{ name: scenario.tool, arguments: JSON.stringify(scenario.args) }],
          usage,
        }),
      });
    if (scenario.kind === 'malformed')
      server.enqueue({
        body: messagesBody({ calls: [{ name: scenario.tool, arguments: scenario.raw }], usage }),
      });
    if (scenario.kind === 'length')
      server.enqueue({ body: messagesBody({ text: 'The order', truncated: true, usage }) });
  }
  // Cached input is a cache read here, so the contract's usage round-trips; cache writes are tested below.
  return model();
});

const BILLING: ToolSpec = {
  name: 'handoff_to_billing',
  description: 'Billing questions.',
  kind: 'handoff',
  parameters: { type: 'object', properties: { ticketId: { type: 'string' } }, required: ['ticketId'] },
};

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    agent: 'billing',
    instructions: 'Resolve billing tickets.',
    input: { ticketId: 'T-3' },
    messages: [],
    tools: [BILLING],
    toolChoice: 'required',
    maxOutputTokens: 1_500,
    idempotencyKey: 'run:2:1',
    signal: new AbortController().signal,
    ...overrides,
  };
}

const reply = () => ({
  body: messagesBody({
    calls: [{ name: 'handoff_to_billing', arguments: '{"ticketId":"T-3"}' }],
    usage: { input_tokens: 50, output_tokens: 8 },
  }),
});

describe('anthropic()', () => {
  it('sends system, the input as the first user message, tools with input_schema, tool_choice any and max_tokens', async () => {
    server.enqueue(reply());
    await model().call(request());
    expect(server.requests[0]?.path).toBe('/v1/messages');
    // SDK 1.x sends the key as a bearer token; older ones as x-api-key.
    expect(JSON.stringify(server.requests[0]?.headers)).toContain(API_KEY);
    expect(sent()).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 1_500,
      system: 'Resolve billing tickets.',
      messages: [{ role: 'user', content: [{ type: 'text', text: '{"ticketId":"T-3"}' }] }],
      tools: [
        { name: 'handoff_to_billing', description: 'Billing questions.', input_schema: BILLING.parameters },
      ],
      tool_choice: { type: 'any' },
    });
  });

  it('asks with tool_choice auto when forcing tool use is turned off', async () => {
    server.enqueue(reply());
    await model({ forceToolUse: false }).call(request());
    expect(sent().tool_choice).toEqual({ type: 'auto' });
  });

  it("sends the agent's own messages with tool results merged into one user turn, tool results first", async () => {
    const messages: Message[] = [
      {
        role: 'assistant',
        text: 'Checking.',
        toolCalls: [
          { id: 'toolu_a', name: 'lookup', arguments: { id: 1 } },
          { id: 'toolu_b', name: 'finish', arguments: 'oops', malformed: true },
        ],
      },
      { role: 'tool', callId: 'toolu_a', name: 'lookup', content: 'paid', isError: false },
      { role: 'tool', callId: 'toolu_b', name: 'finish', content: 'Rejected: not JSON', isError: true },
      { role: 'user', content: 'Decide now.' },
    ];
    server.enqueue(reply());
    await model().call(request({ messages }));
    expect(sent().messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_a', name: 'lookup', input: { id: 1 } },
          { type: 'tool_use', id: 'toolu_b', name: 'finish', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: 'paid' },
          { type: 'tool_result', tool_use_id: 'toolu_b', content: 'Rejected: not JSON', is_error: true },
          { type: 'text', text: 'Decide now.' },
        ],
      },
    ]);
  });

  it('counts cache reads and cache writes as input and cache reads as cached input', async () => {
    server.enqueue({
      body: messagesBody({
        text: 'done',
        usage: {
          input_tokens: 100,
          cache_read_input_tokens: 20,
          cache_creation_input_tokens: 30,
          output_tokens: 40,
          thinking_tokens: 12,
        },
      }),
    });
    const answer = await model().call(request());
    expect(answer.usage).toEqual({
      inputTokens: 150,
      cachedInputTokens: 20,
      outputTokens: 40,
      reasoningTokens: 12,
    });
    expect(answer.stop).toBe('end');
  });

  it('sends the thinking blocks of a reply back before the tool calls they led to', async () => {
    server.enqueue(
      {
        body: messagesBody({
          thinking: 'The ticket is about a refund.',
          calls: [{ id: 'toolu_t', name: 'lookup', arguments: '{"id":2}' }],
          usage: { input_tokens: 10, output_tokens: 5 },
        }),
      },
      reply(),
    );
    const used = model();
    const first = await used.call(request());
    const messages: Message[] = [
      { role: 'assistant', text: first.text, toolCalls: first.toolCalls },
      { role: 'tool', callId: 'toolu_t', name: 'lookup', content: 'ok', isError: false },
    ];
    await used.call(request({ messages }));
    expect(sent(1).messages[1]?.content).toEqual([
      { type: 'thinking', thinking: 'The ticket is about a refund.', signature: 'sig_1' },
      { type: 'tool_use', id: 'toolu_t', name: 'lookup', input: { id: 2 } },
    ]);
  });

  it('returns a refusal as stop refusal', async () => {
    server.enqueue({
      body: messagesBody({
        refusal: 'x',
        text: 'I will not do that.',
        usage: { input_tokens: 5, output_tokens: 5 },
      }),
    });
    expect(await model().call(request())).toMatchObject({ stop: 'refusal', text: 'I will not do that.' });
  });

  it('retries a 429 after its retry-after, then returns the reply', async () => {
    server.enqueue(anthropicError(429, 'rate limited', RETRY_SOON), reply());
    const answer = await model({ maxRetries: 1 }).call(request());
    expect(server.requests).toHaveLength(2);
    expect(answer.usage).toEqual({ inputTokens: 50, outputTokens: 8, cachedInputTokens: 0 });
  });

  it('fails with a retryable provider_error when 529 overloaded outlasts the retries', async () => {
    server.enqueue(...Array.from({ length: 3 }, () => anthropicError(529, 'Overloaded', RETRY_SOON)));
    const started = performance.now();
    const error = await model({ maxRetries: 2 })
      .call(request())
      .catch((e: unknown) => e);
    expect(server.requests).toHaveLength(3);
    expect(
      isBatonError(error) && [error.code, error.retryable, error.details.status, error.details.model],
    ).toEqual(['provider_error', true, 529, 'claude-haiku-4-5']);
    expect(isBatonError(error) && error.message).toContain('after 2 retries');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('fails with a retryable provider_error on a 500', async () => {
    server.enqueue(anthropicError(500, 'Internal error'));
    const error = await model()
      .call(request())
      .catch((e: unknown) => e);
    expect(isBatonError(error) && [error.code, error.retryable, error.details.status]).toEqual([
      'provider_error',
      true,
      500,
    ]);
  });

  it('leaves the API key out of errors even when the server echoes it', async () => {
    server.enqueue(anthropicError(401, `invalid x-api-key: ${API_KEY}`));
    const error = await model()
      .call(request())
      .catch((e: unknown) => e);
    expect(isBatonError(error) && [error.details.status, error.retryable]).toEqual([401, false]);
    for (const text of [String(error), (error as Error).stack, JSON.stringify(error)])
      expect(text).not.toContain(API_KEY);
    expect(isBatonError(error) && error.message).toContain('[REDACTED]');
  });

  it("turns off the SDK's own OpenTelemetry spans", async () => {
    let tracers = 0;
    const inner = new ProxyTracerProvider();
    const provider: TracerProvider = {
      getTracer: (name, version, options) => {
        tracers += 1;
        return inner.getTracer(name, version, options);
      },
    };
    trace.setGlobalTracerProvider(provider);
    try {
      server.enqueue(reply());
      await model().call(request());
      expect(tracers).toBe(0);
      expect(server.requests[0]?.headers.traceparent).toBeUndefined();
      // The same SDK without Baton's setting does trace: the check above can fail.
      new Anthropic({ apiKey: API_KEY, baseURL: server.url, logLevel: 'off' });
      expect(tracers).toBe(1);
    } finally {
      trace.disable();
    }
  });
});

retryWaitContract('anthropic (Messages API)', {
  server: () => server,
  model: () => model({ maxRetries: 1 }),
  rateLimited: (headers) => anthropicError(429, 'rate limited', headers),
  reply,
});

const failure = (answer: FakeResponse) =>
  failureOf(server, () => model({ maxRetries: 2 }).call(request()), answer);

const withBody = (fields: Record<string, unknown>) => ({ ...reply().body, ...fields });

describe('anthropic(), given a 200 that is not a message', () => {
  it.each([
    ['an empty object', {}, 'content', 'is missing'],
    ['a message without content', withBody({ content: undefined }), 'content', 'is missing'],
    ['content as a string', withBody({ content: 'hello' }), 'content', 'is a string, not an array'],
    ['null', null, 'message', 'is null'],
    [
      'a tool_use block without an id',
      withBody({ content: [{ type: 'tool_use', name: 'handoff_to_billing', input: {} }] }),
      'content[0].id',
      'is missing',
    ],
    ['a text block without text', withBody({ content: [{ type: 'text' }] }), 'content[0].text', 'is missing'],
  ])(
    'fails with a non-retryable provider_error for %s, naming the model and the field',
    async (_, body, field, found) => {
      const error = await failure({ body });
      expect([error.code, error.retryable]).toEqual(['provider_error', false]);
      expect(error.details).toMatchObject({ model: 'claude-haiku-4-5', agent: 'billing', field });
      expect(error.message).toContain('Anthropic model "claude-haiku-4-5"');
      expect(error.message).toContain(`\`${field}\` ${found}`);
      expect(server.requests).toHaveLength(1);
    },
  );
});

describe('anthropic(), given usage it cannot meter or none', () => {
  const withUsage = (usage: Record<string, unknown>) =>
    withBody({ usage: { ...(reply().body.usage as Record<string, unknown>), ...usage } });

  it.each([
    ['a negative count', { input_tokens: -5 }, 'usage.input_tokens', -5],
    ['a count as a string', { output_tokens: '12' }, 'usage.output_tokens', '12'],
    ['a negative cache read', { cache_read_input_tokens: -1 }, 'usage.cache_read_input_tokens', -1],
    [
      'more thinking than output tokens',
      { output_tokens: 2, output_tokens_details: { thinking_tokens: 3 } },
      'usage.output_tokens_details.thinking_tokens',
      3,
    ],
  ])('fails with a non-retryable provider_error for %s, naming the field', async (_, usage, field, value) => {
    const error = await failure({ body: withUsage(usage) });
    expect([error.code, error.retryable]).toEqual(['provider_error', false]);
    expect(error.details).toMatchObject({ model: 'claude-haiku-4-5', field, value });
  });

  it('estimates the usage, marked estimated, when the message has none, as for OpenAI', async () => {
    server.enqueue({ body: withBody({ usage: undefined }) });
    const answer = await model().call(request());
    expect(answer.toolCalls).toHaveLength(1);
    expect(answer.usage.estimated).toBe(true);
    expect(answer.usage.inputTokens).toBeGreaterThan(10);
    expect(answer.usage.outputTokens).toBeGreaterThan(0);
  });
});

describe('anthropic without credentials', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('says it has no API key and how to give one, sending nothing', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', '');
    vi.stubEnv('ANTHROPIC_AUTH_TOKEN', '');
    const error = await anthropic('claude-haiku-4-5', { baseURL: server.url, maxRetries: 0 })
      .call(request())
      .catch((e: unknown) => e);
    expect(isBatonError(error) && [error.code, error.retryable]).toEqual(['provider_error', false]);
    expect(isBatonError(error) && error.message).toMatch(
      /^Anthropic model "claude-haiku-4-5" \(agent "[^"]+"\) has no API key to authenticate with: .*Pass the `apiKey` option or set the ANTHROPIC_API_KEY environment variable\.$/,
    );
    expect(isBatonError(error) && error.message).not.toContain('speaks this API');
    expect(server.requests).toHaveLength(0);
  });

  it('names a refused key as refused credentials', async () => {
    server.enqueue({
      status: 401,
      body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
    });
    const error = await model()
      .call(request())
      .catch((e: unknown) => e);
    expect(isBatonError(error) && error.message).toContain('refused the credentials (HTTP 401)');
    expect(isBatonError(error) && error.message).toContain('Check the API key');
  });
});

describe('anthropic with no output cap', () => {
  it('refuses an infinite cap before sending anything, saying how to set one', async () => {
    const error = await model()
      .call(request({ maxOutputTokens: Number.POSITIVE_INFINITY }))
      .catch((e: unknown) => e);
    expect(isBatonError(error) && error.code).toBe('invalid_argument');
    expect(isBatonError(error) && error.message).toContain('set its budget.maxOutputTokens');
    expect(server.requests).toHaveLength(0);
  });
});
