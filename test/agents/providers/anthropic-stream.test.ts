import Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages/messages';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../agents/model.js';
import { anthropic } from '../../../agents/providers/anthropic.js';
import { isBatonError } from '../../../contracts/errors.js';
import {
  anthropicError,
  anthropicUsage,
  fakeProviderServerPerTest,
  RETRY_SOON,
} from '../../helpers/fake-provider-server.js';
import { messagesEvents, streamed } from '../../helpers/fake-provider-streams.js';
import { contractRequest, modelContract } from './model-contract.js';
import { type StreamSetup, streamContract, streamedScenario } from './stream-contract.js';

// A key that looks like no known key format: only the provider's own redaction of its key can hide it.
const API_KEY = 'local-anthropic-stream-key-9a8b7c6d';
// A server of its own for every test: a request one test abandons never reaches the next one's.
const server = fakeProviderServerPerTest();

const setup: StreamSetup = {
  server: () => server,
  model: ({ maxRetries = 0, timeout, fetch } = {}) =>
    anthropic('claude-haiku-4-5', {
      apiKey: API_KEY,
      baseURL: server.url,
      maxRetries,
      ...(timeout === undefined ? {} : { timeout }),
      stream: true,
      ...(fetch
        ? {
            client: new Anthropic({
              apiKey: API_KEY,
              baseURL: server.url,
              maxRetries,
              logLevel: 'off',
              openTelemetry: false,
              fetch,
            }),
          }
        : {}),
    }),
  events: ({ usage, ...reply }, shape = {}) =>
    messagesEvents(
      { ...reply, usage: anthropicUsage(usage) },
      {
        ...(shape.chunk === undefined ? {} : { chunk: shape.chunk }),
        ...(shape.staleUsage ? { staleUsage: anthropicUsage(shape.staleUsage) } : {}),
      },
    ),
  error: (status, message) => anthropicError(status, message, RETRY_SOON),
  cap: (body) => body.max_tokens,
  streamFields: { stream: true, tool_choice: { type: 'any' } },
  usage: ({ input, output, cached = 0, reasoning }) => ({
    inputTokens: input,
    outputTokens: output,
    cachedInputTokens: cached,
    ...(reasoning === undefined ? {} : { reasoningTokens: reasoning }),
  }),
  apiKey: API_KEY,
};

// Cached input is a cache read here, so the contract's usage round-trips.
modelContract('anthropic (Messages API, streaming)', (scenario) => {
  server.enqueue(streamedScenario(setup, scenario));
  return setup.model();
});

streamContract('anthropic (Messages API)', setup);

const call = () =>
  setup
    .model()
    .call(contractRequest(new AbortController().signal))
    .catch((e: unknown) => e);

