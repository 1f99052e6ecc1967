import type Anthropic from '@anthropic-ai/sdk';
import { assertText } from '../../contracts/arguments.js';
import type { Model, ModelReply, ModelRequest, Price } from '../model.js';
import { untilAborted } from '../until-aborted.js';
import { messagesBody, messagesReply, thinkingMemo } from './anthropic-messages.js';
import { messagesStreamReply } from './anthropic-stream.js';
import { priceOf } from './prices.js';
import {
  checkedPrice,
  type FailureContext,
  lazyClient,
  loadSdk,
  PROVIDER_DEFAULTS,
  providerFailure,
} from './provider-support.js';

/** An `@anthropic-ai/sdk` client instance (`new Anthropic(...)`), typed loosely so that Baton's types do not need the package. */
export interface AnthropicClient {
  readonly messages: object;
}

/** Options of the Anthropic provider. */
export interface AnthropicOptions {
  /** The API key. When absent, the SDK reads `ANTHROPIC_API_KEY` itself; Baton never reads the environment. */
  readonly apiKey?: string;
  /** Another endpoint that speaks the Messages API (a proxy or a gateway); the SDK's default otherwise. */
  readonly baseURL?: string;
  /** How many times the SDK retries a failed call (429, 529 overloaded, 5xx, timeouts), honouring `retry-after`. Default 2. */
  readonly maxRetries?: number;
  /** Milliseconds before one attempt times out. Default 300 000 (5 minutes). */
  readonly timeout?: number;
  /**
   * Whether a required tool call is forced with `tool_choice: { type: 'any' }` (the default). Models that
   * reject forced tool use (Claude Sonnet 5.5, or any model with thinking on) need `false`: the model is
   * then asked, not forced, and a reply without a tool call goes through the runtime's repair path.
   */
  readonly forceToolUse?: boolean;
  /**
   * Whether to receive the reply as a server-sent event stream (default false). The reply, usage and
   * errors are the same; a stream keeps a long call alive through proxies' idle timeouts, and the
   * AbortSignal stops it mid-way.
   * `timeout` then bounds the wait for the stream to start; a stream that stalls later is ended by the signal.
   */
  readonly stream?: boolean;
  /** Overrides the price from Baton's price table (USD per million tokens). */
  readonly price?: Price;
  /** A client to use instead of constructing one (for tests and custom transports). */
  readonly client?: AnthropicClient;
}

/**
 * A `Model` backed by Anthropic's Messages API through the official `@anthropic-ai/sdk` (an optional peer
 * dependency, loaded on first use). Its id is `anthropic:<model>` and its price comes from `PRICES` unless
 * `price` is given (a model the table does not know is metered as free). The reserved budget is sent as
 * `max_tokens`; calls are streamed only with `stream: true`. A call throws `missing_dependency` when the
 * SDK is not installed, `aborted` when its signal aborts, and `provider_error` (with `retryable`) when
 * the provider still fails after the SDK's retries or answers something that is not a reply.
 *
 * @example
 * ```ts
 * import { type AnyFlow, anthropic, runFlow } from 'baton-flow';
 *
 * declare const support: AnyFlow;
 *
 * // Every agent of this run on Claude Haiku; the key comes from ANTHROPIC_API_KEY.
 * const model = anthropic('claude-haiku-4-5', { maxRetries: 4, stream: true });
 * const result = await runFlow(support, { id: 'T-1042', subject: 'Charged twice' }, { models: model });
 * ```
 */
export function anthropic(model: string, options: AnthropicOptions = {}): Model {
  assertText(model, 'anthropic', 'the model name');
  const maxRetries = options.maxRetries ?? PROVIDER_DEFAULTS.maxRetries;
  const timeout = options.timeout ?? PROVIDER_DEFAULTS.timeout;
  const forceToolUse = options.forceToolUse ?? true;
  const stream = options.stream ?? false;
  const price = checkedPrice(`anthropic("${model}")`, options.price) ?? priceOf(`anthropic:${model}`);
  const memo = thinkingMemo();

  const context = (request: ModelRequest, sdk: Anthropic): FailureContext => ({
    provider: 'Anthropic',
    model,
    agent: request.agent,
    maxRetries,
    timeout,
    apiKey: options.apiKey ?? sdk.apiKey ?? undefined,
    keyVariable: 'ANTHROPIC_API_KEY',
    baseURL: sdk.baseURL,
  });

  const client = lazyClient({
    provider: 'Anthropic',
    given: options.client as unknown as Anthropic | undefined,
    make: () => createClient(options, maxRetries, timeout),
    apiKey: options.apiKey,
    hint: 'Pass the `apiKey` option or set ANTHROPIC_API_KEY.',
  });

  const call = async (request: ModelRequest): Promise<ModelReply> => {
    const sdk = await client();
    const requestOptions = {
      signal: request.signal,
      maxRetries,
      timeout,
      idempotencyKey: request.idempotencyKey,
    };
    const answer = async (): Promise<ModelReply> => {
      const body = messagesBody(model, request, { forceToolUse, memo });
      if (stream) {
        const events = await sdk.messages.create({ ...body, stream: true }, requestOptions);
        return await messagesStreamReply(model, request, events, memo);
      }
      return messagesReply(model, request, await sdk.messages.create(body, requestOptions), memo);
    };
    try {
      // The SDK (1.13) wakes from a retry wait when the signal aborts; older 1.x releases sleep it out.
      return await untilAborted(answer(), request.signal);
    } catch (error) {
      throw providerFailure(error, request.signal, context(request, sdk));
    }
  };

  return {
    id: `anthropic:${model}`,
    ...(price ? { price } : {}),
    call: (request) => call(request),
  };
}

async function createClient(
  options: AnthropicOptions,
  maxRetries: number,
  timeout: number,
): Promise<Anthropic> {
  const sdk = await loadAnthropicSdk();
  const AnthropicClass = sdk.Anthropic;
  return new AnthropicClass({
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    maxRetries,
    timeout,
    // The SDK logs to the console by default; Baton writes no console output below the runtime.
    logLevel: 'off',
    // The SDK (1.x) starts an OpenTelemetry span for each API call of its own whenever the application
    // has registered a tracer provider (see `openTelemetry` in its client options, and
    // `lib/internal/tracing`), and propagates trace headers from it. Baton emits its own model-call spans
    // with usage, so the SDK's are turned off here: otherwise every call, and its tokens, shows twice.
    openTelemetry: false,
  });
}

/** Loads the `@anthropic-ai/sdk` package, or throws `missing_dependency` naming what needs it and how to install it. */
export function loadAnthropicSdk(neededBy?: string): Promise<typeof import('@anthropic-ai/sdk')> {
  return loadSdk({
    name: '@anthropic-ai/sdk',
    load: () => import('@anthropic-ai/sdk'),
    ...(neededBy === undefined ? {} : { neededBy }),
  });
}
