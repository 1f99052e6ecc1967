import type { AgentOutcome, Feedback, VisitUsage } from '../agents/decision.js';
import { shapeProblem } from '../contracts/depth.js';
import { fingerprint } from '../contracts/fingerprint.js';
import type { ReasonCode } from '../contracts/reasons.js';
import type { JsonSchemaObject } from '../contracts/schema.js';
import { formatViolations, type Violation } from '../contracts/violations.js';
import { accountability } from './accountability.js';
import { APPROVAL_ANSWER, ASK_ANSWER } from './answer-schemas.js';
import { confirmed, judgement, verification } from './assess-finish.js';
import { type FlowContext, reason, runCanWait } from './context.js';
import { describeValue, unmetConditions } from './done-conditions.js';
import type { FlowSpec, WaitableLimit } from './flow-spec.js';
import type { HumanWait, Judgement, Verdict } from './verdict.js';

/** The run's and the visit's usage with the assessed attempt counted. */
export interface Totals {
  readonly usage: VisitUsage;
  readonly spent: VisitUsage;
}

/**
 * Assesses an attempt's outcome against the flow's contracts, in order: budgets, then a handoff (route,
 * payload shape and schema, loop) or a finish (shape, output schemas, done predicate). A rejected
 * decision is repaired while the flow's repairs and the agent's turns for the visit allow another
 * attempt, and fails with its own code when they do not. Pure and total: the same context, outcome and
 * totals always give the same verdict, and nothing a model or a predicate returns makes it throw.
 */
export function assess(spec: FlowSpec, context: FlowContext, outcome: AgentOutcome, totals: Totals): Verdict {
  const agent = context.agent ?? spec.start;
  const judgement = decide(spec, context, outcome, totals, agent) as Verdict;
  // Every judgement is a fresh object literal: the attempt's identity is set on it in place, which V8
  // (Node 20) does faster than a spread that adds properties.
  const verdict = judgement as { agent: string; step: number };
  verdict.agent = agent;
  verdict.step = context.step;
  return judgement;
}

