import { fromPromise } from 'xstate';
import type { AgentOutcome } from '../agents/decision.js';
import type { AnyAgent } from '../agents/define-agent.js';
import type { ToolSpec } from '../agents/model.js';
import { runStep } from '../agents/run-step.js';
import { runVisit, type VisitRemaining } from '../agents/run-visit.js';
import { toolbox } from '../agents/toolbox.js';
import type { FlowContext } from './context.js';
import type { FlowSpec } from './flow-spec.js';
import { modelFor, runEnvOf } from './run-env.js';

/** What is left of the flow's budgets in a context. */
export function remainingOf(spec: FlowSpec, context: FlowContext): VisitRemaining {
  const { usage } = context;
  return {
    tokens: spec.limits.tokens - usage.inputTokens - usage.outputTokens,
    usd: spec.limits.usd - usage.costUsd,
    turns: spec.limits.turns - usage.turns,
    deadline: context.deadline,
  };
}

/**
 * The actor logic of one agent or step: created once per flow, it reads the run's clock, models and
 * event sink from the environment bound to its actor system, and its input from the flow context.
 */
export function agentActor(spec: FlowSpec, participant: AnyAgent, specs: readonly ToolSpec[]) {
  const name = participant.name;
  const routes = spec.routes[name] ?? [];
  const canFinish = spec.finish.has(name);
  const tools = participant.kind === 'agent' ? toolbox(participant, specs) : null;
  return fromPromise<AgentOutcome, FlowContext>(({ input: context, system, signal }) => {
    const env = runEnvOf(system);
    if (participant.kind === 'step') {
      return runStep({
        step: participant,
        input: context.payload,
        routes,
        canFinish,
        clock: env.clock,
        signal,
      });
    }
    const step = context.step;
    return runVisit({
      agent: participant,
      model: modelFor(env, name, participant.model),
      input: context.payload,
      tools: tools!,
      resume: context.resume,
      remaining: remainingOf(spec, context),
      key: `${context.runId}:${step}`,
      clock: env.clock,
      signal,
      emit: env.emit ? (event) => env.emit?.(event, step) : undefined,
    });
  });
}
