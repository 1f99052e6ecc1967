import type { AgentOutcome, Feedback, VisitUsage } from '../agents/decision.js';
import { fingerprint } from '../contracts/fingerprint.js';
import type { ReasonCode } from '../contracts/reasons.js';
import { formatViolations, type Violation } from '../contracts/violations.js';
import { type FlowContext, type Reason, reason } from './context.js';
import type { DoneResult, FlowSpec } from './flow-spec.js';

/**
 * What the flow does with an agent's decision. Guards pick the transition from it; actions apply it,
 * with `usage`: the run's usage including this visit, computed once here.
 */
export type Verdict = (
  | { readonly kind: 'handoff'; readonly to: string; readonly payload: unknown; readonly fingerprint: number }
  | { readonly kind: 'done'; readonly output: unknown }
  | { readonly kind: 'repair'; readonly code: ReasonCode; readonly feedback: Feedback }
  | { readonly kind: 'escalate' | 'fail'; readonly reason: Reason }
) & { readonly usage: VisitUsage };

type Judgement = Verdict extends infer V ? (V extends Verdict ? Omit<V, 'usage'> : never) : never;

// The guards of one event and the action that applies it judge the same context and outcome in a row:
// one remembered judgement serves them all without allocating anything per event.
let last: { context: FlowContext; outcome: AgentOutcome; spec: FlowSpec; verdict: Verdict } | null = null;

/**
 * Judges an agent's outcome against the flow's contracts, in order: budgets, handoff (route, payload
 * schema, loop), finish (output schema, done predicate). Pure and total: it never throws, and the same
 * context and outcome always give the same verdict (the last judgement is remembered, so the guards and
 * actions of one transition share it).
 */
export function judge(spec: FlowSpec, context: FlowContext, outcome: AgentOutcome): Verdict {
  if (last && last.context === context && last.outcome === outcome && last.spec === spec) return last.verdict;
  const usage = addVisit(context.usage, outcome.usage);
  // Every judgement is a fresh object: the usage is set on it in place, since a spread that adds a
  // property costs V8 (Node 20) more than the rest of the judgement.
  const verdict = decide(spec, context, outcome, usage) as Verdict;
  (verdict as { usage: VisitUsage }).usage = usage;
  last = { context, outcome, spec, verdict };
  return verdict;
}

