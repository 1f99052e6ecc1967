import { describe, expect, it } from 'vitest';
import type { Model, Usage } from '../../../agents/model.js';
import { isBatonError } from '../../../contracts/errors.js';
import type {
  FakeProviderServer,
  FakeReply,
  FakeResponse,
  FakeUsage,
  SseEvent,
} from '../../helpers/fake-provider-server.js';
import { type StreamShape, streamed } from '../../helpers/fake-provider-streams.js';
import { type ContractScenario, contractRequest } from './model-contract.js';

/**
 * What every streaming provider keeps beyond the model contract, run by each streaming variant against
 * the fake server: the request asks for a stream with the reserved cap, deltas are reassembled, usage
 * comes from the final event, a stream cut by the cap stops with `length`, an abort closes the
 * connection mid-stream, and failures before or during the stream become `provider_error`.
 */

/** How one streaming provider is set up against the fake server. */
export interface StreamSetup {
  server(): FakeProviderServer;
  /** The provider with `stream: true`; with `fetch`, its SDK client sends through that function. */
  model(options?: {
    readonly maxRetries?: number;
    readonly timeout?: number;
    readonly fetch?: typeof fetch;
  }): Model;
  /** The event stream of a reply in the provider's format. */
  events(reply: FakeReply, shape?: StreamShape): SseEvent[];
  /** An error answer in the provider's format, to retry after a millisecond. */
  error(status: number, message: string): FakeResponse;
  /** The output-token cap in a request body. */
  cap(body: Record<string, unknown>): unknown;
  /** Fields every stream request carries. */
  readonly streamFields: Record<string, unknown>;
  /** The usage the provider reports, in Baton's terms, for a fake usage. */
  usage(usage: FakeUsage): Usage;
  /** The key the model is given, which must appear nowhere. */
  readonly apiKey: string;
}

/** The fake reply of a contract scenario other than `hang`. */
export function scenarioReply(scenario: Exclude<ContractScenario, { kind: 'hang' }>): FakeReply {
  const { inputTokens, outputTokens, cachedInputTokens, reasoningTokens } = scenario.usage;
  const usage = {
    input: inputTokens,
    output: outputTokens,
    ...(cachedInputTokens === undefined ? {} : { cached: cachedInputTokens }),
    ...(reasoningTokens === undefined ? {} : { reasoning: reasoningTokens }),
  };
  if (scenario.kind === 'tool_call')
    return { calls: [{ name: scenario.tool, arguments: JSON.stringify(scenario.args) }], usage };
  if (scenario.kind === 'malformed')
    return { calls: [{ name: scenario.tool, arguments: scenario.raw }], usage };
  return { text: 'The order', truncated: true, usage };
}

/** The answer the fake server gives for a contract scenario when streaming: `hang` stops mid-stream. */
export function streamedScenario(setup: StreamSetup, scenario: ContractScenario): FakeResponse {
  if (scenario.kind !== 'hang') return streamed(setup.events(scenarioReply(scenario)));
  const events = setup.events({ text: 'Still thinking about it', usage: { input: 1, output: 1 } });
  return streamed(events, { cutAfter: 4, keepOpen: true });
}

/** A `fetch` that reports each chunk of a response body as the SDK reads it. */
export function readingFetch(onChunk: () => void): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!response.body) return response;
    const reported = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          controller.enqueue(chunk);
          onChunk();
        },
      }),
    );
    return new Response(reported, { status: response.status, headers: response.headers });
  };
}

const ARGS = { orderId: 'A-42', note: 'Zwei Pakete — eins fehlt "noch"', items: [{ sku: 'x', qty: 2 }] };

