import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect } from 'vitest';
import { type BatonError, isBatonError } from '../../contracts/errors.js';

/**
 * A local HTTP server on 127.0.0.1 that answers the way OpenAI's Responses and Chat Completions APIs and
 * Anthropic's Messages API do, as JSON or as server-sent event streams, from a queue of canned responses,
 * and records every request it received. The real SDK clients are pointed at it with `baseURL`.
 */

/** A request the server received, with its JSON body parsed. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly raw: string;
  /** Settles when the connection closes: `answered` after a complete answer, `abandoned` when the client left first. */
  readonly settled: Promise<'answered' | 'abandoned'>;
}

/** One server-sent event: an optional `event:` name and its data, sent as JSON unless it is a string (`[DONE]`). */
export interface SseEvent {
  readonly event?: string;
  readonly data: unknown;
}

/**
 * A canned answer: a status, headers and a JSON body, or a body sent as it is (`raw`, as JSON, for what
 * `JSON.stringify` cannot write); a call that never answers until the client gives
 * up; or a stream of server-sent events, left open afterwards with `keepOpen` (a model still writing).
 */
export type FakeResponse =
  | { readonly status?: number; readonly headers?: Readonly<Record<string, string>>; readonly body: unknown }
  | { readonly status?: number; readonly raw: string }
  | { readonly hang: true }
  | { readonly events: readonly SseEvent[]; readonly keepOpen?: boolean };

/** A running fake provider server. */
export interface FakeProviderServer {
  /** `http://127.0.0.1:<port>/<token>`: Anthropic's `baseURL`. */
  readonly url: string;
  /** `http://127.0.0.1:<port>/<token>/v1`: OpenAI's `baseURL`. */
  readonly openaiURL: string;
  /** The requests addressed to this server, in order; each `path` is without the server's token. */
  readonly requests: ReceivedRequest[];
  /** Queues answers, used in order, one per request (retries included). */
  enqueue(...responses: FakeResponse[]): void;
  readonly pending: number;
  /** Resolves once the server has received `count` requests (and begun to answer the last). */
  received(count: number): Promise<void>;
  /** Refuses every later request, drops the open connections and resolves once the port is closed. */
  close(): Promise<void>;
}

let servers = 0;

/**
 * Starts a fake provider server on 127.0.0.1 on a free port. Its URLs carry a token of their own, and a
 * request without it (one addressed to an earlier server that had the same port) is refused with a 404
 * and takes no queued answer.
 */
