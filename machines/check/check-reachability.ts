import type { Finding } from './diagnostic.js';
import { doneState, ownMove, reachableFrom, reachingTo } from './graph-walk.js';
import type { MachineGraph } from './machine-graph.js';

const where = (graph: MachineGraph, state: string) => graph.states.get(state)?.agent?.agent ?? null;

function named(graph: MachineGraph, state: string): string {
  const agent = where(graph, state);
  return agent === null ? `State "${state}"` : `Agent "${agent}" (state "${state}")`;
}

/**
 * Reachability both ways: every state can be entered from the start (`unreachable_state`), every
 * entered state can reach a final state by the run's own moves, not the cancel event
 * (`no_path_to_final`), and `done` exists and can be reached (`done_unreachable`).
 */
export function checkReachability(graph: MachineGraph): Finding[] {
  const findings: Finding[] = [];
  const reached = reachableFrom(graph, graph.initial);
  for (const state of graph.states.values()) {
    if (state.terminal || reached.has(state.id)) continue;
    findings.push({
      code: 'unreachable_state',
      state: state.id,
      agent: state.agent?.agent ?? null,
      message: `${named(graph, state.id)} in flow "${graph.id}" can never be entered: no transition from the start leads to it.`,
      fix: state.agent
        ? `Add a route to "${state.agent.agent}" from an agent that is reached, or remove it from the flow.`
        : `Add a transition to "${state.id}", or remove the state.`,
    });
  }
  const finals = [...graph.states.values()].filter((s) => s.terminal).map((s) => s.id);
  const ending = reachingTo(graph, finals, ownMove);
  for (const state of graph.states.values()) {
    if (state.terminal || !reached.has(state.id) || ending.has(state.id)) continue;
    findings.push({
      code: 'no_path_to_final',
      state: state.id,
      agent: where(graph, state.id),
      message: `${named(graph, state.id)} in flow "${graph.id}" can reach no final state (${finals.join(', ') || 'the machine has none'}): a run that enters it never ends unless cancelled.`,
      fix: 'Give it a way out: a transition to a final state (for an agent state, onError to failed and a budget stop to escalated).',
    });
  }
  const done = doneState(graph);
  if (done === null || !reached.has(done)) {
    findings.push({
      code: 'done_unreachable',
      state: done,
      agent: null,
      message:
        done === null
          ? `Flow "${graph.id}" has no top-level final state "done": no run can succeed.`
          : `Flow "${graph.id}" can never reach "done": no reachable state has a finish transition into it.`,
      fix:
        done === null
          ? 'Add the final states with terminalStates() and a finishTransition({ output, done }) from the agents that may finish.'
          : 'Add a finishTransition from an agent that is reached (in defineFlow: list it in `finish` and route to it).',
    });
  }
  return findings;
}
