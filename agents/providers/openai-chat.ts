import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { BatonError } from '../../contracts/errors.js';
import type { Message, ModelReply, ModelRequest, StopReason, ToolCall, ToolSpec } from '../model.js';
import { fitsStrictMode } from './openai-strict.js';
import {
  argumentText,
  checkedReply,
  plainSchema,
  renderInput,
  toolCallFromText,
  usageOf,
} from './provider-support.js';
import { isRecord, notTheApiShape, optionalRecord, type ReplySource } from './reply-shape.js';

/** Which request field carries the output-token cap: OpenAI's current name, or the older one local servers read. */
export type MaxTokensField = 'max_completion_tokens' | 'max_tokens';

/**
 * The Chat Completions request for one turn: the instructions as the system message, the input as the
 * first user message, the agent's own messages, its tools as function tools, and the reserved cap in
 * `maxTokensField`.
 */
export function chatBody(
  model: string,
  request: ModelRequest,
  maxTokensField: MaxTokensField,
): ChatCompletionCreateParamsNonStreaming {
  const messages: ChatCompletionMessageParam[] = [];
  if (request.instructions !== '') messages.push({ role: 'system', content: request.instructions });
  messages.push({ role: 'user', content: renderInput(request.input, request.facts) });
  for (const message of request.messages) messages.push(chatMessage(message));
  // An agent with no output cap and no token budget has an infinite cap: the request then sets none.
  const cap = !Number.isFinite(request.maxOutputTokens)
    ? {}
    : maxTokensField === 'max_tokens'
      ? { max_tokens: request.maxOutputTokens }
      : { max_completion_tokens: request.maxOutputTokens };
  return {
    model,
    messages,
    ...(request.tools.length === 0
      ? {}
      : { tools: request.tools.map(functionTool), tool_choice: request.toolChoice }),
    ...cap,
  };
}

function functionTool(spec: ToolSpec): ChatCompletionFunctionTool {
  const parameters = plainSchema(spec.parameters);
  return {
    type: 'function',
    function: {
      name: spec.name,
      description: spec.description,
      parameters,
      strict: fitsStrictMode(parameters),
    },
  };
}

function chatMessage(message: Message): ChatCompletionMessageParam {
  if (message.role === 'user') return { role: 'user', content: message.content };
  if (message.role === 'tool')
    return { role: 'tool', tool_call_id: message.callId, content: message.content };
  return {
    role: 'assistant',
    content: message.text === '' ? null : message.text,
    ...(message.toolCalls.length === 0
      ? {}
      : {
          tool_calls: message.toolCalls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            function: { name: call.name, arguments: argumentText(call) },
          })),
        }),
  };
}

/**
 * The reply in a chat completion: text, function calls (arguments that are not JSON come back
 * `malformed`), the stop reason (`length` when the cap cut it, `refusal` for a refusal or a content
 * filter) and the usage; a server that sends no usage block gets an estimate, never zero. The completion
 * is read as untrusted JSON: one without a `choices` array and a message in its first choice is a
 * non-retryable `provider_error` naming what was missing.
 */
export function chatReply(model: string, request: ModelRequest, completion: unknown): ModelReply {
  const source: ReplySource = { provider: 'OpenAI', api: 'Chat Completions', model, agent: request.agent };
  if (!isRecord(completion)) throw notTheApiShape(source, 'completion', completion, 'an object');
  const choices = completion.choices;
  if (!Array.isArray(choices)) throw notTheApiShape(source, 'choices', choices, 'an array');
  const choice: unknown = choices[0];
  if (choice === undefined) {
    throw new BatonError(
      'provider_error',
      `OpenAI-compatible model "${model}" (agent "${request.agent}") answered with no choices. Check that the server supports chat completions with tools.`,
      {
        retryable: false,
        details: { provider: 'OpenAI', model, agent: request.agent, status: null, answered: true },
      },
    );
  }
  if (!isRecord(choice)) throw notTheApiShape(source, 'choices[0]', choice, 'an object');
  const message = choice.message;
  if (!isRecord(message)) throw notTheApiShape(source, 'choices[0].message', message, 'an object');
  const content = optionalText(source, 'choices[0].message.content', message.content);
  const refusal = optionalText(source, 'choices[0].message.refusal', message.refusal);
  const calls = message.tool_calls ?? [];
  if (!Array.isArray(calls)) throw notTheApiShape(source, 'choices[0].message.tool_calls', calls, 'an array');
  const toolCalls: ToolCall[] = [];
  calls.forEach((call: unknown, index) => {
    const at = `choices[0].message.tool_calls[${index}]`;
    if (!isRecord(call)) throw notTheApiShape(source, at, call, 'an object');
    if (call.type !== undefined && call.type !== 'function') return;
    const fn = call.function;
    if (!isRecord(fn)) throw notTheApiShape(source, `${at}.function`, fn, 'an object');
    if (typeof fn.name !== 'string' || fn.name === '')
      throw notTheApiShape(source, `${at}.function.name`, fn.name, 'a non-empty string');
    const args = optionalText(source, `${at}.function.arguments`, fn.arguments);
    const id = typeof call.id === 'string' && call.id !== '' ? call.id : `call_${index + 1}`;
    toolCalls.push(toolCallFromText(id, fn.name, args));
  });
  const refused = refusal !== '';
  const usage = optionalRecord(source, 'usage', completion.usage);
  const promptDetails =
    usage && optionalRecord(source, 'usage.prompt_tokens_details', usage.prompt_tokens_details);
  const completionDetails =
    usage && optionalRecord(source, 'usage.completion_tokens_details', usage.completion_tokens_details);
  return checkedReply(model, request, {
    text: content + refusal,
    toolCalls,
    stop: stopReason(choice.finish_reason, refused, toolCalls.length > 0),
    usage:
      usage &&
      usageOf(source, {
        input: [{ field: 'usage.prompt_tokens', value: usage.prompt_tokens }],
        output: { field: 'usage.completion_tokens', value: usage.completion_tokens },
        cached: { field: 'usage.prompt_tokens_details.cached_tokens', value: promptDetails?.cached_tokens },
        reasoning: {
          field: 'usage.completion_tokens_details.reasoning_tokens',
          value: completionDetails?.reasoning_tokens,
        },
      }),
  });
}

/** A text field the API may send as null or leave out: '' then. */
function optionalText(source: ReplySource, field: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw notTheApiShape(source, field, value, 'a string or null');
  return value;
}

function stopReason(finish: unknown, refused: boolean, called: boolean): StopReason {
  if (refused || finish === 'content_filter') return 'refusal';
  if (finish === 'length') return 'length';
  return called ? 'tool_calls' : 'end';
}
