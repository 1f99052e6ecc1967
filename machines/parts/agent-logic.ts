import { fromPromise, type PromiseActorLogic } from 'xstate';
import type { AgentOutcome } from '../../agents/decision.js';
import type { AnyAgent } from '../../agents/define-agent.js';
import { runStep } from '../../agents/run-step.js';
import { runVisit } from '../../agents/run-visit.js';
import { toolbox } from '../../agents/toolbox.js';
import { assertObjectSchema, type Schema } from '../../contracts/schema.js';
import { modelFor, runEnvOf } from '../run-env.js';
import { toolSpecsFor } from '../tool-specs.js';

/** Options of `agentLogic`: what the agent may do, which decides the tools its model sees. */
export interface AgentLogicOptions {
  /** The agents it may hand off to: one handoff tool each, with the target's input schema. */
  readonly handoffs?: readonly AnyAgent[];
  /** The result schema when it may finish: it then sees the finish tool. */
  readonly output?: Schema;
}

/**
 * The actor logic of an agent or code step for a machine built from parts: one visit (the same turn loop
 * and decisions as in a `defineFlow` flow), with the payload as its input and `AgentOutcome` as its output.
 * Flow-wide budgets do not apply here; the agent's own turn and token budgets do.
 */
export function agentLogic(
  agent: AnyAgent,
  options: AgentLogicOptions = {},
): PromiseActorLogic<AgentOutcome, unknown> {
  const handoffs = options.handoffs ?? [];
  const output =
    options.output === undefined ? null : assertObjectSchema(options.output, `agent "${agent.name}" output`);
  const specs = toolSpecsFor(agent, handoffs, output ? (agent.output ?? output) : null);
  const tools = agent.kind === 'agent' ? toolbox(agent, specs) : null;
  const routes = handoffs.map((target) => target.name);
  return fromPromise<AgentOutcome, unknown>(async ({ input, system, signal }) => {
    const env = runEnvOf(system);
    if (agent.kind === 'step') {
      return runStep({ step: agent, input, routes, canFinish: output !== null, clock: env.clock, signal });
    }
    return runVisit({
      agent,
      model: modelFor(env, agent.name, agent.model),
      input,
      tools: tools!,
      resume: null,
      remaining: {
        tokens: Number.POSITIVE_INFINITY,
        usd: Number.POSITIVE_INFINITY,
        turns: Number.POSITIVE_INFINITY,
        deadline: null,
      },
      key: agent.name,
      clock: env.clock,
      signal,
      emit: env.emit ? (event) => env.emit?.(event, 0) : undefined,
    });
  });
}
