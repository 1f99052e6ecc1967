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
import { responsesEvents, streamed } from '../../helpers/fake-provider-streams.js';
import { contractRequest, modelContract } from './model-contract.js';
import { retryWaitContract } from './retry-wait-contract.js';
import { type StreamSetup, streamContract, streamedScenario } from './stream-contract.js';

const API_KEY = 'sk-test-baton-SECRET-stream-0123456789';
// A server of its own for every test: a request one test abandons never reaches the next one's.
const server = fakeProviderServerPerTest();

const setup: StreamSetup = {
  server: () => server,
  model: ({ maxRetries = 0, timeout, fetch } = {}) =>
    openai('gpt-5-mini', {
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
  events: (reply, shape) => responsesEvents(reply, shape),
  error: (status, message) => openaiError(status, message, RETRY_SOON),
  cap: (body) => body.max_output_tokens,
  streamFields: { stream: true, store: false },
  usage: ({ input, output, cached = 0, reasoning = 0 }) => ({
    inputTokens: input,
    outputTokens: output,
    cachedInputTokens: cached,
    reasoningTokens: reasoning,
  }),
  apiKey: API_KEY,
};

modelContract('openai (Responses API, streaming)', (scenario) => {
  server.enqueue(streamedScenario(setup, scenario));
  return setup.model();
});

streamContract('openai (Responses API)', setup);

const call = () =>
  setup
    .model()
    .call(contractRequest(new AbortController().signal))
    .catch((e: unknown) => e);

describe('openai() streaming the Responses API', () => {
  it('returns a streamed refusal as stop refusal with its text', async () => {
    server.enqueue(
      streamed(responsesEvents({ refusal: 'I cannot help with that.', usage: { input: 9, output: 6 } })),
    );
    expect(await call()).toMatchObject({ stop: 'refusal', text: 'I cannot help with that.', toolCalls: [] });
  });

  it('reads the streamed text and a call together, with the call id from output_item.added', async () => {
    const reply = {
      text: 'Looking it up.',
      calls: [{ id: 'call_xyz', name: 'lookup_order', arguments: '{"orderId":"9"}' }],
      usage: { input: 9, output: 9 },
    };
    server.enqueue(streamed(responsesEvents(reply)));
    expect(await call()).toMatchObject({
      text: 'Looking it up.',
      toolCalls: [{ id: 'call_xyz', name: 'lookup_order', arguments: { orderId: '9' } }],
      stop: 'tool_calls',
    });
  });

  it('fails with a retryable provider_error on an error event mid-stream', async () => {
    const events = responsesEvents({ text: 'Hello', usage: { input: 1, output: 1 } }).slice(0, 4);
    events.push({
      event: 'error',
      data: {
        type: 'error',
        code: 'server_error',
        message: 'The model crashed',
        param: null,
        sequence_number: 4,
      },
    });
    server.enqueue(streamed(events));
    const error = await call();
    expect(isBatonError(error) && [error.code, error.retryable, error.details.code]).toEqual([
      'provider_error',
      true,
      'server_error',
    ]);
    expect(isBatonError(error) && error.message).toContain('The model crashed');
  });

  it('fails with a retryable provider_error when the stream ends with response.failed', async () => {
    const events = responsesEvents({ text: 'Hel', usage: { input: 1, output: 1 } });
    const last = events.pop()?.data as { response: Record<string, unknown> };
    const response = {
      ...last.response,
      status: 'failed',
      error: { code: 'server_error', message: 'Overloaded' },
    };
    events.push({
      event: 'response.failed',
      data: { type: 'response.failed', response, sequence_number: 99 },
    });
    server.enqueue(streamed(events));
    const error = await call();
    expect(isBatonError(error) && [error.code, error.retryable]).toEqual(['provider_error', true]);
    expect(isBatonError(error) && error.message).toContain('Overloaded');
  });

  it('reads a stream that sends whole items in output_item.done without deltas', async () => {
    const events = responsesEvents({
      calls: [{ name: 'finish', arguments: '{"answer":"ok"}' }],
      usage: { input: 2, output: 2 },
    }).filter(
      ({ event }) =>
        event !== 'response.output_item.added' && !event?.startsWith('response.function_call_arguments'),
    );
    server.enqueue(streamed(events));
    expect(await call()).toMatchObject({ toolCalls: [{ name: 'finish', arguments: { answer: 'ok' } }] });
  });
});

retryWaitContract('openai (Responses API, streaming)', {
  server: () => server,
  model: () => setup.model({ maxRetries: 1 }),
  rateLimited: (headers) => openaiError(429, 'Rate limit reached', headers),
  reply: () => streamed(responsesEvents({ text: 'ok', usage: { input: 4, output: 2 } })),
});

describe("openai() streaming the Responses API, given events that are not the API's", () => {
  const completed = (response: unknown): SseEvent => ({
    event: 'response.completed',
    data: { type: 'response.completed', sequence_number: 1, response },
  });

  it.each([
    ['a final response without output', [completed({ status: 'completed' })], 'output', 'is missing'],
    [
      'a final event without its response',
      [completed(undefined)],
      'response.completed.response',
      'is missing',
    ],
    [
      'a text delta that is not a string',
      [
        {
          event: 'response.output_text.delta',
          data: { type: 'response.output_text.delta', output_index: 0, item_id: 'm', delta: 7 },
        },
      ],
      'response.output_text.delta.delta',
      'is a number',
    ],
    ['an event that is not an object', [{ data: 5 }], 'event', 'is a number'],
  ])(
    'fails with a non-retryable provider_error for %s, naming the field',
    async (_, events, field, found) => {
      server.enqueue(streamed(events));
      const error = await call();
      expect(isBatonError(error) && [error.code, error.retryable]).toEqual(['provider_error', false]);
      expect(isBatonError(error) && error.details).toMatchObject({ model: 'gpt-5-mini', field });
      expect(isBatonError(error) && error.message).toContain(`\`${field}\` ${found}`);
    },
  );

  it('estimates the usage, marked estimated, when the final response has none', async () => {
    const events = responsesEvents({ text: 'a reply of some length', usage: { input: 1, output: 1 } });
    const last = events.pop()?.data as { response: Record<string, unknown> };
    events.push(completed({ ...last.response, usage: null }));
    server.enqueue(streamed(events));
    const reply = await call();
    expect(reply).toMatchObject({ text: 'a reply of some length', usage: { estimated: true } });
  });
});
