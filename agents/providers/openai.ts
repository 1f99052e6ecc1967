import type OpenAI from 'openai';
import { assertText } from '../../contracts/arguments.js';
import type { Model, ModelReply, ModelRequest, Price } from '../model.js';
import { untilAborted } from '../until-aborted.js';
import { chatBody, chatReply, type MaxTokensField } from './openai-chat.js';
import { RESPONSES_MIN_OUTPUT_TOKENS, responsesBody, responsesReply } from './openai-responses.js';
import { chatStreamReply, responsesStreamReply } from './openai-stream.js';
import { priceOf } from './prices.js';
import {
  checkedPrice,
  type FailureContext,
  lazyClient,
  loadSdk,
  PROVIDER_DEFAULTS,
  providerFailure,
} from './provider-support.js';

/** An `openai` client instance (`new OpenAI(...)`), typed loosely so that Baton's types do not need the package. */
export interface OpenAIClient {
  readonly responses: object;
  readonly chat: object;
}

/** Options of the OpenAI provider. */
export interface OpenAIOptions {
  /**
   * The API key. When absent, the `openai` SDK reads `OPENAI_API_KEY`. With a `baseURL` (a local server such
   * as Ollama or vLLM) the key is optional: when neither is given, requests go without an `Authorization` header.
   */
  readonly apiKey?: string;
  /** Another server that speaks the OpenAI API: Ollama, vLLM, LM Studio, llama.cpp (with `api: 'chat'`). */
  readonly baseURL?: string;
  /** The OpenAI organization the calls are billed to; the SDK reads `OPENAI_ORG_ID` when absent. */
  readonly organization?: string;
  /** `responses` (the default) for OpenAI's Responses API, `chat` for Chat Completions. */
  readonly api?: 'responses' | 'chat';
  /**
   * For `api: 'chat'`, the field that carries the output-token cap. Defaults to `max_tokens` when a
   * `baseURL` is given (what OpenAI-compatible servers read) and to `max_completion_tokens` otherwise.
   */
  readonly maxTokensField?: MaxTokensField;
  /** How many times the SDK retries a failed call (429, 5xx, timeouts), honouring `retry-after`. Default 2. */
  readonly maxRetries?: number;
  /** Milliseconds before one attempt times out. Default 300 000 (5 minutes). */
  readonly timeout?: number;
  /**
   * Whether to receive the reply as a server-sent event stream (default false). The reply, usage and
   * errors are the same; a stream keeps a long call alive through proxies' idle timeouts, and the
   * AbortSignal stops it mid-way. With `api: 'chat'` the usage is asked for with `stream_options`.
   * `timeout` then bounds the wait for the stream to start; a stream that stalls later is ended by the signal.
   */
  readonly stream?: boolean;
  /** Overrides the price from Baton's price table (USD per million tokens). */
  readonly price?: Price;
  /** A client to use instead of constructing one (for tests and custom transports). */
  readonly client?: OpenAIClient;
}

/**
 * A `Model` backed by OpenAI through the official `openai` SDK (an optional peer dependency, loaded on
 * first use): the Responses API by default, Chat Completions with `api: 'chat'`. Tools are sent as
 * function tools, strict when their schema allows; the reserved budget is the output-token cap.
 * Calls are streamed only with `stream: true`. Its id is `openai:<model>` and its price comes from
 * `PRICES` unless `price` is given (a model the table does not know is metered as free). A call throws
 * `missing_dependency` when the SDK is not installed, `aborted` when its signal aborts, and
 * `provider_error` (with `retryable`) when the provider still fails after the SDK's retries or answers
 * something that is not a reply.
 *
 * @example
 * ```ts
 * import { openai } from 'baton-flow';
 *
 * export const model = openai('gpt-5-mini'); // the key comes from OPENAI_API_KEY
 * export const streamed = openai('gpt-5-mini', { stream: true, maxRetries: 4 });
 * // A local server that speaks Chat Completions (here Ollama) needs no key.
 * export const local = openai('llama3.1', { api: 'chat', baseURL: 'http://127.0.0.1:11434/v1' });
 * ```
 */
