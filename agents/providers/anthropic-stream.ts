import type {
  Message as AnthropicMessage,
  Usage as AnthropicUsage,
  ContentBlock,
  MessageDeltaUsage,
  RawContentBlockDelta,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages/messages';
import type { ModelReply, ModelRequest } from '../model.js';
import { messagesReply, type ThinkingMemo } from './anthropic-messages.js';
import { streamEndedEarly } from './provider-support.js';

/**
 * Assembling a streamed Anthropic reply. The SDK's `messages.stream()` helper parses tool input with a
 * lenient partial-JSON parser, which would turn input that is not JSON into an object instead of the raw
 * text Baton reports as `malformed`; so the raw events of `create({ stream: true })` are accumulated
 * here and handed to the same reader as a non-streamed message.
 */

/**
 * The reply in a Messages API event stream: the message from `message_start`, its content blocks from
 * `content_block_start` and their deltas (tool input as the raw text of its `input_json_delta`s), the stop
 * reason and the final cumulative usage from `message_delta`; read like a non-streamed message.
 */
export async function messagesStreamReply(
  model: string,
  request: ModelRequest,
  events: AsyncIterable<RawMessageStreamEvent>,
  memo: ThinkingMemo,
): Promise<ModelReply> {
  let message: AnthropicMessage | undefined;
  let stopped = false;
  const blocks = new Map<number, ContentBlock>();
  const inputs = new Map<number, string>();
  for await (const event of events) {
    switch (event.type) {
      case 'message_start':
        message = { ...event.message, usage: { ...event.message.usage } };
        for (const [index, block] of (event.message.content ?? []).entries()) blocks.set(index, block);
        break;
      case 'content_block_start':
        blocks.set(event.index, { ...event.content_block });
        break;
      case 'content_block_delta':
        applyDelta(blocks, inputs, event.index, event.delta);
        break;
      case 'message_delta':
        if (!message) break;
        message.stop_reason = event.delta.stop_reason;
        message.stop_sequence = event.delta.stop_sequence;
        message.usage = finalUsage(message.usage, event.usage);
        break;
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
  return messagesReply({ ...message, content }, memo);
}

function applyDelta(
  blocks: Map<number, ContentBlock>,
  inputs: Map<number, string>,
  index: number,
  delta: RawContentBlockDelta,
): void {
  const block = blocks.get(index);
  if (delta.type === 'input_json_delta') {
    if (block?.type === 'tool_use') inputs.set(index, (inputs.get(index) ?? '') + delta.partial_json);
    return;
  }
  if (delta.type === 'text_delta' && block?.type === 'text')
    blocks.set(index, { ...block, text: block.text + delta.text });
  if (delta.type === 'thinking_delta' && block?.type === 'thinking')
    blocks.set(index, { ...block, thinking: block.thinking + delta.thinking });
  if (delta.type === 'signature_delta' && block?.type === 'thinking')
    blocks.set(index, { ...block, signature: delta.signature });
}

/** `message_delta` counts are cumulative totals for the whole message: they replace, never add to, the start's. */
function finalUsage(start: AnthropicUsage, delta: MessageDeltaUsage): AnthropicUsage {
  return {
    ...start,
    output_tokens: delta.output_tokens,
    ...(delta.input_tokens == null ? {} : { input_tokens: delta.input_tokens }),
    ...(delta.cache_read_input_tokens == null
      ? {}
      : { cache_read_input_tokens: delta.cache_read_input_tokens }),
    ...(delta.cache_creation_input_tokens == null
      ? {}
      : { cache_creation_input_tokens: delta.cache_creation_input_tokens }),
    ...(delta.output_tokens_details == null ? {} : { output_tokens_details: delta.output_tokens_details }),
    ...(delta.server_tool_use == null ? {} : { server_tool_use: delta.server_tool_use }),
  };
}
