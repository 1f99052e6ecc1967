// What the shape of an agent state costs XState itself, without Baton: a five-state chain of promise
// actors, each state leaving on its actor's result, built three ways and timed in alternating blocks in
// one process.
//   atomic      onDone goes straight to the next state (the guards read the event: the old agent state)
//   compound    onDone stores the result and enters a `routing` substate whose eventless transitions
//               go on (the first shape of the verdict-in-context redesign)
//   targetless  onDone only stores the result; the atomic state's eventless transitions, guarded to take
//               only the current step's result, go on (the agent state now)
//   node bench/lib/xstate-shapes.mjs [--rounds 12] [--block 500]
import { parseArgs } from 'node:util';
import { assign, createActor, fromPromise, setup, toPromise } from 'xstate';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '12' }, block: { type: 'string', default: '500' } },
});
const names = ['a', 'b', 'c', 'd', 'e'];
const next = (i) => names[i + 1] ?? 'done';
const work = fromPromise(async ({ input }) => ({ n: input + 1 }));
const take = assign(({ event, context }) => ({ n: event.output.n, at: context.n }));
const odd = ({ context }) => context.n % 2 === 1;

function machine(stateOf) {
  const states = Object.fromEntries(names.map((name, i) => [name, stateOf(name, i)]));
  states.done = { type: 'final' };
  return setup({
    actors: { work },
    actions: { take },
    guards: { odd, current: ({ context }, { i }) => context.at === i },
  }).createMachine({ id: 'm', context: { n: 0, at: -1 }, initial: 'a', states });
}

const shapes = {
  atomic: machine((_, i) => ({
    invoke: {
      src: 'work',
      input: ({ context }) => context.n,
      onDone: [
        { guard: 'odd', target: next(i), actions: 'take' },
        { target: next(i), actions: 'take' },
      ],
    },
  })),
  compound: machine((_, i) => ({
    invoke: {
      src: 'work',
      input: ({ context }) => context.n,
      onDone: { target: '.routing', actions: 'take' },
    },
    initial: 'running',
    states: {
      running: {},
      routing: { always: [{ guard: 'odd', target: `#m.${next(i)}` }, { target: `#m.${next(i)}` }] },
    },
  })),
  targetless: machine((_, i) => ({
    invoke: { src: 'work', input: ({ context }) => context.n, onDone: { actions: 'take' } },
    always: [
      { guard: { type: 'current', params: { i } }, target: next(i) },
      { guard: { type: 'current', params: { i } }, target: next(i) },
    ],
  })),
};

async function block(m) {
  const t0 = performance.now();
  for (let i = 0; i < Number(values.block); i += 1) {
    const actor = createActor(m);
    actor.start();
    await toPromise(actor);
    if (actor.getSnapshot().context.n !== names.length) throw new Error('the chain skipped a state');
  }
  return performance.now() - t0;
}

const total = Object.fromEntries(Object.keys(shapes).map((k) => [k, 0]));
for (let r = 0; r < Number(values.rounds); r += 1) {
  for (const [k, m] of Object.entries(shapes)) {
    const ms = await block(m);
    if (r >= 2) total[k] += ms;
  }
}
const flows = (Number(values.rounds) - 2) * Number(values.block);
for (const [k, ms] of Object.entries(total)) {
  console.log(
    `${((ms / flows) * 1000).toFixed(1).padStart(8)} µs/flow  ×${(ms / total.atomic).toFixed(2)}  ${k}`,
  );
}
