import { type AgentOutcome, NO_USAGE, sumUsage } from '../agents/decision.js';
import { shapeProblem } from '../contracts/depth.js';
import { describeThrown, isBatonError } from '../contracts/errors.js';
import { fingerprint } from '../contracts/fingerprint.js';
import { plainJsonCopy } from '../contracts/json-value.js';
import { formatViolations } from '../contracts/violations.js';
import { assess, NO_GRANTS } from './assess.js';
import { type Ending, type FlowContext, reason } from './context.js';
import type { FlowEvent } from './flow-events.js';
import type { FlowSpec } from './flow-spec.js';

/**
 * What a context update reads: the flow, the context and the event of the transition. Each update below is
 * the body of one of the machine's `assign` actions, named as the action is (`assess` as `assessAttempt`).
 */
export interface Update {
  readonly spec: FlowSpec;
  readonly context: FlowContext;
  readonly event: FlowEvent;
}

/** Where the run is, for a reason. */
export const where = (context: FlowContext) => ({
  state: context.agent ?? 'start',
  agent: context.agent,
  step: context.step,
});

/** The ending of a run, with its final state on the path. */
const end = (context: FlowContext, ending: Ending) => ({
  path: context.path.concat(ending.status),
  ending,
});

/** The run enters its start agent with its valid input: the first step, visit and fingerprint. */
export const enterStart = ({ spec, context }: Update): Partial<FlowContext> => ({
  ...(spec.facts ? { facts: factsOf(startFacts(spec, context.input)) } : {}),
  agent: spec.start,
  payload: context.input,
  step: 1,
  visits: { [spec.start]: 1 },
  seen: [fingerprint(context.input, spec.start)],
  partial: context.input,
  path: [spec.start],
});

/** The run fails `invalid_input`: its input (or the facts it starts with) does not fit its schema. */
export const invalidInput = ({ spec, context }: Update): Partial<FlowContext> => {
  const shape = shapeProblem(context.input);
  const checked = shape ? null : spec.input.validate(context.input);
  const facts = !shape && checked?.ok ? startFacts(spec, context.input) : null;
  if (facts && !facts.ok) {
    return end(context, {
      status: 'failed',
      reason: reason(
        'invalid_input',
        `The facts flow "${spec.id}" starts with do not fit its facts schema: ${facts.problem}`,
        where(context),
      ),
    });
  }
  const details = shape
    ? `: it is ${shape}`
    : checked && !checked.ok
      ? `:\n${formatViolations(checked.violations)}`
      : '';
  return end(context, {
    status: 'failed',
    reason: reason(
      'invalid_input',
      `The input of flow "${spec.id}" does not fit its input schema${details}`,
      where(context),
    ),
  });
};

/** Assesses the attempt that just ended, once: the verdict and the usage go into the context. */
export const assessAttempt = ({ spec, context, event }: Update): Partial<FlowContext> => {
  const outcome = (event as { output: AgentOutcome }).output;
  const usage = sumUsage(context.usage, outcome.usage);
  const spent = sumUsage(context.spent, outcome.usage);
  return {
    usage,
    spent,
    calibration: outcome.calibration ?? context.calibration,
    verdict: assess(spec, context, outcome, { usage, spent }),
    // What the attempt's tools wrote stands whatever the decision: their effects happened.
    ...(outcome.facts && context.facts ? { facts: { ...context.facts, ...outcome.facts } } : {}),
  };
};

/** The verdict's handoff: a new visit of the receiving agent, with the validated payload as its input. */
export const handoff = ({ context }: Update): Partial<FlowContext> => {
  const verdict = context.verdict;
  if (verdict?.kind !== 'handoff') return {};
  // `concat` allocates the exact length; a spread plus one element leaves room to grow, which every
  // run in flight would keep.
  return {
    handoffs: context.handoffs + 1,
    agent: verdict.to,
    payload: verdict.payload,
    step: context.step + 1,
    repairs: 0,
    spent: NO_USAGE,
    calibration: null,
    visits: countVisit(context.visits, verdict.to),
    seen: context.seen.concat(verdict.fingerprint),
    partial: verdict.payload,
    path: context.path.concat(verdict.to),
  };
};

/** A rejected decision is repaired: the next attempt of the same visit. */
export const repair = ({ context }: Update): Partial<FlowContext> => ({
  step: context.step + 1,
  repairs: context.repairs + 1,
});

