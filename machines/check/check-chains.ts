import type { ResolvedCheckOptions } from './check-options.js';
import type { Finding } from './diagnostic.js';
import { placeOf } from './graph-walk.js';
import type { MachineGraph } from './machine-graph.js';
import { type FlowBounds, fewestModelVisits } from './path-bounds.js';

const route = (states: readonly string[]) => states.join(' → ');

/**
 * Handoff chains against the budget: the longest chain to `done` against `maxChain` (`chain_too_long`),
 * paths to `done` that the handoff budget cuts off (`chain_over_budget`), and a `done` that even the
 * shortest path cannot reach within the limits (`done_out_of_budget`).
 */
export function checkChains(
  graph: MachineGraph,
  bounds: FlowBounds,
  options: ResolvedCheckOptions,
): Finding[] {
  const findings: Finding[] = [];
  const { shortest, longest, budget } = bounds;
  const first = (states: readonly string[]) => {
    const state = states.find((s) => graph.states.get(s)?.agent) ?? null;
    return {
      state,
      agent: state === null ? null : (graph.states.get(state)?.agent?.agent ?? null),
      at: state === null ? '' : ` from ${placeOf(graph, state)}`,
    };
  };
  if (longest && longest.handoffs > options.maxChain) {
    const { at, ...place } = first(longest.states);
    findings.push({
      code: 'chain_too_long',
      ...place,
      message: `Flow "${graph.id}" has a path${at} to done with ${longest.exact ? '' : 'at least '}${longest.handoffs} handoffs (${route(longest.states)}), more than ${options.maxChain}: each handoff passes only a payload, so what one agent knew is easily lost by the end of a long chain.`,
      fix: `Shorten the chain (merge agents, or route to the finisher sooner), or raise the check's maxChain option if the chain is deliberate.`,
    });
  }
  const maxHandoffs = budget.handoffs;
  if (maxHandoffs === null || !shortest) return findings;
  const outOfBudget: string[] = [];
  if (shortest.handoffs > maxHandoffs) {
    outOfBudget.push(
      `its shortest path (${route(shortest.states)}) takes ${shortest.handoffs} handoffs but limits.handoffs is ${maxHandoffs}`,
    );
  }
  if (shortest.handoffs > 0 && budget.visits !== null && budget.visits < 1) {
    outOfBudget.push(`limits.visits is ${budget.visits}, so no agent can be handed the task`);
  }
  const visits = fewestModelVisits(graph);
  if (budget.turns !== null && visits !== null && visits > budget.turns) {
    outOfBudget.push(
      `any path visits at least ${visits} model-driven agents, each needing a model call, but limits.turns is ${budget.turns}`,
    );
  }
  if (outOfBudget.length > 0) {
    const { at, ...place } = first(shortest.states);
    findings.push({
      code: 'done_out_of_budget',
      ...place,
      message: `Flow "${graph.id}" can never reach done${at} within its limits: ${outOfBudget.join('; ')}. Every run escalates.`,
      fix: 'Raise the limits it names, or shorten the path from the start to an agent that may finish.',
    });
  } else if (longest && longest.handoffs > maxHandoffs) {
    const { at, ...place } = first(longest.states);
    findings.push({
      code: 'chain_over_budget',
      ...place,
      message: `Flow "${graph.id}" has a path${at} to done with ${longest.handoffs} handoffs (${route(longest.states)}) but limits.handoffs is ${maxHandoffs}: runs that take it escalate with handoff_limit before they can finish.`,
      fix: `Raise limits.handoffs to ${longest.handoffs}, or remove the routes that make the path this long.`,
    });
  }
  return findings;
}
