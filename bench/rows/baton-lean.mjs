// Baton in memory as a service that reads only outcomes would run it: the `baton` row with
// runFlow(..., { events: false }), so no event log is built or kept.

import { batonChain } from '../lib/baton-chain.mjs';
import { offlineModel } from './baton.mjs';

export const row = {
  id: 'baton-lean',
  label: 'Baton, in memory, no event log (events: false)',
  packages: ['baton', 'xstate', 'ajv'],
  async setup({ agents, gate, deps }) {
    const baton = await import(deps.baton);
    return batonChain({ baton, agents, makeModel: offlineModel(gate), runOptions: { events: false } });
  },
};
