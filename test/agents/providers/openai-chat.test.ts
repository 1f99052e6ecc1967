import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message, ModelRequest, ToolSpec } from '../../../agents/model.js';
import { openai } from '../../../agents/providers/openai.js';
import { isBatonError } from '../../../contracts/errors.js';
import {
  chatBody,
  type FakeResponse,
  failureOf,
  fakeProviderServerPerTest,
  openaiError,
  RETRY_SOON,
} from '../../helpers/fake-provider-server.js';
import { modelContract } from './model-contract.js';
import { retryWaitContract } from './retry-wait-contract.js';

const API_KEY = 'sk-test-baton-SECRET-chat-0123456789';
// A server of its own for every test: a request one test abandons never reaches the next one's.
const server = fakeProviderServerPerTest();

const model = (options: Parameters<typeof openai>[1] = {}) =>
  openai('llama3.1', { api: 'chat', apiKey: API_KEY, baseURL: server.openaiURL, maxRetries: 0, ...options });

const sent = (index = 0) => server.requests[index]?.body as ChatCompletionCreateParamsNonStreaming;

modelContract('openai (Chat Completions)', (scenario) => {
  if (scenario.kind === 'hang') server.enqueue({ hang: true });
  else {
    const { inputTokens, outputTokens, cachedInputTokens, reasoningTokens } = scenario.usage;
    const usage = {
      input: inputTokens,
      output: outputTokens,
      ...(cachedInputTokens === undefined ? {} : { cached: cachedInputTokens }),
      ...(reasoningTokens === undefined ? {} : { reasoning: reasoningTokens }),
    };
    if (scenario.kind === 'tool_call')
      server.enqueue({
        body: chatBody({ calls: [{ name: scenario.tool, arguments: JSON.stringify(scenario.args) }], usage }),
      });
    if (scenario.kind === 'malformed')
      server.enqueue({
        body: chatBody({ calls: [{ name: scenario.tool, arguments: scenario.raw }], usage }),
      });
    if (scenario.kind === 'length')
      server.enqueue({ body: chatBody({ text: 'The order', truncated: true, usage }) });
  }
  return model();
});

const BILLING: ToolSpec = {
  name: 'handoff_to_billing',
  description: 'Billing questions.',
  kind: 'handoff',
  parameters: {
    type: 'object',
    properties: { ticketId: { type: 'string' } },
    required: ['ticketId'],
    additionalProperties: false,
  },
};

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    agent: 'triage',
    instructions: 'Route the ticket.',
    input: { ticketId: 'T-9' },
    messages: [],
    tools: [BILLING],
    toolChoice: 'required',
    maxOutputTokens: 77,
    idempotencyKey: 'run:1:1',
    signal: new AbortController().signal,
    ...overrides,
  };
}

const reply = () => ({
  body: chatBody({
    calls: [{ name: 'handoff_to_billing', arguments: '{"ticketId":"T-9"}' }],
    usage: { input: 40, output: 9 },
  }),
});

