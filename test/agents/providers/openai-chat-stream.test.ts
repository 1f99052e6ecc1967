import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { openai } from '../../../agents/providers/openai.js';
import { isBatonError } from '../../../contracts/errors.js';
import {
  fakeProviderServerPerTest,
  openaiError,
  RETRY_SOON,
  type SseEvent,
} from '../../helpers/fake-provider-server.js';
import { chatEvents, streamed } from '../../helpers/fake-provider-streams.js';
import { contractRequest, modelContract } from './model-contract.js';
import { type StreamSetup, streamContract, streamedScenario } from './stream-contract.js';

const API_KEY = 'sk-test-baton-SECRET-chat-stream-0123';
// A server of its own for every test: a request one test abandons never reaches the next one's.
const server = fakeProviderServerPerTest();

const setup: StreamSetup = {
  server: () => server,
  model: ({ maxRetries = 0, timeout, fetch } = {}) =>
    openai('llama3.1', {
      api: 'chat',
      apiKey: API_KEY,
      baseURL: server.openaiURL,
      maxRetries,
      ...(timeout === undefined ? {} : { timeout }),
      stream: true,
      ...(fetch
        ? {
            client: new OpenAI({
              apiKey: API_KEY,
              baseURL: server.openaiURL,
              maxRetries,
              logLevel: 'off',
              fetch,
            }),
          }
        : {}),
    }),
  events: (reply, shape) => chatEvents(reply, shape),
  error: (status, message) => openaiError(status, message, RETRY_SOON),
  // `baseURL` is set, so the cap goes in `max_tokens` (what OpenAI-compatible servers read).
  cap: (body) => body.max_tokens,
  streamFields: { stream: true, stream_options: { include_usage: true } },
  usage: ({ input, output, cached = 0, reasoning = 0 }) => ({
    inputTokens: input,
    outputTokens: output,
    cachedInputTokens: cached,
    reasoningTokens: reasoning,
  }),
  apiKey: API_KEY,
};

modelContract('openai (Chat Completions, streaming)', (scenario) => {
  server.enqueue(streamedScenario(setup, scenario));
  return setup.model();
});

streamContract('openai (Chat Completions)', setup);

const call = () =>
  setup
    .model()
    .call(contractRequest(new AbortController().signal))
    .catch((e: unknown) => e);

const chunk = (delta: Record<string, unknown>, finish: string | null = null): SseEvent => ({
  data: {
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'llama3.1',
    choices: [{ index: 0, delta, finish_reason: finish }],
  },
});

describe("openai() streaming with api: 'chat'", () => {
  it('returns streamed refusal deltas as stop refusal with their text', async () => {
    server.enqueue(
      streamed(chatEvents({ refusal: 'No, not that.', usage: { input: 5, output: 3 } }, { chunk: 2 })),
    );
    expect(await call()).toMatchObject({ stop: 'refusal', text: 'No, not that.', toolCalls: [] });
  });

  it('estimates usage, never zero, when the server streams no usage chunk', async () => {
    const events = chatEvents({ text: 'a reply of some length', usage: { input: 1, output: 1 } }).filter(
      (event) => !(typeof event.data === 'object' && (event.data as { usage?: unknown }).usage),
    );
    server.enqueue(streamed(events));
    const reply = await call();
    expect(reply).toMatchObject({ stop: 'end', text: 'a reply of some length' });
    const { usage } = reply as { usage: { inputTokens: number; outputTokens: number; estimated?: true } };
    expect(usage.inputTokens).toBeGreaterThan(10);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(usage.estimated).toBe(true);
  });

  it('reads calls that a server sends whole, without an index, as one call each', async () => {
    const whole = (id: string, name: string, args: string) => ({
      id,
      type: 'function',
      function: { name, arguments: args },
    });
    server.enqueue(
      streamed([
        chunk({
          role: 'assistant',
          tool_calls: [whole('a', 'lookup_order', '{"orderId":"1"}'), whole('b', 'finish', '{}')],
        }),
        chunk({}, 'tool_calls'),
        { data: '[DONE]' },
      ]),
    );
    expect(await call()).toMatchObject({
      toolCalls: [
        { id: 'a', name: 'lookup_order', arguments: { orderId: '1' } },
        { id: 'b', name: 'finish', arguments: {} },
      ],
      stop: 'tool_calls',
    });
  });

  it('fails with a retryable provider_error on an error chunk mid-stream', async () => {
    server.enqueue(
      streamed([
        chunk({ role: 'assistant', content: 'Hel' }),
        { data: { error: { message: 'The server had an error while streaming', type: 'server_error' } } },
      ]),
    );
    const error = await call();
    expect(isBatonError(error) && [error.code, error.retryable, error.details.status]).toEqual([
      'provider_error',
      true,
      null,
    ]);
    expect(isBatonError(error) && error.message).toContain('failed mid-stream (server_error)');
    expect(isBatonError(error) && error.message).not.toContain('retries');
  });
});

describe("openai() streaming with api: 'chat', given chunks that are not the API's", () => {
  it.each([
    [
      'choices as a string',
      [{ data: { id: 'c', choices: 'x' } }, { data: '[DONE]' }],
      'chunk.choices',
      'is a string',
    ],
    ['no chunk with choices', [{ data: {} }, { data: {} }, { data: '[DONE]' }], 'choices', 'is missing'],
    [
      'tool_calls as an object',
      [chunk({ tool_calls: {} }), chunk({}, 'stop'), { data: '[DONE]' }],
      'chunk.choices[0].delta.tool_calls',
      'is an object',
    ],
    ['a chunk that is a number', [{ data: 5 }, { data: '[DONE]' }], 'chunk', 'is a number'],
  ])(
    'fails with a non-retryable provider_error for %s, naming the field',
    async (_, events, field, found) => {
      server.enqueue(streamed(events as SseEvent[]));
      const error = await call();
      expect(isBatonError(error) && [error.code, error.retryable]).toEqual(['provider_error', false]);
      expect(isBatonError(error) && error.details).toMatchObject({ model: 'llama3.1', field });
      expect(isBatonError(error) && error.message).toContain(`\`${field}\` ${found}`);
    },
  );
});
