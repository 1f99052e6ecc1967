import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server on 127.0.0.1 that answers the way OpenAI's Responses and Chat Completions APIs and
 * Anthropic's Messages API do (non-streaming JSON), from a queue of canned responses, and records every
 * request it received. The real SDK clients are pointed at it with `baseURL`.
 */

/** A request the server received, with its JSON body parsed. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly raw: string;
}

/** A canned answer: a status, headers and a JSON body, or a call that never answers until the client gives up. */
export type FakeResponse =
  | { readonly status?: number; readonly headers?: Readonly<Record<string, string>>; readonly body: unknown }
  | { readonly hang: true };

/** A running fake provider server. */
export interface FakeProviderServer {
  /** `http://127.0.0.1:<port>`: Anthropic's `baseURL`. */
  readonly url: string;
  /** `http://127.0.0.1:<port>/v1`: OpenAI's `baseURL`. */
  readonly openaiURL: string;
  readonly requests: ReceivedRequest[];
  /** Queues answers, used in order, one per request (retries included). */
  enqueue(...responses: FakeResponse[]): void;
  /** Forgets queued answers and received requests. */
  reset(): void;
  readonly pending: number;
  close(): Promise<void>;
}

/** Starts a fake provider server on 127.0.0.1 on a free port. */
export async function startFakeProviderServer(): Promise<FakeProviderServer> {
  const queue: FakeResponse[] = [];
  const requests: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: raw === '' ? null : JSON.parse(raw),
        raw,
      });
      const next = queue.shift();
      if (!next) {
        send(
          res,
          500,
          { 'x-should-retry': 'false' },
          {
            error: {
              message: 'The fake server has no response queued for this request.',
              type: 'server_error',
            },
          },
        );
        return;
      }
      if ('hang' in next) {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      send(res, next.status ?? 200, next.headers ?? {}, next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openaiURL: `${url}/v1`,
    requests,
    enqueue: (...responses) => {
      queue.push(...responses);
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
    },
    get pending() {
      return queue.length;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: unknown,
): void {
  const text = JSON.stringify(body);
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

/** An OpenAI Responses API response body (`POST /v1/responses`). */
export function responsesBody(reply: FakeReply, model = 'gpt-test'): unknown {
  const output: unknown[] = [];
  if (reply.text !== undefined) {
    output.push({
      type: 'message',
      id: 'msg_1',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: reply.text, annotations: [] }],
    });
  }
  if (reply.refusal !== undefined) {
    output.push({
      type: 'message',
      id: 'msg_2',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'refusal', refusal: reply.refusal }],
    });
  }
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
  const { input, output: out, cached = 0, reasoning = 0 } = reply.usage;
  return {
    id: 'resp_1',
    object: 'response',
    created_at: 1_700_000_000,
    model,
    status: reply.truncated ? 'incomplete' : 'completed',
    incomplete_details: reply.truncated ? { reason: 'max_output_tokens' } : null,
    error: null,
    output,
    parallel_tool_calls: true,
    tool_choice: 'required',
    tools: [],
    usage: {
      input_tokens: input,
      input_tokens_details: { cached_tokens: cached },
      output_tokens: out,
      output_tokens_details: { reasoning_tokens: reasoning },
      total_tokens: input + out,
    },
  };
}

/** An OpenAI Chat Completions response body (`POST /v1/chat/completions`). */
export function chatBody(reply: FakeReply, model = 'gpt-test'): unknown {
  const calls = reply.calls ?? [];
  const finish = reply.truncated ? 'length' : calls.length > 0 ? 'tool_calls' : 'stop';
  const { input, output, cached = 0, reasoning = 0 } = reply.usage;
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [
      {
        index: 0,
        finish_reason: finish,
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
    usage: {
      prompt_tokens: input,
      completion_tokens: output,
      total_tokens: input + output,
      prompt_tokens_details: { cached_tokens: cached },
      completion_tokens_details: { reasoning_tokens: reasoning },
    },
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

/** An Anthropic Messages API response body (`POST /v1/messages`); tool `arguments` that parse are sent as `input` objects. */
export function messagesBody(
  reply: Omit<FakeReply, 'usage'> & { readonly usage: AnthropicUsage; readonly thinking?: string },
  model = 'claude-test',
): unknown {
  const content: unknown[] = [];
  if (reply.thinking !== undefined)
    content.push({ type: 'thinking', thinking: reply.thinking, signature: 'sig_1' });
  if (reply.text !== undefined) content.push({ type: 'text', text: reply.text, citations: null });
  (reply.calls ?? []).forEach((call, i) => {
    content.push({
      type: 'tool_use',
      id: call.id ?? `toolu_${i + 1}`,
      name: call.name,
      input: parseOr(call.arguments),
    });
  });
  const calls = reply.calls ?? [];
  const stop =
    reply.refusal !== undefined
      ? 'refusal'
      : reply.truncated
        ? 'max_tokens'
        : calls.length > 0
          ? 'tool_use'
          : 'end_turn';
  const { thinking_tokens, ...usage } = reply.usage;
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: {
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      ...usage,
      ...(thinking_tokens === undefined ? {} : { output_tokens_details: { thinking_tokens } }),
    },
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
  return {
    status,
    headers,
    body: {
      error: {
        message,
        type: status === 429 ? 'rate_limit_exceeded' : 'server_error',
        param: null,
        code: null,
      },
    },
  };
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
