import type {
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  MessageParam,
  RedactedThinkingBlockParam,
  ThinkingBlockParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages/messages';
import { BatonError } from '../../contracts/errors.js';
import type { Message, ModelReply, ModelRequest, StopReason, ToolCall, ToolSpec } from '../model.js';
import { checkedReply, plainSchema, renderInput, toolCallFromText, usageOf } from './provider-support.js';
import { isRecord, notTheApiShape, optionalRecord, type ReplySource } from './reply-shape.js';

/** Thinking blocks of a reply, which the Messages API wants back, unchanged, before the tool calls they led to. */
export type ThinkingBlocks = readonly (ThinkingBlockParam | RedactedThinkingBlockParam)[];

/** Where the provider keeps the thinking blocks of its replies, keyed by the id of the reply's first tool call. */
export interface ThinkingMemo {
  get(callId: string): ThinkingBlocks | undefined;
  set(callId: string, blocks: ThinkingBlocks): void;
}

/**
 * The Messages API request for one turn: the instructions as `system`, the input as the first user
 * message, the agent's own messages (consecutive blocks of one role merged into one message), its tools
 * with `input_schema`, `tool_choice: any` when a tool call is required and forcing is on, and the
 * reserved cap as `max_tokens`.
 */
export function messagesBody(
  model: string,
  request: ModelRequest,
  { forceToolUse, memo }: { forceToolUse: boolean; memo: ThinkingMemo },
): MessageCreateParamsNonStreaming {
  if (!Number.isFinite(request.maxOutputTokens)) {
    // The Messages API requires max_tokens; an agent with no output cap and no token budget has none.
    throw new BatonError(
      'invalid_argument',
      `Anthropic model "${model}" (agent "${request.agent}") needs a cap on output tokens, and the agent has none: set its budget.maxOutputTokens (default 4096) to a number, or give the flow a token budget.`,
      { details: { agent: request.agent, model } },
    );
  }
  const messages: MessageParam[] = [];
  const add = (role: 'user' | 'assistant', blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const last = messages.at(-1);
    if (last && last.role === role && Array.isArray(last.content)) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };
  add('user', [{ type: 'text', text: renderInput(request.input, request.facts) }]);
  for (const message of request.messages) {
    if (message.role === 'assistant') add('assistant', assistantBlocks(message, memo));
    else if (message.role === 'tool')
      add('user', [
        {
          type: 'tool_result',
          tool_use_id: message.callId,
          content: message.content,
          ...(message.isError ? { is_error: true } : {}),
        },
      ]);
    else add('user', [{ type: 'text', text: message.content }]);
  }
  const choice =
    request.toolChoice === 'required' && forceToolUse
      ? ({ type: 'any' } as const)
      : ({ type: 'auto' } as const);
  return {
    model,
    max_tokens: request.maxOutputTokens,
    ...(request.instructions === '' ? {} : { system: request.instructions }),
    messages,
    ...(request.tools.length === 0 ? {} : { tools: request.tools.map(tool), tool_choice: choice }),
  };
}

function tool(spec: ToolSpec): Tool {
  return {
    name: spec.name,
    description: spec.description,
    input_schema: plainSchema(spec.parameters) as Tool.InputSchema,
  };
}

function assistantBlocks(
  message: Extract<Message, { role: 'assistant' }>,
  memo: ThinkingMemo,
): ContentBlockParam[] {
  const first = message.toolCalls[0];
  const blocks: ContentBlockParam[] = first ? [...(memo.get(first.id) ?? [])] : [];
  if (message.text !== '') blocks.push({ type: 'text', text: message.text });
  for (const call of message.toolCalls) {
    const input = isRecord(call.arguments) && !call.malformed ? call.arguments : {};
    blocks.push({ type: 'tool_use', id: call.id, name: call.name, input });
  }
  return blocks;
}

/**
 * The reply in a Messages API response: text, tool calls (an `input` sent as text that is not JSON comes
 * back `malformed`), the stop reason (`length` for `max_tokens`, `refusal` for a refusal) and the usage:
 * input is `input_tokens` plus cache reads and cache writes, cached input is the cache reads. The message
 * is read as untrusted JSON: one without its `content` array, or with blocks that are not the API's, is a
 * non-retryable `provider_error`; a missing usage block is estimated, as for OpenAI.
 */
export function messagesReply(
  model: string,
  request: ModelRequest,
  response: unknown,
  memo: ThinkingMemo,
): ModelReply {
  const source: ReplySource = { provider: 'Anthropic', api: 'Messages', model, agent: request.agent };
  if (!isRecord(response)) throw notTheApiShape(source, 'message', response, 'an object');
  const content = response.content;
  if (!Array.isArray(content)) throw notTheApiShape(source, 'content', content, 'an array');
  let text = '';
  const toolCalls: ToolCall[] = [];
  const thinking: (ThinkingBlockParam | RedactedThinkingBlockParam)[] = [];
  content.forEach((block: unknown, index) => {
    const at = `content[${index}]`;
    if (!isRecord(block)) throw notTheApiShape(source, at, block, 'an object');
    const field = (name: string) => textAt(source, `${at}.${name}`, block[name]);
    if (block.type === 'text') text += field('text');
    if (block.type === 'tool_use') {
      const id = field('id');
      const name = field('name');
      if (id === '' || name === '')
        throw notTheApiShape(source, `${at}.${id === '' ? 'id' : 'name'}`, '', 'a non-empty string');
      toolCalls.push(fromInput(id, name, block.input));
    }
    if (block.type === 'thinking')
      thinking.push({ type: 'thinking', thinking: field('thinking'), signature: field('signature') });
    if (block.type === 'redacted_thinking') thinking.push({ type: 'redacted_thinking', data: field('data') });
  });
  const first = toolCalls[0];
  if (first && thinking.length > 0) memo.set(first.id, thinking);
  const usage = optionalRecord(source, 'usage', response.usage);
  const details = usage && optionalRecord(source, 'usage.output_tokens_details', usage.output_tokens_details);
  const cacheRead = { field: 'usage.cache_read_input_tokens', value: usage?.cache_read_input_tokens };
  return checkedReply(model, request, {
    text,
    toolCalls,
    stop: stopReason(response.stop_reason, toolCalls.length > 0),
    usage:
      usage &&
      usageOf(source, {
        input: [
          { field: 'usage.input_tokens', value: usage.input_tokens },
          cacheRead,
          { field: 'usage.cache_creation_input_tokens', value: usage.cache_creation_input_tokens },
        ],
        output: { field: 'usage.output_tokens', value: usage.output_tokens },
        cached: cacheRead,
        reasoning: { field: 'usage.output_tokens_details.thinking_tokens', value: details?.thinking_tokens },
      }),
  });
}

function textAt(source: ReplySource, field: string, value: unknown): string {
  if (typeof value !== 'string') throw notTheApiShape(source, field, value, 'a string');
  return value;
}

/** The Messages API sends `input` as a parsed object; a server that sends text gets it parsed here. */
function fromInput(id: string, name: string, input: unknown): ToolCall {
  return typeof input === 'string' ? toolCallFromText(id, name, input) : { id, name, arguments: input ?? {} };
}

function stopReason(reason: unknown, called: boolean): StopReason {
  if (reason === 'refusal') return 'refusal';
  if (reason === 'max_tokens' || reason === 'model_context_window_exceeded') return 'length';
  return called ? 'tool_calls' : 'end';
}

/** A memo that keeps the thinking blocks of the latest `limit` replies. */
export function thinkingMemo(limit = 256): ThinkingMemo {
  const blocks = new Map<string, ThinkingBlocks>();
  return {
    get: (callId) => blocks.get(callId),
    set(callId, value) {
      blocks.set(callId, value);
      if (blocks.size > limit) blocks.delete(blocks.keys().next().value as string);
    },
  };
}
