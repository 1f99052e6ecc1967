import type { ModelRequest } from './model.js';

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
    JSON.stringify(request.messages).length +
    JSON.stringify(request.tools).length;
  return Math.ceil(size / 4);
}
