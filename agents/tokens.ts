import type { ModelRequest, ToolCall } from './model.js';

/** ASCII characters per token of every estimate here: about four for English text and JSON. */
const CHARS_PER_TOKEN = 4;

/** A UTF-16 unit outside ASCII (without the `u` flag, each half of a surrogate pair is one). */
const NOT_ASCII = /[\u0080-\uffff]/;
const ALL_NOT_ASCII = /[\u0080-\uffff]/g;

/**
 * The size of `text` in quarter tokens: an ASCII character is one, any other UTF-16 unit four. Chinese,
 * Japanese or Korean text takes about one token a character (and an emoji, two units, takes two or
 * three): at four characters a token a prompt in those scripts would be estimated at a quarter of what
 * the provider counts, and the first call's reservation would pass the budget by the difference.
 */
function quarterTokens(text: string): number {
  if (!NOT_ASCII.test(text)) return text.length;
  const ascii = text.replace(ALL_NOT_ASCII, '').length;
  return ascii + (text.length - ascii) * CHARS_PER_TOKEN;
}

// A flow's tool lists are fixed when it is defined: their size is measured once, not on every call.
const toolSizes = new WeakMap<readonly unknown[], number>();

function sizeOfTools(tools: readonly unknown[]): number {
  let size = toolSizes.get(tools);
  if (size === undefined) {
    size = quarterTokens(JSON.stringify(tools));
    toolSizes.set(tools, size);
  }
  return size;
}

/**
 * A provider-neutral upper estimate of a request's input tokens: about four ASCII characters a token,
 * and a token for every other character, over the instructions, input, messages and tool schemas. Used to
 * reserve the output cap before a call.
 */
export function estimateInputTokens(
  request: Pick<ModelRequest, 'instructions' | 'input' | 'messages' | 'tools'> &
    Pick<Partial<ModelRequest>, 'facts'>,
): number {
  const size =
    quarterTokens(request.instructions) +
    quarterTokens(JSON.stringify(request.input ?? null)) +
    (request.facts === undefined ? 0 : quarterTokens(JSON.stringify(request.facts)) + 9) +
    (request.messages.length === 0 ? 2 : quarterTokens(JSON.stringify(request.messages))) +
    sizeOfTools(request.tools);
  return Math.ceil(size / CHARS_PER_TOKEN);
}

/**
 * An estimate of a reply's output tokens from its text and the JSON of its tool call arguments (four
 * ASCII characters a token, a token for any other), for a provider or model that reports none.
 * Arguments whose JSON cannot be written (nested deeper than the stack, cyclic) count as nothing rather
 * than throw.
 */
export function estimateOutputTokens(text: string, calls: readonly Pick<ToolCall, 'arguments'>[]): number {
  let size = quarterTokens(text);
  for (const call of calls) size += jsonSize(call.arguments);
  return Math.ceil(size / CHARS_PER_TOKEN);
}

function jsonSize(value: unknown): number {
  if (typeof value === 'string') return quarterTokens(value);
  try {
    const text = JSON.stringify(value);
    return text === undefined ? 0 : quarterTokens(text);
  } catch {
    return 0;
  }
}
