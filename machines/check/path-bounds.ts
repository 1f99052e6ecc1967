import { doneState, isHandoff, ownMove, reachingTo, startAgents } from './graph-walk.js';
import type { GraphEdge, MachineGraph } from './machine-graph.js';
import { stronglyConnected } from './strongly-connected.js';

/** A path from the start to `done`: its handoffs, the model calls its visits may make, and its states. */
export interface PathSummary {
  readonly handoffs: number;
  /** Each agent visit counted at its turn budget (code steps make none), without repairs. */
  readonly modelCalls: number;
  readonly states: readonly string[];
}

/** How long runs of a flow can be: the paths to `done` and the worst case any run can reach under the limits. */
export interface FlowBounds {
  /** The path to `done` with the fewest handoffs, or null when `done` cannot be reached. */
  readonly shortest: PathSummary | null;
  /** The simple path to `done` with the most handoffs; when `exact` is false the search stopped early and it is a lower bound. */
  readonly longest: (PathSummary & { readonly exact: boolean }) | null;
  /** The most handoffs and model calls any run can take under the flow's limits; null when the limits do not bound it. */
  readonly worstCase: { readonly handoffs: number | null; readonly modelCalls: number | null };
  /** The flow's limits that bound these, or null for a machine that has none (custom machines). */
  readonly budget: {
    readonly handoffs: number | null;
    readonly visits: number | null;
    readonly repairs: number | null;
    readonly turns: number | null;
  };
}

const callsOf = (graph: MachineGraph, state: string): number => {
  const agent = graph.states.get(state)?.agent;
  return agent?.kind === 'agent' ? agent.turns : 0;
};

/** The path to `done` minimising a 0/1 edge weight (0-1 BFS), or null. */
function cheapest(
  graph: MachineGraph,
  edges: (state: string) => readonly GraphEdge[],
  weight: (edge: GraphEdge) => number,
  done: string,
): { cost: number; states: string[] } | null {
  const cost = new Map<string, number>();
  const via = new Map<string, string>();
  const deque: string[] = [];
  for (const state of graph.initial) {
    cost.set(state, 0);
    deque.push(state);
  }
  while (deque.length > 0) {
    const at = deque.shift()!;
    for (const edge of edges(at)) {
      const next = cost.get(at)! + weight(edge);
      if (next >= (cost.get(edge.to) ?? Number.POSITIVE_INFINITY)) continue;
      cost.set(edge.to, next);
      via.set(edge.to, at);
      if (weight(edge) === 0) deque.unshift(edge.to);
      else deque.push(edge.to);
    }
  }
  const total = cost.get(done);
  if (total === undefined) return null;
  const states = [done];
  for (let at = via.get(done); at !== undefined; at = via.get(at)) states.unshift(at);
  return { cost: total, states };
}

function summary(graph: MachineGraph, states: readonly string[], handoffs: number): PathSummary {
  return { handoffs, modelCalls: states.reduce((sum, s) => sum + callsOf(graph, s), 0), states };
}

/** Model-calling agent visits on the path to `done` with the fewest of them: each costs at least one call. */
export function fewestModelVisits(graph: MachineGraph): number | null {
  const done = doneState(graph);
  if (done === null) return null;
  const moves = (state: string) => graph.outgoing(state).filter((e) => ownMove(e) && e.to !== e.from);
  const visit = (edge: GraphEdge) => (graph.states.get(edge.to)?.agent?.kind === 'agent' ? 1 : 0);
  const found = cheapest(graph, moves, visit, done);
  if (!found) return null;
  const first = graph.initial.filter((s) => graph.states.get(s)?.agent?.kind === 'agent').length > 0 ? 1 : 0;
  return found.cost + first;
}

/**
 * Computes the flow's path bounds: the shortest and longest handoff paths from the start to `done`
 * (a depth-first search over simple paths, at most `searchLimit` steps), and the worst case under the
 * limits of a `defineFlow` machine (see docs/check.md for the argument).
 */
