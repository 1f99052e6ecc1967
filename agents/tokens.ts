import type { ModelRequest, ToolCall } from './model.js';

/** Characters per token of every estimate here: about four for English text and JSON. */
const CHARS_PER_TOKEN = 4;

// A flow's tool lists are fixed when it is defined: their size is measured once, not on every call.
const toolSizes = new WeakMap<readonly unknown[], number>();

function sizeOfTools(tools: readonly unknown[]): number {
  let size = toolSizes.get(tools);
  if (size === undefined) {
    size = JSON.stringify(tools).length;
    toolSizes.set(tools, size);
  }
  return size;
}

/**
 * A provider-neutral upper estimate of a request's input tokens: about four characters a token for
 * the instructions, input, messages and tool schemas. Used to reserve the output cap before a call.
 */
export function estimateInputTokens(
  request: Pick<ModelRequest, 'instructions' | 'input' | 'messages' | 'tools'> &
    Pick<Partial<ModelRequest>, 'facts'>,
): number {
  const size =
    request.instructions.length +
    JSON.stringify(request.input ?? null).length +
    (request.facts === undefined ? 0 : JSON.stringify(request.facts).length + 9) +
    (request.messages.length === 0 ? 2 : JSON.stringify(request.messages).length) +
    sizeOfTools(request.tools);
  return Math.ceil(size / CHARS_PER_TOKEN);
}

/**
 * An estimate of a reply's output tokens from its text and the JSON of its tool call arguments, for a
 * provider or model that reports none. Arguments whose JSON cannot be written (nested deeper than the
 * stack, cyclic) count as nothing rather than throw.
 */
export function estimateOutputTokens(text: string, calls: readonly Pick<ToolCall, 'arguments'>[]): number {
  let size = text.length;
  for (const call of calls) size += jsonLength(call.arguments);
  return Math.ceil(size / CHARS_PER_TOKEN);
}

function jsonLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0;
  }
}
