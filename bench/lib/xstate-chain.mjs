// The bare XState v5 chain shared by the `xstate` and `xstate-ajv` rows.
import { chainOf, PARK_AT, work } from './workload.mjs';

/**
 * Builds the machine once and returns a runner. With `validate`, the input is checked on entry and
 * each agent's output in a guard before the transition fires; a failure ends in `failed`.
 */
export function chainMachine({ xstate, agents, gate, validate }) {
  const { assign, createActor, fromPromise, setup, toPromise } = xstate;
  const names = chainOf(agents);
  const actors = Object.fromEntries(
    names.map((name) => [
      name,
      fromPromise(async ({ input }) => {
        if (name === PARK_AT) {
          const wait = gate.pass();
          if (wait) await wait;
        }
        return work(name, input);
      }),
    ]),
  );
  const valid = validate ?? (() => true);
  const states = {};
  names.forEach((name, i) => {
    const next = names[i + 1] ?? 'done';
    states[name] = {
      invoke: {
        src: name,
        input: ({ context }) => context.payload,
        onDone: [
          { guard: 'validOutput', target: next, actions: 'take' },
          { target: 'failed', actions: 'reject' },
        ],
        onError: { target: 'failed', actions: 'reject' },
      },
    };
  });
  const machine = setup({
    actors,
    guards: {
      validInput: ({ context }) => valid(context.payload),
      validOutput: ({ event }) => valid(event.output),
    },
    actions: {
      take: assign({ payload: ({ event }) => event.output }),
      reject: assign({ error: () => 'invalid payload' }),
    },
  }).createMachine({
    context: ({ input }) => ({ payload: input, error: null }),
    initial: 'start',
    states: {
      start: {
        always: [
          { guard: 'validInput', target: names[0] },
          { target: 'failed', actions: 'reject' },
        ],
      },
      ...states,
      done: { type: 'final' },
      failed: { type: 'final' },
    },
    output: ({ context }) => (context.error ? { error: context.error } : context.payload),
  });
  return (input) => toPromise(createActor(machine, { input }).start());
}
