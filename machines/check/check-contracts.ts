import { checkCompatible } from '../../contracts/compat.js';
import type { Finding } from './diagnostic.js';
import { doneContractOf } from './done-contract.js';
import { doneState, isHandoff, startAgents } from './graph-walk.js';
import type { MachineGraph } from './machine-graph.js';

/**
 * Contract fit along the edges, with `checkCompatible` (producer ⊆ consumer): every handoff goes to an
 * agent state that takes the payload (`route_target_invalid`), a code step's output fits each agent it
 * hands off to (`step_output_mismatch`), a finisher's output fits the flow's output
 * (`finish_output_mismatch`), and the flow's input fits the start agent's (`start_input_mismatch`).
 */
export function checkContracts(graph: MachineGraph): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const once = (key: string) => !seen.has(key) && Boolean(seen.add(key));
  const done = doneState(graph);
  for (const edge of graph.edges) {
    const source = graph.states.get(edge.from)?.agent ?? null;
    const target = graph.states.get(edge.to)?.agent ?? null;
    if (isHandoff(graph, edge)) {
      const named = edge.meta?.to;
      if (!target || (named !== undefined && named !== target.agent)) {
        findings.push({
          code: 'route_target_invalid',
          state: edge.from,
          agent: source?.agent ?? null,
          message: target
            ? `The handoff from "${edge.from}" to "${named}" in flow "${graph.id}" goes to state "${edge.to}", which runs agent "${target.agent}": the payload is checked against one contract and read by another agent.`
            : `The handoff from "${edge.from}" in flow "${graph.id}" goes to state "${edge.to}", which runs no agent, so nothing takes the payload.`,
          fix: 'Target the state that runs the agent the handoff names (handoffTransition({ to }) targets the agent’s name by default).',
        });
        continue;
      }
      if (source?.kind === 'step' && source.output && once(`step ${edge.from} ${edge.to}`)) {
        const fit = checkCompatible(source.output, target.input);
        if (!fit.ok) {
          findings.push({
            code: 'step_output_mismatch',
            state: edge.from,
            agent: source.agent,
            path: fit.first.path,
            message: `The output of step "${source.agent}" does not fit the input of "${target.agent}" in flow "${graph.id}" at ${fit.first.path || '/'}: ${fit.first.message}.`,
            fix: `Change the output schema of "${source.agent}" or the input schema of "${target.agent}" so that every output is a valid input.`,
          });
        }
      }
    }
    if (edge.to === done && source?.output && once(`finish ${edge.from}`)) {
      const output = doneContractOf(graph, edge)?.output ?? graph.flow?.output;
      const fit = output ? checkCompatible(source.output, output) : ({ ok: true } as const);
      if (!fit.ok) {
        findings.push({
          code: 'finish_output_mismatch',
          state: edge.from,
          agent: source.agent,
          path: fit.first.path,
          message: `The output of "${source.agent}" does not fit the output schema of flow "${graph.id}" at ${fit.first.path || '/'}: ${fit.first.message}. Its results can never pass the done contract.`,
          fix: `Make the output schema of "${source.agent}" a subset of the flow's output schema (or drop it to use the flow's).`,
        });
      }
    }
  }
  const input = graph.flow?.input;
  if (input) {
    for (const state of startAgents(graph)) {
      const agent = graph.states.get(state)!.agent!;
      const fit = checkCompatible(input, agent.input);
      if (fit.ok) continue;
      findings.push({
        code: 'start_input_mismatch',
        state,
        agent: agent.agent,
        path: fit.first.path,
        message: `The input of flow "${graph.id}" does not fit the input of start agent "${agent.agent}" at ${fit.first.path || '/'}: ${fit.first.message}.`,
        fix: `Make the flow's input schema a subset of the input schema of "${agent.agent}".`,
      });
    }
  }
  return findings;
}
