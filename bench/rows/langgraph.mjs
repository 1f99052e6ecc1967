// LangGraph.js: a StateGraph of five plain nodes, no checkpointer.
import { langgraphChain } from '../lib/langgraph-chain.mjs';

export const row = {
  id: 'langgraph',
  label: 'LangGraph.js StateGraph',
  packages: ['@langchain/langgraph', '@langchain/core'],
  setup: ({ agents, gate }) => langgraphChain({ agents, gate, checkpointer: null }),
};
