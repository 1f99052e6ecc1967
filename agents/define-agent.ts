import { assertDefinition } from '../contracts/arguments.js';
import { BatonError } from '../contracts/errors.js';
import { assertObjectSchema, type Infer, type JsonSchemaObject, type Schema } from '../contracts/schema.js';
import { compiledValidator, type Validator } from '../contracts/validator.js';
import type { AnyTool } from './define-tool.js';
import { assertPrice, type Model } from './model.js';

/**
 * An agent's own budget for one visit: it covers all the attempts of the visit, repairs included, and the
 * flow's `limits` apply on top. Each value is a whole number of at least 1, or `Infinity` for no limit;
 * anything else makes `defineAgent` throw `invalid_agent`.
 */
export interface AgentBudget {
  /** Model turns per visit, over all its attempts (default 4). */
  readonly turns?: number;
  /** Input plus output tokens per visit, over all its attempts (default: no limit but the flow's). */
  readonly tokens?: number;
  /** The cap on each model call's output tokens (default 4096); less when the budgets have less left. */
  readonly maxOutputTokens?: number;
  /**
   * How often, per visit, the model may repeat a tool call it made already (the same tool with the same
   * arguments): a repeat is answered from the earlier result, not run again, and one more than this ends
   * the run `escalated` / `loop_detected` (default 2; a tool marked `repeatable` runs every time).
   */
  readonly repeats?: number;
}

/** An agent as written by the user: what `defineAgent` takes. */
export interface AgentDefinition<N extends string, I extends Schema, O extends Schema | undefined> {
  /**
   * Its name: its state in the flow's machine and the suffix of the handoff tool to it
   * (`handoff_to_<name>`). 1–48 letters, digits, `_` or `-`, starting with a letter.
   */
  readonly name: N;
  /** Its capability, in one sentence: other agents read it as the description of their handoff tool. */
  readonly description: string;
  /**
   * The object schema of its input, a TypeBox type or `jsonSchema(...)`: a handoff to it must send a
   * payload of this type, and the model sees nothing else of the run.
   */
  readonly input: I;
  /** The result it produces when it finishes; defaults to the flow's output schema. */
  readonly output?: O;
  /** Its system prompt: what it does, and when to hand off or finish. */
  readonly instructions: string;
  /** The model that answers its turns; `runFlow`'s `models` option can replace it for one run. */
  readonly model: Model;
  /** Its own tools, each name once: only this agent can call them. */
  readonly tools?: readonly AnyTool[];
  /** Its own budget for each visit (default: 4 turns, 4096 output tokens per call, no token limit). */
  readonly budget?: AgentBudget;
  /**
   * Whether the agent may ask a person a question (the `ask_human` tool). In a run kept in a store the run
   * waits for the answer (`awaiting_human`) and the agent goes on with it; without a store the run ends
   * `escalated` / `needs_human`.
   */
  readonly ask?: boolean;
  /**
   * The facts of the flow (`defineFlow({ facts })`) its model sees beside its input, as they stand when
   * each model turn starts. It sees no other fact.
   */
  readonly facts?: readonly string[];
  /**
   * Claims its decisions make, checked against what it did: the field of its handoff payload or result
   * that lists them (`[{ kind, target? }]`), and for each kind of claim the tool whose successful call in
   * this visit backs it (`{ edited: 'edit_file', tested: 'run_tests' }`). A claim with a `target` is
   * backed only by a call whose arguments hold that value. A claim nothing backs is sent back for repair,
   * and ends the run `action_mismatch` when the repairs run out.
   */
  readonly claims?: ClaimRules;
  /**
   * Review feedback it must answer: the field of its input that holds feedback items (`[{ id, … }]`) and
   * the field of its next handoff payload or result that answers them (`[{ id, status: 'fixed' | 'declined',
   * reason? }]`). Every open item must be answered, a declined one with a reason; otherwise the decision
   * is sent back for repair, and the run ends `input_ignored` when the repairs run out.
   */
  readonly feedback?: FeedbackRules;
}

/** How an agent's claims are checked: where they are, and which tool backs each kind. */
export interface ClaimRules {
  readonly field: string;
  readonly backedBy: Readonly<Record<string, string>>;
}

