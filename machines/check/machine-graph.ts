import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import type {
  AgentStateMeta,
  BatonTransitionKind,
  BatonTransitionMeta,
  FlowMeta,
} from '../parts/baton-meta.js';

/** A state the machine can be in: an atomic or final state node, named by its path (`review.editing`). */
export interface GraphState {
  readonly id: string;
  readonly node: AnyStateNode;
  /** A final state at the top level: a run that enters it has ended. */
  readonly terminal: boolean;
  /** What the state runs, when it runs an agent or a step. */
  readonly agent: AgentStateMeta | null;
  /** It leaves at once by an unguarded eventless transition, so it never waits for an event. */
  readonly transient: boolean;
}

/** A way from one state to another: one XState transition and one of the states it enters. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** The event it is taken on; `''` for an eventless (`always`) transition. */
  readonly event: string;
  readonly transition: AnyTransitionDefinition;
  /** `meta.baton.kind`, or null when the transition carries none. */
  readonly kind: BatonTransitionKind | null;
  readonly meta: BatonTransitionMeta | null;
}

/** The state graph of a machine, as the checks read it. */
export interface MachineGraph {
  readonly machine: AnyStateMachine;
  /** The machine's id: the flow's id for `defineFlow` machines. */
  readonly id: string;
  /** `meta.baton` of the root, or null. */
  readonly flow: FlowMeta | null;
  readonly states: ReadonlyMap<string, GraphState>;
  readonly edges: readonly GraphEdge[];
  /** The states a run starts in. */
  readonly initial: readonly string[];
  readonly outgoing: (state: string) => readonly GraphEdge[];
  /** Every transition a state can take: its own and its ancestors', in XState's order of priority. */
  readonly transitionsOf: (state: string) => readonly AnyTransitionDefinition[];
}

const idOf = (node: AnyStateNode): string => node.path.join('.');

function batonMeta(meta: unknown): Record<string, unknown> | null {
  const baton = (meta as { baton?: unknown } | undefined)?.baton;
  return typeof baton === 'object' && baton !== null ? (baton as Record<string, unknown>) : null;
}

function agentMetaOf(node: AnyStateNode): AgentStateMeta | null {
  const baton = batonMeta(node.meta);
  if (!baton || (baton.kind !== 'agent' && baton.kind !== 'step') || typeof baton.agent !== 'string')
    return null;
  return baton as unknown as AgentStateMeta;
}

/** The transition meta of a definition, or null. */
export function transitionMeta(transition: AnyTransitionDefinition): BatonTransitionMeta | null {
  const baton = batonMeta((transition as { meta?: unknown }).meta);
  return baton && typeof baton.kind === 'string' ? (baton as unknown as BatonTransitionMeta) : null;
}

function children(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states as Record<string, AnyStateNode>).filter(
    (child) => child.type !== 'history',
  );
}

function leavesUnder(node: AnyStateNode): AnyStateNode[] {
  if (node.type === 'atomic' || node.type === 'final') return [node];
  return children(node).flatMap(leavesUnder);
}

/** The leaves a run is in after entering `node`: its initial descendants (every region of a parallel state). */
function entered(node: AnyStateNode): AnyStateNode[] {
  switch (node.type) {
    case 'atomic':
    case 'final':
      return [node];
    case 'parallel':
      return children(node).flatMap(entered);
    case 'history':
      // Where history leads depends on the past: every leaf of the parent (an over-approximation).
      return node.parent ? leavesUnder(node.parent) : [];
    default:
      return node.initial
        ? node.initial.target.flatMap(entered)
        : children(node).slice(0, 1).flatMap(entered);
  }
}

function ancestry(node: AnyStateNode): AnyStateNode[] {
  const chain: AnyStateNode[] = [];
  for (let at: AnyStateNode | undefined = node; at; at = at.parent) chain.push(at);
  return chain;
}

/** Whether a completion event of `owner` (`xstate.done.state.<id>`) can follow from being in `leaf`. */
function completes(leaf: AnyStateNode, owner: AnyStateNode): boolean {
  if (leaf.type !== 'final') return false;
  return leaf.parent === owner || (owner.type === 'parallel' && leaf.parent?.parent === owner);
}

/**
 * Reads a machine's state graph: its atomic and final states, and an edge for each transition each of
 * them can take (its own, its ancestors', and completion transitions of the states it completes) to
 * each state that transition enters. Targetless transitions change no state and are left out.
 */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const root = machine.root;
  const leaves = leavesUnder(root);
  const states = new Map<string, GraphState>();
  const available = new Map<string, AnyTransitionDefinition[]>();
  for (const leaf of leaves) {
    const own = leaf.always ?? [];
    const transient = own.some((t) => t.guard === undefined && t.target !== undefined);
    const transitions: AnyTransitionDefinition[] = [];
    for (const node of ancestry(leaf)) {
      transitions.push(...(node.always ?? []));
      if (transient) continue;
      for (const [event, list] of node.transitions as Map<string, AnyTransitionDefinition[]>) {
        if (event.startsWith('xstate.done.state.') && !completes(leaf, node)) continue;
        transitions.push(...list);
      }
    }
    const id = idOf(leaf);
    available.set(id, transitions);
    states.set(id, {
      id,
      node: leaf,
      terminal: leaf.type === 'final' && leaf.parent === root,
      agent: agentMetaOf(leaf),
      transient,
    });
  }
  const edges: GraphEdge[] = [];
  const outgoing = new Map<string, GraphEdge[]>();
  for (const [from, transitions] of available) {
    const list: GraphEdge[] = [];
    if (states.get(from)?.terminal) {
      outgoing.set(from, list);
      continue;
    }
    for (const transition of transitions) {
      const meta = transitionMeta(transition);
      const targets = new Set((transition.target ?? []).flatMap(entered).map(idOf));
      for (const to of targets) {
        list.push({
          from,
          to,
          event: typeof transition.eventType === 'string' ? transition.eventType : '',
          transition,
          kind: meta?.kind ?? null,
          meta,
        });
      }
    }
    outgoing.set(from, list);
    edges.push(...list);
  }
  const flowMeta = batonMeta(root.meta);
  return {
    machine,
    id: machine.id,
    flow:
      flowMeta && (flowMeta.kind === 'flow' || flowMeta.kind === 'custom')
        ? (flowMeta as unknown as FlowMeta)
        : null,
    states,
    edges,
    initial: [...new Set(entered(root).map(idOf))],
    outgoing: (state) => outgoing.get(state) ?? [],
    transitionsOf: (state) => available.get(state) ?? [],
  };
}

/** The agent states of a graph, one per agent name, in the machine's order. */
export function agentStates(graph: MachineGraph): GraphState[] {
  const seen = new Set<string>();
  const list: GraphState[] = [];
  for (const state of graph.states.values()) {
    if (!state.agent || seen.has(state.agent.agent)) continue;
    seen.add(state.agent.agent);
    list.push(state);
  }
  return list;
}
