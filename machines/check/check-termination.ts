import type { Finding } from './diagnostic.js';
import { placeOf } from './graph-walk.js';
import { type EdgeBounds, edgeBounds } from './guard-bounds.js';
import type { GraphEdge, MachineGraph } from './machine-graph.js';
import { stronglyConnected } from './strongly-connected.js';

/** A strongly connected set of states whose cycles no counter bounds, with the transitions among them. */
export interface UnboundedCycle {
  readonly states: readonly string[];
  readonly edges: readonly GraphEdge[];
}

/**
 * The termination proof. Removes, until nothing changes: (1) every transition that lies on no cycle of
 * what is left (a run takes it finitely often), and (2) every transition bounded by a finite counter
 * guard whose counter no remaining transition resets (after the last reset, it fires at most `limit`
 * more times). What is left is the set of cycles that can repeat forever; none means every run ends.
 */
function unboundedCycles(graph: MachineGraph, bounds = boundsOf(graph)): UnboundedCycle[] {
  let remaining = graph.edges.filter((edge) => graph.states.has(edge.to));
  const nodes = [...graph.states.keys()];
  for (;;) {
    const components = componentsOf(nodes, remaining);
    const inside = remaining.filter((edge) => components.get(edge.from) === components.get(edge.to));
    const resetters = new Map<string, number>();
    for (const edge of inside) {
      for (const counter of bounds.get(edge)!.resets)
        resetters.set(counter, (resetters.get(counter) ?? 0) + 1);
    }
    const next = inside.filter(
      (edge) => !bounds.get(edge)!.bounds.some((bound) => !resetters.has(bound.counter)),
    );
    if (next.length === remaining.length) break;
    remaining = next;
  }
  const rank = new Map(nodes.map((node, i) => [node, i]));
  const order = (cycle: UnboundedCycle) => Math.min(...cycle.states.map((s) => rank.get(s)!));
  const components = stronglyConnected(nodes, successors(remaining));
  return components
    .map((states) => {
      const members = new Set(states);
      return { states, edges: remaining.filter((e) => members.has(e.from) && members.has(e.to)) };
    })
    .filter((cycle) => cycle.edges.length > 0)
    .sort((a, b) => order(a) - order(b));
}

/** The bounds of every edge of a graph. */
function boundsOf(graph: MachineGraph): Map<GraphEdge, EdgeBounds> {
  return new Map(graph.edges.map((edge) => [edge, edgeBounds(graph, edge)]));
}

function successors(edges: readonly GraphEdge[]) {
  const map = new Map<string, string[]>();
  for (const edge of edges) {
    const list = map.get(edge.from) ?? [];
    list.push(edge.to);
    map.set(edge.from, list);
  }
  return (node: string) => map.get(node) ?? [];
}

function componentsOf(nodes: readonly string[], edges: readonly GraphEdge[]): Map<string, number> {
  const ids = new Map<string, number>();
  stronglyConnected(nodes, successors(edges)).forEach((component, i) => {
    for (const node of component) ids.set(node, i);
  });
  return ids;
}

/** A shortest cycle through `start` using only `edges`. */
function witness(start: string, edges: readonly GraphEdge[]): GraphEdge[] {
  const self = edges.find((e) => e.from === start && e.to === start);
  if (self) return [self];
  const via = new Map<string, GraphEdge>();
  const queue = [start];
  for (let i = 0; i < queue.length; i += 1) {
    const at = queue[i]!;
    for (const edge of edges) {
      if (edge.from !== at || via.has(edge.to)) continue;
      via.set(edge.to, edge);
      if (edge.to === start) {
        const cycle: GraphEdge[] = [];
        for (let e: GraphEdge | undefined = edge; e; e = e.from === start ? undefined : via.get(e.from)) {
          cycle.unshift(e);
        }
        return cycle;
      }
      queue.push(edge.to);
    }
  }
  return [];
}

/** A transition as a person reads it: `a → b (handoff)`. */
export function edgeLabel(edge: GraphEdge): string {
  const what = edge.kind ?? (edge.event === '' ? 'always' : edge.event);
  return `${edge.from} → ${edge.to} (${what})`;
}

/** Reports each set of cycles the termination proof cannot bound (`unbounded_cycle`). */
export function checkTermination(graph: MachineGraph): Finding[] {
  const bounds = boundsOf(graph);
  return unboundedCycles(graph, bounds).map((cycle) => {
    // Prefer a cycle of transitions with no bound at all: the root cause, not a bound its reset undoes.
    const bare = cycle.edges.filter((e) => bounds.get(e)!.bounds.length === 0);
    const candidates = [
      ...cycle.states.filter((s) => graph.states.get(s)?.agent),
      ...cycle.states.filter((s) => !graph.states.get(s)?.agent),
    ];
    let start = candidates[0]!;
    let loop: GraphEdge[] = [];
    for (const edges of [bare, cycle.edges]) {
      for (const candidate of candidates) {
        loop = witness(candidate, edges);
        if (loop.length > 0) {
          start = candidate;
          break;
        }
      }
      if (loop.length > 0) break;
    }
    const resetBy = (counter: string) => cycle.edges.find((e) => bounds.get(e)!.resets.includes(counter));
    const reasons = loop.map((edge) => {
      const info = bounds.get(edge)!;
      const [bound] = info.bounds;
      const resetter = bound ? resetBy(bound.counter) : undefined;
      const why =
        bound && resetter
          ? `its counter "${bound.counter}" is reset by ${edgeLabel(resetter)} within the cycle`
          : info.why;
      return `${edgeLabel(edge)}: ${why}`;
    });
    const path = [...loop.map((e) => e.from), loop[loop.length - 1]?.to ?? start].join(' → ');
    const limits = [...new Set(reasons.join(' ').match(/limits\.\w+/g) ?? [])];
    const fix =
      limits.length > 0
        ? `Set ${limits.join(' or ')} to a finite number.`
        : 'Bound one transition of the cycle: make it a boundedTransition({ target, counter, limit }) with a finite limit ' +
          '(the "baton.below" guard plus the "baton.count" action), on a counter no transition of the cycle resets.';
    const others = cycle.states.length > loop.length ? ` (the cycles among ${cycle.states.join(', ')})` : '';
    return {
      code: 'unbounded_cycle' as const,
      state: start,
      agent: graph.states.get(start)?.agent?.agent ?? null,
      message:
        `Flow "${graph.id}" can loop forever at ${placeOf(graph, start)}: the cycle ${path}${others} passes no transition bounded by a counter. ` +
        `${reasons.join('; ')}.`,
      fix,
    };
  });
}
