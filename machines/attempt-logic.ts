import type { PromiseActorLogic } from 'xstate';
import type { Approval, AttemptRemaining, Retry } from '../agents/attempt-request.js';
import type { AgentOutcome, Calibration, VisitUsage } from '../agents/decision.js';
import type { AnyAgent } from '../agents/define-agent.js';
import type { ToolSpec } from '../agents/model.js';
import { runAttempt } from '../agents/run-attempt.js';
import { runStep } from '../agents/run-step.js';
import { toolbox } from '../agents/toolbox.js';
import { frozenData } from '../contracts/json-value.js';
import { NO_GRANTS } from './assess.js';
import { attemptActor } from './attempt-actor.js';
import type { FlowContext } from './context.js';
import type { FlowSpec } from './flow-spec.js';
import { modelFor, type RunEnv, runEnvOf, WITH_ENV } from './run-env.js';
import type { Verdict } from './verdict.js';

/** Where one attempt starts: plain data, the agent actor's input. */
export interface AttemptPlan {
  /** The agent's validated input. */
  readonly payload: unknown;
  /** Set on a repair: the visit's messages so far and what was wrong with the last decision. */
  readonly retry: Retry | null;
  /** What the flow's budgets have left. */
  readonly remaining: AttemptRemaining;
  /** What the visit's earlier attempts used: the agent's own budget covers the whole visit. */
  readonly spent: VisitUsage;
  /** The visit's last measured call, for the next reservation. */
  readonly calibration: Calibration | null;
  /** Prefix of the idempotency keys of the attempt's model calls. */
  readonly key: string;
  /** The run's step number of this attempt, carried by its events. */
  readonly step: number;
  /** Which visit of the agent this attempt belongs to (1 for the first), and its repair number. */
  readonly visit: number;
  readonly repair: number;
  /** The run's facts as the attempt starts, for a flow that declares them. */
  readonly facts?: Readonly<Record<string, unknown>> | null;
}

/** Actor logic of one agent attempt that can be rebuilt bound to a run environment. */
export type AttemptLogic<I> = PromiseActorLogic<AgentOutcome, I> & {
  /** The same logic bound to a run environment; `provideRunEnv` calls it for each agent actor. */
  readonly [WITH_ENV]: (env: RunEnv) => AttemptLogic<I>;
};

/**
 * The actor logic of one attempt of an agent or code step, created once per flow. It takes the run's
 * clock, models and event sink from `env` when it was bound to one (`provideRunEnv`), else from the root
 * actor's input (`runFlow`), and where the attempt starts from `plan(input)`.
 */
export function attemptLogic<I>(
  participant: AnyAgent,
  specs: readonly ToolSpec[],
  ways: {
    readonly routes: readonly string[];
    readonly canFinish: boolean;
    /** Checks one fact's value, for a flow with facts. */
    readonly checkFact?: ((name: string, value: unknown) => string | null) | undefined;
  },
  plan: (input: I) => AttemptPlan,
  bound?: RunEnv,
): AttemptLogic<I> {
  const rebind = (env: RunEnv) => attemptLogic(participant, specs, ways, plan, env);
  if (participant.kind === 'step') {
    const logic = attemptActor<AgentOutcome, I>((input, system, abort) => {
      const env = bound ?? runEnvOf(system);
      const at = plan(input);
      return runStep({
        codeStep: participant,
        input: frozenData(at.payload),
        ...ways,
        clock: env.clock,
        abort,
        step: at.step,
        visit: at.visit,
        repair: at.repair,
        events: env.events,
        journal: env.journal,
      });
    });
    return Object.assign(logic, { [WITH_ENV]: rebind });
  }
  const tools = toolbox(participant, specs);
  const logic = attemptActor<AgentOutcome, I>((input, system, abort) => {
    const env = bound ?? runEnvOf(system);
    const at = plan(input);
    return runAttempt({
      agent: participant,
      model: modelFor(env, participant.name, participant.model),
      // Frozen: the input is the run's own (its context), which a model or a step cannot change in place.
      input: frozenData(at.payload),
      tools,
      retry: at.retry,
      remaining: revived(at.remaining),
      spent: at.spent,
      calibration: at.calibration,
      key: at.key,
      clock: env.clock,
      abort,
      step: at.step,
      visit: at.visit,
      repair: at.repair,
      events: env.events,
      journal: env.journal,
      // Frozen, so that a tool or a model changes a fact only through a declared write (facts read back
      // from a store are not frozen yet; the facts a run starts with and each write already are).
      facts: ways.checkFact && at.facts ? { values: frozenData(at.facts), check: ways.checkFact } : undefined,
    });
  });
  return Object.assign(logic, { [WITH_ENV]: rebind });
}

