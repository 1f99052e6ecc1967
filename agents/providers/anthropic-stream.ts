import type { ModelReply, ModelRequest } from '../model.js';
import { messagesReply, type ThinkingMemo } from './anthropic-messages.js';
import { streamEndedEarly } from './provider-support.js';
import { isRecord, notTheApiShape, optionalRecord, type ReplySource } from './reply-shape.js';

/**
 * Assembling a streamed Anthropic reply. The SDK's `messages.stream()` helper parses tool input with a
 * lenient partial-JSON parser, which would turn input that is not JSON into an object instead of the raw
 * text Baton reports as `malformed`; so the raw events of `create({ stream: true })` are accumulated
 * here and handed to the same reader as a non-streamed message.
 */

/**
 * The reply in a Messages API event stream: the message from `message_start`, its content blocks from
 * `content_block_start` and their deltas (tool input as the raw text of its `input_json_delta`s), the stop
 * reason and the final cumulative usage from `message_delta`; read like a non-streamed message. Events
 * that are not the API's shape are a non-retryable `provider_error`.
 */
export async function messagesStreamReply(
  model: string,
  request: ModelRequest,
  events: AsyncIterable<unknown>,
  memo: ThinkingMemo,
): Promise<ModelReply> {
  const source: ReplySource = { provider: 'Anthropic', api: 'Messages', model, agent: request.agent };
  let message: Record<string, unknown> | undefined;
  let stopped = false;
  const blocks = new Map<number, Record<string, unknown>>();
  const inputs = new Map<number, string>();
  for await (const event of events) {
    if (!isRecord(event)) throw notTheApiShape(source, 'event', event, 'an object');
    switch (event.type) {
      case 'message_start': {
        const start = event.message;
        if (!isRecord(start)) throw notTheApiShape(source, 'message_start.message', start, 'an object');
        const usage = optionalRecord(source, 'message_start.message.usage', start.usage);
        message = { ...start, ...(usage ? { usage: { ...usage } } : {}) };
        const content = start.content ?? [];
        if (!Array.isArray(content))
          throw notTheApiShape(source, 'message_start.message.content', content, 'an array');
        content.forEach((block: unknown, index) => {
          if (isRecord(block)) blocks.set(index, block);
        });
        break;
      }
      case 'content_block_start': {
        const block = event.content_block;
        if (!isRecord(block))
          throw notTheApiShape(source, 'content_block_start.content_block', block, 'an object');
        blocks.set(indexOf(source, event), { ...block });
        break;
      }
      case 'content_block_delta':
        applyDelta(source, blocks, inputs, indexOf(source, event), event.delta);
        break;
      case 'message_delta': {
        if (!message) break;
        const delta = optionalRecord(source, 'message_delta.delta', event.delta) ?? {};
        message.stop_reason = delta.stop_reason;
        message.stop_sequence = delta.stop_sequence;
        const usage = optionalRecord(source, 'message_delta.usage', event.usage);
        if (usage) message.usage = finalUsage(optionalRecord(source, 'usage', message.usage) ?? {}, usage);
        break;
      }
      case 'message_stop':
        stopped = true;
        break;
      default:
        break;
    }
  }
  // The SDK ends the iteration quietly when the signal aborts it: a partial reply must not pass as whole.
  request.signal.throwIfAborted();
  if (!message || !stopped) throw streamEndedEarly({ provider: 'Anthropic', model, agent: request.agent });
  const content = [...blocks.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, block]) => {
      const input = inputs.get(index);
      // `messagesReply` parses input sent as text, and reports text that is not JSON as `malformed`.
      return block.type === 'tool_use' && input !== undefined ? { ...block, input } : block;
    });
  return messagesReply(model, request, { ...message, content }, memo);
}

function indexOf(source: ReplySource, event: Record<string, unknown>): number {
  const index = event.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0)
    throw notTheApiShape(source, `${String(event.type)}.index`, index, 'a block index');
  return index;
}

function applyDelta(
  source: ReplySource,
  blocks: Map<number, Record<string, unknown>>,
  inputs: Map<number, string>,
  index: number,
  delta: unknown,
): void {
  if (!isRecord(delta)) throw notTheApiShape(source, 'content_block_delta.delta', delta, 'an object');
  const block = blocks.get(index);
  const piece = (name: string): string => {
    const value = delta[name];
    if (typeof value !== 'string')
      throw notTheApiShape(source, `content_block_delta.delta.${name}`, value, 'a string');
    return value;
  };
  const append = (type: string, name: string) => {
    const added = piece(name);
    if (block?.type !== type) return;
    const before = typeof block[name] === 'string' ? block[name] : '';
    blocks.set(index, { ...block, [name]: before + added });
  };
  if (delta.type === 'input_json_delta') {
    const json = piece('partial_json');
    if (block?.type === 'tool_use') inputs.set(index, (inputs.get(index) ?? '') + json);
  }
  if (delta.type === 'text_delta') append('text', 'text');
  if (delta.type === 'thinking_delta') append('thinking', 'thinking');
  if (delta.type === 'signature_delta') {
    const signature = piece('signature');
    if (block?.type === 'thinking') blocks.set(index, { ...block, signature });
  }
}

/** `message_delta` counts are cumulative totals for the whole message: they replace, never add to, the start's. */
function finalUsage(start: Record<string, unknown>, delta: Record<string, unknown>): Record<string, unknown> {
  const usage = { ...start };
  for (const [key, value] of Object.entries(delta))
    if (value !== null && value !== undefined) usage[key] = value;
  return usage;
}