/** Registers the streaming tests for one provider. */
export function streamContract(name: string, setup: StreamSetup): void {
  const call = (model: Model, signal = new AbortController().signal) =>
    model.call(contractRequest(signal)).catch((e: unknown) => e);

  describe(`${name} streams`, () => {
    it('asks for a stream and still sends the reserved cap', async () => {
      const server = setup.server();
      server.enqueue(streamed(setup.events({ text: 'ok', usage: { input: 3, output: 1 } })));
      await setup.model().call(contractRequest(new AbortController().signal));
      const body = server.requests[0]?.body as Record<string, unknown>;
      expect(body).toMatchObject(setup.streamFields);
      expect(setup.cap(body)).toBe(contractRequest(new AbortController().signal).maxOutputTokens);
    });

    it('reassembles tool call arguments split across many deltas, in call order', async () => {
      const server = setup.server();
      const calls = [
        { name: 'lookup_order', arguments: JSON.stringify(ARGS) },
        { name: 'finish', arguments: '{"answer":"on its way"}' },
      ];
      const events = setup.events({ calls, usage: { input: 50, output: 40 } }, { chunk: 1 });
      expect(events.length).toBeGreaterThan(calls[0]!.arguments.length);
      server.enqueue(streamed(events));
      const reply = await setup.model().call(contractRequest(new AbortController().signal));
      expect(reply.toolCalls.map(({ name, arguments: args }) => ({ name, args }))).toEqual([
        { name: 'lookup_order', args: ARGS },
        { name: 'finish', args: { answer: 'on its way' } },
      ]);
      expect(reply.toolCalls.every((toolCall) => toolCall.malformed === undefined)).toBe(true);
      expect(reply.stop).toBe('tool_calls');
    });

    it('reports the exact usage of the final event, not the counts streamed before it', async () => {
      const server = setup.server();
      const usage = { input: 1_234, output: 567, cached: 1_000, reasoning: 89 };
      const staleUsage = { input: 1_000, output: 1, cached: 0, reasoning: 0 };
      server.enqueue(streamed(setup.events({ text: 'Done.', usage }, { staleUsage })));
      const reply = await setup.model().call(contractRequest(new AbortController().signal));
      expect(reply.usage).toEqual(setup.usage(usage));
    });

    it('stops with length and keeps the streamed text when the cap cuts the stream', async () => {
      const server = setup.server();
      const reply = {
        text: 'Your order left the warehouse on',
        truncated: true,
        usage: { input: 9, output: 256 },
      };
      server.enqueue(streamed(setup.events(reply, { chunk: 3 })));
      const answer = await setup.model().call(contractRequest(new AbortController().signal));
      expect(answer).toMatchObject({ stop: 'length', text: reply.text, toolCalls: [] });
      expect(answer.usage.outputTokens).toBe(256);
    });

    it('rejects with aborted when the signal fires mid-stream, and closes the connection', async () => {
      const server = setup.server();
      const controller = new AbortController();
      const events = setup.events({
        calls: [{ name: 'finish', arguments: JSON.stringify(ARGS) }],
        usage: { input: 5, output: 5 },
      });
      server.enqueue(streamed(events, { cutAfter: Math.floor(events.length / 2), keepOpen: true }));
      // Abort once the SDK has read part of the stream: the call is mid-stream, not waiting for headers.
      const model = setup.model({ fetch: readingFetch(() => controller.abort()) });
      const started = performance.now();
      const error = await call(model, controller.signal);
      expect(isBatonError(error) && error.code).toBe('aborted');
      expect(await server.requests[0]?.settled).toBe('abandoned');
      expect(performance.now() - started).toBeLessThan(1_000);
    });

    it('fails with a retryable provider_error when the stream ends before its final event', async () => {
      const server = setup.server();
      const events = setup.events({
        calls: [{ name: 'finish', arguments: '{"answer":"x"}' }],
        usage: { input: 5, output: 5 },
      });
      server.enqueue(streamed(events, { cutAfter: events.length - 3 }));
      const error = await call(setup.model());
      expect(isBatonError(error) && [error.code, error.retryable]).toEqual(['provider_error', true]);
      expect(isBatonError(error) && error.message).toContain(
        'ended its stream before the reply was complete',
      );
    });

    it('fails with a retryable provider_error naming the timeout when the stream does not start in time', async () => {
      setup.server().enqueue({ hang: true });
      const error = await call(setup.model({ timeout: 20 }));
      expect(isBatonError(error) && [error.code, error.retryable]).toEqual(['provider_error', true]);
      expect(isBatonError(error) && error.message).toContain('timed out after 20 ms');
    });

    it('retries an error status before the stream starts, then streams the reply', async () => {
      const server = setup.server();
      server.enqueue(
        setup.error(429, 'slow down'),
        streamed(setup.events({ text: 'ok', usage: { input: 4, output: 2 } })),
      );
      const reply = await setup.model({ maxRetries: 1 }).call(contractRequest(new AbortController().signal));
      expect(server.requests).toHaveLength(2);
      expect(reply.usage).toEqual(setup.usage({ input: 4, output: 2 }));
    });

    it('fails with a retryable provider_error when error statuses outlast the retries', async () => {
      const server = setup.server();
      server.enqueue(setup.error(503, 'unavailable'), setup.error(503, `unavailable for ${setup.apiKey}`));
      const error = await call(setup.model({ maxRetries: 1 }));
      expect(server.requests).toHaveLength(2);
      expect(isBatonError(error) && [error.code, error.retryable, error.details.status]).toEqual([
        'provider_error',
        true,
        503,
      ]);
      expect(isBatonError(error) && error.message).toContain('after 1 retry');
      for (const text of [String(error), (error as Error).stack, JSON.stringify(error)])
        expect(text).not.toContain(setup.apiKey);
    });
  });
}
