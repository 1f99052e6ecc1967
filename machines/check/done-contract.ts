import { guardConjuncts, isPartGuard, namedActions } from './guard-bounds.js';
import type { GraphEdge, MachineGraph } from './machine-graph.js';

/**
 * The output schema a transition's done contract checks, when its guard is a done contract: the parts'
 * `baton.done` (Baton's implementation), or a `defineFlow` finish (`verdict: done` with its `finish`
 * action, checking the flow's output schema and done predicate). Null when it is no done contract.
 */
export function doneContractOf(graph: MachineGraph, edge: GraphEdge): { output: object | null } | null {
  const conjuncts = guardConjuncts(edge.transition.guard);
  for (const guard of conjuncts) {
    if (!guard) continue;
    if (guard.type === 'baton.done' && isPartGuard(graph, 'baton.done')) {
      const output = guard.params.output;
      return { output: typeof output === 'object' && output !== null ? output : null };
    }
    const flow = graph.flow?.kind === 'flow';
    // A result a person confirmed met the flow's done contract before it waited.
    if (
      flow &&
      guard.type === 'confirmed' &&
      namedActions(edge.transition).some((a) => a.type === 'finishConfirmed')
    ) {
      return { output: graph.flow?.output ?? null };
    }
    if (
      flow &&
      guard.type === 'verdict' &&
      guard.params.kind === 'done' &&
      namedActions(edge.transition).some((a) => a.type === 'finish')
    ) {
      return { output: graph.flow?.output ?? null };
    }
  }
  return null;
}
