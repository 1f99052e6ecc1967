// The one workload every row runs: a chain of agents, each returning instantly a small structured
// payload { ticketId, notes[], step } that is handed to the next. The final payload is checked, so no
// row can skip work.

/** The five agents of the chain, in order (four handoffs). */
export const CHAIN = ['triage', 'research', 'draft', 'review', 'finish'];

/** The agent a parked flow waits in: the third of the chain. */
export const PARK_AT = 'draft';

/** The names of a chain of `n` agents: 5 for the workload, 1 for the marginal-cost baseline. */
export function chainOf(n) {
  if (n === 5) return CHAIN;
  if (n === 1) return ['solo'];
  throw new Error(`no chain of ${n} agents`);
}

/** What an agent does: append its name to the notes and count the step. */
export function work(name, payload) {
  return { ticketId: payload.ticketId, notes: [...payload.notes, name], step: payload.step + 1 };
}

/** The input of run number `i`: a fresh ticket id, so nothing can be memoised across runs. */
export function inputOf(i) {
  return { ticketId: `T-${i}`, notes: [], step: 0 };
}

/** The JSON Schema every payload fits (used by the ajv rows; Baton gets the same schema as its contract). */
export const WORK_SCHEMA = {
  type: 'object',
  properties: {
    ticketId: { type: 'string' },
    notes: { type: 'array', items: { type: 'string' } },
    step: { type: 'integer', minimum: 0 },
  },
  required: ['ticketId', 'notes', 'step'],
  additionalProperties: false,
};

/** Throws unless `output` is the payload the chain `names` must produce for `input`. */
export function checkFinal(input, output, names) {
  const ok =
    output !== null &&
    typeof output === 'object' &&
    output.ticketId === input.ticketId &&
    output.step === names.length &&
    Array.isArray(output.notes) &&
    output.notes.length === names.length &&
    output.notes.every((note, i) => note === names[i]);
  if (!ok) {
    throw new Error(
      `wrong final payload for ${input.ticketId}: ${JSON.stringify(output)} (expected notes ${names.join(',')})`,
    );
  }
}

/**
 * A gate that parks flows in the third agent. While closed, `pass()` returns one shared promise that
 * resolves only on `open()`; `parked` counts the flows waiting. While open, `pass()` is a no-op.
 */
export function makeGate() {
  let release = () => undefined;
  let closed = false;
  let wait = Promise.resolve();
  const gate = {
    parked: 0,
    close() {
      closed = true;
      wait = new Promise((resolve) => {
        release = resolve;
      });
    },
    open() {
      closed = false;
      release();
    },
    /** Called by the third agent; returns a promise to await when the gate is closed, else null. */
    pass() {
      if (!closed) return null;
      gate.parked += 1;
      return wait;
    },
  };
  return gate;
}