/** Where an agent finds the feedback it must answer, and where it answers it. */
export interface FeedbackRules {
  readonly items: string;
  readonly answers: string;
}

/** The resolved per-visit budget of an agent: its `budget` with the defaults filled in. */
export interface ResolvedBudget {
  readonly turns: number;
  /** `Infinity` when the agent has no token budget of its own. */
  readonly tokens: number;
  readonly maxOutputTokens: number;
  readonly repeats: number;
}

/** What agents and code steps share: a name, a capability, a validated input and an optional output. */
interface ParticipantBase<N extends string, I, O> {
  readonly name: N;
  /** Its capability, as the handoff tool to it describes it. */
  readonly description: string;
  /** The JSON Schema of its input. */
  readonly input: JsonSchemaObject;
  /** Checks a payload handed to it before it runs. */
  readonly inputValidator: Validator<I>;
  /** The JSON Schema of its result, or undefined when only the flow's output schema applies. */
  readonly output: JsonSchemaObject | undefined;
  readonly outputValidator: Validator<O> | undefined;
  /** Phantom: the static types of the input and output. */
  readonly '~types'?: { readonly input: I; readonly output: O };
}

/**
 * A model-driven agent, as `defineAgent` returns it: frozen, its schemas compiled to validators and its
 * budget resolved. `I` and `O` are the static types of its input and result.
 */
export interface Agent<N extends string = string, I = unknown, O = unknown> extends ParticipantBase<N, I, O> {
  readonly kind: 'agent';
  readonly instructions: string;
  readonly model: Model;
  /** Its own tools (empty when it has none). */
  readonly tools: readonly AnyTool[];
  readonly budget: ResolvedBudget;
  /** Whether it sees the `ask_human` tool. */
  readonly ask: boolean;
  /** The facts its model sees. */
  readonly facts: readonly string[];
  readonly claims: ClaimRules | null;
  readonly feedback: FeedbackRules | null;
}

/** What a code step's `run` receives: its validated input and the signal that aborts its attempt. */
export interface StepContext<I> {
  readonly input: I;
  /** Aborts at the run's deadline or on cancel: pass it to whatever the step waits for. */
  readonly signal: AbortSignal;
}

/**
 * A code step, as `defineStep` returns it: a participant with no model, whose output is handed on or
 * finishes the flow. `I` and `O` are the static types of its input and output.
 */
export interface Step<N extends string = string, I = unknown, O = unknown> extends ParticipantBase<N, I, O> {
  readonly kind: 'step';
  /** Computes the output from the validated input; a throw fails the run with `step_failed`. */
  readonly run: (context: StepContext<I>) => O | Promise<O>;
  /**
   * Picks where the output goes: the name of an agent it routes to, or null to finish. Undefined when the
   * definition has none: the output then goes to the step's one route, or finishes the flow.
   */
  readonly next: ((context: { readonly input: I; readonly output: O }) => string | null) | undefined;
}

