import type { ResponseOutputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { BatonError } from '../../contracts/errors.js';
import type { ModelReply, ModelRequest } from '../model.js';
import { chatReply } from './openai-chat.js';
import { responsesReply } from './openai-responses.js';
import { redactText, streamEndedEarly } from './provider-support.js';
import { isRecord, notTheApiShape, optionalRecord, type ReplySource } from './reply-shape.js';

/**
 * Assembling streamed OpenAI replies. The SDKs' own stream helpers (`responses.stream()`,
 * `chat.completions.stream()`) parse the arguments of strict tools themselves and throw on text that is
 * not JSON or on a reply cut by the cap, where Baton wants a `malformed` call or stop `length`; so the
 * raw events of `create({ stream: true })` are accumulated here and handed to the same reply readers as
 * a non-streamed response.
 */

/** A streamed output item being assembled: deltas, once any arrive, win over the full values of done events. */
type Slot =
  | { kind: 'call'; id: string; callId: string; name: string; args: string; streamed: boolean }
  | { kind: 'message'; id: string; text: string; refusal: string; streamed: Set<'text' | 'refusal'> };

/**
 * The reply in a Responses API event stream: function call arguments and text are reassembled from their
 * deltas, status and usage come from the final `response.completed` (or `.incomplete`, `.failed`) event,
 * and the result is read exactly like a non-streamed response.
 */
export async function responsesStreamReply(
  model: string,
  request: ModelRequest,
  events: AsyncIterable<unknown>,
): Promise<ModelReply> {
  const source: ReplySource = { provider: 'OpenAI', api: 'Responses', model, agent: request.agent };
  const slots = new Map<number, Slot>();
  let final: Record<string, unknown> | undefined;
  for await (const raw of events) {
    const event = responsesEvent(source, raw);
    if (event.type === 'error') throw streamFailure(model, request, event.code, event.message);
    if (
      event.type === 'response.completed' ||
      event.type === 'response.incomplete' ||
      event.type === 'response.failed'
    ) {
      const response: unknown = event.response;
      if (!isRecord(response)) throw notTheApiShape(source, `${event.type}.response`, response, 'an object');
      final = response;
    } else accumulate(slots, event);
  }
  // The SDK ends the iteration quietly when the signal aborts it: a partial reply must not pass as whole.
  request.signal.throwIfAborted();
  if (!final) throw streamEndedEarly({ provider: 'OpenAI', model, agent: request.agent });
  // `responsesReply` checks the final response's own output when no items were streamed.
  const output =
    slots.size === 0
      ? final.output
      : [...slots.entries()].sort(([a], [b]) => a - b).map(([, slot]) => outputItem(slot));
  return responsesReply(model, request, { ...final, output });
}

/**
 * An event of a Responses stream, checked where `accumulate` relies on it: an object with a string
 * `type`, items that are objects, deltas and texts that are strings, output indexes that are numbers.
 */
function responsesEvent(source: ReplySource, event: unknown): ResponseStreamEvent {
  if (!isRecord(event)) throw notTheApiShape(source, 'event', event, 'an object');
  const type = event.type;
  if (typeof type !== 'string') throw notTheApiShape(source, 'event.type', type, 'a string');
  const itemEvent = ['response.output_', 'response.function_call_arguments.', 'response.refusal.'].some(
    (prefix) => type.startsWith(prefix),
  );
  if (itemEvent) {
    if (typeof event.output_index !== 'number')
      throw notTheApiShape(source, `${type}.output_index`, event.output_index, 'a number');
    if (type.startsWith('response.output_item.') && !isRecord(event.item))
      throw notTheApiShape(source, `${type}.item`, event.item, 'an object');
    for (const field of ['delta', 'arguments', 'text', 'refusal'] as const) {
      if (field in event && typeof event[field] !== 'string')
        throw notTheApiShape(source, `${type}.${field}`, event[field], 'a string');
    }
  }
  return event as unknown as ResponseStreamEvent;
}

function accumulate(slots: Map<number, Slot>, event: ResponseStreamEvent): void {
  switch (event.type) {
    case 'response.output_item.added':
    case 'response.output_item.done': {
      const slot = slots.get(event.output_index);
      if (!slot) {
        const fresh = slotOf(event.item);
        if (fresh) slots.set(event.output_index, fresh);
      } else if (slot.kind === 'call' && event.item.type === 'function_call' && !slot.streamed)
        slot.args = event.item.arguments;
      return;
    }
    case 'response.function_call_arguments.delta':
    case 'response.function_call_arguments.done': {
      const slot = slots.get(event.output_index);
      if (slot?.kind !== 'call') return;
      if (event.type === 'response.function_call_arguments.done') {
        if (!slot.streamed) slot.args = event.arguments;
        return;
      }
      if (!slot.streamed) slot.args = '';
      slot.streamed = true;
      slot.args += event.delta;
      return;
    }
    case 'response.output_text.delta':
    case 'response.refusal.delta': {
      const slot = messageSlot(slots, event.output_index, event.item_id);
      const part = event.type === 'response.refusal.delta' ? 'refusal' : 'text';
      if (!slot.streamed.has(part)) slot[part] = '';
      slot.streamed.add(part);
      slot[part] += event.delta;
      return;
    }
    case 'response.output_text.done':
    case 'response.refusal.done': {
      const slot = messageSlot(slots, event.output_index, event.item_id);
      if (event.type === 'response.refusal.done' && !slot.streamed.has('refusal'))
        slot.refusal = event.refusal;
      if (event.type === 'response.output_text.done' && !slot.streamed.has('text')) slot.text = event.text;
      return;
    }
    default:
      return;
  }
}

function slotOf(item: ResponseOutputItem): Slot | undefined {
  if (item.type === 'function_call')
    return {
      kind: 'call',
      id: item.id ?? '',
      callId: item.call_id,
      name: item.name,
      args: item.arguments ?? '',
      streamed: false,
    };
  if (item.type !== 'message') return undefined;
  let text = '';
  let refusal = '';
  for (const part of item.content ?? []) {
    if (part.type === 'output_text') text += part.text;
    if (part.type === 'refusal') refusal += part.refusal;
  }
  return { kind: 'message', id: item.id, text, refusal, streamed: new Set() };
}

function messageSlot(
  slots: Map<number, Slot>,
  index: number,
  id: string,
): Extract<Slot, { kind: 'message' }> {
  const slot = slots.get(index);
  if (slot?.kind === 'message') return slot;
  const fresh: Slot = { kind: 'message', id, text: '', refusal: '', streamed: new Set() };
  slots.set(index, fresh);
  return fresh;
}

function outputItem(slot: Slot): ResponseOutputItem {
  if (slot.kind === 'call')
    return {
      type: 'function_call',
      ...(slot.id === '' ? {} : { id: slot.id }),
      call_id: slot.callId,
      name: slot.name,
      arguments: slot.args,
    };
  return {
    type: 'message',
    id: slot.id,
    role: 'assistant',
    status: 'completed',
    content: [
      ...(slot.text === '' ? [] : [{ type: 'output_text' as const, text: slot.text, annotations: [] }]),
      ...(slot.refusal === '' ? [] : [{ type: 'refusal' as const, refusal: slot.refusal }]),
    ],
  };
}

function streamFailure(model: string, request: ModelRequest, code: unknown, message: unknown): BatonError {
  const said = typeof message === 'string' ? redactText(message) : '';
  return new BatonError(
    'provider_error',
    `OpenAI model "${model}" (agent "${request.agent}") failed mid-stream: ${said || 'no reason given'}. The call may succeed later.`,
    {
      retryable: true,
      details: {
        provider: 'OpenAI',
        model,
        agent: request.agent,
        status: null,
        code: typeof code === 'string' ? code : null,
        answered: true,
      },
    },
  );
}

/**
 * The reply in a Chat Completions chunk stream (sent with `stream_options.include_usage`): text, refusal
 * and tool call arguments are reassembled from their deltas by tool call `index`, the finish reason and
 * the usage come from the last chunks that carry them, and the result is read like a non-streamed
 * completion. Chunks that are not the API's shape, or a stream in which no chunk has `choices`, are a
 * non-retryable `provider_error`.
 */
export async function chatStreamReply(
  model: string,
  request: ModelRequest,
  chunks: AsyncIterable<unknown>,
): Promise<ModelReply> {
  const source: ReplySource = { provider: 'OpenAI', api: 'Chat Completions', model, agent: request.agent };
  let choices = false;
  let text = '';
  let refusal = '';
  let finish: unknown = null;
  let usage: Record<string, unknown> | undefined;
  const calls = new Map<number, { id: string; name: string; args: string }>();
  for await (const chunk of chunks) {
    if (!isRecord(chunk)) throw notTheApiShape(source, 'chunk', chunk, 'an object');
    usage = optionalRecord(source, 'chunk.usage', chunk.usage) ?? usage;
    if (chunk.choices === undefined || chunk.choices === null) continue;
    if (!Array.isArray(chunk.choices))
      throw notTheApiShape(source, 'chunk.choices', chunk.choices, 'an array');
    choices = true;
    const choice: unknown = chunk.choices.find(
      (candidate: unknown) => isRecord(candidate) && (candidate.index ?? 0) === 0,
    );
    if (!isRecord(choice)) continue;
    const delta = optionalRecord(source, 'chunk.choices[0].delta', choice.delta) ?? {};
    if (typeof delta.content === 'string') text += delta.content;
    if (typeof delta.refusal === 'string') refusal += delta.refusal;
    const deltas = delta.tool_calls ?? [];
    if (!Array.isArray(deltas))
      throw notTheApiShape(source, 'chunk.choices[0].delta.tool_calls', deltas, 'an array');
    deltas.forEach((call: unknown, position) => {
      const at = `chunk.choices[0].delta.tool_calls[${position}]`;
      if (!isRecord(call)) throw notTheApiShape(source, at, call, 'an object');
      const fn = optionalRecord(source, `${at}.function`, call.function) ?? {};
      // Some OpenAI-compatible servers leave out `index` when they send each call whole.
      const index = typeof call.index === 'number' ? call.index : position;
      const slot = calls.get(index) ?? { id: '', name: '', args: '' };
      calls.set(index, slot);
      if (typeof call.id === 'string' && slot.id === '') slot.id = call.id;
      if (typeof fn.name === 'string' && slot.name === '') slot.name = fn.name;
      if (typeof fn.arguments === 'string') slot.args += fn.arguments;
    });
    if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '')
      finish = choice.finish_reason;
  }
  request.signal.throwIfAborted();
  if (finish === null && !choices) throw notTheApiShape(source, 'choices', undefined, 'an array');
  if (finish === null) throw streamEndedEarly({ provider: 'OpenAI', model, agent: request.agent });
  const toolCalls = [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, call]) => ({
      id: call.id,
      type: 'function' as const,
      function: { name: call.name, arguments: call.args },
    }));
  const completion = {
    choices: [
      {
        index: 0,
        finish_reason: finish,
        message: {
          role: 'assistant',
          content: text === '' ? null : text,
          refusal: refusal === '' ? null : refusal,
          ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
        },
      },
    ],
    ...(usage ? { usage } : {}),
  };
  return chatReply(model, request, completion);
}
