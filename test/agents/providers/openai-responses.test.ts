import type { ResponseCreateParamsNonStreaming } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
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
  responsesBody,
} from '../../helpers/fake-provider-server.js';
import { modelContract } from './model-contract.js';
import { retryWaitContract } from './retry-wait-contract.js';

const API_KEY = 'sk-test-baton-SECRET-0123456789abcdef';
// A server of its own for every test: a request one test abandons never reaches the next one's.
const server = fakeProviderServerPerTest();

const model = (options: Parameters<typeof openai>[1] = {}) =>
  openai('gpt-5-mini', { apiKey: API_KEY, baseURL: server.openaiURL, maxRetries: 0, ...options });

const sent = (index = 0) => server.requests[index]?.body as ResponseCreateParamsNonStreaming;

modelContract('openai (Responses API)', (scenario) => {
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
        body: responsesBody({
          calls: [{ name: scenario.tool, arguments: JSON.stringify(scenario.args) }],
          usage,
        }),
      });
    if (scenario.kind === 'malformed')
      server.enqueue({
        body: responsesBody({ calls: [{ name: scenario.tool, arguments: scenario.raw }], usage }),
      });
    if (scenario.kind === 'length')
      server.enqueue({ body: responsesBody({ text: 'The order', truncated: true, usage }) });
  }
  return model();
});

const TRIAGE: ToolSpec = {
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
const LOOSE: ToolSpec = {
  name: 'finish',
  description: 'Finish.',
  kind: 'finish',
  parameters: {
    type: 'object',
    properties: { reply: { type: 'string', minLength: 1 }, note: { type: 'string' } },
    required: ['reply'],
  },
};

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    agent: 'triage',
    instructions: 'Route the ticket.',
    input: { ticketId: 'T-9', text: 'I was charged twice' },
    messages: [],
    tools: [TRIAGE, LOOSE],
    toolChoice: 'required',
    maxOutputTokens: 321,
    idempotencyKey: 'run:1:1',
    signal: new AbortController().signal,
    ...overrides,
  };
}

const reply = (usage = { input: 10, output: 5 }) => ({
  body: responsesBody({ calls: [{ name: 'finish', arguments: '{"reply":"ok"}' }], usage }),
});

