// What Baton's durable layer costs apart from SQLite, for diagnosis (it is no row of the tables): the
// `baton-sqlite` row with every statement of its store skipped once the store has made its schema. The
// run takes its snapshots, serialises them and its events, keeps its lease and goes through the store's
// group commit as with a file, but nothing reaches SQLite. Its time per flow, less the `baton` row's, is
// the layer's own CPU with no fsync between its steps:
//   node --expose-gc bench/lib/durable-child.mjs --row baton-sqlite-cpu --in-flight 1 --rounds 0

import { batonChain } from '../lib/baton-chain.mjs';
import { interceptConnection, makeCounts, openLibsql } from '../lib/sqlite-files.mjs';
import { offlineModel } from './baton.mjs';

export const row = {
  id: 'baton-sqlite-cpu',
  label: "Baton's durable layer without SQLite (every statement skipped)",
  packages: ['baton-flow', 'xstate', 'ajv', 'libsql'],
  async setup({ agents, gate, deps }) {
    const baton = await import(deps.baton);
    let skipping = false;
    // What a statement that changed its one row reports: every commit, create and release passes.
    const changedOne = { changes: 1, lastInsertRowid: 0 };
    const db = interceptConnection(openLibsql({ prefix: 'baton-cpu' }), {
      exec: (sql, real) => (skipping ? undefined : real.exec(sql)),
      run: (_sql, params, statement) => (skipping ? changedOne : statement.run(...params)),
    });
    const store = await baton.SqliteStore.open('runs.db', { database: db });
    skipping = true;
    const run = batonChain({ baton, agents, makeModel: offlineModel(gate), runOptions: { store } });
    run.counts = makeCounts();
    return run;
  },
};
