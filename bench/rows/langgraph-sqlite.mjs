// LangGraph.js with its SQLite checkpointer (@langchain/langgraph-checkpoint-sqlite): the `langgraph`
// graph, a checkpoint after every step, one thread per run, in a SQLite file (WAL, synchronous=FULL:
// the saver sets WAL, and FULL is SQLite's default). The saver is written for better-sqlite3, which finds
// no prebuilt binary here and compiles from source on install; bench/package.json maps `better-sqlite3`
// to `libsql`, the better-sqlite3-compatible driver Baton's store uses, so both run the same SQLite.

import { langgraphChain } from '../lib/langgraph-chain.mjs';
import { checkPragmas, makeCounts, tempDatabase } from '../lib/sqlite-files.mjs';

export const row = {
  id: 'langgraph-sqlite',
  label: 'LangGraph.js StateGraph + SqliteSaver (WAL, synchronous=FULL)',
  packages: ['@langchain/langgraph', '@langchain/langgraph-checkpoint-sqlite', 'libsql'],
  async setup({ agents, gate }) {
    const { SqliteSaver } = await import('@langchain/langgraph-checkpoint-sqlite');
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(tempDatabase('langgraph'), { timeout: 5000 });
    const saver = new SqliteSaver(db);
    saver.setup();
    checkPragmas((name) => Object.values(db.prepare(`PRAGMA ${name}`).get())[0]);
    // Each `put` is one INSERT (its own transaction); each `putWrites` one transaction of INSERTs.
    const counts = makeCounts();
    const put = saver.put.bind(saver);
    saver.put = (...args) => {
      counts.transitions += 1;
      counts.transactions += 1;
      return put(...args);
    };
    const putWrites = saver.putWrites.bind(saver);
    saver.putWrites = (...args) => {
      counts.transactions += 1;
      return putWrites(...args);
    };
    const run = await langgraphChain({ agents, gate, checkpointer: saver });
    run.counts = counts;
    return run;
  },
};
