// Baton with the SQLite store: the `baton` row with every run kept in a SQLite file (WAL,
// synchronous=FULL, the defaults): each transition and its events committed before the next model call.
// The file lives in a temp folder of its own per process. The store is given its connection (libsql,
// as the store opens it itself) so that the transactions it commits can be counted.

import { batonChain } from '../lib/baton-chain.mjs';
import { checkPragmas, countCommits, makeCounts, openLibsql } from '../lib/sqlite-files.mjs';
import { offlineModel } from './baton.mjs';

export const row = {
  id: 'baton-sqlite',
  label: 'Baton, SQLite store (WAL, synchronous=FULL)',
  packages: ['baton-flow', 'xstate', 'ajv', 'libsql'],
  async setup({ agents, gate, deps }) {
    const baton = await import(deps.baton);
    const counts = makeCounts();
    const db = countCommits(openLibsql({ prefix: 'baton' }), counts);
    const store = await baton.SqliteStore.open('runs.db', { database: db });
    checkPragmas((name) => Object.values(db.prepare(`PRAGMA ${name}`).get())[0]);
    // BENCH_NOSYNC=1 turns the fsyncs off, to size the CPU a change saves (bench/lib/ab.mjs); never in tables.
    if (process.env.BENCH_NOSYNC) db.exec('PRAGMA synchronous = OFF');
    const commit = store.commit.bind(store);
    store.commit = (c) => {
      counts.transitions += 1;
      return commit(c);
    };
    const run = batonChain({ baton, agents, makeModel: offlineModel(gate), runOptions: { store } });
    run.counts = counts;
    return run;
  },
};