describe("openai() with api: 'chat'", () => {
  it('sends the instructions as the system message, the input as the first user message, and the tools', async () => {
    server.enqueue(reply());
    await model().call(request());
    expect(server.requests[0]?.path).toBe('/v1/chat/completions');
    expect(sent()).toEqual({
      model: 'llama3.1',
      messages: [
        { role: 'system', content: 'Route the ticket.' },
        { role: 'user', content: '{"ticketId":"T-9"}' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'handoff_to_billing',
            description: 'Billing questions.',
            parameters: BILLING.parameters,
            strict: true,
          },
        },
      ],
      tool_choice: 'required',
      max_tokens: 77,
    });
  });

  it('sends the cap as max_completion_tokens to OpenAI itself, or when asked to', async () => {
    server.enqueue(reply(), reply());
    const client = new OpenAI({ apiKey: API_KEY, baseURL: server.openaiURL, maxRetries: 0, logLevel: 'off' });
    await openai('gpt-5-mini', { api: 'chat', client }).call(request());
    await model({ maxTokensField: 'max_completion_tokens' }).call(request());
    for (const index of [0, 1]) {
      expect(sent(index).max_completion_tokens).toBe(77);
      expect(sent(index)).not.toHaveProperty('max_tokens');
    }
  });

  it("sends the agent's own messages as assistant tool calls and tool results", async () => {
    const messages: Message[] = [
      { role: 'assistant', text: '', toolCalls: [{ id: 'call_a', name: 'lookup', arguments: { id: 1 } }] },
      { role: 'tool', callId: 'call_a', name: 'lookup', content: 'paid', isError: false },
      { role: 'user', content: 'Decide now.' },
    ];
    server.enqueue(reply());
    await model().call(request({ messages }));
    expect(sent().messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'lookup', arguments: '{"id":1}' } }],
      },
      { role: 'tool', tool_call_id: 'call_a', content: 'paid' },
      { role: 'user', content: 'Decide now.' },
    ]);
  });

  it('normalises usage with cached prompt tokens and reasoning tokens', async () => {
    server.enqueue({
      body: chatBody({ text: 'hi', usage: { input: 900, output: 120, cached: 512, reasoning: 64 } }),
    });
    const answer = await model().call(request());
    expect(answer.usage).toEqual({
      inputTokens: 900,
      outputTokens: 120,
      cachedInputTokens: 512,
      reasoningTokens: 64,
    });
    expect(answer.stop).toBe('end');
  });

  it('estimates usage, never zero, when the server sends no usage block', async () => {
    const body = chatBody({ text: 'a reply of some length', usage: { input: 1, output: 1 } }) as Record<
      string,
      unknown
    >;
    delete body.usage;
    server.enqueue({ body });
    const { usage } = await model().call(request());
    expect(usage.inputTokens).toBeGreaterThan(10);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(usage.estimated).toBe(true);
  });

  it('returns a refusal as stop refusal', async () => {
    server.enqueue({ body: chatBody({ refusal: 'No.', usage: { input: 5, output: 1 } }) });
    expect(await model().call(request())).toMatchObject({ stop: 'refusal', text: 'No.' });
  });

  it('retries a 429 after its retry-after, then returns the reply', async () => {
    server.enqueue(openaiError(429, 'slow down', RETRY_SOON), reply());
    const answer = await model({ maxRetries: 1 }).call(request());
    expect(server.requests).toHaveLength(2);
    expect(answer.toolCalls[0]).toMatchObject({ name: 'handoff_to_billing', arguments: { ticketId: 'T-9' } });
  });

  it('fails with a retryable provider_error when the server cannot be reached', async () => {
    const error = await model({ baseURL: 'http://127.0.0.1:1/v1' })
      .call(request())
      .catch((e: unknown) => e);
    expect(isBatonError(error) && [error.code, error.retryable, error.details.status]).toEqual([
      'provider_error',
      true,
      null,
    ]);
    expect(isBatonError(error) && error.message).toContain('could not be reached at http://127.0.0.1:1/v1');
    expect(isBatonError(error) && error.message).toContain('Check that the server runs there');
  });

  it('fails with a retryable provider_error naming the status when retries run out', async () => {
    server.enqueue(openaiError(503, 'unavailable', RETRY_SOON), openaiError(503, 'unavailable', RETRY_SOON));
    const error = await model({ maxRetries: 1 })
      .call(request())
      .catch((e: unknown) => e);
    expect(server.requests).toHaveLength(2);
    expect(isBatonError(error) && [error.code, error.retryable, error.details.status]).toEqual([
      'provider_error',
      true,
      503,
    ]);
    expect(JSON.stringify(error) + String(error)).not.toContain(API_KEY);
  });
});

retryWaitContract('openai (Chat Completions)', {
  server: () => server,
  model: () => model({ maxRetries: 1 }),
  rateLimited: (headers) => openaiError(429, 'slow down', headers),
  reply,
});

const failure = (answer: FakeResponse) =>
  failureOf(server, () => model({ maxRetries: 2 }).call(request()), answer);

