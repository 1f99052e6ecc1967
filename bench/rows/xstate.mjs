// Bare XState v5: one state per agent invoking a `fromPromise` actor, the payload through context.
import { chainMachine } from '../lib/xstate-chain.mjs';

export const row = {
  id: 'xstate',
  label: 'bare XState v5 (fromPromise chain)',
  packages: ['xstate'],
  async setup({ agents, gate, deps }) {
    return chainMachine({ xstate: await import(deps.xstate), agents, gate, validate: null });
  },
};
