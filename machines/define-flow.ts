import type { AnyAgent } from '../agents/define-agent.js';
import type { ToolSpec } from '../agents/model.js';
import { BatonError } from '../contracts/errors.js';
import { assertObjectSchema, type Infer, type JsonSchemaObject, type Schema } from '../contracts/schema.js';
import { validatorFor } from '../contracts/validator.js';
import { formatViolations } from '../contracts/violations.js';
import { buildMachine, type FlowMachine } from './build-machine.js';
import type { DonePredicate, FactsSpec, FlowSpec, VerifySpec, WaitableLimit } from './flow-spec.js';
import type { FlowLimits, ResolvedLimits } from './limits.js';
import { readOnlyMap, readOnlySet } from './read-only.js';
import { toolSpecsFor } from './tool-specs.js';
import { validateFlowDefinition } from './validate-flow.js';
import { type Criterion, JUDGE_INPUT, JUDGE_VERDICT } from './verify.js';

/** The name of an agent or step. */
export type NameOf<A> = A extends { readonly name: infer N extends string } ? N : never;

/** A flow as written by the user. Agent names in `start`, `routes` and `finish` are checked by the compiler. */
export interface FlowDefinition<
  Id extends string,
  I extends Schema,
  O extends Schema,
  A extends readonly AnyAgent[],
  F extends Schema = Schema,
> {
  readonly id: Id;
  /**
   * The flow's version (default `'1'`), stored with each persisted snapshot. Change it when a change to
   * the flow must not resume runs stored by the old one; `check` of the snapshot's machine hash refuses
   * changed machines even under the same version.
   */
  readonly version?: string;
  readonly description?: string;
  readonly input: I;
  readonly output: O;
  readonly start: NameOf<A[number]>;
  readonly agents: A;
  /** Who may hand off to whom. An agent sees one handoff tool per route and can reach no one else. */
  readonly routes?: { readonly [K in NameOf<A[number]>]?: readonly NameOf<A[number]>[] };
  /** The agents that may finish the flow: they see the finish tool. */
  readonly finish: readonly NameOf<A[number]>[];
  /** The done contract: `done` is entered only when the result fits `output` and this holds. */
  readonly done?: DonePredicate<Infer<I>, Infer<O>>;
  readonly limits?: FlowLimits;
  /**
   * Typed state of the run that tools update and later agents need (a passenger, a booked seat): an
   * object schema, and the facts a run starts with (a value, or a function of the validated input). Only
   * tools that list a fact in `writes` can change it, and an agent's model sees only the facts it lists
   * in `facts`. Facts are never a transcript: each is a value that fits its schema, kept in the run's
   * context and in its stored snapshots.
   */
  readonly facts?: FactsDefinition<Infer<I>, F>;
  /**
   * What running out of a resource limit does: `escalate` (the default) ends the run `escalated` with the
   * limit's code; `wait`, in a run kept in a store, asks a person whether to allow as much again
   * (`awaiting_human`, answered like an approval). Without a store, `wait` escalates. The counters
   * (handoffs, visits, repairs) bound the flow's cycles and cannot wait.
   */
  readonly limitPolicy?: { readonly [K in WaitableLimit]?: 'escalate' | 'wait' };
  /**
   * The verify stage: a finish that meets the done contract is checked against acceptance criteria
   * before `done`. Deterministic checks run first; the judge (made with `defineJudge`) is called only
   * when they all pass, and sees only the result and the criteria it judges. Failed criteria go back to
   * the worker as feedback, for at most `rounds` rounds (default 3); a round that passes no more criteria
   * than the best before it stops the loop. Either way the run ends `escalated` / `verification_failed`
   * with the best result as its partial.
   */
  readonly verify?: VerifyDefinition<Infer<I>, Infer<O>>;
  /**
   * The field of the result that lists the assumptions it rests on (`[{ text, critical }]`). A result with
   * a critical assumption goes to a person before `done`: in a stored run the run waits for them to
   * confirm it (rejecting sends the worker their reason); without a store it ends `needs_human`.
   */
  readonly assumptions?: string;
}

/** The `verify` of a flow definition. */
export interface VerifyDefinition<In = unknown, Out = unknown> {
  readonly criteria: readonly Criterion<In, Out>[];
  /** The judge of the criteria with `judge: true`, made with `defineJudge`. */
  readonly judge?: AnyAgent;
  /** Rounds a run may take (default 3). */
  readonly rounds?: number;
}