/** Where the current attempt of a `defineFlow` flow starts, read from its context. */
export function planOf(spec: FlowSpec, context: FlowContext): AttemptPlan {
  const { usage, verdict } = context;
  const grants = context.grants ?? NO_GRANTS;
  return {
    payload: context.payload,
    retry: retryOf(verdict, context.agent),
    remaining: {
      tokens: spec.limits.tokens + grants.tokens - usage.inputTokens - usage.outputTokens,
      usd: spec.limits.usd + grants.usd - usage.costUsd,
      turns: spec.limits.turns + grants.turns - usage.turns,
      deadline: context.deadline,
    },
    spent: context.spent,
    calibration: context.calibration,
    key: `${context.runId}:${context.step}`,
    step: context.step,
    visit: context.agent === null ? 0 : (context.visits[context.agent] ?? 0),
    repair: context.repairs,
    facts: context.facts ?? null,
  };
}

/**
 * What the next attempt of the current visit continues from: a repair's feedback, or a person's answer to
 * the question the last attempt asked (as the answer to its `ask_human` call) or to its approvals.
 */
function retryOf(verdict: Verdict | null, agent: string | null): Retry | null {
  // A failed verification round: the worker continues its visit with the failed criteria.
  if (verdict?.kind === 'revise')
    return verdict.to === agent ? { transcript: verdict.transcript, feedback: verdict.feedback } : null;
  if (verdict === null) return null;
  if (verdict.kind === 'repair')
    return verdict.agent === agent ? { transcript: verdict.transcript, feedback: verdict.feedback } : null;
  if (verdict.kind !== 'wait' || verdict.answer === undefined || verdict.wait.agent !== agent) return null;
  const { wait, transcript, answer } = verdict;
  if (wait.kind === 'confirm') {
    const why = (answer as { reason?: string }).reason ?? 'no reason given';
    return {
      transcript,
      feedback: {
        callId: wait.callId,
        tool: wait.callId === null ? null : 'finish',
        message: `A person did not confirm the critical assumptions of your result: ${why}. Finish again without them, or with what they said.`,
      },
    };
  }
  // A limit a person extended: the visit goes on where it stopped, with more to spend.
  if (wait.kind === 'limit') return { transcript, feedback: null };
  if (wait.kind === 'approval') {
    return wait.callId === null
      ? { transcript, feedback: null }
      : { transcript, feedback: null, approvals: { [wait.callId]: answer as Approval } };
  }
  const message = typeof answer === 'string' ? answer : JSON.stringify(answer);
  return {
    transcript,
    feedback: { callId: wait.callId, tool: wait.callId === null ? null : 'ask_human', message },
  };
}

/**
 * The actor logic of one agent or code step of a `defineFlow` flow: its input is the attempt's plan.
 * Typed as plain promise logic, so a test can put any `fromPromise` in its place with `machine.provide`.
 */
export function agentActor(
  spec: FlowSpec,
  participant: AnyAgent,
  specs: readonly ToolSpec[],
): PromiseActorLogic<AgentOutcome, AttemptPlan> {
  const name = participant.name;
  const ways = {
    routes: spec.routes[name] ?? [],
    canFinish: spec.finish.has(name),
    checkFact: spec.facts?.check,
  };
  return attemptLogic<AttemptPlan>(participant, specs, ways, (plan) => plan);
}

/**
 * The remaining budgets of a plan, as a restored snapshot gives them back: a persisted snapshot is JSON,
 * where an unlimited budget (Infinity) becomes null. A budget that is not a number is unlimited.
 */
function revived(remaining: AttemptRemaining): AttemptRemaining {
  // A plan made in this process has nothing to revive.
  const { tokens, usd, turns, deadline } = remaining;
  if (
    typeof tokens === 'number' &&
    typeof usd === 'number' &&
    typeof turns === 'number' &&
    (deadline === null || typeof deadline === 'number')
  )
    return remaining;
  const amount = (value: unknown) => (typeof value === 'number' ? value : Number.POSITIVE_INFINITY);
  return {
    tokens: amount(remaining.tokens),
    usd: amount(remaining.usd),
    turns: amount(remaining.turns),
    deadline: typeof remaining.deadline === 'number' ? remaining.deadline : null,
  };
}
