import type { AnyStateNode } from 'xstate';
import { edgeLabel } from './check-termination.js';
import type { Finding } from './diagnostic.js';
import { doneContractOf } from './done-contract.js';
import { doneState, ownMove, placeOf } from './graph-walk.js';
import type { MachineGraph } from './machine-graph.js';

function nodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states as Record<string, AnyStateNode>).flatMap(nodes)];
}

function handles(node: AnyStateNode, event: string): boolean {
  for (let at: AnyStateNode | undefined = node; at; at = at.parent) {
    for (const type of (at.transitions as Map<string, unknown[]>).keys()) {
      if (type === event || type === '*' || type === 'xstate.error.actor.*') return true;
    }
  }
  return false;
}

/**
 * The exits every agent state needs: an error exit for each invoked actor (`missing_error_exit`), a
 * budget exit to `escalated` (`missing_budget_exit`), and no way into `done` but a transition guarded
 * by the done contract (`unguarded_done`).
 */
export function checkExits(graph: MachineGraph): Finding[] {
  const findings: Finding[] = [];
  for (const node of nodes(graph.machine.root)) {
    for (const invoke of node.invoke) {
      if (handles(node, `xstate.error.actor.${invoke.id}`)) continue;
      const state = node.path.join('.');
      const agent = graph.states.get(state)?.agent?.agent ?? null;
      findings.push({
        code: 'missing_error_exit',
        state,
        agent,
        message: `State "${state}" of flow "${graph.id}" invokes "${invoke.id}" with no onError: if the actor fails, the run is stuck in "${state}" forever.`,
        fix: `Add onError: { target: 'failed' } to the invoke (agentState adds it for you).`,
      });
    }
  }
  const escalated = graph.states.get('escalated')?.terminal ? 'escalated' : null;
  for (const state of graph.states.values()) {
    if (!state.agent) continue;
    const exits = graph.outgoing(state.id).some((e) => ownMove(e) && e.to === escalated);
    if (exits) continue;
    findings.push({
      code: 'missing_budget_exit',
      state: state.id,
      agent: state.agent.agent,
      message: `Agent "${state.agent.agent}" (state "${state.id}") in flow "${graph.id}" has no transition to "escalated": a budget stop or a question from it has nowhere to go but failure.`,
      fix: escalated
        ? `Add a transition to "escalated" for exhausted and ask decisions (agentState adds it: guard "baton.decided" with kinds exhausted and ask).`
        : `Add the final state "escalated" (terminalStates()) and a transition to it from this state.`,
    });
  }
  const done = doneState(graph);
  if (done === null) return findings;
  for (const edge of graph.edges) {
    if (edge.to !== done || doneContractOf(graph, edge)) continue;
    const agent = graph.states.get(edge.from)?.agent?.agent ?? null;
    findings.push({
      code: 'unguarded_done',
      state: edge.from,
      agent,
      message: `Flow "${graph.id}" can enter "done" from ${placeOf(graph, edge.from)} by ${edgeLabel(edge)} without the done contract: the result is not checked against the output schema and the done predicate.`,
      fix: 'Enter done only by finishTransition({ output, done }) (the "baton.done" guard); in defineFlow, only through `finish`.',
    });
  }
  return findings;
}
