import { FINAL_STATES } from '../../machines/flow-events.js';
import {
  ENDINGS,
  type FlowGraph,
  type FlowGraphAgent,
  type FlowGraphEdge,
  type FlowGraphNode,
} from '../graph/flow-graph.js';
import type { RunRecord } from './run-record.js';

const HANDOFF_TOOL = /^handoff_to_(.+)$/;

/**
 * A diagram of a flow drawn from what one run shows of it, for a report made without the flow's module:
 * the agents it entered and those their handoff tools named, each agent's routes (its handoff tools) and
 * whether it could finish (its finish tool), and the final states. Contracts and budgets are unknown.
 */
export function observedGraph(run: RunRecord): FlowGraph {
  const agents = new Map<string, { routes: Set<string>; finish: boolean; tools: Set<string> }>();
  const agent = (name: string) => {
    let found = agents.get(name);
    if (!found) {
      found = { routes: new Set(), finish: false, tools: new Set() };
      agents.set(name, found);
    }
    return found;
  };
  let start: string | null = null;
  for (const event of run.events) {
    if (event.type === 'agent.entered') {
      start ??= event.agent;
      agent(event.agent);
    } else if (event.type === 'model.called') {
      const seen = agent(event.agent);
      for (const tool of event.tools) {
        const to = HANDOFF_TOOL.exec(tool)?.[1];
        if (to !== undefined) seen.routes.add(to);
        else if (tool === 'finish') seen.finish = true;
        else if (tool !== 'ask_human') seen.tools.add(tool);
      }
    } else if (event.type === 'tool.called') {
      agent(event.agent).tools.add(event.tool);
    } else if (event.type === 'transition' && event.kind === 'handoff') {
      agent(event.from).routes.add(event.to);
      agent(event.to);
    } else if (event.type === 'transition' && event.kind === 'finish' && event.to === 'done') {
      agent(event.from).finish = true;
    }
  }
  for (const { routes } of [...agents.values()]) for (const to of routes) agent(to);
  const nodes: FlowGraphNode[] = [...agents].map(
    ([id, seen]): FlowGraphAgent => ({
      kind: 'agent',
      id,
      description: 'seen in this run',
      model: null,
      tools: [...seen.tools],
      input: '',
      budget: {},
      start: id === start,
      finish: seen.finish,
    }),
  );
  const edges: FlowGraphEdge[] = [];
  if (start !== null) edges.push({ kind: 'start', from: null, to: start, label: '' });
  for (const [from, seen] of agents) {
    for (const to of seen.routes) edges.push({ kind: 'handoff', from, to, label: '' });
  }
  for (const [from, seen] of agents) {
    if (seen.finish) edges.push({ kind: 'finish', from, to: 'done', label: '' });
  }
  for (const id of FINAL_STATES) nodes.push({ kind: 'ending', id, description: ENDINGS[id] });
  return {
    flow: run.flow,
    version: '1',
    description: `The flow as run ${run.runId} shows it: pass the flow's module for its contracts and budgets.`,
    nodes,
    edges,
    limits: {},
  };
}
