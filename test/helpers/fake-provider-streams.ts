import {
  type AnthropicReply,
  type AnthropicUsage,
  anthropicBlocks,
  anthropicStop,
  anthropicWireUsage,
  chatFinish,
  chatUsage,
  type FakeReply,
  type FakeResponse,
  type FakeUsage,
  responsesBody,
  responsesOutput,
  responsesUsage,
  type SseEvent,
} from './fake-provider-server.js';

/**
 * Server-sent event streams in each provider API's documented format, built from the same fake replies as
 * the fake provider server's JSON bodies, so a streamed and a non-streamed call can be compared.
 */

/** How a reply is cut into a stream. */
export interface StreamShape {
  /** Characters per text or argument delta (default 4); 1 sends one delta per character. */
  readonly chunk?: number;
  /** Usage reported by the events before the final one, which the final usage replaces. */
  readonly staleUsage?: FakeUsage;
}

/** A stream answer from events, optionally cut after `cutAfter` events and left open or ended there. */
export function streamed(
  events: readonly SseEvent[],
  { cutAfter, keepOpen = false }: { cutAfter?: number; keepOpen?: boolean } = {},
): FakeResponse {
  return { events: cutAfter === undefined ? events : events.slice(0, cutAfter), keepOpen };
}

function pieces(text: string, size = 4): string[] {
  const out: string[] = [];
  const step = Math.max(1, size);
  for (let at = 0; at < text.length; at += step) out.push(text.slice(at, at + step));
  return out;
}

/**
 * A Responses API event stream (`stream: true`): `response.created` and `.in_progress`, then per output
 * item `response.output_item.added`, its content parts and text, refusal or function call argument deltas
 * and their `.done` events, `response.output_item.done`, and finally `response.completed` (or
 * `response.incomplete` when truncated) carrying the whole response and its usage.
 */
export function responsesEvents(reply: FakeReply, shape: StreamShape = {}, model = 'gpt-test'): SseEvent[] {
  const final = responsesBody(reply, model);
  const events: SseEvent[] = [];
  const push = (type: string, fields: Record<string, unknown>) =>
    events.push({ event: type, data: { type, sequence_number: events.length, ...fields } });
  const early = {
    ...final,
    status: 'in_progress',
    incomplete_details: null,
    output: [],
    usage: shape.staleUsage ? responsesUsage(shape.staleUsage) : null,
  };
  push('response.created', { response: early });
  push('response.in_progress', { response: early });
  responsesOutput(reply).forEach((item, output_index) => {
    const at = { item_id: item.id, output_index };
    if (item.type === 'function_call') {
      push('response.output_item.added', {
        output_index,
        item: { ...item, arguments: '', status: 'in_progress' },
      });
      for (const delta of pieces(item.arguments, shape.chunk))
        push('response.function_call_arguments.delta', { ...at, delta });
      push('response.function_call_arguments.done', { ...at, name: item.name, arguments: item.arguments });
    } else {
      push('response.output_item.added', {
        output_index,
        item: { ...item, status: 'in_progress', content: [] },
      });
      item.content.forEach((part, content_index) => {
        const refusal = part.type === 'refusal';
        const text = part.type === 'refusal' ? part.refusal : part.text;
        const empty = refusal
          ? { type: 'refusal', refusal: '' }
          : { type: 'output_text', text: '', annotations: [] };
        const kind = refusal ? 'response.refusal' : 'response.output_text';
        const extra = refusal ? {} : { logprobs: [] };
        push('response.content_part.added', { ...at, content_index, part: empty });
        for (const delta of pieces(text, shape.chunk))
          push(`${kind}.delta`, { ...at, content_index, delta, ...extra });
        push(`${kind}.done`, { ...at, content_index, ...(refusal ? { refusal: text } : { text }), ...extra });
        push('response.content_part.done', { ...at, content_index, part });
      });
    }
    push('response.output_item.done', { output_index, item });
  });
  push(reply.truncated ? 'response.incomplete' : 'response.completed', { response: final });
  return events;
}

/**
 * A Chat Completions chunk stream (`stream: true`, `stream_options.include_usage`): `chat.completion.chunk`
 * deltas for the role, the text, the refusal and each tool call (its id and name first, then
 * `tool_calls[index].function.arguments` fragments), a chunk with the finish reason, a last chunk with no
 * choices and the usage, then `data: [DONE]`.
 */
export function chatEvents(reply: FakeReply, shape: StreamShape = {}, model = 'gpt-test'): SseEvent[] {
  const usage = shape.staleUsage ? chatUsage(shape.staleUsage) : null;
  const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_700_000_000, model };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): SseEvent => ({
    data: { ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage },
  });
  const events = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const content of pieces(reply.text ?? '', shape.chunk)) events.push(chunk({ content }));
  for (const refusal of pieces(reply.refusal ?? '', shape.chunk)) events.push(chunk({ refusal }));
  (reply.calls ?? []).forEach((call, index) => {
    const id = call.id ?? `call_${index + 1}`;
    events.push(
      chunk({ tool_calls: [{ index, id, type: 'function', function: { name: call.name, arguments: '' } }] }),
    );
    for (const fragment of pieces(call.arguments, shape.chunk))
      events.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }));
  });
  events.push(chunk({}, chatFinish(reply)));
  events.push({ data: { ...base, choices: [], usage: chatUsage(reply.usage) } });
  events.push({ data: '[DONE]' });
  return events;
}

/**
 * A Messages API event stream (`stream: true`): `message_start` (input usage, one output token), a `ping`,
 * per content block `content_block_start`, its `text_delta`s, `thinking_delta`s and `signature_delta`, or
 * `input_json_delta.partial_json` fragments of the raw tool arguments, and `content_block_stop`, then
 * `message_delta` with the stop reason and the cumulative usage, and `message_stop`.
 */
export function messagesEvents(
  reply: AnthropicReply,
  shape: Omit<StreamShape, 'staleUsage'> & { readonly staleUsage?: AnthropicUsage } = {},
  model = 'claude-test',
): SseEvent[] {
  const events: SseEvent[] = [];
  const push = (type: string, fields: Record<string, unknown> = {}) =>
    events.push({ event: type, data: { type, ...fields } });
  const final = anthropicWireUsage(reply.usage);
  const start = shape.staleUsage ? anthropicWireUsage(shape.staleUsage) : { ...final, output_tokens: 1 };
  // `message_start` reports input and the first output token; thinking counts come with the final usage.
  const { output_tokens_details: _details, ...startUsage } = start;
  const message = {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
  };
  push('message_start', { message: { ...message, usage: startUsage } });
  push('ping');
  anthropicBlocks(reply).forEach((block, index) => {
    const delta = (payload: Record<string, unknown>) =>
      push('content_block_delta', { index, delta: payload });
    if (block.type === 'thinking') {
      push('content_block_start', {
        index,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      });
      for (const thinking of pieces(block.thinking, shape.chunk)) delta({ type: 'thinking_delta', thinking });
      delta({ type: 'signature_delta', signature: block.signature });
    } else if (block.type === 'text') {
      push('content_block_start', { index, content_block: { type: 'text', text: '', citations: null } });
      for (const text of pieces(block.text, shape.chunk)) delta({ type: 'text_delta', text });
    } else {
      push('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      for (const partial_json of pieces(block.raw, shape.chunk))
        delta({ type: 'input_json_delta', partial_json });
    }
    push('content_block_stop', { index });
  });
  push('message_delta', { delta: { stop_reason: anthropicStop(reply), stop_sequence: null }, usage: final });
  push('message_stop');
  return events;
}