/** Hands a finished result to the judge: a new attempt, of the judge, on the result and its criteria. */
export const startVerify = ({ spec, context }: Update): Partial<FlowContext> => {
  const verdict = context.verdict;
  if (verdict?.kind !== 'verify' || !spec.verify?.judge) return {};
  return {
    step: context.step + 1,
    candidate: verdict.candidate,
    // The judge's attempt has a budget of its own, not what is left of the worker's visit.
    spent: NO_USAGE,
    calibration: null,
    agent: spec.verify.judge.name,
    payload: {
      result: verdict.candidate.output,
      criteria: spec.verify.judged.map((c) => ({ id: c.id, description: c.description })),
    },
  };
};

/** A failed round goes back to its worker, whose visit continues with the failed criteria. */
export const revise = ({ context }: Update): Partial<FlowContext> => {
  const verdict = context.verdict;
  if (verdict?.kind !== 'revise') return {};
  return {
    step: context.step + 1,
    rounds: (context.rounds ?? 0) + 1,
    best: verdict.best,
    agent: verdict.to,
    payload: verdict.payload,
    candidate: null,
    // Each round is a new budget for the worker, as a new visit is: the rounds bound how many.
    spent: NO_USAGE,
    calibration: null,
    repairs: 0,
  };
};

/**
 * Takes a person's answer: the next attempt of the same visit continues with it. The run's deadline
 * moves on by the time the run waited.
 */
export const answer = ({ spec, context, event }: Update): Partial<FlowContext> => {
  const verdict = context.verdict;
  if (verdict?.kind !== 'wait' || event.type !== 'baton.answer') return {};
  const waited = Math.max(0, event.at - verdict.wait.askedAt);
  return {
    step: context.step + 1,
    asks: (context.asks ?? 0) + 1,
    verdict: { ...verdict, answer: event.answer },
    deadline: context.deadline === null ? null : context.deadline + waited,
    // A limit extended: as much again of the flow's limit, and a fresh budget for the agent's visit.
    ...(verdict.wait.kind === 'limit'
      ? { grants: granted(spec, context.grants ?? NO_GRANTS, verdict.wait.code), spent: NO_USAGE }
      : {}),
    // Assumptions a person did not confirm go back to the worker that made them, from wherever it waited.
    ...(verdict.wait.kind === 'confirm'
      ? { agent: verdict.wait.agent, payload: verdict.wait.payload, candidate: null }
      : {}),
  };
};

/** A person confirmed a result's critical assumptions: the run is done with it. */
export const finishConfirmed = ({ context }: Update): Partial<FlowContext> => {
  const verdict = context.verdict;
  if (verdict?.kind !== 'wait') return {};
  const output = verdict.wait.output;
  return {
    partial: output,
    path: context.path.concat('done'),
    ending: { status: 'done' as const, output },
  };
};

/** A person refused to extend a limit: the run ends as it would have without the wait. */
export const refuseLimit = ({ context, event }: Update): Partial<FlowContext> => {
  const verdict = context.verdict;
  const wait = verdict?.kind === 'wait' ? verdict.wait : null;
  const why = event.type === 'baton.answer' ? (event.answer as { reason?: string }).reason : undefined;
  return end(context, {
    status: 'escalated',
    reason: reason(
      wait?.code ?? 'turn_limit',
      `${wait?.question.replace(/ Allow as much again\?$/, '') ?? 'A limit ran out.'} A person refused more${why ? `: ${why}` : '.'}`,
      where(context),
    ),
  });
};

/** Nobody answered within `limits.humanMs`: the run escalates `human_timeout`. */
export const humanTimeout = ({ spec, context }: Update): Partial<FlowContext> => {
  const verdict = context.verdict;
  const wait = verdict?.kind === 'wait' ? verdict.wait : null;
  const asked = wait
    ? `the ${wait.kind === 'ask' ? 'question' : 'approval'} of agent "${wait.agent}"`
    : 'the question';
  return end(context, {
    status: 'escalated',
    reason: reason(
      'human_timeout',
      `Nobody answered ${asked} within limits.humanMs (${spec.limits.humanMs} ms).`,
      where(context),
      wait ? { question: wait.question, askedAt: wait.askedAt, expiresAt: wait.expiresAt } : undefined,
    ),
  });
};

/** The verdict's result met the done contract: the run is done with it. */
export const finish = ({ context }: Update): Partial<FlowContext> => {
  const verdict = context.verdict;
  if (verdict?.kind !== 'done') return {};
  const ending = { status: 'done' as const, output: verdict.output };
  return { partial: verdict.output, path: context.path.concat('done'), ending };
};

