// Bare XState v5 with ajv: the same chain, each payload (the input, every handoff, the result) validated
// by one compiled ajv validator in a guard before its transition fires. The baseline Baton is held to.

import { WORK_SCHEMA } from '../lib/workload.mjs';
import { chainMachine } from '../lib/xstate-chain.mjs';

export const row = {
  id: 'xstate-ajv',
  label: 'bare XState v5 + ajv (baseline)',
  packages: ['xstate', 'ajv'],
  async setup({ agents, gate, deps }) {
    const { Ajv } = await import(deps.ajv);
    const ajv = new Ajv({ allErrors: true, strict: true });
    const validate = ajv.compile(WORK_SCHEMA);
    return chainMachine({ xstate: await import(deps.xstate), agents, gate, validate });
  },
};
