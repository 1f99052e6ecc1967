import { NO_USAGE } from '../../agents/decision.js';
import type { AnyAgent } from '../../agents/define-agent.js';
import { assertObjectSchema, type Schema } from '../../contracts/schema.js';
import { type AttemptLogic, attemptLogic } from '../attempt-logic.js';
import { toolSpecsFor } from '../tool-specs.js';

/** Options of `agentLogic`: what the agent may do, which decides the tools its model sees. */
export interface AgentLogicOptions {
  /** The agents it may hand off to: one handoff tool each, with the target's input schema. */
  readonly handoffs?: readonly AnyAgent[];
  /** The result schema when it may finish: it then sees the finish tool. */
  readonly output?: Schema;
}

/**
 * The actor logic of an agent or code step for a machine built from parts: one attempt (the same turn
 * loop and decisions as in a `defineFlow` flow), with the payload as its input and `AgentOutcome` as its
 * output. Flow-wide budgets do not apply here; the agent's own turn and token budgets do. Give it a run
 * environment (clock, models, event sink) with `provideRunEnv(machine, env)`.
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
export function agentLogic(agent: AnyAgent, options: AgentLogicOptions = {}): AttemptLogic<unknown> {
  const handoffs = options.handoffs ?? [];
  const output =
    options.output === undefined ? null : assertObjectSchema(options.output, `agent "${agent.name}" output`);
  const specs = toolSpecsFor(agent, handoffs, output ? (agent.output ?? output) : null);
  const ways = { routes: handoffs.map((target) => target.name), canFinish: output !== null };
  return attemptLogic<unknown>(agent, specs, ways, (input) => ({
    payload: input,
    retry: null,
    remaining: UNLIMITED,
    spent: NO_USAGE,
    calibration: null,
    key: agent.name,
    step: 0,
    visit: 0,
    repair: 0,
  }));
}

const UNLIMITED = Object.freeze({
  tokens: Number.POSITIVE_INFINITY,
  usd: Number.POSITIVE_INFINITY,
  turns: Number.POSITIVE_INFINITY,
  deadline: null,
});
