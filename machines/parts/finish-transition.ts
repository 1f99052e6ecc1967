import { asSchemaObject, type JsonSchemaObject, type Schema } from '../../contracts/schema.js';
import type { DonePredicate } from '../flow-spec.js';

/** Options of `finishTransition`. */
export interface FinishTransitionOptions {
  /** The flow's output schema: the result must fit it. */
  readonly output: Schema;
  /** The done predicate: `done` is entered only when it holds. */
  readonly done?: DonePredicate;
  /** The final state it goes to (default `done`). */
  readonly target?: string;
}

/** The transition config `finishTransition` returns. */
export interface FinishTransition {
  readonly target: string;
  readonly guard: {
    readonly type: 'baton.done';
    readonly params: { readonly output: JsonSchemaObject; readonly done: DonePredicate | undefined };
  };
  readonly actions: readonly ['baton.finish'];
  readonly meta: { readonly baton: { readonly kind: 'finish' } };
}

/**
 * The only way into `done`: fires when the agent finishes with a result that fits `output` and meets
 * `done` (the done contract guard `baton.done`), and stores the result in `context.output`.
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
export function finishTransition(options: FinishTransitionOptions): FinishTransition {
  return {
    target: options.target ?? 'done',
    guard: {
      type: 'baton.done',
      params: { output: asSchemaObject(options.output, 'finishTransition output'), done: options.done },
    },
    actions: ['baton.finish'],
    meta: { baton: { kind: 'finish' } },
  };
}