/** The `facts` of a flow definition. */
export interface FactsDefinition<In = unknown, S extends Schema = Schema> {
  /** The object schema of all the facts; each property is one fact. */
  readonly schema: S;
  /** The facts a run starts with: a value, or a function of the validated input. Checked against `schema`. */
  readonly initial: Infer<S> | ((input: In) => Infer<S>);
}

/** A defined flow: its resolved parts and the XState machine it compiles to. */
export interface Flow<
  Id extends string = string,
  In = unknown,
  Out = unknown,
  Names extends string = string,
> {
  readonly kind: 'flow';
  readonly id: Id;
  /** The declared version, `'1'` unless given. */
  readonly version: string;
  readonly description: string;
  readonly input: JsonSchemaObject;
  readonly output: JsonSchemaObject;
  readonly start: Names;
  readonly agents: ReadonlyMap<Names, AnyAgent>;
  readonly routes: Readonly<Record<string, readonly Names[]>>;
  readonly finish: readonly Names[];
  readonly limits: ResolvedLimits;
  /** The tools each agent sees, by agent name. */
  readonly tools: ReadonlyMap<Names, readonly ToolSpec[]>;
  /** What the machine's guards and actors work from. */
  readonly spec: FlowSpec;
  /** A real XState v5 machine: inspect it, test it with `transition`, draw it. */
  readonly machine: FlowMachine;
  /** Phantom: the static types of the flow's input and output. */
  readonly '~types'?: { readonly input: In; readonly output: Out };
}

/** A flow of any types. */
export type AnyFlow = Flow<string, unknown, unknown, string>;

const brand = Symbol.for('baton.flow');

/**
 * Defines a flow and compiles it, once, to an XState v5 machine. Throws `invalid_flow` (naming the flow,
 * the agent and the fix) for a missing or unknown start, unknown agents or routes, a missing finisher,
 * incompatible contracts, limits out of range or under which the start agent could do nothing, or a
 * `done` that is not a synchronous function; `invalid_schema` for schemas that are not object schemas: a
 * broken flow fails here, before any model call. The whole example is `examples/support/flow.ts`.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { defineAgent, defineFlow } from 'baton-flow';
 * import { scripted } from 'baton-flow/testing';
 *
 * const Draft = Type.Object({ text: Type.String() });
 * const model = scripted([
 *   { agent: 'writer', handoff: 'editor', payload: { text: 'A first draft.' } },
 *   { agent: 'editor', finish: { text: 'A final text.' } },
 * ]);
 * const writer = defineAgent({ name: 'writer', description: 'Drafts.', input: Draft, instructions: 'Draft it.', model });
 * const editor = defineAgent({ name: 'editor', description: 'Edits.', input: Draft, instructions: 'Edit it.', model });
 *
 * export const article = defineFlow({
 *   id: 'article',
 *   input: Draft,
 *   output: Draft,
 *   start: 'writer',
 *   agents: [writer, editor],
 *   routes: { writer: ['editor'], editor: ['writer'] },
 *   finish: ['editor'],
 *   done: ({ output }) => output.text.length > 0 || 'the text is empty',
 *   limits: { handoffs: 4, visits: 2, tokens: 20_000, ms: 60_000 },
 * });
 * ```
 */
export function defineFlow<
  const Id extends string,
  I extends Schema,
  O extends Schema,
  const A extends readonly AnyAgent[],
  F extends Schema = Schema,
