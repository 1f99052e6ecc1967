// The floor: a plain `await` chain of the agent functions, with nothing around them.
import { chainOf, PARK_AT, work } from '../lib/workload.mjs';

export const row = {
  id: 'floor',
  label: 'floor: plain await chain',
  packages: [],
  async setup({ agents, gate }) {
    const steps = chainOf(agents).map((name) => async (payload) => {
      if (name === PARK_AT) {
        const wait = gate.pass();
        if (wait) await wait;
      }
      return work(name, payload);
    });
    return async (input) => {
      let payload = input;
      for (const step of steps) payload = await step(payload);
      return payload;
    };
  },
};
