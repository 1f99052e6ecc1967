import { type AnyActorLogic, type AnyEventObject, createMachine, setup } from 'xstate';
import type { FlowMeta } from './baton-meta.js';
import { partActions } from './part-actions.js';
import { partGuards } from './part-guards.js';
import { type PartsContext, partsContext } from './parts-context.js';

/** A state of a machine built from parts: XState's state config, checked by XState when the machine is built. */
export interface PartsStateConfig {
  readonly type?: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  readonly initial?: string;
  readonly states?: Readonly<Record<string, PartsStateConfig>>;
  readonly meta?: object;
  readonly invoke?: object;
  readonly on?: object;
  readonly always?: object;
  readonly after?: object;
  readonly onDone?: object;
  readonly entry?: object;
  readonly exit?: object;
  readonly tags?: readonly string[];
  readonly description?: string;
}

/** A guard of your own, used next to the parts' guards. */
export type PartsGuard = (
  args: { readonly context: PartsContext; readonly event: AnyEventObject },
  params: never,
) => boolean;

/** What `partsMachine` builds from. */
export interface PartsMachineConfig {
  readonly id: string;
  readonly initial: string;
  readonly states: Readonly<Record<string, PartsStateConfig>>;
  /** The actor of each agent state, by the agent's name: `agentLogic(agent, { handoffs, output })`. */
  readonly actors: Readonly<Record<string, AnyActorLogic>>;
  /** Your own guards, by name. The parts' guards (`baton.*`) are always there and cannot be replaced. */
  readonly guards?: Readonly<Record<string, PartsGuard>>;
  /** The flow's input and output schemas, for `check`'s contract checks. */
  readonly meta?: Omit<FlowMeta, 'kind' | 'limits'>;
  readonly description?: string;
}

const shape = () =>
  setup({ types: {} as { context: PartsContext; input: unknown; events: AnyEventObject } }).createMachine({
    context: ({ input }) => partsContext(input),
  });

/** The XState machine `partsMachine` returns: context `PartsContext`, input the flow's input. */
export type PartsMachine = ReturnType<typeof shape>;

/**
 * Builds an XState v5 machine from Baton's parts (`agentState`, `handoffTransition`, `boundedTransition`,
 * `finishTransition`, `terminalStates`) with the parts' guards and actions registered by name, so that
 * `check` can verify its bounds and contracts and `createActor` runs it (`provideRunEnv` gives it a
 * clock, models and an event sink).
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { check, defineAgent } from 'baton-flow';
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
 *
 * // check proves from the machine that every run ends and that contracts fit along its edges
 * console.log(check(review));
 * ```
 */
export function partsMachine(config: PartsMachineConfig): PartsMachine {
  const machine = createMachine(
    {
      id: config.id,
      initial: config.initial,
      context: ({ input }: { input: unknown }) => partsContext(input),
      meta: { baton: { kind: 'custom', ...config.meta } satisfies FlowMeta },
      ...(config.description === undefined ? {} : { description: config.description }),
      states: config.states,
    } as never,
    {
      actors: config.actors,
      guards: { ...config.guards, ...partGuards },
      actions: partActions,
    } as never,
  );
  return machine as unknown as PartsMachine;
}