>(definition: FlowDefinition<Id, I, O, A, F>): Flow<Id, Infer<I>, Infer<O>, NameOf<A[number]>> {
  type Names = NameOf<A[number]>;
  const checked = validateFlowDefinition(definition);
  const { id } = definition;
  const input = assertObjectSchema(definition.input, `flow "${id}" input`);
  const output = assertObjectSchema(definition.output, `flow "${id}" output`);
  const agents = readOnlyMap<Names, AnyAgent>(
    definition.agents.map((agent) => [agent.name as Names, agent]),
    `The agents of flow "${id}"`,
  );
  const routes = Object.freeze(
    Object.fromEntries(Object.entries(checked.routes).map(([from, to]) => [from, Object.freeze([...to])])),
  ) as Readonly<Record<string, readonly Names[]>>;
  const finish = readOnlySet<string>(definition.finish, `The finishers of flow "${id}"`);
  const spec: FlowSpec = Object.freeze({
    id,
    start: definition.start,
    agents,
    routes,
    finish,
    limits: checked.limits,
    input: validatorFor(input, `flow "${id}" input`),
    output: validatorFor(output, `flow "${id}" output`),
    done: definition.done as DonePredicate | undefined,
    facts: factsSpec(id, definition.facts as FactsDefinition | undefined, definition.agents),
    waitOn: waitPolicy(id, definition.limitPolicy),
    verify: verifySpec(id, definition.verify as VerifyDefinition | undefined, definition.agents),
    assumptions: assumptionsField(id, definition.assumptions),
  });
  const specs: [Names, readonly ToolSpec[]][] = [];
  for (const [name, agent] of agents) {
    const targets = (routes[name] ?? []).map((to) => agents.get(to)!);
    const finishSchema = finish.has(name) ? (agent.output ?? output) : null;
    specs.push([name, Object.freeze(toolSpecsFor(agent, targets, finishSchema))]);
  }
  const judge = spec.verify?.judge;
  if (judge) specs.push([judge.name as Names, Object.freeze(toolSpecsFor(judge, [], JUDGE_VERDICT))]);
  const tools = readOnlyMap(specs, `The tools of flow "${id}"`);
  const flow: Flow<Id, Infer<I>, Infer<O>, Names> = {
    kind: 'flow',
    id,
    version: definition.version ?? '1',
    description: definition.description ?? '',
    input,
    output,
    start: definition.start,
    agents,
    routes,
    finish: Object.freeze([...definition.finish]),
    limits: spec.limits,
    tools,
    spec,
    machine: buildMachine(spec, tools as ReadonlyMap<string, readonly ToolSpec[]>),
  };
  Object.defineProperty(flow, brand, { value: true });
  return Object.freeze(flow);
}

/**
 * Tells whether a value is a flow made by `defineFlow`, even by another copy of the package.
 *
 * @example
 * ```ts
 * import { pathToFileURL } from 'node:url';
 * import { isFlow } from 'baton-flow';
 *
 * const exported: Record<string, unknown> = await import(pathToFileURL('flows.js').href);
 * const flows = Object.values(exported).filter(isFlow);
 * console.log(flows.map((flow) => flow.id));
 * ```
 */
