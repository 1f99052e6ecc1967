import { fromPromise, type PromiseActorLogic } from 'xstate';
import type { AgentOutcome } from '../agents/decision.js';
import type { AnyAgent } from '../agents/define-agent.js';
import type { ToolSpec } from '../agents/model.js';
import { runStep } from '../agents/run-step.js';
import { runVisit } from '../agents/run-visit.js';
import { toolbox } from '../agents/toolbox.js';
import type { VisitRemaining } from '../agents/visit-request.js';
import type { FlowContext } from './context.js';
import type { FlowSpec } from './flow-spec.js';
import { modelFor, runEnvOf } from './run-env.js';

/** What is left of the flow's budgets in a context. */
function remainingOf(spec: FlowSpec, context: FlowContext): VisitRemaining {
  const { usage } = context;
  return {
    tokens: spec.limits.tokens - usage.inputTokens - usage.outputTokens,
    usd: spec.limits.usd - usage.costUsd,
    turns: spec.limits.turns - usage.turns,
    deadline: context.deadline,
  };
}

/** Where one visit starts: read from the actor's input by the machine that invokes it. */
export interface VisitPlan {
  readonly payload: unknown;
  readonly resume: FlowContext['resume'];
  readonly remaining: VisitRemaining;
  /** Prefix of the idempotency keys of the visit's model calls. */
  readonly key: string;
  readonly step: number;
}

/**
 * The actor logic of one agent or code step, created once: it reads the run's clock, models and event
 * sink from the environment bound to its actor system, and where the visit starts from `plan(input)`.
 */
export function visitLogic<I>(
  participant: AnyAgent,
  specs: readonly ToolSpec[],
  ways: { readonly routes: readonly string[]; readonly canFinish: boolean },
  plan: (input: I) => VisitPlan,
): PromiseActorLogic<AgentOutcome, I> {
  if (participant.kind === 'step') {
    return fromPromise<AgentOutcome, I>(({ input, system, signal }) =>
      runStep({
        step: participant,
        input: plan(input).payload,
        ...ways,
        clock: runEnvOf(system).clock,
        signal,
      }),
    );
  }
  const tools = toolbox(participant, specs);
  return fromPromise<AgentOutcome, I>(({ input, system, signal }) => {
    const env = runEnvOf(system);
    const { payload, resume, remaining, key, step } = plan(input);
    return runVisit({
      agent: participant,
      model: modelFor(env, participant.name, participant.model),
      input: payload,
      tools,
      resume,
      remaining,
      key,
      clock: env.clock,
      signal,
      step,
      events: env.events,
    });
  });
}

/** The actor logic of one agent or step of a `defineFlow` flow: its visit starts from the flow context. */
export function agentActor(spec: FlowSpec, participant: AnyAgent, specs: readonly ToolSpec[]) {
  const name = participant.name;
  const ways = { routes: spec.routes[name] ?? [], canFinish: spec.finish.has(name) };
  return visitLogic<FlowContext>(participant, specs, ways, (context) => ({
    payload: context.payload,
    resume: context.resume,
    remaining: remainingOf(spec, context),
    key: `${context.runId}:${context.step}`,
    step: context.step,
  }));
}