function decide(spec: FlowSpec, context: FlowContext, outcome: AgentOutcome, usage: VisitUsage): Judgement {
  const name = context.agent ?? spec.start;
  const participant = spec.agents.get(name);
  const where = { state: name, agent: name, step: context.step };
  const decision = outcome.decision;

  const escalate = (code: ReasonCode, message: string, details?: Record<string, unknown>): Judgement => ({
    kind: 'escalate',
    reason: reason(code, message, where, details),
  });
  /** Budgets that must allow another model call (of `next`) before the flow continues. */
  const budgetStop = (next: string): Judgement | null => {
    const limits = spec.limits;
    if (context.deadline !== null && outcome.endedAt >= context.deadline) {
      return escalate(
        'deadline',
        `The run's deadline passed at step ${context.step}, after agent "${name}".`,
      );
    }
    if (spec.agents.get(next)?.kind !== 'agent') return null;
    if (usage.turns >= limits.turns)
      return escalate('turn_limit', `The flow used all ${limits.turns} model turns.`);
    if (usage.inputTokens + usage.outputTokens >= limits.tokens) {
      return escalate(
        'token_budget',
        `The flow used ${usage.inputTokens + usage.outputTokens} of ${limits.tokens} tokens.`,
      );
    }
    if (usage.costUsd >= limits.usd)
      return escalate('cost_budget', `The flow spent $${usage.costUsd.toFixed(6)} of $${limits.usd}.`);
    return null;
  };
  const repairOrFail = (
    code: ReasonCode,
    message: string,
    feedback: Omit<Feedback, 'message'>,
  ): Judgement => {
    if (participant?.kind === 'agent' && context.repairs < spec.limits.repairs) {
      return budgetStop(name) ?? { kind: 'repair', code, feedback: { ...feedback, message } };
    }
    const tries =
      participant?.kind === 'agent'
        ? ` after ${context.repairs} repair${context.repairs === 1 ? '' : 's'}`
        : '';
    return { kind: 'fail', reason: reason(code, `${message}${tries}`, where) };
  };

  switch (decision.kind) {
    case 'exhausted':
      return escalate(decision.code, decision.message);
    case 'ask':
      return escalate('needs_human', `Agent "${name}" asks a person: ${decision.question}`, {
        question: decision.question,
      });
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
          {
            callId: decision.callId,
            tool,
          },
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
      const checked = spec.agents.get(decision.to)!.inputValidator.validate(decision.payload);
      if (!checked.ok) {
        return repairOrFail(
          'contract_violation',
          violationMessage(
            `The handoff to "${decision.to}" does not fit its input schema`,
            checked.violations,
          ),
          {
            callId: decision.callId,
            tool,
          },
        );
      }
      const print = fingerprint(decision.payload, decision.to);
      if (context.seen.includes(print)) {
        return escalate(
          'loop_detected',
          `Agent "${decision.to}" would be entered again with an input it already had: no progress since its last visit.`,
          {
            to: decision.to,
          },
        );
      }
      return { kind: 'handoff', to: decision.to, payload: decision.payload, fingerprint: print };
    }
    case 'finish': {
      const feedback = { callId: decision.callId, tool: 'finish' };
      if (!spec.finish.has(name))
        return repairOrFail('tool_not_allowed', `Agent "${name}" may not finish the flow.`, feedback);
      const own = participant?.output ? participant.outputValidator?.validate(decision.output) : undefined;
      if (own && !own.ok)
        return repairOrFail(
          'contract_violation',
          violationMessage(`The result of "${name}" does not fit its output schema`, own.violations),
          feedback,
        );
      const checked = spec.output.validate(decision.output);
      if (!checked.ok)
        return repairOrFail(
          'contract_violation',
          violationMessage(`The result does not fit the flow's output schema`, checked.violations),
          feedback,
        );
      const unmet = unmetConditions(spec, context.input, decision.output);
      if (unmet.length > 0) {
        return repairOrFail(
          'done_unmet',
          `Not done. Unmet conditions:\n${unmet.map((u) => `- ${u}`).join('\n')}`,
          feedback,
        );
      }
      return { kind: 'done', output: decision.output };
    }
  }
}

function violationMessage(what: string, violations: readonly Violation[]): string {
  return `${what}:\n${formatViolations(violations)}`;
}

/** Runs the done predicate; a predicate that throws counts as an unmet condition naming the error. */
function unmetConditions(spec: FlowSpec, input: unknown, output: unknown): readonly string[] {
  if (!spec.done) return [];
  let result: DoneResult;
  try {
    result = spec.done({ input, output });
  } catch (error) {
    return [`the done predicate threw: ${error instanceof Error ? error.message : String(error)}`];
  }
  if (result === true) return [];
  if (result === false) return ['the done predicate returned false'];
  if (typeof result === 'string') return [result];
  return result;
}

/** Adds a visit's usage to the run's totals. */
function addVisit(total: VisitUsage, visit: VisitUsage): VisitUsage {
  if (visit.turns === 0 && visit.inputTokens === 0 && visit.outputTokens === 0) return total;
  return {
    inputTokens: total.inputTokens + visit.inputTokens,
    outputTokens: total.outputTokens + visit.outputTokens,
    cachedInputTokens: total.cachedInputTokens + visit.cachedInputTokens,
    reasoningTokens: total.reasoningTokens + visit.reasoningTokens,
    costUsd: total.costUsd + visit.costUsd,
    turns: total.turns + visit.turns,
  };
}