export function isFlow(value: unknown): value is AnyFlow {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * Resolves a flow's facts, checking that every fact an agent reads or a tool writes is declared: a typo
 * there would silently show nothing, or write nowhere.
 */
function factsSpec(
  flow: string,
  facts: FactsDefinition | undefined,
  agents: readonly AnyAgent[],
): FactsSpec | null {
  const used: { readonly who: string; readonly fact: string }[] = [];
  for (const agent of agents) {
    if (agent.kind !== 'agent') continue;
    for (const fact of agent.facts) used.push({ who: `agent "${agent.name}"`, fact });
    for (const tool of agent.tools)
      for (const fact of tool.writes) used.push({ who: `tool "${tool.name}"`, fact });
  }
  if (facts === undefined) {
    const first = used[0];
    if (!first) return null;
    throw new BatonError(
      'invalid_flow',
      `Flow "${flow}": ${first.who} names the fact "${first.fact}", but the flow declares no facts. Add facts: { schema, initial } to the flow.`,
      { details: { flow, fact: first.fact } },
    );
  }
  const schema = assertObjectSchema(facts.schema, `flow "${flow}" facts`);
  const properties = (schema.properties ?? {}) as Record<string, object>;
  for (const { who, fact } of used) {
    if (!Object.hasOwn(properties, fact)) {
      throw new BatonError(
        'invalid_flow',
        `Flow "${flow}": ${who} names the fact "${fact}", which the facts schema does not declare. Its facts are: ${Object.keys(properties).join(', ') || 'none'}.`,
        { details: { flow, fact } },
      );
    }
  }
  const checks = new Map(
    Object.entries(properties).map(([name, property]) => [name, validatorFor(property, `fact "${name}"`)]),
  );
  const initial = facts.initial;
  return Object.freeze({
    schema,
    validator: validatorFor(schema, `flow "${flow}" facts`),
    initial: typeof initial === 'function' ? (initial as (input: unknown) => unknown) : () => initial,
    check: (name: string, value: unknown) => {
      const validator = checks.get(name);
      if (!validator) return `the flow declares no fact "${name}"`;
      const checked = validator.validate(value);
      return checked.ok ? null : formatViolations(checked.violations);
    },
  });
}

const WAITABLE: readonly WaitableLimit[] = ['turns', 'tokens', 'usd'];

/** The limits whose policy is `wait`, checked: only resources may wait, and only `escalate` or `wait`. */
function waitPolicy(
  flow: string,
  policy: FlowDefinition<string, Schema, Schema, readonly AnyAgent[]>['limitPolicy'],
): ReadonlySet<WaitableLimit> {
  const waits = new Set<WaitableLimit>();
  if (policy === undefined) return waits;
  if (typeof policy !== 'object' || policy === null) {
    throw new BatonError(
      'invalid_flow',
      `Flow "${flow}": limitPolicy must be an object such as { tokens: 'wait' }.`,
      {
        details: { flow },
      },
    );
  }
  for (const [limit, what] of Object.entries(policy)) {
    if (!(WAITABLE as readonly string[]).includes(limit)) {
      throw new BatonError(
        'invalid_flow',
        `Flow "${flow}": limitPolicy.${limit} is not a limit that can wait. Only ${WAITABLE.join(', ')} can: the counters bound the flow's cycles.`,
        { details: { flow, limit } },
      );
    }
    if (what !== 'escalate' && what !== 'wait') {
      throw new BatonError(
        'invalid_flow',
        `Flow "${flow}": limitPolicy.${limit} must be 'escalate' or 'wait', got ${JSON.stringify(what)}.`,
        {
          details: { flow, limit },
        },
      );
    }
    if (what === 'wait') waits.add(limit as WaitableLimit);
  }
  return waits;
}

/**
 * Resolves a flow's verify stage, refusing (`invalid_flow`) what could not verify anything: no criteria, a
 * criterion without a check or a judge, two criteria with one id, judged criteria and no judge, or a judge
 * not made with `defineJudge` (whose fixed input keeps the worker's transcript from it).
 */
function verifySpec(
  flow: string,
  verify: VerifyDefinition | undefined,
  agents: readonly AnyAgent[],
): VerifySpec | null {
  if (verify === undefined) return null;
  const refuse = (why: string) =>
    new BatonError('invalid_flow', `Flow "${flow}": verify ${why}`, { details: { flow } });
  const criteria = verify.criteria;
  if (!Array.isArray(criteria) || criteria.length === 0)
    throw refuse(
      'needs at least one criterion: { id, description, check } or { id, description, judge: true }.',
    );
  const ids = new Set<string>();
  for (const criterion of criteria) {
    if (typeof criterion?.id !== 'string' || criterion.id === '')
      throw refuse('has a criterion without an id.');
    if (ids.has(criterion.id)) throw refuse(`has two criteria with the id "${criterion.id}".`);
    ids.add(criterion.id);
    if (typeof criterion.check !== 'function' && criterion.judge !== true)
      throw refuse(
        `criterion "${criterion.id}" has no check: give it a check function, or judge: true and a judge.`,
      );
  }
  const judged = criteria.filter((c) => c.judge === true);
  const judge = verify.judge ?? null;
  if (judged.length > 0 && !judge)
    throw refuse(
      `judges ${judged.map((c) => `"${c.id}"`).join(', ')} but names no judge: add judge: defineJudge({ ... }).`,
    );
  if (judge && judge.input !== JUDGE_INPUT)
    throw refuse(
      `judge "${judge.name}" must be made with defineJudge, so that it sees only the result and the criteria, never the worker's transcript.`,
    );
  if (judge && agents.some((agent) => agent.name === judge.name))
    throw refuse(`judge "${judge.name}" has the name of one of the flow's agents.`);
  const rounds = verify.rounds ?? 3;
  if (!Number.isInteger(rounds) || rounds < 1)
    throw refuse(`rounds must be a whole number of at least 1, got ${String(rounds)}.`);
  return Object.freeze({ criteria: [...criteria] as Criterion[], judged, judge, rounds });
}

/** The result field that lists assumptions, checked. */
function assumptionsField(flow: string, field: string | undefined): string | null {
  if (field === undefined) return null;
  if (typeof field !== 'string' || field === '')
    throw new BatonError(
      'invalid_flow',
      `Flow "${flow}": assumptions must name the field of the result that lists them.`,
      {
        details: { flow },
      },
    );
  return field;
}
