import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Message, ModelRequest, ToolSpec } from '../../../agents/model.js';
import { openai } from '../../../agents/providers/openai.js';
import { isBatonError } from '../../../contracts/errors.js';
import {
  chatBody,
  type FakeProviderServer,
  openaiError,
  RETRY_SOON,
  startFakeProviderServer,
} from '../../helpers/fake-provider-server.js';
import { modelContract } from './model-contract.js';

const API_KEY = 'sk-test-baton-SECRET-chat-0123456789';
let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

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
    expect(isBatonError(error) && error.message).toContain('could not be reached');
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
