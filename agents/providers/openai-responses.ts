import type {
  FunctionTool,
  ResponseCreateParamsNonStreaming,
  ResponseInputItem,
} from 'openai/resources/responses/responses';
import { BatonError } from '../../contracts/errors.js';
import type { Message, ModelReply, ModelRequest, StopReason, ToolCall, ToolSpec } from '../model.js';
import { fitsStrictMode } from './openai-strict.js';
import {
  argumentText,
  checkedReply,
  plainSchema,
  redactText,
  renderInput,
  toolCallFromText,
  usageOf,
} from './provider-support.js';
import { isRecord, notTheApiShape, optionalRecord, type ReplySource } from './reply-shape.js';

/** The smallest `max_output_tokens` the Responses API accepts. */
export const RESPONSES_MIN_OUTPUT_TOKENS = 16;

/**
 * The Responses API request for one turn: the instructions, the input as the first user message, the
 * agent's own messages, its tools as function tools, and the reserved cap as `max_output_tokens`.
 * Nothing is stored server-side (`store: false`): each call carries exactly what Baton sends.
 */
export function responsesBody(model: string, request: ModelRequest): ResponseCreateParamsNonStreaming {
  if (request.maxOutputTokens < RESPONSES_MIN_OUTPUT_TOKENS) {
    throw new BatonError(
      'provider_error',
      `OpenAI model "${model}" (agent "${request.agent}"): the budget leaves ${request.maxOutputTokens} output tokens, but the Responses API needs at least ${RESPONSES_MIN_OUTPUT_TOKENS}. ` +
        "Raise the agent's or the flow's token budget, or use api: 'chat'.",
      {
        retryable: false,
        details: {
          provider: 'OpenAI',
          model,
          agent: request.agent,
          maxOutputTokens: request.maxOutputTokens,
        },
      },
    );
  }
  const input: ResponseInputItem[] = [{ role: 'user', content: renderInput(request.input, request.facts) }];
  for (const message of request.messages) input.push(...inputItems(message));
  return {
    model,
    ...(request.instructions === '' ? {} : { instructions: request.instructions }),
    input,
    ...(request.tools.length === 0
      ? {}
      : { tools: request.tools.map(functionTool), tool_choice: request.toolChoice }),
    // An infinite cap (no output cap, no token budget) sets none.
    ...(Number.isFinite(request.maxOutputTokens) ? { max_output_tokens: request.maxOutputTokens } : {}),
    store: false,
  };
}

function functionTool(spec: ToolSpec): FunctionTool {
  const parameters = plainSchema(spec.parameters);
  return {
    type: 'function',
    name: spec.name,
    description: spec.description,
    parameters,
    strict: fitsStrictMode(parameters),
  };
}

function inputItems(message: Message): ResponseInputItem[] {
  if (message.role === 'user') return [{ role: 'user', content: message.content }];
  if (message.role === 'tool')
    return [{ type: 'function_call_output', call_id: message.callId, output: message.content }];
  const items: ResponseInputItem[] =
    message.text === '' ? [] : [{ role: 'assistant', content: message.text }];
  for (const call of message.toolCalls) {
    items.push({ type: 'function_call', call_id: call.id, name: call.name, arguments: argumentText(call) });
  }
  return items;
}

/**
 * The reply in a Responses API response: text, function calls (arguments that are not JSON come back
 * `malformed`), the stop reason (`length` when `max_output_tokens` cut it, `refusal` for a refusal or a
 * content filter) and the usage, input including cached tokens and output including reasoning tokens.
 * The response is read as untrusted JSON: an answer without its `output` array, or with items that are
 * not the API's, is a non-retryable `provider_error`; a missing usage block is estimated.
 */
export function responsesReply(model: string, request: ModelRequest, response: unknown): ModelReply {
  const source: ReplySource = { provider: 'OpenAI', api: 'Responses', model, agent: request.agent };
  if (!isRecord(response)) throw notTheApiShape(source, 'response', response, 'an object');
  if (response.status === 'failed') throw failed(source, optionalRecord(source, 'error', response.error));
  const output = response.output;
  if (!Array.isArray(output)) throw notTheApiShape(source, 'output', output, 'an array');
  let text = '';
  let refused = false;
  const toolCalls: ToolCall[] = [];
  output.forEach((item: unknown, index) => {
    const at = `output[${index}]`;
    if (!isRecord(item)) throw notTheApiShape(source, at, item, 'an object');
    if (item.type === 'function_call') toolCalls.push(functionCall(source, at, item));
    if (item.type !== 'message') return;
    const content = item.content;
    if (!Array.isArray(content)) throw notTheApiShape(source, `${at}.content`, content, 'an array');
    content.forEach((part: unknown, partIndex) => {
      const where = `${at}.content[${partIndex}]`;
      if (!isRecord(part)) throw notTheApiShape(source, where, part, 'an object');
      if (part.type === 'output_text') text += textAt(source, `${where}.text`, part.text);
      if (part.type === 'refusal') {
        refused = true;
        text += textAt(source, `${where}.refusal`, part.refusal);
      }
    });
  });
  const usage = optionalRecord(source, 'usage', response.usage);
  const inputDetails =
    usage && optionalRecord(source, 'usage.input_tokens_details', usage.input_tokens_details);
  const outputDetails =
    usage && optionalRecord(source, 'usage.output_tokens_details', usage.output_tokens_details);
  return checkedReply(model, request, {
    text,
    toolCalls,
    stop: stopReason(response, refused, toolCalls.length > 0),
    usage:
      usage &&
      usageOf(source, {
        input: [{ field: 'usage.input_tokens', value: usage.input_tokens }],
        output: { field: 'usage.output_tokens', value: usage.output_tokens },
        cached: {
          field: 'usage.input_tokens_details.cached_tokens',
          value: inputDetails?.cached_tokens,
        },
        reasoning: {
          field: 'usage.output_tokens_details.reasoning_tokens',
          value: outputDetails?.reasoning_tokens,
        },
      }),
  });
}

function functionCall(source: ReplySource, at: string, item: Record<string, unknown>): ToolCall {
  const { call_id: id, name, arguments: args } = item;
  if (typeof id !== 'string' || id === '')
    throw notTheApiShape(source, `${at}.call_id`, id, 'a non-empty string');
  if (typeof name !== 'string' || name === '')
    throw notTheApiShape(source, `${at}.name`, name, 'a non-empty string');
  return toolCallFromText(
    id,
    name,
    args === undefined || args === null ? '' : textAt(source, `${at}.arguments`, args),
  );
}

function textAt(source: ReplySource, field: string, value: unknown): string {
  if (typeof value !== 'string') throw notTheApiShape(source, field, value, 'a string');
  return value;
}

function failed(source: ReplySource, error: Record<string, unknown> | undefined): BatonError {
  const said = typeof error?.message === 'string' ? redactText(error.message) : 'no reason given';
  return new BatonError(
    'provider_error',
    `OpenAI model "${source.model}" (agent "${source.agent}") failed: ${said}. The call may succeed later.`,
    {
      retryable: true,
      details: {
        provider: 'OpenAI',
        model: source.model,
        agent: source.agent,
        status: null,
        code: typeof error?.code === 'string' ? error.code : null,
      },
    },
  );
}

function stopReason(response: Record<string, unknown>, refused: boolean, called: boolean): StopReason {
  if (refused) return 'refusal';
  if (response.status === 'incomplete') {
    const details = isRecord(response.incomplete_details) ? response.incomplete_details : {};
    return details.reason === 'content_filter' ? 'refusal' : 'length';
  }
  return called ? 'tool_calls' : 'end';
}
