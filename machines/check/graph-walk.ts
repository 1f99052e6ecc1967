import type { GraphEdge, MachineGraph } from './machine-graph.js';

/** The states reachable from `from` along edges that `use` accepts (all by default). */
export function reachableFrom(
  graph: MachineGraph,
  from: readonly string[],
  use: (edge: GraphEdge) => boolean = () => true,
): Set<string> {
  const seen = new Set(from);
  const queue = [...from];
  for (let i = 0; i < queue.length; i += 1) {
    for (const edge of graph.outgoing(queue[i]!)) {
      if (!use(edge) || seen.has(edge.to)) continue;
      seen.add(edge.to);
      queue.push(edge.to);
    }
  }
  return seen;
}

/** The states from which one of `to` can be reached along edges that `use` accepts. */
export function reachingTo(
  graph: MachineGraph,
  to: readonly string[],
  use: (edge: GraphEdge) => boolean = () => true,
): Set<string> {
  const incoming = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (!use(edge)) continue;
    const list = incoming.get(edge.to) ?? [];
    list.push(edge.from);
    incoming.set(edge.to, list);
  }
  const seen = new Set(to);
  const queue = [...to];
  for (let i = 0; i < queue.length; i += 1) {
    for (const from of incoming.get(queue[i]!) ?? []) {
      if (seen.has(from)) continue;
      seen.add(from);
      queue.push(from);
    }
  }
  return seen;
}

/** The top-level final state named `done`, if the machine has one. */
export function doneState(graph: MachineGraph): string | null {
  return graph.states.get('done')?.terminal ? 'done' : null;
}

/** Whether an edge moves the run by itself: every edge but the external kill switch (`cancel`). */
export const ownMove = (edge: GraphEdge): boolean => edge.kind !== 'cancel' && edge.kind !== 'deadline';

/** Whether an edge hands the task from one agent to another (or to itself): marked `handoff`, or unmarked between agent states. */
export function isHandoff(graph: MachineGraph, edge: GraphEdge): boolean {
  if (edge.kind !== null) return edge.kind === 'handoff';
  return Boolean(
    graph.states.get(edge.from)?.agent && graph.states.get(edge.to)?.agent && edge.from !== edge.to,
  );
}

/** The agent states a run starts with: initial agent states, and the targets of `start` transitions from the initial states. */
export function startAgents(graph: MachineGraph): string[] {
  const starts = new Set<string>();
  for (const state of graph.initial) {
    if (graph.states.get(state)?.agent) starts.add(state);
    for (const edge of graph.outgoing(state)) {
      if (edge.kind === 'start' && graph.states.get(edge.to)?.agent) starts.add(edge.to);
    }
  }
  return [...starts];
}

/** How a message names a state: `agent "a"`, `agent "a" (state "x")` when they differ, or `state "x"`. */
export function placeOf(graph: MachineGraph, state: string): string {
  const agent = graph.states.get(state)?.agent?.agent;
  if (agent === undefined) return `state "${state}"`;
  return agent === state ? `agent "${agent}"` : `agent "${agent}" (state "${state}")`;
}
