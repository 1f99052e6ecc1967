import type { AnyAgent } from '../../agents/define-agent.js';
import { BatonError } from '../../contracts/errors.js';
import { type AnyFlow, isFlow } from '../../machines/define-flow.js';
import { FINAL_STATES, VERIFYING } from '../../machines/flow-events.js';
import type { VerifySpec } from '../../machines/flow-spec.js';
import type { ResolvedLimits } from '../../machines/limits.js';
import { contractName } from './contract-name.js';
import { waitGraph } from './wait-graph.js';

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

/**
 * The judge of a flow's verify stage (`verify` with a judge made by `defineJudge`), as its diagram shows
 * it: the `verifying` state, where the judge judges a result a finishing agent handed it.
 */
export interface FlowGraphJudge {
  readonly kind: 'judge';
  /** Its state in the flow's machine. */
  readonly id: 'verifying';
  /** The judge's name. */
  readonly name: string;
  /** What it judges, in one sentence. */
  readonly description: string;
  /** The model's id (`openai:gpt-5-mini`), or null when it has none. */
  readonly model: string | null;
  /** Its own budget for each round: only the limits it sets. */
  readonly budget: FlowGraphAgent['budget'];
  /** The ids of the criteria it judges (`judge: true`). */
  readonly criteria: readonly string[];
  /** The ids of the criteria checked in code first: it is called only when they all pass. */
  readonly checks: readonly string[];
  /**
   * The rounds of verification a run may take (`verify.rounds`): the agent that finished revises between
   * them.
   */
  readonly rounds: number;
}

/** An agent that can make a run wait for a person, and why, as a diagram's human wait lists it. */
export interface FlowGraphWaiter {
  /** The agent's name. */
  readonly agent: string;
  /** Whether it may ask a person a question (`ask: true`). */
  readonly ask: boolean;
  /** Its own tools a call of which may need a person's approval (`needsApproval`). */
  readonly approvals: readonly string[];
  /** The limits a person is asked to extend when they run out (the flow's `limitPolicy` of `wait`). */
  readonly limits: readonly ('turns' | 'tokens' | 'usd')[];
  /** Whether a result it finishes with goes to a person when it rests on critical assumptions. */
  readonly assumptions: boolean;
}

/**
 * The state a run waits in for a person (`awaiting_human`), as a flow's diagram shows it: only a flow
 * with an agent that can make it wait has it.
 */
export interface FlowGraphHumanWait {
  readonly kind: 'human';
  /** Its state in the flow's machine, and the status of a stored run that waits there. */
  readonly id: 'awaiting_human';
  /** What a person does there, in one sentence. */
  readonly description: string;
  /** The agents that can make the run wait, in the order the flow lists them, and why. */
  readonly waiters: readonly FlowGraphWaiter[];
  /** The field of a result that lists its assumptions (the flow's `assumptions`), or null. */
  readonly assumptions: string | null;
}

/**
 * A box of a flow's diagram: an agent, a code step, the judge, the human wait or a final state. Its `id`
 * is its state in the flow's machine.
 */
export type FlowGraphNode = FlowGraphAgent | FlowGraphJudge | FlowGraphHumanWait | FlowGraphEnding;

/**
 * An arrow of a flow's diagram. `start` enters the start agent (it has no `from`); `handoff` is a route,
 * labelled with the name of the payload's contract (the receiver's input); `finish` goes to `done`,
 * labelled with the result's contract; `escalate` and `fail` are the exits every agent and the judge have,
 * when a budget runs out or a contract still fails after its repairs (the human wait's `escalate` is
 * labelled with when it is taken: a person refused more of a limit, or nobody answered in time). With a
 * judge, `verify` hands the result of a finishing agent to it, and `revise` sends a failed round back to
 * that agent, labelled with the rounds bound. With a human wait, `wait` goes there from each agent that can
 * make the run wait (labelled with why: `ask`, `approve <tools>`, `more <limits>`, `confirm assumptions`)
 * and from the judge when the flow has `assumptions`, `answer` goes back to the agent that waited, and
 * `confirm` goes to `done` when a person confirmed a result's assumptions.
 */
export interface FlowGraphEdge {
  readonly kind:
    | 'start'
    | 'handoff'
    | 'finish'
    | 'escalate'
    | 'fail'
    | 'verify'
    | 'revise'
    | 'wait'
    | 'answer'
    | 'confirm';
  /** The state it leaves, or null for the start. */
  readonly from: string | null;
  readonly to: string;
  /**
   * The contract's name for a handoff or a finish; a few words for a `revise`, `wait`, `answer`,
   * `confirm` or `verify` and for the human wait's `escalate`; empty otherwise.
   */
  readonly label: string;
}

