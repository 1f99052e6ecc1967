// Baton with the SQLite store: the `baton` row with every run kept in a SQLite file (WAL,
// synchronous=FULL, the defaults): each transition and its events committed before the next model call,
// each model reply journaled. The file lives in a temp folder of its own per process.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batonChain } from '../lib/baton-chain.mjs';
import { offlineModel } from './baton.mjs';

export const row = {
  id: 'baton-sqlite',
  label: 'Baton, SQLite store (WAL, synchronous=FULL)',
  packages: ['baton-flow', 'xstate', 'ajv', 'libsql'],
  async setup({ agents, gate, deps }) {
    const baton = await import(deps.baton);
    const store = await baton.SqliteStore.open(join(mkdtempSync(join(tmpdir(), 'baton-bench-')), 'runs.db'));
    return batonChain({ baton, agents, makeModel: offlineModel(gate), runOptions: { store } });
  },
};
