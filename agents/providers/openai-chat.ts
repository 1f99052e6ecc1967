import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
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
  messages.push({ role: 'user', content: renderInput(request.input) });
  for (const message of request.messages) messages.push(chatMessage(message));
  const cap =
    maxTokensField === 'max_tokens'
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
 * filter) and the usage; a server that sends no usage block gets an estimate, never zero.
 */
export function chatReply(model: string, request: ModelRequest, completion: ChatCompletion): ModelReply {
  const choice = completion.choices?.[0];
  if (!choice) {
    throw new BatonError(
      'provider_error',
      `OpenAI-compatible model "${model}" (agent "${request.agent}") answered with no choices. Check that the server supports chat completions with tools.`,
      {
        retryable: false,
        details: { provider: 'OpenAI', model, agent: request.agent, status: null },
      },
    );
  }
  const message = choice.message;
  const refusal = typeof message.refusal === 'string' && message.refusal !== '' ? message.refusal : null;
  const toolCalls: ToolCall[] = [];
  (message.tool_calls ?? []).forEach((call, index) => {
    if (call.type === 'function')
      toolCalls.push(
        toolCallFromText(call.id || `call_${index + 1}`, call.function.name, call.function.arguments ?? ''),
      );
  });
  const text = (message.content ?? '') + (refusal ?? '');
  const stop = stopReason(choice.finish_reason, refusal !== null, toolCalls.length > 0);
  const usage = completion.usage
    ? usageOf({
        input: completion.usage.prompt_tokens,
        output: completion.usage.completion_tokens,
        cached: completion.usage.prompt_tokens_details?.cached_tokens,
        reasoning: completion.usage.completion_tokens_details?.reasoning_tokens,
      })
    : estimatedUsage(request, { text, toolCalls, stop });
  return { text, toolCalls, usage, stop };
}

function stopReason(finish: string | null | undefined, refused: boolean, called: boolean): StopReason {
  if (refused || finish === 'content_filter') return 'refusal';
  if (finish === 'length') return 'length';
  return called ? 'tool_calls' : 'end';
}