function decide(
  spec: FlowSpec,
  context: FlowContext,
  outcome: AgentOutcome,
  { usage, spent }: Totals,
  name: string,
): Judgement {
  const participant = spec.agents.get(name);
  const where = { state: name, agent: name, step: context.step };
  const decision = outcome.decision;
  if (spec.verify?.judge && name === spec.verify.judge.name && context.candidate) {
    return judgement(spec, context, outcome, context.candidate);
  }

  const escalate = (code: ReasonCode, message: string, details?: Record<string, unknown>): Judgement => ({
    kind: 'escalate',
    reason: reason(code, message, where, details),
  });
  /** Budgets that must allow another attempt (of `next`) before the flow continues. */
  const budgetStop = (next: string): Judgement | null => {
    const limits = spec.limits;
    if (context.deadline !== null && outcome.endedAt >= context.deadline) {
      return escalate(
        'deadline',
        `The run's deadline passed at step ${context.step}, after agent "${name}".`,
      );
    }
    if (spec.agents.get(next)?.kind !== 'agent') return null;
    // A limit a person may extend is left to the next attempt, which waits before its first call.
    const waits = (limit: WaitableLimit) => runCanWait(context) && spec.waitOn.has(limit);
    const grants = context.grants ?? NO_GRANTS;
    const turns = limits.turns + grants.turns;
    if (usage.turns >= turns && !waits('turns'))
      return escalate('turn_limit', `The flow used all ${turns} model turns.`);
    const tokens = usage.inputTokens + usage.outputTokens;
    if (tokens >= limits.tokens + grants.tokens && !waits('tokens')) {
      return escalate('token_budget', `The flow used ${tokens} of ${limits.tokens + grants.tokens} tokens.`);
    }
    if (usage.costUsd >= limits.usd + grants.usd && !waits('usd')) {
      return escalate(
        'cost_budget',
        `The flow spent $${usage.costUsd.toFixed(6)} of $${limits.usd + grants.usd}.`,
      );
    }
    return null;
  };
  /** A person's wait for the run: a question, an approval or a limit to extend. */
  const wait = (
    kind: HumanWait['kind'],
    question: string,
    answer: JsonSchemaObject,
    extra: Partial<Pick<HumanWait, 'tool' | 'arguments' | 'code'>>,
    callId: string | null,
  ): Judgement => {
    const askedAt = outcome.endedAt;
    return {
      kind: 'wait',
      wait: {
        id: `q${context.step}`,
        kind,
        agent: name,
        step: context.step,
        question,
        answer,
        ...extra,
        callId,
        askedAt,
        expiresAt: Number.isFinite(spec.limits.humanMs) ? askedAt + spec.limits.humanMs : null,
      },
      transcript: outcome.transcript,
    };
  };
  const repairOrFail = (
    code: ReasonCode,
    message: string,
    feedback: Omit<Feedback, 'message'>,
  ): Judgement => {
    const turnsLeft = participant?.kind === 'agent' && spent.turns < participant.budget.turns;
    if (turnsLeft && context.repairs < spec.limits.repairs) {
      return (
        budgetStop(name) ?? {
          kind: 'repair',
          code,
          feedback: { callId: feedback.callId, tool: feedback.tool, message },
          transcript: outcome.transcript,
        }
      );
    }
    const repairs = `${context.repairs} repair${context.repairs === 1 ? '' : 's'}`;
    const tries =
      participant?.kind !== 'agent'
        ? ''
        : turnsLeft
          ? ` after ${repairs}`
          : ` after ${repairs}, with the agent's ${participant.budget.turns} turns for the visit used`;
    // "… fits no schema. after 2 repairs" reads wrong: the count goes inside the sentence.
    const ended = tries === '' ? message : `${message.replace(/[.!?]\s*$/, '')}${tries}.`;
    return { kind: 'fail', reason: reason(code, ended, where) };
  };

  switch (decision.kind) {
    case 'exhausted': {
      const limit = WAITABLE_BY_CODE[decision.code];
      if (
        limit !== undefined &&
        runCanWait(context) &&
        spec.waitOn.has(limit) &&
        (context.asks ?? 0) < spec.limits.asks
      ) {
        return wait(
          'limit',
          `${decision.message} Allow as much again?`,
          APPROVAL_ANSWER,
          { code: decision.code },
          null,
        );
      }
      return escalate(decision.code, decision.message);
    }
    case 'failed':
      return { kind: 'fail', reason: reason(decision.code, decision.message, where, decision.details) };
    case 'ask':
    case 'approval': {
      const asks = context.asks ?? 0;
      const question =
        decision.kind === 'ask'
          ? decision.question
          : `Agent "${name}" wants to call tool "${decision.tool}" with ${preview(decision.arguments)}. Approve it?`;
      if (context.deadline !== null && outcome.endedAt >= context.deadline) {
        return escalate('deadline', `The run's deadline passed as agent "${name}" asked a person.`);
      }
      if (!runCanWait(context) || asks >= spec.limits.asks) {
        const why = runCanWait(context)
          ? ` The run has had its ${spec.limits.asks} answers (limits.asks).`
          : decision.kind === 'approval'
            ? ' Only a run kept in a store can wait for the approval.'
            : '';
        return escalate('needs_human', `Agent "${name}" asks a person: ${question}${why}`, {
          question,
          ...(decision.kind === 'approval' ? { tool: decision.tool } : {}),
        });
      }
      return wait(
        decision.kind,
        question,
        decision.kind === 'ask' ? ASK_ANSWER : APPROVAL_ANSWER,
        decision.kind === 'approval' ? { tool: decision.tool, arguments: decision.arguments } : {},
        decision.callId,
      );
    }
    case 'rejected':
      return repairOrFail(decision.code, decision.message, { callId: decision.callId, tool: decision.tool });
    case 'handoff': {
      const routes = spec.routes[name] ?? [];
      const tool = `handoff_to_${decision.to}`;
      if (!routes.includes(decision.to)) {
        const allowed = routes.length ? routes.join(', ') : 'no agent';
        return repairOrFail(
          'tool_not_allowed',
          `Agent "${name}" may hand off to ${allowed}, not to "${decision.to}".`,
          { callId: decision.callId, tool },
        );
      }
      if (context.handoffs + 1 > spec.limits.handoffs) {
        return escalate(
          'handoff_limit',
          `Agent "${name}" would make handoff ${context.handoffs + 1} but the flow allows ${spec.limits.handoffs}.`,
        );
      }
      const visits = (context.visits[decision.to] ?? 0) + 1;
      if (visits > spec.limits.visits) {
        return escalate(
          'visit_limit',
          `Agent "${decision.to}" would be visited ${visits} times but the flow allows ${spec.limits.visits}.`,
        );
      }
      const stop = budgetStop(decision.to);
      if (stop) return stop;
      const what = `The handoff to "${decision.to}"`;
      const shape = shapeProblem(decision.payload);
      if (shape)
        return repairOrFail('contract_violation', `${what} is ${shape}.`, { callId: decision.callId, tool });
      const checked = spec.agents.get(decision.to)!.inputValidator.validate(decision.payload);
      if (!checked.ok) {
        return repairOrFail(
          'contract_violation',
          violationMessage(`${what} does not fit its input schema`, checked.violations),
          { callId: decision.callId, tool },
        );
      }
      const accountable = accountability(participant, context.payload, decision.payload, outcome.transcript);
      if (accountable)
        return repairOrFail(accountable.code, accountable.message, { callId: decision.callId, tool });
      const print = fingerprint(decision.payload, decision.to);
      if (context.seen.includes(print)) {
        return escalate(
          'loop_detected',
          `Agent "${decision.to}" would be entered again with an input it already had: no progress since its last visit.`,
          { to: decision.to },
        );
      }
      return { kind: 'handoff', to: decision.to, payload: decision.payload, fingerprint: print };
    }
    case 'finish': {
      const feedback = { callId: decision.callId, tool: 'finish' };
      if (!spec.finish.has(name)) {
        return repairOrFail('tool_not_allowed', `Agent "${name}" may not finish the flow.`, feedback);
      }
      const shape = shapeProblem(decision.output);
      if (shape) return repairOrFail('contract_violation', `The result is ${shape}.`, feedback);
      const own = participant?.output ? participant.outputValidator?.validate(decision.output) : undefined;
      if (own && !own.ok) {
        return repairOrFail(
          'contract_violation',
          violationMessage(`The result of "${name}" does not fit its output schema`, own.violations),
          feedback,
        );
      }
      const checked = spec.output.validate(decision.output);
      if (!checked.ok) {
        return repairOrFail(
          'contract_violation',
          violationMessage(`The result does not fit the flow's output schema`, checked.violations),
          feedback,
        );
      }
      const unmet = unmetConditions(spec, context.input, decision.output);
      if (unmet.length > 0) {
        return repairOrFail(
          'done_unmet',
          `Not done. Unmet conditions:\n${unmet.map((u) => `- ${u}`).join('\n')}`,
          feedback,
        );
      }
      const accountable = accountability(participant, context.payload, decision.output, outcome.transcript);
      if (accountable) return repairOrFail(accountable.code, accountable.message, feedback);
      if (spec.verify) return verification(spec, context, outcome, name, decision);
      return confirmed(spec, context, {
        agent: name,
        payload: context.payload,
        transcript: outcome.transcript,
        callId: decision.callId,
        output: decision.output,
        at: outcome.endedAt,
      });
    }
    default:
      return {
        kind: 'fail',
        reason: reason(
          'provider_error',
          `Agent "${name}" ended its attempt with no decision Baton knows (${describeValue(decision)}).`,
          where,
        ),
      };
  }
}

/** Nothing granted beyond the limits. */
export const NO_GRANTS = Object.freeze({ turns: 0, tokens: 0, usd: 0 });

/** The limit each budget code stands for, for those a person may extend. */
const WAITABLE_BY_CODE: Partial<Record<string, WaitableLimit>> = {
  turn_limit: 'turns',
  token_budget: 'tokens',
  cost_budget: 'usd',
};

/** Arguments in a question: JSON, cut short when long. */
function preview(value: unknown): string {
  let text: string;
  try {
    text = shapeProblem(value) ? '(arguments that cannot be shown)' : JSON.stringify(value);
  } catch {
    text = '(arguments that cannot be shown)';
  }
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

function violationMessage(what: string, violations: readonly Violation[]): string {
  return `${what}:\n${formatViolations(violations)}`;
}
