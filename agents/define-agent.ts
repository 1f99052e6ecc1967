import { BatonError } from '../contracts/errors.js';
import { assertObjectSchema, type Infer, type JsonSchemaObject, type Schema } from '../contracts/schema.js';
import { type Validator, validatorFor } from '../contracts/validator.js';
import type { AnyTool } from './define-tool.js';
import type { Model } from './model.js';

/** Per-visit limits of one agent. Flow-wide limits apply on top. */
export interface AgentBudget {
  /** Model calls per visit (default 4). */
  readonly turns?: number;
  /** Tokens (input + output) per visit (default: no agent limit, only the flow's). */
  readonly tokens?: number;
  /** Cap on each call's output tokens (default 4096). */
  readonly maxOutputTokens?: number;
}

/** An agent as written by the user. */
export interface AgentDefinition<N extends string, I extends Schema, O extends Schema | undefined> {
  readonly name: N;
  /** Its capability, in one sentence: other agents read it as the description of their handoff tool. */
  readonly description: string;
  readonly input: I;
  /** The result it produces when it finishes; defaults to the flow's output schema. */
  readonly output?: O;
  readonly instructions: string;
  readonly model: Model;
  readonly tools?: readonly AnyTool[];
  readonly budget?: AgentBudget;
  /** Whether the agent may ask a person a question (ending the run as `needs_human` unless the flow answers). */
  readonly ask?: boolean;
}

/** The resolved per-visit budget of an agent. */
export interface ResolvedBudget {
  readonly turns: number;
  readonly tokens: number;
  readonly maxOutputTokens: number;
}

/** What agents and code steps share: a name, a capability, a validated input and an optional output. */
interface ParticipantBase<N extends string, I, O> {
  readonly name: N;
  readonly description: string;
  readonly input: JsonSchemaObject;
  readonly inputValidator: Validator<I>;
  readonly output: JsonSchemaObject | undefined;
  readonly outputValidator: Validator<O> | undefined;
  /** Phantom: the static types of the input and output. */
  readonly '~types'?: { readonly input: I; readonly output: O };
}

/** A model-driven agent. */
export interface Agent<N extends string = string, I = unknown, O = unknown> extends ParticipantBase<N, I, O> {
  readonly kind: 'agent';
  readonly instructions: string;
  readonly model: Model;
  readonly tools: readonly AnyTool[];
  readonly budget: ResolvedBudget;
  readonly ask: boolean;
}

/** What a code step's `run` receives. */
export interface StepContext<I> {
  readonly input: I;
  readonly signal: AbortSignal;
}

/** A code step: an agent with no model, whose output is handed on or finishes the flow. */
export interface Step<N extends string = string, I = unknown, O = unknown> extends ParticipantBase<N, I, O> {
  readonly kind: 'step';
  readonly run: (context: StepContext<I>) => O | Promise<O>;
  /** Picks where the output goes: the name of an agent it routes to, or null to finish. */
  readonly next: ((context: { readonly input: I; readonly output: O }) => string | null) | undefined;
}

/** An agent or a code step of any types. */
// biome-ignore lint/suspicious/noExplicitAny: input is contravariant in a step's run; `any` lets one list hold every participant.
export type AnyAgent = Agent<string, any, any> | Step<string, any, any>;

const NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,47}$/;

/**
 * Throws `invalid_agent` unless `name` can be a state id and a tool-name suffix, and the participant has
 * a description (other agents read it as the capability of their handoff tool to it).
 */
export function assertParticipant(
  what: 'Agent' | 'Step',
  name: unknown,
  description: unknown,
): asserts name is string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new BatonError(
      'invalid_agent',
      `${what} name ${JSON.stringify(name)} is invalid: use 1-48 letters, digits, '_' or '-', starting with a letter.`,
      { details: { name } },
    );
  }
  if (typeof description !== 'string' || description.trim() === '') {
    throw new BatonError(
      'invalid_agent',
      `${what} "${name}" needs a description: agents that hand off to it read it as its capability.`,
      { details: { agent: name } },
    );
  }
}

/** A budget of a visit (turns, tokens): a whole number of at least 1, or Infinity for no limit. */
function count(value: number | undefined, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  if (value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 1)) return value;
  throw new BatonError(
    'invalid_agent',
    `${where} must be a whole number of at least 1, got ${String(value)}.`,
    {
      details: { where },
    },
  );
}

/**
 * Defines a model-driven agent. Its whole input is the validated payload it is handed: it never
 * receives another agent's transcript.
 *
 * @example examples/support/flow.ts
 */
export function defineAgent<
  const N extends string,
  I extends Schema,
  O extends Schema | undefined = undefined,
>(definition: AgentDefinition<N, I, O>): Agent<N, Infer<I>, O extends Schema ? Infer<O> : unknown> {
  const { name } = definition;
  assertParticipant('Agent', name, definition.description);
  if (typeof definition.instructions !== 'string' || definition.instructions.trim() === '') {
    throw new BatonError(
      'invalid_agent',
      `Agent "${name}" needs instructions: say what it does and when it is done.`,
      {
        details: { agent: name },
      },
    );
  }
  if (!definition.model || typeof definition.model.call !== 'function') {
    throw new BatonError(
      'invalid_agent',
      `Agent "${name}" needs a model, e.g. scripted([...]) or openai('gpt-5-mini').`,
      {
        details: { agent: name },
      },
    );
  }
  const tools = definition.tools ?? [];
  const seen = new Set<string>();
  for (const tool of tools) {
    if (seen.has(tool.name)) {
      throw new BatonError(
        'invalid_agent',
        `Agent "${name}" declares the tool "${tool.name}" twice. Remove one.`,
        {
          details: { agent: name, tool: tool.name },
        },
      );
    }
    seen.add(tool.name);
  }
  const budget = definition.budget ?? {};
  const input = assertObjectSchema(definition.input, `agent "${name}" input`);
  const output =
    definition.output === undefined
      ? undefined
      : assertObjectSchema(definition.output, `agent "${name}" output`);
  type Out = O extends Schema ? Infer<O> : unknown;
  return Object.freeze({
    kind: 'agent' as const,
    name,
    description: definition.description,
    input,
    inputValidator: validatorFor(input, `agent "${name}" input`) as Validator<Infer<I>>,
    output,
    outputValidator: output ? (validatorFor(output, `agent "${name}" output`) as Validator<Out>) : undefined,
    instructions: definition.instructions,
    model: definition.model,
    tools,
    ask: definition.ask ?? false,
    budget: {
      turns: count(budget.turns, 4, `agent "${name}" budget.turns`),
      tokens: count(budget.tokens, Number.POSITIVE_INFINITY, `agent "${name}" budget.tokens`),
      maxOutputTokens: count(budget.maxOutputTokens, 4096, `agent "${name}" budget.maxOutputTokens`),
    },
  });
}
