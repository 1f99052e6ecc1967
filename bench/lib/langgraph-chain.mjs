// The LangGraph.js chain shared by the `langgraph` rows: a StateGraph of plain nodes, START → … → END.
import { chainOf, PARK_AT, work } from './workload.mjs';

/** Builds and compiles the graph once; with `checkpointer`, every run gets its own thread. */
export async function langgraphChain({ agents, gate, checkpointer }) {
  const { Annotation, END, START, StateGraph } = await import('@langchain/langgraph');
  const names = chainOf(agents);
  const State = Annotation.Root({
    ticketId: Annotation(),
    notes: Annotation(),
    step: Annotation(),
  });
  let graph = new StateGraph(State);
  for (const name of names) {
    graph = graph.addNode(name, async (state) => {
      if (name === PARK_AT) {
        const wait = gate.pass();
        if (wait) await wait;
      }
      return work(name, state);
    });
  }
  graph = graph.addEdge(START, names[0]);
  names.forEach((name, i) => {
    graph = graph.addEdge(name, names[i + 1] ?? END);
  });
  const app = graph.compile(checkpointer ? { checkpointer } : {});
  let thread = 0;
  return async (input) => {
    thread += 1;
    const state = checkpointer
      ? await app.invoke(input, { configurable: { thread_id: `t${thread}` } })
      : await app.invoke(input);
    return { ticketId: state.ticketId, notes: state.notes, step: state.step };
  };
}
