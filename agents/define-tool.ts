import { assertDefinition } from '../contracts/arguments.js';
import { BatonError } from '../contracts/errors.js';
import { assertObjectSchema, type Infer, type Schema } from '../contracts/schema.js';
import { compiledValidator, type Validator } from '../contracts/validator.js';

/** What a tool's `run` receives: its validated arguments and the signal that aborts its attempt. */
export interface ToolContext<I> {
  /** The model's arguments, validated against the tool's input schema. */
  readonly input: I;
  /** Aborts at the run's deadline or on cancel: pass it to whatever the tool waits for. */
  readonly signal: AbortSignal;
  /**
   * The same for the same call of the same run, across a crash and resume (`<run>:<step>:<turn>:<call id>`):
   * pass it to a payment API or check it in your own table, and a call re-run after a crash acts once.
   */
  readonly idempotencyKey: string;
  /** The run's facts (the flow's typed state), with what this attempt's tools wrote so far; `{}` when the flow has none. */
  readonly facts: Readonly<Record<string, unknown>>;
  /**
   * Sets one of the facts the tool declared in `writes`. The value is checked against the flow's facts
   * schema at once: a fact the tool may not write, a value that does not fit, or one that is not plain JSON
   * data (too deep, cyclic, a function, a bigint, `NaN`, a `Date`…) throws `invalid_argument`, which fails
   * the call. Later calls of the attempt, the agent's next model turns and later agents see it.
   */
  readonly write: (name: string, value: unknown) => void;
}

/** A tool as written by the user: what `defineTool` takes. */
export interface ToolDefinition<N extends string, I extends Schema, R> {
  /**
   * The name the model calls it by, unique among the agent's tools: 1–64 letters, digits, `_` or `-`,
   * starting with a letter, and not starting with `handoff_to_`, `finish` or `ask_human` (the runtime's).
   */
  readonly name: N;
  /** What it does and when to call it: the model reads it to decide. */
  readonly description: string;
  /** The object schema of its arguments, sent to the model as the tool's parameters. */
  readonly input: I;
  /**
   * Does the work. What it returns goes back to the model as JSON; what it throws goes back as the
   * tool's failure, and the attempt goes on.
   */
  readonly run: (context: ToolContext<Infer<I>>) => R | Promise<R>;
  /**
   * Whether a person must approve a call before it runs: `true`, or a predicate of the validated
   * arguments (a refund over $100, say). In a run kept in a store, such a call parks the run as
   * `awaiting_human` until someone approves or rejects it (`answerRun`); without a store the run ends
   * `escalated` / `needs_human` instead. A predicate that throws or returns anything but a boolean asks
   * for approval: it fails closed.
   */
  readonly needsApproval?: boolean | ((input: Infer<I>) => boolean);
  /** The facts of the flow (`defineFlow({ facts })`) this tool may set with `write`; no other tool or agent can. */
  readonly writes?: readonly string[];
  /**
   * Whether the same call (same arguments) may give another result each time, so a repeat must run
   * again: a clock, a job's status. By default a repeat within a visit is answered from the earlier
   * result, and too many repeats end the run `loop_detected` (the agent's `budget.repeats`).
   */
  readonly repeatable?: boolean;
}

/**
 * A tool an agent owns, as `defineTool` returns it: arguments are validated against `input` before `run`
 * is called. `I` is the static type of its arguments, `R` of its result.
 */
export interface Tool<N extends string = string, I = unknown, R = unknown> {
  readonly kind: 'tool';
  readonly name: N;
  readonly description: string;
  /** The JSON Schema of its arguments. */
  readonly input: object;
  /** The compiled `input` schema. */
  readonly validator: Validator<I>;
  /** Runs the tool on arguments already validated against `input`; what it returns goes back to the model as JSON. */
  readonly run: (context: ToolContext<I>) => R | Promise<R>;
  /** Whether a call with these (validated) arguments must be approved by a person before it runs. */
  readonly needsApproval: (input: I) => boolean;
  /** Whether any call may need approval: false only when `needsApproval` was left out or false. */
  readonly approvals: boolean;
  /** The facts it may write. */
  readonly writes: readonly string[];
  /** Whether a repeated call runs again rather than being answered from the earlier result. */
  readonly repeatable: boolean;
}

/** A tool of any name, arguments and result: what an agent's `tools` list holds. */
// biome-ignore lint/suspicious/noExplicitAny: the handler's argument type is contravariant; `any` lets a list hold tools of every shape.
export type AnyTool = Tool<string, any, unknown>;

const TOOL_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;

/** Names the runtime gives its own tools; an agent's tool cannot take them. */
export const RESERVED_TOOL_PREFIXES = ['handoff_to_', 'finish', 'ask_human'] as const;

/**
 * Defines a tool an agent may call. The arguments the model sends are validated against `input`
 * before `run` is called; invalid arguments go back to the model with the violations, and so does a
 * throw from `run` (as the tool's failure), so the model can correct itself within its turns. Throws
 * `invalid_agent` for a name that is not 1–64 letters, digits, `_` or `-` starting with a letter, a name
 * the runtime reserves (`handoff_to_…`, `finish…`, `ask_human…`), a missing description or `run`; and
 * `invalid_schema` when `input` is not an object schema ajv can compile.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { defineTool } from 'baton-flow';
 *
 * export const lookupInvoice = defineTool({
 *   name: 'lookup_invoice',
 *   description: 'Looks up an invoice by id and returns its status and amount.',
 *   input: Type.Object({ invoiceId: Type.String() }, { additionalProperties: false }),
 *   run: async ({ input, signal }) => {
 *     const response = await fetch(`https://billing.example.com/invoices/${input.invoiceId}`, { signal });
 *     return (await response.json()) as { status: string; amount: string };
 *   },
 * });
 * ```
 */
export function defineTool<const N extends string, I extends Schema, R>(
  definition: ToolDefinition<N, I, R>,
): Tool<N, Infer<I>, R> {
  assertDefinition(definition, 'invalid_agent', 'defineTool', '{ name, description, input, run }');
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
  const approval = definition.needsApproval ?? false;
  if (typeof approval !== 'boolean' && typeof approval !== 'function') {
    throw new BatonError(
      'invalid_agent',
      `Tool "${name}": needsApproval must be true, false or a function of the arguments that returns a boolean.`,
      { details: { tool: name } },
    );
  }
  const writes = definition.writes ?? [];
  if (!Array.isArray(writes) || writes.some((fact) => typeof fact !== 'string' || fact === '')) {
    throw new BatonError(
      'invalid_agent',
      `Tool "${name}": writes must be a list of fact names, e.g. ['seat'].`,
      { details: { tool: name } },
    );
  }
  const schema = assertObjectSchema(input, `tool "${name}" input`);
  return Object.freeze({
    kind: 'tool' as const,
    name,
    description,
    input: schema,
    validator: compiledValidator<Infer<I>>(input, `tool "${name}" input`),
    run: run as (context: ToolContext<Infer<I>>) => R | Promise<R>,
    needsApproval: typeof approval === 'boolean' ? () => approval : failClosed(approval),
    approvals: approval !== false,
    writes: Object.freeze([...writes]),
    repeatable: definition.repeatable === true,
  });
}

/** A predicate that asks for approval whenever it cannot say no: it throws, or returns a non-boolean. */
function failClosed<I>(predicate: (input: I) => boolean): (input: I) => boolean {
  return (input) => {
    try {
      return predicate(input) !== false;
    } catch {
      return true;
    }
  };
}
