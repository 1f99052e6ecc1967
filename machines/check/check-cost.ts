import type { Finding } from './diagnostic.js';
import type { MachineGraph } from './machine-graph.js';

/**
 * A dollar limit the models cannot be metered against: `limits.usd` is set, but an agent's model has no
 * price, so its calls cost $0 to the budget and the limit never stops them (`cost_limit_unpriced`).
 * Models given to `runFlow` through `models` replace the agents' own at run time, so this is a warning.
 */
export function checkCost(graph: MachineGraph): Finding[] {
  const usd = graph.flow?.limits?.usd;
  if (usd === undefined || !Number.isFinite(usd)) return [];
  const findings: Finding[] = [];
  for (const [state, { agent }] of graph.states) {
    if (agent?.kind !== 'agent' || agent.priced !== false) continue;
    findings.push({
      code: 'cost_limit_unpriced',
      state,
      agent: agent.agent,
      message: `Flow "${graph.id}" limits its cost to $${usd}, but agent "${agent.agent}" uses model ${agent.model ?? 'unknown'}, which has no price: its calls count $0 against limits.usd, so the limit never stops them.`,
      fix: `Give the model a price (the provider's \`price\` option, or a model id in PRICES), or limit the run by tokens (limits.tokens) instead.`,
    });
  }
  return findings;
}