/** An agent or a code step of any types: what a flow's `agents` list holds. */
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
  // A run keys its counters and routes by name in plain objects, where these names are taken already.
  if (name in Object.prototype) {
    throw new BatonError(
      'invalid_agent',
      `${what} name "${name}" is a name every JavaScript object has already: choose another (for example "${name}_agent").`,
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

/** The fact names an agent declares, checked. */
function factNames(agent: string, facts: readonly string[] | undefined): readonly string[] {
  if (facts === undefined) return [];
  if (!Array.isArray(facts) || facts.some((fact) => typeof fact !== 'string' || fact === '')) {
    throw new BatonError(
      'invalid_agent',
      `Agent "${agent}": facts must be a list of fact names, e.g. ['passenger'].`,
      {
        details: { agent },
      },
    );
  }
  return facts;
}

/** An agent's claim rules, checked: every kind is backed by one of its own tools. */
function claimRules(
  agent: string,
  claims: ClaimRules | undefined,
  tools: readonly AnyTool[],
): ClaimRules | null {
  if (claims === undefined) return null;
  const refuse = (why: string) =>
    new BatonError('invalid_agent', `Agent "${agent}": claims ${why}`, { details: { agent } });
  if (typeof claims?.field !== 'string' || claims.field === '')
    throw refuse('needs the field that lists them.');
  const kinds = Object.entries(claims.backedBy ?? {});
  if (kinds.length === 0)
    throw refuse("needs backedBy: the tool that backs each kind of claim, e.g. { edited: 'edit_file' }.");
  for (const [kind, tool] of kinds) {
    if (!tools.some((t) => t.name === tool))
      throw refuse(`kind "${kind}" is backed by "${String(tool)}", which is not one of its tools.`);
  }
  return Object.freeze({ field: claims.field, backedBy: Object.freeze({ ...claims.backedBy }) });
}

/** An agent's feedback rules, checked. */
function feedbackRules(agent: string, feedback: FeedbackRules | undefined): FeedbackRules | null {
  if (feedback === undefined) return null;
  if (
    typeof feedback?.items !== 'string' ||
    typeof feedback.answers !== 'string' ||
    !feedback.items ||
    !feedback.answers
  ) {
    throw new BatonError(
      'invalid_agent',
      `Agent "${agent}": feedback needs the input field of the items and the output field of the answers, e.g. { items: 'feedback', answers: 'addressed' }.`,
      { details: { agent } },
    );
  }
  return Object.freeze({ items: feedback.items, answers: feedback.answers });
}

/** The repeats a visit allows: a whole number ≥ 0, or Infinity. */
function repeatCount(value: number | undefined, where: string): number {
  if (value === undefined) return 2;
  if (value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 0)) return value;
  throw new BatonError(
    'invalid_agent',
    `${where} must be a whole number of at least 0, got ${String(value)}.`,
    {
      details: { where },
    },
  );
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
 * receives another agent's transcript. The budget defaults to 4 turns per visit and 4096 output tokens
 * per call, with no token limit of its own; `ask` defaults to false. Everything is checked here, before
 * any model call: it throws `invalid_agent` for a name that is not 1–48 letters, digits, `_` or `-`
 * starting with a letter, a missing description, instructions or model, a tool listed twice, or a budget
 * value that is not a whole number of at least 1 (or `Infinity`); and `invalid_schema` when `input` or
 * `output` is not an object schema ajv can compile.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { defineAgent, openai } from 'baton-flow';
 *
 * export const triage = defineAgent({
 *   name: 'triage',
 *   description: 'Reads a support ticket and decides who handles it.',
 *   input: Type.Object({ id: Type.String(), subject: Type.String(), body: Type.String() }),
 *   instructions: 'Hand billing questions to billing and everything else to tech.',
 *   model: openai('gpt-5-mini'), // or scripted([...]) in tests
 *   budget: { turns: 2, maxOutputTokens: 512 },
 * });
 * ```
 */
export function defineAgent<
  const N extends string,
  I extends Schema,
  O extends Schema | undefined = undefined,
>(definition: AgentDefinition<N, I, O>): Agent<N, Infer<I>, O extends Schema ? Infer<O> : unknown> {
  assertDefinition(
    definition,
    'invalid_agent',
    'defineAgent',
    '{ name, description, input, instructions, model }',
  );
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
  assertPrice(
    definition.model.price,
    'invalid_agent',
    `Agent "${name}": the price of its model "${definition.model.id}"`,
    { agent: name, model: definition.model.id },
  );
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
    inputValidator: compiledValidator<Infer<I>>(input, `agent "${name}" input`),
    output,
    outputValidator: output ? compiledValidator<Out>(output, `agent "${name}" output`) : undefined,
    instructions: definition.instructions,
    model: definition.model,
    tools,
    ask: definition.ask ?? false,
    facts: Object.freeze([...factNames(name, definition.facts)]),
    claims: claimRules(name, definition.claims, tools),
    feedback: feedbackRules(name, definition.feedback),
    budget: {
      turns: count(budget.turns, 4, `agent "${name}" budget.turns`),
      tokens: count(budget.tokens, Number.POSITIVE_INFINITY, `agent "${name}" budget.tokens`),
      maxOutputTokens: count(budget.maxOutputTokens, 4096, `agent "${name}" budget.maxOutputTokens`),
      repeats: repeatCount(budget.repeats, `agent "${name}" budget.repeats`),
    },
  });
}
