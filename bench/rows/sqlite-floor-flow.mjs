// The bare loop of `sqlite-floor` with the flow of the `baton` row between its writes: the in-memory
// Baton chain, and before each agent's model call the writes Baton's store makes before that call (the
// run's creation and the transitions up to that agent's), the rest once the run ends. Everything of a
// durable Baton run but its durable layer (no snapshot taken, nothing serialised, no lease
// kept): what any durable layer for this flow costs at the least, on this machine, with these fsyncs.

import { batonChain } from '../lib/baton-chain.mjs';
import { openFloor } from '../lib/floor-writes.mjs';
import { offlineModel } from './baton.mjs';

export const row = {
  id: 'sqlite-floor-flow',
  label:
    "the bare loop with the in-memory flow between its writes: Baton's writes and Baton's flow, no durable layer (WAL, synchronous=FULL)",
  packages: ['baton-flow', 'xstate', 'ajv', 'libsql'],
  async setup({ agents, gate, deps }) {
    const baton = await import(deps.baton);
    const floor = await openFloor({ baton, agents, prefix: 'floor-flow' });
    const all = floor.transactions.length;
    /** The run each ticket belongs to, and how many of its writes are made. */
    const runs = new Map();
    const makeModel = (names) => {
      const model = offlineModel(gate)(names);
      return {
        id: model.id,
        async call(request) {
          const run = runs.get(request.input.ticketId);
          const upTo = floor.before[request.agent];
          await floor.replay(run.id, run.made, upTo);
          run.made = upTo;
          return model.call(request);
        },
      };
    };
    const chain = batonChain({ baton, agents, makeModel });
    const run = async (input) => {
      const each = { id: floor.nextId(), made: 0 };
      runs.set(input.ticketId, each);
      try {
        const output = await chain(input);
        await floor.replay(each.id, each.made, all);
        return output;
      } finally {
        runs.delete(input.ticketId);
      }
    };
    run.counts = floor.counts;
    return run;
  },
};