export function openai(model: string, options: OpenAIOptions = {}): Model {
  assertText(model, 'openai', 'the model name');
  const api = options.api ?? 'responses';
  const stream = options.stream ?? false;
  const maxRetries = options.maxRetries ?? PROVIDER_DEFAULTS.maxRetries;
  const timeout = options.timeout ?? PROVIDER_DEFAULTS.timeout;
  const maxTokensField =
    options.maxTokensField ?? (options.baseURL === undefined ? 'max_completion_tokens' : 'max_tokens');
  const price = checkedPrice(`openai("${model}")`, options.price) ?? priceOf(`openai:${model}`);

  const context = (request: ModelRequest, sdk: OpenAI | undefined): FailureContext => ({
    provider: 'OpenAI',
    model,
    agent: request.agent,
    maxRetries,
    timeout,
    apiKey: options.apiKey ?? sdk?.apiKey ?? undefined,
    keyVariable: 'OPENAI_API_KEY',
    baseURL: sdk?.baseURL ?? options.baseURL,
  });

  const client = lazyClient({
    provider: 'OpenAI',
    given: options.client as unknown as OpenAI | undefined,
    make: () => createClient(options, maxRetries, timeout),
    apiKey: options.apiKey,
    hint: 'Pass the `apiKey` option or set OPENAI_API_KEY (a local server at `baseURL` needs neither).',
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
      if (api === 'chat') {
        const body = chatBody(model, request, maxTokensField);
        if (stream) {
          const chunks = await sdk.chat.completions.create(
            { ...body, stream: true, stream_options: { include_usage: true } },
            requestOptions,
          );
          return await chatStreamReply(model, request, chunks);
        }
        return chatReply(model, request, await sdk.chat.completions.create(body, requestOptions));
      }
      const body = responsesBody(model, request);
      if (stream) {
        const events = await sdk.responses.create({ ...body, stream: true }, requestOptions);
        return await responsesStreamReply(model, request, events);
      }
      // The raw answer, read here: the SDK's own reading of a Responses body throws a TypeError on one
      // without an `output` array, where Baton names what is missing.
      const raw = await sdk.responses.create(body, requestOptions).asResponse();
      return responsesReply(model, request, await jsonOf(raw));
    };
    try {
      // The SDK (6.x) sleeps out a `retry-after` without looking at the signal: a deadline or a cancel
      // must not wait for it.
      return await untilAborted(answer(), request.signal);
    } catch (error) {
      throw providerFailure(error, request.signal, context(request, sdk));
    }
  };

  return {
    id: `openai:${model}`,
    ...(price ? { price } : {}),
    // The Responses API refuses a smaller max_output_tokens: a budget that leaves fewer ends the run
    // token_budget instead of failing the call.
    ...(api === 'responses' ? { minOutputTokens: RESPONSES_MIN_OUTPUT_TOKENS } : {}),
    call: (request) => call(request),
  };
}

async function createClient(options: OpenAIOptions, maxRetries: number, timeout: number): Promise<OpenAI> {
  const sdk = await loadOpenAISdk();
  const OpenAIClass = sdk.OpenAI;
  const settings = {
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    ...(options.organization === undefined ? {} : { organization: options.organization }),
    maxRetries,
    timeout,
    // The SDK logs to the console by default; Baton writes no console output below the runtime.
    logLevel: 'off' as const,
  };
  try {
    return new OpenAIClass(settings);
  } catch (error) {
    // The SDK refuses to start with no key (none given, none in OPENAI_API_KEY). A local server at
    // `baseURL` needs none: give the SDK a placeholder and send no Authorization header at all.
    if (options.apiKey !== undefined || options.baseURL === undefined) throw error;
    return new OpenAIClass({ ...settings, apiKey: 'no-key', defaultHeaders: { Authorization: null } });
  }
}

/** The JSON of a 200 answer; a body that is not JSON is left to `responsesReply` to name. */
async function jsonOf(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Loads the `openai` package, or throws `missing_dependency` naming what needs it and how to install it. */
export function loadOpenAISdk(neededBy?: string): Promise<typeof import('openai')> {
  return loadSdk({
    name: 'openai',
    load: () => import('openai'),
    ...(neededBy === undefined ? {} : { neededBy }),
  });
}
