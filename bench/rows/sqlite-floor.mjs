// The physical limit of the durable rows: a bare loop committing the transactions Baton's SQLite store
// commits for one run of the chain (bench/lib/floor-writes.mjs: the same statements with the same
// parameters) on the same SQLite settings (libsql, WAL, synchronous=FULL), with no framework and no reads.

import { openFloor } from '../lib/floor-writes.mjs';
import { PARK_AT } from '../lib/workload.mjs';

export const row = {
  id: 'sqlite-floor',
  label: "bare SQLite loop: Baton's writes, nothing else (WAL, synchronous=FULL)",
  packages: ['libsql'],
  async setup({ agents, gate, deps }) {
    const floor = await openFloor({ baton: await import(deps.baton), agents, prefix: 'floor' });
    const all = floor.transactions.length;
    // A Baton run parks in the third agent's model call, once the transition into it is committed.
    const park = floor.before[PARK_AT] ?? all;
    const run = async (input) => {
      const id = floor.nextId();
      await floor.replay(id, 0, park);
      const wait = gate.pass();
      if (wait) await wait;
      await floor.replay(id, park, all);
      return floor.output(input);
    };
    run.counts = floor.counts;
    return run;
  },
};