describe("openai() with api: 'chat', given a 200 that is not a completion", () => {
  const message = (fields: Record<string, unknown>) => ({ choices: [{ index: 0, message: fields }] });
  it.each([
    ['an empty object', {}, 'choices', 'is missing'],
    ['choices as a string', { choices: 'x' }, 'choices', 'is a string, not an array'],
    ['a choice without a message', { choices: [{ index: 0 }] }, 'choices[0].message', 'is missing'],
    ['content as a number', message({ content: 5 }), 'choices[0].message.content', 'is a number'],
    ['tool_calls as an object', message({ tool_calls: {} }), 'choices[0].message.tool_calls', 'is an object'],
    [
      'a tool call without a function',
      message({ tool_calls: [{ id: 'c', type: 'function' }] }),
      'choices[0].message.tool_calls[0].function',
      'is missing',
    ],
    [
      'a tool call without a name',
      message({ tool_calls: [{ id: 'c', type: 'function', function: { arguments: '{}' } }] }),
      'choices[0].message.tool_calls[0].function.name',
      'is missing',
    ],
  ])(
    'fails with a non-retryable provider_error for %s, naming the model and the field',
    async (_, body, field, found) => {
      const error = await failure({ body });
      expect([error.code, error.retryable]).toEqual(['provider_error', false]);
      expect(error.details).toMatchObject({ model: 'llama3.1', agent: 'triage', field });
      expect(error.message).toContain('OpenAI model "llama3.1"');
      expect(error.message).toContain(`\`${field}\` ${found}`);
      expect(server.requests).toHaveLength(1);
    },
  );

  it('still names an empty choices array as no choices', async () => {
    const error = await failure({ body: { choices: [] } });
    expect([error.code, error.retryable]).toEqual(['provider_error', false]);
    expect(error.message).toContain('answered with no choices');
  });
});

describe("openai() with api: 'chat', given usage it cannot meter", () => {
  const withUsage = (usage: Record<string, unknown>) => {
    const body = chatBody({ text: 'ok', usage: { input: 1, output: 1 } });
    return { ...body, usage: { ...(body.usage as Record<string, unknown>), ...usage } };
  };

  it.each([
    ['a negative count', { prompt_tokens: -5 }, 'usage.prompt_tokens', -5],
    ['a count as a string', { completion_tokens: '12' }, 'usage.completion_tokens', '12'],
    [
      'more cached than input tokens',
      { prompt_tokens: 5, prompt_tokens_details: { cached_tokens: 10 } },
      'usage.prompt_tokens_details.cached_tokens',
      10,
    ],
  ])('fails with a non-retryable provider_error for %s, naming the field', async (_, usage, field, value) => {
    const error = await failure({ body: withUsage(usage) });
    expect([error.code, error.retryable]).toEqual(['provider_error', false]);
    expect(error.details).toMatchObject({ model: 'llama3.1', field, value });
  });

  it('estimates only the count the server left out, and marks the usage estimated', async () => {
    server.enqueue({ body: withUsage({ prompt_tokens: 40, completion_tokens: null }) });
    const { usage } = await model().call(request());
    expect(usage).toMatchObject({ inputTokens: 40, estimated: true });
    expect(usage.outputTokens).toBeGreaterThan(0);
  });
});

describe('openai with a local server (baseURL)', () => {
  afterEach(() => vi.unstubAllEnvs());
  const local = () => openai('llama3.1', { api: 'chat', baseURL: server.openaiURL, maxRetries: 0 });

  it('needs no key: with neither apiKey nor OPENAI_API_KEY it sends no Authorization header', async () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    server.enqueue({ body: chatBody({ text: 'hi', usage: { input: 3, output: 1 } }) });
    expect(await local().call(request())).toMatchObject({ text: 'hi' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('sends the key from OPENAI_API_KEY when it is set, and apiKey over it', async () => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-from-env');
    server.enqueue(
      { body: chatBody({ text: 'a', usage: { input: 3, output: 1 } }) },
      { body: chatBody({ text: 'b', usage: { input: 3, output: 1 } }) },
    );
    await local().call(request());
    await model().call(request());
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer sk-from-env',
      `Bearer ${API_KEY}`,
    ]);
  });
});

describe('openai (Chat Completions) with no output cap', () => {
  it('sets no max_completion_tokens when the cap is infinite (no agent cap, no token budget)', async () => {
    server.enqueue({ body: chatBody({ text: 'ok', usage: { input: 3, output: 1 } }) });
    await model().call(request({ maxOutputTokens: Number.POSITIVE_INFINITY }));
    expect(sent()).not.toHaveProperty('max_completion_tokens');
    expect(sent()).not.toHaveProperty('max_tokens');
    expect(server.requests[0]!.raw).not.toContain('null');
  });
});
