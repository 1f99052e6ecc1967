import type { AnyAgent } from '../../agents/define-agent.js';
import type { JsonSchemaObject } from '../../contracts/schema.js';

/**
 * What `meta.baton` holds on the states and transitions of a Baton machine: a flow compiled by
 * `defineFlow` or a custom statechart built from the parts. `check` reads it; XState ignores it.
 */

/** What a transition does in the flow. `check` and `flowPaths` read it from `meta.baton.kind`. */
export type BatonTransitionKind =
  | 'start'
  | 'assess'
  | 'handoff'
  | 'repair'
  | 'finish'
  | 'escalate'
  | 'fail'
  | 'error'
  | 'cancel'
  | 'deadline'
  | 'wait'
  | 'answer'
  | 'human_timeout'
  | 'verify'
  | 'revise';

/** A counter limit a transition is guarded by: the transition fires only while `counter < limit`. */
export interface CounterBound {
  readonly counter: string;
  readonly limit: number;
}

/** `meta.baton` of a transition. */
export interface BatonTransitionMeta {
  readonly kind: BatonTransitionKind;
  /** The agent a handoff goes to. */
  readonly to?: string;
  /** The counters that bound it, for people reading the machine: `check` verifies the guard itself. */
  readonly bounds?: readonly CounterBound[];
}

/** One of an agent's own tools, as plain JSON. */
export interface ToolMeta {
  readonly name: string;
  readonly description: string;
  readonly parameters: JsonSchemaObject;
}

/** `meta.baton` of a state that invokes an agent or a code step. */
export interface AgentStateMeta {
  readonly kind: 'agent' | 'step';
  readonly agent: string;
  readonly description: string;
  readonly input: JsonSchemaObject;
  readonly output: JsonSchemaObject | null;
  /** The model's id (`openai:gpt-5-mini`), or null for a code step. */
  readonly model: string | null;
  /** Whether the model has a price, so `limits.usd` can meter it (false for a code step). */
  readonly priced?: boolean;
  /** Model calls per visit (the agent's turn budget); 0 for a code step. */
  readonly turns: number;
  readonly tools: readonly ToolMeta[];
  /** Set by `defineFlow`: the agents it may hand off to. */
  readonly routes?: readonly string[];
  /** Set by `defineFlow`: whether it may finish. */
  readonly finish?: boolean;
}

/** `meta.baton` of a machine's root: the flow's contracts and, for `defineFlow` machines, its limits. */
export interface FlowMeta {
  readonly kind: 'flow' | 'custom';
  readonly input?: object;
  readonly output?: object;
  /** Present on `defineFlow` machines only: its handoff, visit and repair guards enforce these. */
  readonly limits?: Readonly<Record<string, number>>;
  /** Present on `defineFlow` machines with a verify stage: its revise guards enforce this many rounds. */
  readonly rounds?: number;
}

/**
 * The `meta.baton` of the state that runs an agent or code step: its contracts, model and own tools, as
 * plain data. `agentState` sets it; a hand-written state that invokes `agentLogic` sets it so `check` can
 * read the agent.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { defineAgent } from 'baton-flow';
 * import { agentMeta } from 'baton-flow/parts';
 * import { scripted } from 'baton-flow/testing';
 *
 * const Draft = Type.Object({ text: Type.String() });
 * const writer = defineAgent({ name: 'writer', description: 'Drafts.', input: Draft, instructions: 'Draft it.', model: scripted([]) });
 * const state = { invoke: { src: 'writer', input: ({ context }: { context: { payload: unknown } }) => context.payload }, meta: { baton: agentMeta(writer) } };
 * ```
 */
export function agentMeta(agent: AnyAgent): AgentStateMeta {
  const model = agent.kind === 'agent';
  return {
    kind: agent.kind,
    agent: agent.name,
    description: agent.description,
    input: agent.input,
    output: agent.output ?? null,
    model: model ? agent.model.id : null,
    priced: model ? agent.model.price !== undefined : false,
    turns: model ? agent.budget.turns : 0,
    tools: model
      ? agent.tools.map((tool) => ({
          name: tool.name,
          description: tool.description,
          parameters: tool.input as JsonSchemaObject,
        }))
      : [],
  };
}