/** The verdict ends the run: escalated or failed with its reason. */
export const conclude = ({ context }: Update): Partial<FlowContext> => {
  const verdict = context.verdict;
  const status = verdict?.kind === 'escalate' ? 'escalated' : 'failed';
  const why =
    verdict?.kind === 'escalate' || verdict?.kind === 'fail'
      ? verdict.reason
      : reason(
          'contract_violation',
          `Agent "${context.agent}" made a decision no transition accepts.`,
          where(context),
        );
  const ended = end(context, { status, reason: why });
  // The verify stage hands over its best round rather than the last payload.
  return verdict && 'keep' in verdict && verdict.keep !== undefined
    ? { ...ended, partial: verdict.keep }
    : ended;
};

/** The attempt's actor failed: `step_failed` for a code step, `provider_error` for an agent. */
export const crash = ({ spec, context, event }: Update): Partial<FlowContext> => {
  const error = (event as { error?: unknown }).error;
  const message = describeThrown(error);
  const details = isBatonError(error)
    ? { error: error.code, retryable: error.retryable }
    : { retryable: false };
  // A code step has no provider: its actor failing is its own failure.
  const step = context.agent !== null && spec.agents.get(context.agent)?.kind === 'step';
  return end(context, {
    status: 'failed',
    reason: reason(
      step ? 'step_failed' : 'provider_error',
      `${step ? 'Code step' : 'Agent'} "${context.agent}" failed: ${message}`,
      where(context),
      details,
    ),
  });
};

/** The kill switch: the run ends `cancelled`. */
export const cancel = ({ context, event }: Update): Partial<FlowContext> => {
  const why = event.type === 'baton.cancel' && event.reason ? `: ${event.reason}` : '';
  return end(context, {
    status: 'cancelled',
    reason: reason('cancelled', `The run was cancelled${why}.`, where(context)),
  });
};

/** The run's deadline passed: it escalates `deadline`. */
export const expire = ({ spec, context }: Update): Partial<FlowContext> => {
  const at =
    context.agent === null ? '' : ` while agent "${context.agent}" was working (step ${context.step})`;
  return end(context, {
    status: 'escalated',
    reason: reason('deadline', `The run's deadline of ${spec.limits.ms} ms passed${at}.`, where(context)),
  });
};

/**
 * The facts a run starts with, from its valid input: `ok` with them, or the problem in words (the initial
 * function threw, or what it gave does not fit the facts schema).
 */
export function startFacts(
  spec: FlowSpec,
  input: unknown,
):
  | { readonly ok: true; readonly facts: Record<string, unknown> | null }
  | { readonly ok: false; readonly problem: string } {
  if (!spec.facts) return { ok: true, facts: null };
  let facts: unknown;
  try {
    facts = spec.facts.initial(input);
  } catch (error) {
    return {
      ok: false,
      problem: `the initial function threw: ${describeThrown(error)}`,
    };
  }
  // A frozen copy, so that nothing a run or its caller does to the flow's initial value reaches another run.
  const copied = plainJsonCopy(facts);
  if (copied.kind !== 'copy') return { ok: false, problem: `they are ${copied.problem}` };
  const checked = spec.facts.validator.validate(copied.value);
  if (!checked.ok) return { ok: false, problem: `\n${formatViolations(checked.violations)}` };
  return { ok: true, facts: copied.value as Record<string, unknown> };
}

function factsOf(started: ReturnType<typeof startFacts>): Record<string, unknown> | null {
  return started.ok ? started.facts : null;
}

/** The grants after a person extended the limit `code` stands for: as much again as the flow's limit. */
function granted(
  spec: FlowSpec,
  grants: { turns: number; tokens: number; usd: number },
  code: string | undefined,
) {
  const { limits } = spec;
  if (code === 'token_budget') return { ...grants, tokens: grants.tokens + limits.tokens };
  if (code === 'cost_budget') return { ...grants, usd: grants.usd + limits.usd };
  return { ...grants, turns: grants.turns + limits.turns };
}

/** `visits` with one more visit of `agent`. */
function countVisit(visits: Readonly<Record<string, number>>, agent: string): Record<string, number> {
  const next: Record<string, number> = Object.assign({}, visits);
  next[agent] = (visits[agent] ?? 0) + 1;
  return next;
}
