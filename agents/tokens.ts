import type { ModelRequest } from './model.js';

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
  request: Pick<ModelRequest, 'instructions' | 'input' | 'messages' | 'tools'>,
): number {
  const size =
    request.instructions.length +
    JSON.stringify(request.input ?? null).length +
    (request.messages.length === 0 ? 2 : JSON.stringify(request.messages).length) +
    sizeOfTools(request.tools);
  return Math.ceil(size / 4);
}
