import type { AgentOutcome } from '../agents/decision.js';
import type { Message } from '../agents/model.js';
import { listAt } from './accountability.js';
import { APPROVAL_ANSWER } from './answer-schemas.js';
import { type FlowContext, reason, runCanWait } from './context.js';
import type { FlowSpec } from './flow-spec.js';
import type { Judgement } from './verdict.js';
import {
  type BestRound,
  type Candidate,
  type CriterionResult,
  readJudgement,
  roundFeedback,
  runChecks,
} from './verify.js';

/** A result that met its contracts, and where it came from. */
interface Accepted {
  readonly agent: string;
  readonly payload: unknown;
  readonly transcript: readonly Message[];
  readonly callId: string | null;
  readonly output: unknown;
  /** The clock's time it was accepted at. */
  readonly at: number;
}

/**
 * `done` for an accepted result, unless it rests on a critical assumption (the flow's `assumptions`
 * field): then a person confirms it first (a wait, in a stored run) or the run ends `needs_human`. A
 * code step's result always ends `needs_human` then: a step cannot rework a result a person did not
 * confirm, so it has no wait.
 */
export function confirmed(spec: FlowSpec, context: FlowContext, accepted: Accepted): Judgement {
  const field = spec.assumptions;
  const critical = field
    ? listAt(accepted.output, field).filter((a) => (a as { critical?: unknown } | null)?.critical === true)
    : [];
  if (critical.length === 0) return { kind: 'done', output: accepted.output };
  const texts = critical.map((a) => {
    const text = (a as { text?: unknown }).text;
    return typeof text === 'string' ? text : JSON.stringify(a);
  });
  const step = spec.agents.get(accepted.agent)?.kind === 'step';
  const question = `${step ? 'Code step' : 'Agent'} "${accepted.agent}" finished on critical assumptions a person must confirm:\n${texts.map((t) => `- ${t}`).join('\n')}\nConfirm them?`;
  const where = { state: accepted.agent, agent: accepted.agent, step: context.step };
  if (step || !runCanWait(context) || (context.asks ?? 0) >= spec.limits.asks) {
    return {
      kind: 'escalate',
      reason: reason('needs_human', question, where, { question, assumptions: texts }),
      keep: accepted.output,
    };
  }
  const askedAt = accepted.at;
  return {
    kind: 'wait',
    wait: {
      id: `q${context.step}`,
      kind: 'confirm',
      agent: accepted.agent,
      step: context.step,
      question,
      answer: APPROVAL_ANSWER,
      output: accepted.output,
      payload: accepted.payload,
      callId: accepted.callId,
      askedAt,
      expiresAt: Number.isFinite(spec.limits.humanMs) ? askedAt + spec.limits.humanMs : null,
    },
    transcript: accepted.transcript,
  };
}

/**
 * The verify stage on a finish that met the done contract: the deterministic checks first; when they all
 * pass, the judge (if the flow has judged criteria); else the round's outcome.
 */
export function verification(
  spec: FlowSpec,
  context: FlowContext,
  outcome: AgentOutcome,
  name: string,
  decision: { readonly output: unknown; readonly callId: string | null },
): Judgement {
  const verify = spec.verify!;
  const checked = runChecks(verify.criteria, context.input, decision.output);
  const candidate: Candidate = {
    agent: name,
    payload: context.payload,
    transcript: outcome.transcript,
    callId: decision.callId,
    output: decision.output,
    checked,
  };
  // A check failed: the judge is not asked (it could not pass it anyway), and the round ends here.
  if (checked.some((r) => !r.pass) || verify.judged.length === 0)
    return roundOutcome(spec, context, candidate, checked, outcome.endedAt);
  return { kind: 'verify', candidate };
}

/** Reads the judge's attempt: its verdict on the judged criteria, with the checks, makes the round's outcome. */
export function judgement(
  spec: FlowSpec,
  context: FlowContext,
  outcome: AgentOutcome,
  candidate: Candidate,
): Judgement {
  const verify = spec.verify!;
  const judge = verify.judge!.name;
  const where = { state: judge, agent: judge, step: context.step };
  const decision = outcome.decision;
  if (decision.kind === 'exhausted')
    return { kind: 'escalate', reason: reason(decision.code, decision.message, where) };
  if (decision.kind === 'failed')
    return { kind: 'fail', reason: reason(decision.code, decision.message, where, decision.details) };
  const read =
    decision.kind === 'finish'
      ? readJudgement(decision.output, verify.judged)
      : { problem: `the judge decided "${decision.kind}" instead of giving its verdict` };
  if ('problem' in read) {
    return {
      kind: 'escalate',
      reason: reason(
        'verification_incomplete',
        `Verification of the result of "${candidate.agent}" is incomplete: ${read.problem}. A criterion nobody checked does not pass.`,
        where,
      ),
      keep: candidate.output,
    };
  }
  return roundOutcome(spec, context, candidate, [...candidate.checked, ...read.results], outcome.endedAt);
}

/**
 * The outcome of a verification round: `done` when every criterion passed; else the worker revises with
 * the failed criteria, while rounds are left and this round passed more criteria than the best before it;
 * else the run ends `verification_failed` with the best result kept.
 */
function roundOutcome(
  spec: FlowSpec,
  context: FlowContext,
  candidate: Candidate,
  results: readonly CriterionResult[],
  at: number,
): Judgement {
  const verify = spec.verify!;
  const total = verify.criteria.length;
  const passed = results.filter((r) => r.pass).length;
  if (passed === total && results.length === total) return confirmed(spec, context, { ...candidate, at });
  const round = (context.rounds ?? 0) + 1;
  const best = context.best ?? null;
  const where = { state: candidate.agent, agent: candidate.agent, step: context.step };
  const failed = results.filter((r) => !r.pass).map((r) => r.id);
  const stop = (why: string, kept: BestRound): Judgement => ({
    kind: 'escalate',
    reason: reason(
      'verification_failed',
      `${why} Failing: ${failed.join(', ')}. The best result (round ${kept.round}, ${kept.passed} of ${total} criteria passed) is kept as the partial result.`,
      where,
      {
        round,
        passed,
        total,
        results,
        best: kept,
      },
    ),
    keep: kept.output,
  });
  const mine: BestRound = { round, output: candidate.output, passed };
  if (best && passed <= best.passed) {
    return stop(
      `Round ${round} of verification passed ${passed} of ${total} criteria, no more than round ${best.round} (${best.passed}): the loop made no progress and stops.`,
      best,
    );
  }
  if (round >= verify.rounds) {
    return stop(
      `Verification failed after ${round} round${round === 1 ? '' : 's'} (limit ${verify.rounds}).`,
      mine,
    );
  }
  return {
    kind: 'revise',
    to: candidate.agent,
    payload: candidate.payload,
    feedback: {
      callId: candidate.callId,
      tool: candidate.callId === null ? null : 'finish',
      message: roundFeedback(results, round, verify.rounds),
    },
    transcript: candidate.transcript,
    results,
    best: mine,
  };
}
