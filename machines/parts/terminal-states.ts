/** The final states of a machine built from parts, named as in `defineFlow` machines. */
export interface TerminalStates {
  readonly done: { readonly type: 'final' };
  readonly escalated: { readonly type: 'final' };
  readonly failed: { readonly type: 'final' };
  readonly cancelled: { readonly type: 'final' };
}

/**
 * The four final states every Baton run ends in: spread them into a machine's `states`.
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
export function terminalStates(): TerminalStates {
  return {
    done: { type: 'final' },
    escalated: { type: 'final' },
    failed: { type: 'final' },
    cancelled: { type: 'final' },
  };
}