describe('anthropic() streaming', () => {
  it('returns a stream that stops for a refusal as stop refusal with its text', async () => {
    const reply = { refusal: 'x', text: 'I will not do that.', usage: { input_tokens: 5, output_tokens: 5 } };
    server.enqueue(streamed(messagesEvents(reply)));
    expect(await call()).toMatchObject({ stop: 'refusal', text: 'I will not do that.', toolCalls: [] });
  });

  it('keeps the input counts of message_start when message_delta reports only output tokens', async () => {
    const usage = { input_tokens: 70, cache_read_input_tokens: 30, output_tokens: 12 };
    const events = messagesEvents({ text: 'ok', usage }).map((event) =>
      event.event === 'message_delta'
        ? { ...event, data: { ...(event.data as object), usage: { output_tokens: 12 } } }
        : event,
    );
    server.enqueue(streamed(events));
    const reply = await call();
    expect((reply as { usage: unknown }).usage).toEqual({
      inputTokens: 100,
      cachedInputTokens: 30,
      outputTokens: 12,
    });
  });

  it('sends streamed thinking blocks back, with their signature, before the tool calls they led to', async () => {
    const first = {
      thinking: 'The ticket is about a late order.',
      calls: [{ id: 'toolu_s', name: 'lookup_order', arguments: '{"orderId":"5"}' }],
      usage: { input_tokens: 10, output_tokens: 5 },
    };
    server.enqueue(
      streamed(messagesEvents(first, { chunk: 5 })),
      streamed(messagesEvents({ text: 'done', usage: { input_tokens: 10, output_tokens: 1 } })),
    );
    const model = setup.model();
    const request = contractRequest(new AbortController().signal);
    const reply = await model.call(request);
    const messages: Message[] = [
      { role: 'assistant', text: reply.text, toolCalls: reply.toolCalls },
      { role: 'tool', callId: 'toolu_s', name: 'lookup_order', content: 'shipped', isError: false },
    ];
    await model.call({ ...request, messages });
    const sent = server.requests[1]?.body as MessageCreateParamsNonStreaming;
    expect(sent.messages[1]?.content).toEqual([
      { type: 'thinking', thinking: 'The ticket is about a late order.', signature: 'sig_1' },
      { type: 'tool_use', id: 'toolu_s', name: 'lookup_order', input: { orderId: '5' } },
    ]);
  });

  it('fails with a retryable provider_error when an overloaded error event arrives mid-stream', async () => {
    const events = messagesEvents({
      text: 'Partial answer',
      usage: { input_tokens: 5, output_tokens: 5 },
    }).slice(0, 5);
    events.push({
      event: 'error',
      data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    server.enqueue(streamed(events));
    const error = await call();
    expect(
      isBatonError(error) && [error.code, error.retryable, error.details.status, error.details.type],
    ).toEqual(['provider_error', true, null, 'overloaded_error']);
    expect(isBatonError(error) && error.message).toContain('failed mid-stream (overloaded_error)');
  });

  it('fails without retrying when an invalid_request_error event arrives mid-stream', async () => {
    const events = messagesEvents({ text: 'x', usage: { input_tokens: 1, output_tokens: 1 } }).slice(0, 2);
    events.push({
      event: 'error',
      data: { type: 'error', error: { type: 'invalid_request_error', message: 'Bad' } },
    });
    server.enqueue(streamed(events));
    const error = await call();
    expect(isBatonError(error) && [error.code, error.retryable]).toEqual(['provider_error', false]);
  });
});

describe("anthropic() streaming, given events that are not the API's", () => {
  const events = () => messagesEvents({ text: 'Hello there', usage: { input_tokens: 5, output_tokens: 5 } });

  it.each([
    [
      'message_start without its message',
      () =>
        events().map((e) => (e.event === 'message_start' ? { ...e, data: { type: 'message_start' } } : e)),
      'message_start.message',
      'is missing',
    ],
    [
      'a text delta that is not a string',
      () =>
        events().map((e) =>
          e.event === 'content_block_delta'
            ? {
                ...e,
                data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 3 } },
              }
            : e,
        ),
      'content_block_delta.delta.text',
      'is a number',
    ],
    [
      'a content block start without its block',
      () =>
        events().map((e) =>
          e.event === 'content_block_start' ? { ...e, data: { type: 'content_block_start', index: 0 } } : e,
        ),
      'content_block_start.content_block',
      'is missing',
    ],
  ])('fails with a non-retryable provider_error for %s, naming the field', async (_, make, field, found) => {
    server.enqueue(streamed(make()));
    const error = await call();
    expect(isBatonError(error) && [error.code, error.retryable]).toEqual(['provider_error', false]);
    expect(isBatonError(error) && error.details).toMatchObject({ model: 'claude-haiku-4-5', field });
    expect(isBatonError(error) && error.message).toContain(`\`${field}\` ${found}`);
  });

  it('estimates the usage, marked estimated, when neither message_start nor message_delta has any', async () => {
    const stripped = events().map((e) => {
      if (e.event === 'message_start') {
        const { usage: _usage, ...message } = (e.data as { message: Record<string, unknown> }).message;
        return { ...e, data: { type: 'message_start', message } };
      }
      if (e.event === 'message_delta') {
        const { usage: _usage, ...data } = e.data as Record<string, unknown>;
        return { ...e, data };
      }
      return e;
    });
    server.enqueue(streamed(stripped));
    const reply = await call();
    expect(reply).toMatchObject({ text: 'Hello there', usage: { estimated: true } });
    expect((reply as { usage: { inputTokens: number } }).usage.inputTokens).toBeGreaterThan(10);
  });
});