export async function startFakeProviderServer(): Promise<FakeProviderServer> {
  const queue: FakeResponse[] = [];
  const requests: ReceivedRequest[] = [];
  const open = new Set<ServerResponse>();
  const waiters = new Set<{ readonly count: number; resolve(): void }>();
  servers += 1;
  const token = `/fake-${process.pid}-${servers}`;
  let closed = false;

  const server = createServer((req, res) => {
    const path = req.url ?? '';
    if (closed || !path.startsWith(`${token}/`)) {
      const error = { message: 'This request is not addressed to this fake server.', type: 'not_found' };
      send(res, 404, { 'x-should-retry': 'false', connection: 'close' }, { error });
      return;
    }
    const chunks: Buffer[] = [];
    const settled = new Promise<'answered' | 'abandoned'>((resolve) => {
      res.on('close', () => {
        open.delete(res);
        resolve(res.writableEnded ? 'answered' : 'abandoned');
      });
    });
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      // A request still being read when the server closed belongs to a test that has ended.
      if (closed) return void res.destroy();
      const raw = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        path: path.slice(token.length),
        headers: req.headers,
        body: raw === '' ? null : JSON.parse(raw),
        raw,
        settled,
      });
      const next = queue.shift();
      if (!next) {
        const error = {
          message: 'The fake server has no response queued for this request.',
          type: 'server_error',
        };
        send(res, 500, { 'x-should-retry': 'false' }, { error });
      } else if ('events' in next) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for (const { event, data } of next.events) {
          const text = typeof data === 'string' ? data : JSON.stringify(data);
          res.write(`${event === undefined ? '' : `event: ${event}\n`}data: ${text}\n\n`);
        }
        if (next.keepOpen) open.add(res);
        else res.end();
      } else if ('hang' in next) open.add(res);
      else if ('raw' in next) sendText(res, next.status ?? 200, {}, next.raw);
      else send(res, next.status ?? 200, next.headers ?? {}, next.body);
      for (const waiter of [...waiters]) if (requests.length >= waiter.count) waiter.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}${token}`;

  return {
    url,
    openaiURL: `${url}/v1`,
    requests,
    enqueue: (...responses) => {
      queue.push(...responses);
    },
    get pending() {
      return queue.length;
    },
    received: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const waiter = {
              count,
              resolve: () => {
                waiters.delete(waiter);
                resolve();
              },
            };
            waiters.add(waiter);
          }),
    close: async () => {
      closed = true;
      queue.length = 0;
      for (const res of open) res.destroy();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
    },
  };
}

/**
 * A fresh fake provider server for every test of the file that calls this (at its top level): started
 * before each test on a port and token of its own, closed after it with every connection it still
 * holds. A request that one test abandoned (an abort, a timeout) can only ever reach that test's server,
 * which is closed by then: it can never take the answer the next test queued. The returned handle always
 * stands for the current test's server.
 */
export function fakeProviderServerPerTest(): FakeProviderServer {
  let current: FakeProviderServer | undefined;
  beforeEach(async () => {
    current = await startFakeProviderServer();
  });
  afterEach(async () => {
    const ending = current;
    current = undefined;
    await ending?.close();
  });
  const now = (): FakeProviderServer => {
    if (!current) throw new Error('The fake provider server exists only while a test runs.');
    return current;
  };
  return {
    get url() {
      return now().url;
    },
    get openaiURL() {
      return now().openaiURL;
    },
    get requests() {
      return now().requests;
    },
    enqueue: (...responses) => now().enqueue(...responses),
    get pending() {
      return now().pending;
    },
    received: (count) => now().received(count),
    close: () => now().close(),
  };
}

function send(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: unknown,
): void {
  sendText(res, status, headers, JSON.stringify(body));
}

function sendText(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  text: string,
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Token counts as a fake server reports them, in Baton's terms. */
export interface FakeUsage {
  readonly input: number;
  readonly output: number;
  readonly cached?: number;
  readonly reasoning?: number;
}

/** A tool call as a fake server returns it: `arguments` is the raw text the model "wrote". */
export interface FakeCall {
  readonly id?: string;
  readonly name: string;
  readonly arguments: string;
}

/** What one fake model reply contains. */
export interface FakeReply {
  readonly calls?: readonly FakeCall[];
  readonly text?: string;
  readonly refusal?: string;
  /** The reply was cut by the output-token cap. */
  readonly truncated?: boolean;
  readonly usage: FakeUsage;
}

/** An output item of a Responses API response, as the fake server writes it. */
export type ResponsesItem =
  | { type: 'function_call'; id: string; call_id: string; name: string; arguments: string; status: string }
  | {
      type: 'message';
      id: string;
      status: string;
      role: 'assistant';
      content: (
        | { type: 'output_text'; text: string; annotations: [] }
        | { type: 'refusal'; refusal: string }
      )[];
    };

/** The output items of a Responses API response for a reply: text, refusal, then function calls. */
export function responsesOutput(reply: FakeReply): ResponsesItem[] {
  const output: ResponsesItem[] = [];
  const message = (id: string, part: Extract<ResponsesItem, { type: 'message' }>['content'][number]) =>
    output.push({ type: 'message', id, status: 'completed', role: 'assistant', content: [part] });
  if (reply.text !== undefined) message('msg_1', { type: 'output_text', text: reply.text, annotations: [] });
  if (reply.refusal !== undefined) message('msg_2', { type: 'refusal', refusal: reply.refusal });
  (reply.calls ?? []).forEach((call, i) => {
    output.push({
      type: 'function_call',
      id: `fc_${i + 1}`,
      call_id: call.id ?? `call_${i + 1}`,
      name: call.name,
      arguments: call.arguments,
      status: 'completed',
    });
  });
  return output;
}

/** A Responses API usage block. */
export function responsesUsage({ input, output, cached = 0, reasoning = 0 }: FakeUsage) {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  };
}

/** An OpenAI Responses API response body (`POST /v1/responses`). */
export function responsesBody(reply: FakeReply, model = 'gpt-test'): Record<string, unknown> {
  return {
    id: 'resp_1',
    object: 'response',
    created_at: 1_700_000_000,
    model,
    status: reply.truncated ? 'incomplete' : 'completed',
    incomplete_details: reply.truncated ? { reason: 'max_output_tokens' } : null,
    error: null,
    output: responsesOutput(reply),
    parallel_tool_calls: true,
    tool_choice: 'required',
    tools: [],
    usage: responsesUsage(reply.usage),
  };
}

/** A chat completion's finish reason for a reply. */
export function chatFinish(reply: FakeReply): string {
  return reply.truncated ? 'length' : (reply.calls ?? []).length > 0 ? 'tool_calls' : 'stop';
}

/** A Chat Completions usage block. */
export function chatUsage({ input, output, cached = 0, reasoning = 0 }: FakeUsage) {
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}

/** An OpenAI Chat Completions response body (`POST /v1/chat/completions`). */
export function chatBody(reply: FakeReply, model = 'gpt-test'): Record<string, unknown> {
  const calls = reply.calls ?? [];
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [
      {
        index: 0,
        finish_reason: chatFinish(reply),
        logprobs: null,
        message: {
          role: 'assistant',
          content: reply.text ?? null,
          refusal: reply.refusal ?? null,
          ...(calls.length === 0
            ? {}
            : {
                tool_calls: calls.map((call, i) => ({
                  id: call.id ?? `call_${i + 1}`,
                  type: 'function',
                  function: { name: call.name, arguments: call.arguments },
                })),
              }),
        },
      },
    ],
    usage: chatUsage(reply.usage),
  };
}

/** Anthropic's usage block, where `input_tokens` excludes cache reads and cache writes. */
export interface AnthropicUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_read_input_tokens?: number;
  readonly cache_creation_input_tokens?: number;
  readonly thinking_tokens?: number;
}

/** A fake reply as Anthropic reports it, with an optional thinking block. */
export type AnthropicReply = Omit<FakeReply, 'usage'> & {
  readonly usage: AnthropicUsage;
  readonly thinking?: string;
};

/** A content block of a Messages API reply; tool calls keep their `raw` argument text for streaming. */
export type AnthropicBlock =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string; citations: null }
  | { type: 'tool_use'; id: string; name: string; input: unknown; raw: string };

/** The content blocks of a Messages API reply: thinking, text, then tool calls. */
export function anthropicBlocks(reply: AnthropicReply): AnthropicBlock[] {
  const content: AnthropicBlock[] = [];
  if (reply.thinking !== undefined)
    content.push({ type: 'thinking', thinking: reply.thinking, signature: 'sig_1' });
  if (reply.text !== undefined) content.push({ type: 'text', text: reply.text, citations: null });
  (reply.calls ?? []).forEach((call, i) => {
    const id = call.id ?? `toolu_${i + 1}`;
    content.push({
      type: 'tool_use',
      id,
      name: call.name,
      input: parseOr(call.arguments),
      raw: call.arguments,
    });
  });
  return content;
}

/** A Messages API stop reason for a reply. */
export function anthropicStop(reply: AnthropicReply): string {
  if (reply.refusal !== undefined) return 'refusal';
  if (reply.truncated) return 'max_tokens';
  return (reply.calls ?? []).length > 0 ? 'tool_use' : 'end_turn';
}

/** A Messages API usage block, with thinking tokens under `output_tokens_details`. */
export function anthropicWireUsage({ thinking_tokens, ...usage }: AnthropicUsage) {
  return {
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    ...usage,
    ...(thinking_tokens === undefined ? {} : { output_tokens_details: { thinking_tokens } }),
  };
}

/** An Anthropic Messages API response body (`POST /v1/messages`); tool `arguments` that parse are sent as `input` objects. */
export function messagesBody(reply: AnthropicReply, model = 'claude-test'): Record<string, unknown> {
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model,
    content: anthropicBlocks(reply).map((block) => {
      if (block.type !== 'tool_use') return block;
      const { raw: _raw, ...rest } = block;
      return rest;
    }),
    stop_reason: anthropicStop(reply),
    stop_sequence: null,
    usage: anthropicWireUsage(reply.usage),
  };
}

/** Baton-style usage as Anthropic would report it: cached input moves out of `input_tokens` into cache reads. */
export function anthropicUsage(usage: FakeUsage): AnthropicUsage {
  return {
    input_tokens: usage.input - (usage.cached ?? 0),
    output_tokens: usage.output,
    cache_read_input_tokens: usage.cached ?? 0,
    cache_creation_input_tokens: 0,
    ...(usage.reasoning === undefined ? {} : { thinking_tokens: usage.reasoning }),
  };
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An error answer in OpenAI's shape (`{ error: { message, type, code } }`). */
export function openaiError(
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): FakeResponse {
  const type = status === 429 ? 'rate_limit_exceeded' : 'server_error';
  return { status, headers, body: { error: { message, type, param: null, code: null } } };
}

/** An error answer in Anthropic's shape (`{ type: 'error', error: { type, message } }`); 529 is `overloaded_error`. */
export function anthropicError(
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): FakeResponse {
  const type =
    status === 529
      ? 'overloaded_error'
      : status === 429
        ? 'rate_limit_error'
        : status === 401
          ? 'authentication_error'
          : 'api_error';
  return { status, headers, body: { type: 'error', error: { type, message }, request_id: 'req_fake' } };
}

/** Headers that make the SDKs retry after one millisecond (`retry-after-ms`, which both honour). */
export const RETRY_SOON: Readonly<Record<string, string>> = { 'retry-after-ms': '1', 'retry-after': '0.001' };

/**
 * What a model call fails with when the server gives `answer`: a `BatonError`, which the call must throw
 * (the test fails otherwise, showing what was thrown instead).
 */
export async function failureOf(
  server: FakeProviderServer,
  call: () => Promise<unknown>,
  answer: FakeResponse,
): Promise<BatonError> {
  server.enqueue(answer);
  const error = await call().catch((e: unknown) => e);
  expect(isBatonError(error), String(error)).toBe(true);
  return error as BatonError;
}