describe('openai() with the Responses API', () => {
  it('sends the instructions, the input as the first user message and the cap as max_output_tokens', async () => {
    server.enqueue(reply());
    await model().call(request());
    expect(server.requests[0]?.path).toBe('/v1/responses');
    expect(sent()).toMatchObject({
      model: 'gpt-5-mini',
      instructions: 'Route the ticket.',
      input: [{ role: 'user', content: '{"ticketId":"T-9","text":"I was charged twice"}' }],
      tool_choice: 'required',
      max_output_tokens: 321,
      store: false,
    });
  });

  it('sends tools as function tools, strict only when the schema fits strict mode', async () => {
    server.enqueue(reply());
    await model().call(request());
    expect(sent().tools).toEqual([
      {
        type: 'function',
        name: 'handoff_to_billing',
        description: 'Billing questions.',
        parameters: TRIAGE.parameters,
        strict: true,
      },
      {
        type: 'function',
        name: 'finish',
        description: 'Finish.',
        parameters: LOOSE.parameters,
        strict: false,
      },
    ]);
  });

  it("sends the agent's own messages as message and function call items, nothing else", async () => {
    const messages: Message[] = [
      {
        role: 'assistant',
        text: 'Looking it up.',
        toolCalls: [{ id: 'call_a', name: 'lookup', arguments: { id: 1 } }],
      },
      { role: 'tool', callId: 'call_a', name: 'lookup', content: '{"paid":true}', isError: false },
      {
        role: 'assistant',
        text: '',
        toolCalls: [{ id: 'call_b', name: 'finish', arguments: '{"reply":', malformed: true }],
      },
      { role: 'tool', callId: 'call_b', name: 'finish', content: 'Rejected: not JSON', isError: true },
      { role: 'user', content: 'Decide by calling finish.' },
    ];
    server.enqueue(reply());
    await model().call(request({ messages }));
    expect(sent().input).toEqual([
      { role: 'user', content: '{"ticketId":"T-9","text":"I was charged twice"}' },
      { role: 'assistant', content: 'Looking it up.' },
      { type: 'function_call', call_id: 'call_a', name: 'lookup', arguments: '{"id":1}' },
      { type: 'function_call_output', call_id: 'call_a', output: '{"paid":true}' },
      { type: 'function_call', call_id: 'call_b', name: 'finish', arguments: '{"reply":' },
      { type: 'function_call_output', call_id: 'call_b', output: 'Rejected: not JSON' },
      { role: 'user', content: 'Decide by calling finish.' },
    ]);
  });

  it('normalises usage: input with cached tokens, output with reasoning tokens', async () => {
    server.enqueue(
      reply({ input: 1_234, output: 567, cached: 1_000, reasoning: 400 } as {
        input: number;
        output: number;
      }),
    );
    const { usage } = await model().call(request());
    expect(usage).toEqual({
      inputTokens: 1_234,
      outputTokens: 567,
      cachedInputTokens: 1_000,
      reasoningTokens: 400,
    });
  });

  it('returns a refusal as stop refusal with its text', async () => {
    server.enqueue({
      body: responsesBody({ refusal: 'I cannot help with that.', usage: { input: 10, output: 6 } }),
    });
    const answer = await model().call(request());
    expect(answer).toMatchObject({ stop: 'refusal', text: 'I cannot help with that.', toolCalls: [] });
  });

  it('retries a 429 after its retry-after, then returns the reply', async () => {
    server.enqueue(openaiError(429, 'Rate limit reached', RETRY_SOON), reply({ input: 3, output: 2 }));
    const started = performance.now();
    const answer = await model({ maxRetries: 2 }).call(request());
    expect(server.requests).toHaveLength(2);
    expect(answer.usage).toEqual({
      inputTokens: 3,
      outputTokens: 2,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('fails with a retryable provider_error after the retries of a 500', async () => {
    server.enqueue(
      ...Array.from({ length: 3 }, () => openaiError(500, 'The server had an error', RETRY_SOON)),
    );
    const error = await model({ maxRetries: 2 })
      .call(request())
      .catch((e: unknown) => e);
    expect(server.requests).toHaveLength(3);
    expect(isBatonError(error) && error.code).toBe('provider_error');
    expect(isBatonError(error) && error.retryable).toBe(true);
    expect(isBatonError(error) && error.details).toMatchObject({
      status: 500,
      model: 'gpt-5-mini',
      agent: 'triage',
    });
  });

  it('fails with a non-retryable provider_error on a 400, without retrying', async () => {
    server.enqueue(openaiError(400, "Invalid schema for function 'finish'"));
    const error = await model({ maxRetries: 2 })
      .call(request())
      .catch((e: unknown) => e);
    expect(server.requests).toHaveLength(1);
    expect(isBatonError(error) && [error.code, error.retryable, error.details.status]).toEqual([
      'provider_error',
      false,
      400,
    ]);
    expect(isBatonError(error) && error.message).toContain("Invalid schema for function 'finish'");
  });

  it('fails with a retryable provider_error naming the timeout when an attempt times out', async () => {
    server.enqueue({ hang: true });
    const error = await model({ timeout: 20 })
      .call(request())
      .catch((e: unknown) => e);
    expect(isBatonError(error) && [error.code, error.retryable, error.details.status]).toEqual([
      'provider_error',
      true,
      null,
    ]);
    expect(isBatonError(error) && error.message).toContain('timed out after 20 ms');
  });

  it('refuses a cap below the Responses minimum of 16 tokens before calling', async () => {
    const error = await model()
      .call(request({ maxOutputTokens: 10 }))
      .catch((e: unknown) => e);
    expect(server.requests).toHaveLength(0);
    expect(isBatonError(error) && error.message).toContain('at least 16');
    // It says so, so a run whose budget leaves fewer ends token_budget instead of calling it.
    expect(model().minOutputTokens).toBe(16);
    expect(openai('gpt-5-mini', { api: 'chat', apiKey: API_KEY }).minOutputTokens).toBeUndefined();
  });

  it('sends the API key to the server and leaves it out of errors, replies and the model', async () => {
    server.enqueue(openaiError(401, `Incorrect API key provided: ${API_KEY}.`));
    const error = await model()
      .call(request())
      .catch((e: unknown) => e);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(isBatonError(error) && error.details.status).toBe(401);
    const leaked = [
      String(error),
      (error as Error).stack,
      JSON.stringify(error),
      JSON.stringify((error as { details?: unknown }).details),
    ];
    server.enqueue(reply());
    const used = model();
    const answer = await used.call(request());
    leaked.push(JSON.stringify(answer), JSON.stringify(used));
    for (const text of leaked) expect(text).not.toContain(API_KEY);
    expect(isBatonError(error) && error.message).toContain('OPENAI_API_KEY');
  });
});

retryWaitContract('openai (Responses API)', {
  server: () => server,
  model: () => model({ maxRetries: 1 }),
  rateLimited: (headers) => openaiError(429, 'Rate limit reached', headers),
  reply,
});

const failure = (answer: FakeResponse) =>
  failureOf(server, () => model({ maxRetries: 2 }).call(request()), answer);

describe('openai() with the Responses API, given a 200 that is not a response', () => {
  it.each([
    ['an empty object', {}, 'output', 'is missing'],
    ['output as a string', { object: 'response', output: 'x' }, 'output', 'is a string, not an array'],
    ['a chat completion', chatBody({ text: 'hi', usage: { input: 1, output: 1 } }), 'output', 'is missing'],
    ['null', null, 'response', 'is null'],
    ['a message without content', { output: [{ type: 'message' }] }, 'output[0].content', 'is missing'],
    [
      'a function call without call_id',
      { output: [{ type: 'function_call', name: 'finish', arguments: '{}' }] },
      'output[0].call_id',
      'is missing',
    ],
    [
      'text that is not a string',
      { output: [{ type: 'message', content: [{ type: 'output_text', text: 3 }] }] },
      'output[0].content[0].text',
      'is a number',
    ],
  ])(
    'fails with a non-retryable provider_error for %s, naming the model and the field',
    async (_, body, field, found) => {
      const error = await failure({ body });
      expect([error.code, error.retryable]).toEqual(['provider_error', false]);
      expect(error.details).toMatchObject({ model: 'gpt-5-mini', agent: 'triage', field });
      expect(error.message).toContain('OpenAI model "gpt-5-mini"');
      expect(error.message).toContain(`\`${field}\` ${found}`);
      expect(server.requests).toHaveLength(1);
    },
  );

  it('fails with a non-retryable provider_error for a body that is not JSON', async () => {
    const error = await failure({ raw: '<html>Bad gateway</html>' });
    expect([error.code, error.retryable, error.details.field]).toEqual(['provider_error', false, 'response']);
  });
});

describe('openai() with the Responses API, given usage it cannot meter', () => {
  const withUsage = (usage: Record<string, unknown>) => {
    const body = responsesBody({
      calls: [{ name: 'finish', arguments: '{"reply":"ok"}' }],
      usage: { input: 1, output: 1 },
    });
    return { ...body, usage: { ...(body.usage as Record<string, unknown>), ...usage } };
  };

  it.each([
    ['a negative count', { input_tokens: -5 }, 'usage.input_tokens', -5],
    ['a count as a string', { output_tokens: '12' }, 'usage.output_tokens', '12'],
    [
      'more cached than input tokens',
      { input_tokens: 5, input_tokens_details: { cached_tokens: 10 } },
      'usage.input_tokens_details.cached_tokens',
      10,
    ],
    [
      'more reasoning than output tokens',
      { output_tokens: 2, output_tokens_details: { reasoning_tokens: 3 } },
      'usage.output_tokens_details.reasoning_tokens',
      3,
    ],
  ])('fails with a non-retryable provider_error for %s, naming the field', async (_, usage, field, value) => {
    const error = await failure({ body: withUsage(usage) });
    expect([error.code, error.retryable]).toEqual(['provider_error', false]);
    expect(error.details).toMatchObject({ model: 'gpt-5-mini', field, value });
    expect(error.message).toContain(field);
  });

  it('fails for a count too large to be finite (1e999 in the JSON)', async () => {
    const text = JSON.stringify(withUsage({ input_tokens: 123_456 })).replace('123456', '1e999');
    const error = await failure({ raw: text });
    expect(error.details).toMatchObject({ field: 'usage.input_tokens', value: Number.POSITIVE_INFINITY });
  });

  it('estimates the usage, marked estimated, when the response has none', async () => {
    const body = {
      ...responsesBody({ text: 'a reply of some length', usage: { input: 1, output: 1 } }),
      usage: null,
    };
    server.enqueue({ body });
    const { usage } = await model().call(request());
    expect(usage.estimated).toBe(true);
    expect(usage.inputTokens).toBeGreaterThan(10);
    expect(usage.outputTokens).toBeGreaterThan(0);
  });
});

describe('openai (Responses) with no output cap', () => {
  it('sets no max_output_tokens when the cap is infinite (no agent cap, no token budget)', async () => {
    server.enqueue({ body: responsesBody({ text: 'ok', usage: { input: 3, output: 1 } }) });
    await model().call(request({ maxOutputTokens: Number.POSITIVE_INFINITY }));
    expect(sent()).not.toHaveProperty('max_output_tokens');
  });
});
