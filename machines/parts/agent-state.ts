import type { AnyAgent } from '../../agents/define-agent.js';
import { type AgentStateMeta, agentMeta, type BatonTransitionMeta } from './baton-meta.js';
import type { PartsContext } from './parts-context.js';

/** Options of `agentState`. */
export interface AgentStateOptions<T> {
  /** The agent or step it runs; the state invokes the actor registered under the agent's name. */
  readonly agent: AnyAgent;
  /** Its ways on, tried in order: handoff, finish and bounded transitions. */
  readonly on: readonly T[];
  /** Where a budget stop or a question goes (default `escalated`). */
  readonly escalate?: string;
  /** Where an unaccepted decision or an actor error goes (default `failed`). */
  readonly fail?: string;
}

/** The state config `agentState` returns. */
export interface AgentState<T> {
  readonly meta: { readonly baton: AgentStateMeta };
  readonly invoke: {
    readonly id: string;
    readonly src: string;
    /** The agent's input: the payload of the handoff that entered the state (or the run's input). */
    readonly input: (args: { readonly context: PartsContext }) => unknown;
    readonly onDone: readonly (
      | T
      | {
          readonly guard?: {
            readonly type: 'baton.decided';
            readonly params: { readonly kinds: readonly ['exhausted', 'ask'] };
          };
          readonly target: string;
          readonly meta: { readonly baton: BatonTransitionMeta };
        }
    )[];
    readonly onError: { readonly target: string; readonly meta: { readonly baton: BatonTransitionMeta } };
  };
}

/**
 * A state that runs an agent on `context.payload` and leaves by the first of `on` whose guard holds;
 * otherwise a budget stop or a question goes to `escalated`, and anything else (an unaccepted decision,
 * an actor error) to `failed`. Its `meta.baton` carries the agent's contracts for `check`.
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
export function agentState<T>(options: AgentStateOptions<T>): AgentState<T> {
  const { agent } = options;
  const escalate = options.escalate ?? 'escalated';
  const fail = options.fail ?? 'failed';
  return {
    meta: { baton: agentMeta(agent) },
    invoke: {
      id: agent.name,
      src: agent.name,
      input: ({ context }) => context.payload,
      onDone: [
        ...options.on,
        {
          guard: { type: 'baton.decided', params: { kinds: ['exhausted', 'ask'] } },
          target: escalate,
          meta: { baton: { kind: 'escalate' } },
        },
        { target: fail, meta: { baton: { kind: 'fail' } } },
      ],
      onError: { target: fail, meta: { baton: { kind: 'error' } } },
    },
  };
}
