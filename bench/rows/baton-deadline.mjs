// The `baton` row with a wall-clock budget (`limits.ms`): one deadline timer per run, whatever the run
// waits on, so setting a deadline should cost about one timer, not one per model call.

import { batonChain } from '../lib/baton-chain.mjs';
import { offlineModel } from './baton.mjs';

export const row = {
  id: 'baton-deadline',
  label: 'Baton, in memory, with a deadline (limits.ms)',
  packages: ['baton', 'xstate', 'ajv'],
  async setup({ agents, gate, deps }) {
    const baton = await import(deps.baton);
    return batonChain({ baton, agents, makeModel: offlineModel(gate), limits: { ms: 60_000 } });
  },
};
