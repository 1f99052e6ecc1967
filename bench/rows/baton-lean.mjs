// Baton in memory as a service that reads only outcomes would run it: the `baton` row with
// runFlow(..., { events: false }), so no event log is built or kept.

import { batonChain, decide } from '../lib/baton-chain.mjs';
import { PARK_AT } from '../lib/workload.mjs';

export const row = {
  id: 'baton-lean',
  label: 'Baton, in memory, no event log (events: false)',
  packages: ['baton', 'xstate', 'ajv'],
  async setup({ agents, gate, deps }) {
    const baton = await import(deps.baton);
    const makeModel = (names) => ({
      id: 'bench:offline',
      async call(request) {
        if (request.agent === PARK_AT) {
          const wait = gate.pass();
          if (wait) await wait;
        }
        const { tool, payload } = decide(names, request.agent, request.input);
        return {
          text: '',
          toolCalls: [{ id: 'call_1', name: tool, arguments: payload }],
          usage: { inputTokens: 100, outputTokens: 20 },
          stop: 'tool_calls',
        };
      },
    });
    return batonChain({ baton, agents, makeModel, runOptions: { events: false } });
  },
};
