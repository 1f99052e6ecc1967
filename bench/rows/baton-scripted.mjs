// Baton in memory with the shipped scripted model, as a user would write it: one `scripted(responder)`
// reused across runs, with `record: false` so it keeps none of the requests it answers.

import { batonChain, decide } from '../lib/baton-chain.mjs';
import { PARK_AT } from '../lib/workload.mjs';

export const row = {
  id: 'baton-scripted',
  label: 'Baton, in memory (scripted responder)',
  packages: ['baton', 'xstate', 'ajv'],
  async setup({ agents, gate, deps }) {
    const baton = await import(deps.baton);
    const makeModel = (names) => {
      const model = baton.scripted(
        (request) => {
          const { tool, payload } = decide(names, request.agent, request.input);
          const usage = { inputTokens: 100, outputTokens: 20 };
          return tool === 'finish'
            ? { finish: payload, usage }
            : { handoff: tool.slice('handoff_to_'.length), payload, usage };
        },
        { record: false },
      );
      // The gate must act before the scripted model answers: wrap its call.
      return {
        id: model.id,
        async call(request) {
          if (request.agent === PARK_AT) {
            const wait = gate.pass();
            if (wait) await wait;
          }
          return model.call(request);
        },
      };
    };
    return batonChain({ baton, agents, makeModel });
  },
};
