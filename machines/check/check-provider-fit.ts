import type { ResolvedCheckOptions } from './check-options.js';
import type { Finding } from './diagnostic.js';
import { doneContractOf } from './done-contract.js';
import { doneState, isHandoff } from './graph-walk.js';
import { agentStates, type MachineGraph } from './machine-graph.js';
import { strictModeIssue } from './strict-mode-issue.js';

/**
 * Provider fit: every schema an agent's model sees (its own tools, one handoff tool per route, finish)
 * must fit OpenAI's strict structured outputs when the agent's model is OpenAI's (or every agent, with
 * `strictSchemas: 'all'`); otherwise the provider sends it with `strict: false` (`strict_schema_unsupported`).
 */
export function checkProviderFit(graph: MachineGraph, options: ResolvedCheckOptions): Finding[] {
  if (options.strictSchemas === 'off') return [];
  const findings: Finding[] = [];
  const done = doneState(graph);
  for (const state of agentStates(graph)) {
    const agent = state.agent!;
    if (agent.kind !== 'agent') continue;
    const openai = agent.model?.startsWith('openai') ?? false;
    if (options.strictSchemas === 'openai' && !openai) continue;
    const tools = new Map<string, object>();
    for (const tool of agent.tools) tools.set(tool.name, tool.parameters);
    for (const edge of graph.outgoing(state.id)) {
      const target = graph.states.get(edge.to)?.agent;
      if (target && isHandoff(graph, edge)) tools.set(`handoff_to_${target.agent}`, target.input);
      if (edge.to === done) {
        const output = agent.output ?? doneContractOf(graph, edge)?.output ?? graph.flow?.output;
        if (output) tools.set('finish', output);
      }
    }
    for (const [tool, schema] of tools) {
      const issue = strictModeIssue(schema);
      if (!issue) continue;
      findings.push({
        code: 'strict_schema_unsupported',
        state: state.id,
        agent: agent.agent,
        path: issue.path,
        message: `The parameters of tool "${tool}" that agent "${agent.agent}" (model ${agent.model ?? 'unknown'}) sees in flow "${graph.id}" cannot use OpenAI strict mode: "${issue.keyword}" at ${issue.path || '/'} is outside its schema subset, so the tool is sent with strict: false and the model's arguments are not constrained to the schema.`,
        fix: issue.fix,
      });
    }
  }
  return findings;
}
