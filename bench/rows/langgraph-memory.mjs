// LangGraph.js with MemorySaver: the same graph, a checkpoint after every step, one thread per run.
import { langgraphChain } from '../lib/langgraph-chain.mjs';

export const row = {
  id: 'langgraph-memory',
  label: 'LangGraph.js StateGraph + MemorySaver',
  packages: ['@langchain/langgraph', '@langchain/core'],
  async setup({ agents, gate }) {
    const { MemorySaver } = await import('@langchain/langgraph');
    return langgraphChain({ agents, gate, checkpointer: new MemorySaver() });
  },
};
