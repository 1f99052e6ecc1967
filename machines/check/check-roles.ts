import type { Finding } from './diagnostic.js';
import { doneState, isHandoff } from './graph-walk.js';
import { agentStates, type MachineGraph } from './machine-graph.js';

const normal = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();
const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(' and ');

/**
 * Role checks over the agent states: overlapping tool ownership (`duplicate_tool_owner`), identical
 * descriptions (`duplicate_description`), agents with no way on (`dead_end_agent`), and handoffs to
 * oneself (`self_route`).
 */
export function checkRoles(graph: MachineGraph): Finding[] {
  const findings: Finding[] = [];
  const agents = agentStates(graph);
  const owners = new Map<string, { state: string; agent: string }[]>();
  const described = new Map<string, { state: string; agent: string }[]>();
  for (const state of agents) {
    const meta = state.agent!;
    for (const tool of meta.tools) {
      owners.set(tool.name, [...(owners.get(tool.name) ?? []), { state: state.id, agent: meta.agent }]);
    }
    const key = normal(meta.description);
    described.set(key, [...(described.get(key) ?? []), { state: state.id, agent: meta.agent }]);
  }
  for (const [tool, list] of owners) {
    if (list.length < 2) continue;
    const names = list.map((o) => o.agent);
    findings.push({
      code: 'duplicate_tool_owner',
      state: list[0]!.state,
      agent: list[0]!.agent,
      message: `Agents ${quoted(names)} in flow "${graph.id}" both own the tool "${tool}": two roles can take the same action, so neither is clearly responsible for it.`,
      fix: `Give "${tool}" to one agent and route to it from the others, or split it into tools with distinct purposes.`,
    });
  }
  for (const list of described.values()) {
    if (list.length < 2) continue;
    const names = list.map((o) => o.agent);
    findings.push({
      code: 'duplicate_description',
      state: list[0]!.state,
      agent: list[0]!.agent,
      message: `Agents ${quoted(names)} in flow "${graph.id}" have the same description, which is what other agents read on their handoff tools: a model cannot tell the roles apart.`,
      fix: 'Describe what each agent does that the other does not, or merge them into one agent.',
    });
  }
  const done = doneState(graph);
  for (const state of agents) {
    const meta = state.agent!;
    const out = graph.outgoing(state.id);
    if (!out.some((e) => isHandoff(graph, e) || e.to === done)) {
      findings.push({
        code: 'dead_end_agent',
        state: state.id,
        agent: meta.agent,
        message: `Agent "${meta.agent}" in flow "${graph.id}" has no route out and may not finish: every visit to it ends the run as escalated or failed.`,
        fix: `Add a route from "${meta.agent}", or let it finish (list it in \`finish\`).`,
      });
    }
    if (out.some((e) => e.to === state.id && isHandoff(graph, e))) {
      findings.push({
        code: 'self_route',
        state: state.id,
        agent: meta.agent,
        message: `Agent "${meta.agent}" in flow "${graph.id}" may hand off to itself: the new visit starts with no memory of the last, repeating the step.`,
        fix: `Remove "${meta.agent}" from its own routes; a rejected decision already goes back to the agent as a repair.`,
      });
    }
  }
  return findings;
}
