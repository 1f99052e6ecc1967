// Baton in memory: defineFlow + defineAgent, every agent answered by a minimal custom `Model`
// ({ id, call }) that keeps nothing between calls. (`scripted()` records every request, even with a
// responder function, so its memory grows with each run: that is measured separately as `baton-scripted`.)

import { batonChain, decide } from '../lib/baton-chain.mjs';
import { PARK_AT } from '../lib/workload.mjs';

export const row = {
  id: 'baton',
  label: 'Baton, in memory (custom offline Model)',
  packages: ['baton', 'xstate', 'ajv'],
  async setup({ agents, gate, deps }) {
    return batonChain({ baton: await import(deps.baton), agents, makeModel: offlineModel(gate) });
  },
};

/** The offline model of the Baton rows: answers each agent at once, parking at PARK_AT behind the gate. */
export function offlineModel(gate) {
  return (names) => ({
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
}
