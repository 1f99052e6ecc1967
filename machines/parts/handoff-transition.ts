import type { AnyAgent } from '../../agents/define-agent.js';
import { type BoundedTransition, boundedTransition, type GuardRef } from './bounded-transition.js';

/** Options of `handoffTransition`. */
export interface HandoffTransitionOptions {
  /** The agent it hands off to: its input schema is the contract the payload must fit. */
  readonly to: AnyAgent;
  /** The target state, when it is not the agent's name. */
  readonly target?: string;
  /** Bound it by a counter: `check` requires one on every cycle. */
  readonly bound?: { readonly counter: string; readonly limit: number; readonly reset?: readonly string[] };
}

/** The transition config of an unbounded handoff. */
export interface HandoffTransition {
  readonly target: string;
  readonly guard: GuardRef;
  readonly actions: readonly ['baton.pass'];
  readonly reenter: true;
  readonly meta: { readonly baton: { readonly kind: 'handoff'; readonly to: string } };
}

/**
 * A handoff: fires when the agent hands off to `to` with a payload that fits `to`'s input schema (the
 * contract guard `baton.handoff`), and makes the payload the next agent's input. With `bound`, it is
 * also a `boundedTransition`.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { defineAgent } from 'baton-flow';
 * import { agentLogic, agentState, finishTransition, handoffTransition, partsMachine, terminalStates } from 'baton-flow/parts';
 * import { scripted } from 'baton-flow/testing';
 *
 * const Draft = Type.Object({ text: Type.String() });
 * const model = scripted([]); // the run's models come from provideRunEnv
 * const writer = defineAgent({ name: 'writer', description: 'Drafts.', input: Draft, instructions: 'Draft it.', model });
 * const reviewer = defineAgent({ name: 'reviewer', description: 'Reviews.', input: Draft, instructions: 'Review it.', model });
 *
 * export const review = partsMachine({
 *   id: 'review',
 *   initial: 'writer',
 *   actors: {
 *     writer: agentLogic(writer, { handoffs: [reviewer] }),
 *     reviewer: agentLogic(reviewer, { handoffs: [writer], output: Draft }),
 *   },
 *   states: {
 *     writer: agentState({ agent: writer, on: [handoffTransition({ to: reviewer })] }),
 *     reviewer: agentState({
 *       agent: reviewer,
 *       on: [
 *         finishTransition({ output: Draft, done: ({ output }) => (output as { text: string }).text !== '' }),
 *         // the back-edge is bounded, so check can prove every run ends
 *         handoffTransition({ to: writer, bound: { counter: 'rounds', limit: 2 } }),
 *       ],
 *     }),
 *     ...terminalStates(),
 *   },
 * });
 * ```
 */
export function handoffTransition(options: HandoffTransitionOptions): HandoffTransition | BoundedTransition {
  const to = options.to.name;
  const target = options.target ?? to;
  const guard = { type: 'baton.handoff', params: { to, input: options.to.input } } as const;
  if (options.bound) {
    return boundedTransition({
      target,
      counter: options.bound.counter,
      limit: options.bound.limit,
      guard,
      actions: ['baton.pass'],
      ...(options.bound.reset ? { reset: options.bound.reset } : {}),
      kind: 'handoff',
      meta: { to },
    });
  }
  return { target, guard, actions: ['baton.pass'], reenter: true, meta: { baton: { kind: 'handoff', to } } };
}
