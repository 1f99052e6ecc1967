import { BatonError } from '../contracts/errors.js';
import { assertObjectSchema, type Infer, type Schema } from '../contracts/schema.js';
import { type Validator, validatorFor } from '../contracts/validator.js';

/** What a tool handler receives: its validated arguments and the signal that aborts the run. */
export interface ToolContext<I> {
  readonly input: I;
  readonly signal: AbortSignal;
}

/** A tool definition as written by the user. */
export interface ToolDefinition<N extends string, I extends Schema, R> {
  readonly name: N;
  readonly description: string;
  readonly input: I;
  readonly run: (context: ToolContext<Infer<I>>) => R | Promise<R>;
}

/** A tool an agent owns: arguments are validated against `input` before `run` is called. */
export interface Tool<N extends string = string, I = unknown, R = unknown> {
  readonly kind: 'tool';
  readonly name: N;
  readonly description: string;
  readonly input: object;
  readonly validator: Validator<I>;
  readonly run: (context: ToolContext<I>) => R | Promise<R>;
}

/** A tool of any name, arguments and result. */
// biome-ignore lint/suspicious/noExplicitAny: the handler's argument type is contravariant; `any` lets a list hold tools of every shape.
export type AnyTool = Tool<string, any, unknown>;

const TOOL_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;

/** Names the runtime gives its own tools; an agent's tool cannot take them. */
export const RESERVED_TOOL_PREFIXES = ['handoff_to_', 'finish', 'ask_human'] as const;

/**
 * Defines a tool an agent may call. The arguments the model sends are validated against `input`
 * before `run` is called; invalid arguments go back to the model with the violations.
 *
 * @example examples/support/flow.ts
 */
export function defineTool<const N extends string, I extends Schema, R>(
  definition: ToolDefinition<N, I, R>,
): Tool<N, Infer<I>, R> {
  const { name, description, input, run } = definition;
  if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
    throw new BatonError(
      'invalid_agent',
      `Tool name ${JSON.stringify(name)} is invalid: use 1-64 letters, digits, '_' or '-', starting with a letter.`,
      { details: { tool: name } },
    );
  }
  if (RESERVED_TOOL_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    throw new BatonError(
      'invalid_agent',
      `Tool "${name}" uses a reserved name: names starting with ${RESERVED_TOOL_PREFIXES.join(', ')} belong to the runtime. Rename the tool.`,
      { details: { tool: name } },
    );
  }
  if (typeof description !== 'string' || description.trim() === '') {
    throw new BatonError(
      'invalid_agent',
      `Tool "${name}" needs a description: the model reads it to decide when to call the tool.`,
      {
        details: { tool: name },
      },
    );
  }
  if (typeof run !== 'function') {
    throw new BatonError('invalid_agent', `Tool "${name}" needs a run function.`, {
      details: { tool: name },
    });
  }
  const schema = assertObjectSchema(input, `tool "${name}" input`);
  return Object.freeze({
    kind: 'tool' as const,
    name,
    description,
    input: schema,
    validator: validatorFor(input, `tool "${name}" input`),
    run: run as (context: ToolContext<Infer<I>>) => R | Promise<R>,
  });
}
