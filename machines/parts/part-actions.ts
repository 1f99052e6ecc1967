import { assign } from 'xstate';
import { decisionOf } from './part-guards.js';
import type { PartsContext } from './parts-context.js';

const count = assign(({ context }: { context: PartsContext }, params: { readonly counter: string }) => ({
  counters: { ...context.counters, [params.counter]: (context.counters[params.counter] ?? 0) + 1 },
}));

const reset = assign(
  ({ context }: { context: PartsContext }, params: { readonly counters: readonly string[] }) => ({
    counters: Object.fromEntries(
      Object.entries(context.counters).filter(([name]) => !params.counters.includes(name)),
    ),
  }),
);

const pass = assign(({ event }: { event: unknown }) => {
  const decision = decisionOf(event);
  return decision?.kind === 'handoff' ? { payload: decision.payload } : {};
});

const finish = assign(({ event }: { event: unknown }) => {
  const decision = decisionOf(event);
  return decision?.kind === 'finish' ? { output: decision.output } : {};
});

/**
 * The actions of the parts, by the names the parts refer to. Spread them into `setup({ actions })`:
 * `baton.count` and `baton.reset` are the only writers of `context.counters` that `check` assumes.
 */
export const partActions = Object.freeze({
  'baton.count': count,
  'baton.reset': reset,
  'baton.pass': pass,
  'baton.finish': finish,
});
