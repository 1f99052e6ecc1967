import type {
  FunctionTool,
  Response,
  ResponseCreateParamsNonStreaming,
  ResponseInputItem,
} from 'openai/resources/responses/responses';
import { BatonError } from '../../contracts/errors.js';
import type { Message, ModelReply, ModelRequest, StopReason, ToolCall, ToolSpec } from '../model.js';
import { fitsStrictMode } from './openai-strict.js';
import {
  argumentText,
  estimatedUsage,
  plainSchema,
  renderInput,
  toolCallFromText,
  usageOf,
} from './provider-support.js';

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
  const input: ResponseInputItem[] = [{ role: 'user', content: renderInput(request.input) }];
  for (const message of request.messages) input.push(...inputItems(message));
  return {
    model,
    ...(request.instructions === '' ? {} : { instructions: request.instructions }),
    input,
    ...(request.tools.length === 0
      ? {}
      : { tools: request.tools.map(functionTool), tool_choice: request.toolChoice }),
    max_output_tokens: request.maxOutputTokens,
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
 */
export function responsesReply(model: string, request: ModelRequest, response: Response): ModelReply {
  if (response.status === 'failed') {
    throw new BatonError(
      'provider_error',
      `OpenAI model "${model}" (agent "${request.agent}") failed: ${response.error?.message ?? 'no reason given'}. The call may succeed later.`,
      {
        retryable: true,
        details: {
          provider: 'OpenAI',
          model,
          agent: request.agent,
          status: null,
          code: response.error?.code ?? null,
        },
      },
    );
  }
  let text = '';
  let refused = false;
  const toolCalls: ToolCall[] = [];
  for (const item of response.output ?? []) {
    if (item.type === 'function_call')
      toolCalls.push(toolCallFromText(item.call_id, item.name, item.arguments));
    if (item.type !== 'message') continue;
    for (const part of item.content) {
      if (part.type === 'output_text') text += part.text;
      if (part.type === 'refusal') {
        refused = true;
        text += part.refusal;
      }
    }
  }
  const stop = stopReason(response, refused, toolCalls.length > 0);
  const usage = response.usage
    ? usageOf({
        input: response.usage.input_tokens,
        output: response.usage.output_tokens,
        cached: response.usage.input_tokens_details?.cached_tokens,
        reasoning: response.usage.output_tokens_details?.reasoning_tokens,
      })
    : estimatedUsage(request, { text, toolCalls, stop });
  return { text, toolCalls, usage, stop };
}

function stopReason(response: Response, refused: boolean, called: boolean): StopReason {
  if (refused) return 'refusal';
  if (response.status === 'incomplete')
    return response.incomplete_details?.reason === 'content_filter' ? 'refusal' : 'length';
  return called ? 'tool_calls' : 'end';
}