/** The limits a flow sets, each only when it is finite. */
export type GraphLimits = { readonly [K in keyof ResolvedLimits]?: number };

/**
 * What a diagram of a flow shows, read from its definition: agents, routes, the judge and the human wait,
 * final states and budgets.
 */
export interface FlowGraph {
  /** The flow's id. */
  readonly flow: string;
  readonly version: string;
  readonly description: string;
  /**
   * The agents and code steps in the order the flow lists them, then the judge and the human wait when
   * the flow has them, then the four final states.
   */
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

/** Only the limits an agent's own budget sets. */
function ownBudget(agent: AnyAgent): FlowGraphAgent['budget'] {
  if (agent.kind !== 'agent') return {};
  const { turns, tokens, maxOutputTokens } = agent.budget;
  return finite({ turns, tokens, maxOutputTokens });
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
    budget: ownBudget(agent),
    start: flow.start === agent.name,
    finish: flow.finish.includes(agent.name),
  };
}

/** The contract name of a result the judge passes: the finishing agents' one, else the flow's output's. */
function verifiedContract(flow: AnyFlow): string {
  const names = new Set(
    flow.finish.map((name) => contractName(flow.agents.get(name)?.output ?? flow.output)),
  );
  return names.size === 1 ? [...names][0]! : contractName(flow.output);
}

/**
 * The judge of a flow with `verify` and a judge, as `buildMachine` compiles it: its node, a `verify` arrow
 * from each finishing agent, its `finish` to `done`, a `revise` back to each finishing agent, and its exits.
 */
function judgeGraph(
  flow: AnyFlow,
  verify: VerifySpec,
  judge: AnyAgent,
): { node: FlowGraphJudge; edges: FlowGraphEdge[]; exits: FlowGraphEdge[] } {
  const edges: FlowGraphEdge[] = flow.finish.map((name) => ({
    kind: 'verify',
    from: name,
    to: VERIFYING,
    label: 'verify',
  }));
  edges.push({ kind: 'finish', from: VERIFYING, to: 'done', label: verifiedContract(flow) });
  for (const name of flow.finish) {
    edges.push({ kind: 'revise', from: VERIFYING, to: name, label: `revise · rounds ≤ ${verify.rounds}` });
  }
  return {
    node: {
      kind: 'judge',
      id: VERIFYING,
      name: judge.name,
      description: judge.description,
      model: judge.kind === 'agent' ? judge.model.id : null,
      budget: ownBudget(judge),
      criteria: verify.judged.map((criterion) => criterion.id),
      checks: verify.criteria.filter((criterion) => criterion.check !== undefined).map((c) => c.id),
      rounds: verify.rounds,
    },
    edges,
    exits: [
      { kind: 'escalate', from: VERIFYING, to: 'escalated', label: '' },
      { kind: 'fail', from: VERIFYING, to: 'failed', label: '' },
    ],
  };
}

/**
 * Reads the diagram of a flow from its definition: one node per agent or code step (its model, tools,
 * input contract and budget) and per final state, a `start` edge into the start agent, one `handoff` edge
 * per route labelled with the payload's contract name, a `finish` edge to `done` from each agent that may
 * finish, and the `escalate` and `fail` exits of every agent. A flow with a judge (`verify` with a judge
 * made by `defineJudge`) gets its node too, with `verify` and `revise` edges between it and each finishing
 * agent; a flow whose agents can make it wait for a person (`ask`, a tool that `needsApproval`, a
 * `limitPolicy` of `wait`, `assumptions`) gets the human wait, with `wait` and `answer` edges between it
 * and each of them. The nodes and edges are the states and transitions of the flow's machine, less its
 * self-loops (repairs, revisions after a failed check) and the cancel every state has. Throws
 * `invalid_argument` for anything that is not a flow made by `defineFlow`.
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
  const verify = flow.spec.verify;
  const judge = verify?.judge ? judgeGraph(flow, verify, verify.judge) : null;
  const wait = waitGraph(flow);
  if (judge) nodes.push(judge.node);
  if (wait) nodes.push(wait.node);
  edges.push(...(judge?.edges ?? []), ...(wait?.edges ?? []));
  for (const agent of flow.agents.values()) {
    edges.push({ kind: 'escalate', from: agent.name, to: 'escalated', label: '' });
    edges.push({ kind: 'fail', from: agent.name, to: 'failed', label: '' });
  }
  edges.push(...(judge?.exits ?? []), ...(wait ? [wait.exit] : []));
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