export function flowBounds(graph: MachineGraph, searchLimit: number): FlowBounds {
  const limits = graph.flow?.kind === 'flow' ? graph.flow.limits : undefined;
  const budget = {
    handoffs: limits?.handoffs ?? null,
    visits: limits?.visits ?? null,
    repairs: limits?.repairs ?? null,
    turns: limits?.turns ?? null,
  };
  const done = doneState(graph);
  const worstCase = worst(graph, budget);
  if (done === null) return { shortest: null, longest: null, worstCase, budget };
  const toDone = reachingTo(graph, [done], (e) => ownMove(e) && e.from !== e.to);
  const movesOf = new Map(
    [...graph.states.keys()].map((state) => [
      state,
      graph.outgoing(state).filter((e) => ownMove(e) && e.to !== e.from && toDone.has(e.to)),
    ]),
  );
  const moves = (state: string) => movesOf.get(state) ?? [];
  const weight = (edge: GraphEdge) => (isHandoff(graph, edge) ? 1 : 0);
  const short = cheapest(graph, moves, weight, done);
  const shortest = short ? summary(graph, short.states, short.cost) : null;

  let best: { handoffs: number; states: string[] } | null = null;
  let steps = 0;
  let exact = true;
  const path: string[] = [];
  const onPath = new Set<string>();
  const search = (state: string, handoffs: number) => {
    steps += 1;
    if (steps > searchLimit) {
      exact = false;
      return;
    }
    path.push(state);
    onPath.add(state);
    if (state === done) {
      if (!best || handoffs > best.handoffs) best = { handoffs, states: [...path] };
    } else {
      for (const edge of moves(state)) {
        if (!onPath.has(edge.to)) search(edge.to, handoffs + weight(edge));
        if (!exact) break;
      }
    }
    path.pop();
    onPath.delete(state);
  };
  for (const state of graph.initial) if (toDone.has(state)) search(state, 0);
  const found = best as { handoffs: number; states: string[] } | null;
  const longest = found ? { ...summary(graph, found.states, found.handoffs), exact } : null;
  return { shortest, longest, worstCase, budget };
}

/** The worst case of a `defineFlow` machine under its limits: handoffs and model calls any run can reach. */
function worst(graph: MachineGraph, budget: FlowBounds['budget']): FlowBounds['worstCase'] {
  const { handoffs: maxHandoffs, visits, repairs, turns } = budget;
  if (maxHandoffs === null || visits === null || repairs === null || turns === null) {
    return { handoffs: null, modelCalls: null };
  }
  const starts = new Set(startAgents(graph));
  const routes = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (!isHandoff(graph, edge)) continue;
    routes.set(edge.from, [...(routes.get(edge.from) ?? []), edge.to]);
  }
  const agents = [...graph.states.values()].filter((s) => s.agent).map((s) => s.id);
  const components = stronglyConnected(agents, (a) => routes.get(a) ?? []);
  const componentOf = new Map<string, number>();
  components.forEach((c, i) => {
    for (const a of c) componentOf.set(a, i);
  });
  const bestHandoffs: number[] = [];
  const bestCalls: number[] = [];
  components.forEach((component, i) => {
    const cyclic = component.length > 1 || component.some((a) => (routes.get(a) ?? []).includes(a));
    let handoffs = 0;
    let calls = 0;
    for (const agent of component) {
      const start = starts.has(agent) ? 1 : 0;
      const entries = Math.max(0, Math.min(cyclic ? visits : 1, visits) - start);
      const perVisit = callsOf(graph, agent);
      const tries = graph.states.get(agent)?.agent?.kind === 'agent' ? repairs + 1 : 1;
      handoffs += entries;
      calls += perVisit === 0 ? 0 : (entries + start) * tries * perVisit;
    }
    let nextHandoffs = 0;
    let nextCalls = 0;
    for (const agent of component) {
      for (const to of routes.get(agent) ?? []) {
        const j = componentOf.get(to)!;
        if (j === i) continue;
        nextHandoffs = Math.max(nextHandoffs, bestHandoffs[j]!);
        nextCalls = Math.max(nextCalls, bestCalls[j]!);
      }
    }
    bestHandoffs[i] = handoffs + nextHandoffs;
    bestCalls[i] = calls + nextCalls;
  });
  let pathHandoffs = 0;
  let pathCalls = 0;
  for (const start of starts) {
    const i = componentOf.get(start)!;
    pathHandoffs = Math.max(pathHandoffs, bestHandoffs[i]!);
    pathCalls = Math.max(pathCalls, bestCalls[i]!);
  }
  const worstHandoffs = Math.min(maxHandoffs, pathHandoffs);
  const maxTurns = Math.max(0, ...agents.map((a) => callsOf(graph, a)));
  const perRun = maxTurns === 0 ? 0 : (worstHandoffs + 1) * (repairs + 1) * maxTurns;
  const worstCalls = Math.min(turns, pathCalls, perRun);
  return {
    handoffs: Number.isFinite(worstHandoffs) ? worstHandoffs : null,
    modelCalls: Number.isFinite(worstCalls) ? worstCalls : null,
  };
}
