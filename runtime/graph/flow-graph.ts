import type { AnyAgent } from '../../agents/define-agent.js';
import { BatonError } from '../../contracts/errors.js';
import { FINAL_STATES } from '../../machines/build-machine.js';
import { type AnyFlow, isFlow } from '../../machines/define-flow.js';
import type { ResolvedLimits } from '../../machines/limits.js';
import { contractName } from './contract-name.js';

/** A final state of every flow: how a run ends. */
export type EndingName = (typeof FINAL_STATES)[number];

/** A participant of a flow, as its diagram shows it. */
export interface FlowGraphAgent {
  readonly kind: 'agent' | 'step';
  /** The agent's name: its state in the flow's machine. */
  readonly id: string;
  /** Its capability, in one sentence. */
  readonly description: string;
  /** The model's id (`openai:gpt-5-mini`), or null for a code step. */
  readonly model: string | null;
  /** The names of its own tools. */
  readonly tools: readonly string[];
  /** The name of its input contract (see `contractName`). */
  readonly input: string;
  /** Its own budget for each visit: only the limits it sets (a code step has none). */
  readonly budget: { readonly turns?: number; readonly tokens?: number; readonly maxOutputTokens?: number };
  /** Whether the run starts with it. */
  readonly start: boolean;
  /** Whether it may finish the flow. */
  readonly finish: boolean;
}

/** A final state, as a flow's diagram shows it. */
export interface FlowGraphEnding {
  readonly kind: 'ending';
  readonly id: EndingName;
  /** When a run ends there, in a few words. */
  readonly description: string;
}

/** A box of a flow's diagram: an agent, a code step or a final state. */
export type FlowGraphNode = FlowGraphAgent | FlowGraphEnding;

/**
 * An arrow of a flow's diagram. `start` enters the start agent (it has no `from`); `handoff` is a route,
 * labelled with the name of the payload's contract (the receiver's input); `finish` goes to `done`,
 * labelled with the result's contract; `escalate` and `fail` are the exits every agent has, when a budget
 * runs out or a contract still fails after its repairs.
 */
export interface FlowGraphEdge {
  readonly kind: 'start' | 'handoff' | 'finish' | 'escalate' | 'fail';
  /** The agent it leaves, or null for the start. */
  readonly from: string | null;
  readonly to: string;
  /** The contract's name for a handoff or a finish; empty otherwise. */
  readonly label: string;
}

/** The limits a flow sets, each only when it is finite. */
export type GraphLimits = { readonly [K in keyof ResolvedLimits]?: number };

/** What a diagram of a flow shows, read from its definition: agents, routes, final states and budgets. */
export interface FlowGraph {
  /** The flow's id. */
  readonly flow: string;
  readonly version: string;
  readonly description: string;
  /** The agents and code steps in the order the flow lists them, then the four final states. */
  readonly nodes: readonly FlowGraphNode[];
  readonly edges: readonly FlowGraphEdge[];
  readonly limits: GraphLimits;
}

/** When a run ends in each final state, in a few words: what a diagram says of it. */
export const ENDINGS: Readonly<Record<EndingName, string>> = {
  done: 'the result met its contract and the done predicate',
  escalated: 'a budget or limit ran out, or a person is needed',
  failed: 'a contract still failed after its repairs, or an error',
  cancelled: 'the caller cancelled the run',
};

/** Only the finite values of a record of limits. */
function finite<K extends string>(values: Readonly<Record<K, number>>): { [P in K]?: number } {
  const out: { [P in K]?: number } = {};
  for (const [key, value] of Object.entries(values) as [K, number][]) {
    if (Number.isFinite(value)) out[key] = value;
  }
  return out;
}

function agentNode(flow: AnyFlow, agent: AnyAgent): FlowGraphAgent {
  const model = agent.kind === 'agent';
  return {
    kind: agent.kind,
    id: agent.name,
    description: agent.description,
    model: model ? agent.model.id : null,
    tools: model ? agent.tools.map((tool) => tool.name) : [],
    input: contractName(agent.input),
    budget: model
      ? finite({
          turns: agent.budget.turns,
          tokens: agent.budget.tokens,
          maxOutputTokens: agent.budget.maxOutputTokens,
        })
      : {},
    start: flow.start === agent.name,
    finish: flow.finish.includes(agent.name),
  };
}

/**
 * Reads the diagram of a flow from its definition: one node per agent or code step (its model, tools,
 * input contract and budget) and per final state, a `start` edge into the start agent, one `handoff` edge
 * per route labelled with the payload's contract name, a `finish` edge to `done` from each agent that may
 * finish, and the `escalate` and `fail` exits of every agent. Throws `invalid_argument` for anything
 * that is not a flow made by `defineFlow`.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { defineAgent, defineFlow } from 'baton-flow';
 * import { flowGraph } from 'baton-flow/report';
 * import { scripted } from 'baton-flow/testing';
 *
 * const Draft = Type.Object({ text: Type.String() }, { title: 'Draft' });
 * const model = scripted([]);
 * const writer = defineAgent({ name: 'writer', description: 'Drafts.', input: Draft, instructions: 'Draft it.', model });
 * const editor = defineAgent({ name: 'editor', description: 'Edits.', input: Draft, instructions: 'Edit it.', model });
 * const article = defineFlow({
 *   id: 'article',
 *   input: Draft,
 *   output: Draft,
 *   start: 'writer',
 *   agents: [writer, editor],
 *   routes: { writer: ['editor'] },
 *   finish: ['editor'],
 * });
 *
 * const graph = flowGraph(article);
 * console.log(graph.edges.filter((edge) => edge.kind === 'handoff')); // [{ kind: 'handoff', from: 'writer', to: 'editor', label: 'Draft' }]
 * ```
 */
export function flowGraph(flow: AnyFlow): FlowGraph {
  if (!isFlow(flow)) {
    throw new BatonError(
      'invalid_argument',
      'flowGraph expects a flow made by defineFlow; pass the value defineFlow returned.',
    );
  }
  const nodes: FlowGraphNode[] = [];
  const edges: FlowGraphEdge[] = [{ kind: 'start', from: null, to: flow.start, label: '' }];
  for (const agent of flow.agents.values()) nodes.push(agentNode(flow, agent));
  for (const agent of flow.agents.values()) {
    for (const to of flow.routes[agent.name] ?? []) {
      edges.push({ kind: 'handoff', from: agent.name, to, label: contractName(flow.agents.get(to)?.input) });
    }
  }
  for (const name of flow.finish) {
    const output = flow.agents.get(name)?.output ?? flow.output;
    edges.push({ kind: 'finish', from: name, to: 'done', label: contractName(output) });
  }
  for (const agent of flow.agents.values()) {
    edges.push({ kind: 'escalate', from: agent.name, to: 'escalated', label: '' });
    edges.push({ kind: 'fail', from: agent.name, to: 'failed', label: '' });
  }
  for (const id of FINAL_STATES) nodes.push({ kind: 'ending', id, description: ENDINGS[id] });
  return {
    flow: flow.id,
    version: flow.version,
    description: flow.description,
    nodes,
    edges,
    limits: finite({ ...flow.limits }),
  };
}
