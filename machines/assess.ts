import type { AgentOutcome, Feedback, VisitUsage } from '../agents/decision.js';
import type { AnyAgent } from '../agents/define-agent.js';
import type { Message } from '../agents/model.js';
import { shapeProblem } from '../contracts/depth.js';
import { describeThrown } from '../contracts/errors.js';
import { fingerprint } from '../contracts/fingerprint.js';
import type { ReasonCode } from '../contracts/reasons.js';
import type { JsonSchemaObject } from '../contracts/schema.js';
import { formatViolations, type Violation } from '../contracts/violations.js';
import { type FlowContext, reason, runCanWait } from './context.js';
import type { FlowSpec, WaitableLimit } from './flow-spec.js';
import type { HumanWait, Verdict } from './verdict.js';
import {
  type BestRound,
  type Candidate,
  type CriterionResult,
  readJudgement,
  roundFeedback,
  runChecks,
} from './verify.js';

type Judgement = Verdict extends infer V ? (V extends Verdict ? Omit<V, 'agent' | 'step'> : never) : never;

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
          `Agent "${name}" ended its attempt with no decision Baton knows (${describe(decision)}).`,
          where,
        ),
      };
  }
}

/**
 * What an agent's decision must account for: every piece of review feedback in its input answered
 * (`input_ignored`), and every claim it makes backed by a successful call of the tool that does it in this
 * visit (`action_mismatch`). Null when it accounts for everything, or declares neither rule.
 */
function accountability(
  participant: AnyAgent | undefined,
  input: unknown,
  decided: unknown,
  transcript: readonly Message[],
): { readonly code: 'input_ignored' | 'action_mismatch'; readonly message: string } | null {
  if (participant?.kind !== 'agent') return null;
  const { feedback, claims } = participant;
  if (feedback) {
    const items = listAt(input, feedback.items);
    const answers = listAt(decided, feedback.answers);
    const open: string[] = [];
    for (const item of items) {
      const id = (item as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' && typeof id !== 'number') continue;
      const answer = answers.find((a) => (a as { id?: unknown } | null)?.id === id) as
        | { status?: unknown; reason?: unknown }
        | undefined;
      const ok =
        answer?.status === 'fixed' ||
        (answer?.status === 'declined' && typeof answer.reason === 'string' && answer.reason.trim() !== '');
      if (!ok) open.push(String(id));
    }
    if (open.length > 0) {
      return {
        code: 'input_ignored',
        message: `Feedback item${open.length === 1 ? '' : 's'} ${open.map((id) => `"${id}"`).join(', ')} ${open.length === 1 ? 'is' : 'are'} not answered. List each in "${feedback.answers}" as { id, status: "fixed" } or { id, status: "declined", reason }.`,
      };
    }
  }
  if (claims) {
    const unbacked: string[] = [];
    for (const claim of listAt(decided, claims.field)) {
      const { kind, target } = (claim ?? {}) as { kind?: unknown; target?: unknown };
      const tool = typeof kind === 'string' ? claims.backedBy[kind] : undefined;
      const what = `${String(kind)}${target === undefined ? '' : ` ${JSON.stringify(target)}`}`;
      if (tool === undefined) {
        unbacked.push(
          `${what} (no tool backs a claim of this kind: ${Object.keys(claims.backedBy).join(', ')})`,
        );
        continue;
      }
      if (!backed(transcript, tool, target))
        unbacked.push(
          `${what} (no successful call of "${tool}"${target === undefined ? '' : ' with it'} in this visit)`,
        );
    }
    if (unbacked.length > 0) {
      return {
        code: 'action_mismatch',
        message: `These claims have nothing to back them:\n${unbacked.map((u) => `- ${u}`).join('\n')}\nDo what you claim with the tool, or leave the claim out.`,
      };
    }
  }
  return null;
}

/** The list at `field` of a decided value, or none. */
function listAt(value: unknown, field: string): readonly unknown[] {
  const list = (value as Record<string, unknown> | null)?.[field];
  return Array.isArray(list) ? list : [];
}

/** Whether the visit has a successful call of `tool`, with `target` among its argument values if given. */
function backed(transcript: readonly Message[], tool: string, target: unknown): boolean {
  for (const message of transcript) {
    if (message.role !== 'assistant') continue;
    for (const call of message.toolCalls) {
      if (call.name !== tool || call.malformed) continue;
      const result = transcript.find((m) => m.role === 'tool' && m.callId === call.id);
      if (result?.role !== 'tool' || result.isError) continue;
      if (target === undefined) return true;
      const args = call.arguments;
      if (args && typeof args === 'object' && Object.values(args).some((v) => v === target)) return true;
    }
  }
  return false;
}

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
function confirmed(spec: FlowSpec, context: FlowContext, accepted: Accepted): Judgement {
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
function verification(
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
function judgement(
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

/** Nothing granted beyond the limits. */
export const NO_GRANTS = Object.freeze({ turns: 0, tokens: 0, usd: 0 });

/** The limit each budget code stands for, for those a person may extend. */
const WAITABLE_BY_CODE: Partial<Record<string, WaitableLimit>> = {
  turn_limit: 'turns',
  token_budget: 'tokens',
  cost_budget: 'usd',
};

/** What a person answers to an agent's question: some text. */
export const ASK_ANSWER: JsonSchemaObject = Object.freeze({
  type: 'string',
  minLength: 1,
  description: "The answer to the agent's question.",
}) as unknown as JsonSchemaObject;

/** What a person answers to an approval: approve, or reject with a reason the model reads. */
export const APPROVAL_ANSWER: JsonSchemaObject = Object.freeze({
  type: 'object',
  properties: {
    approved: { type: 'boolean', description: 'true runs the call; false rejects it.' },
    reason: { type: 'string', minLength: 1, description: 'Why: required when the call is rejected.' },
  },
  required: ['approved'],
  additionalProperties: false,
  if: { properties: { approved: { const: false } } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable.
  then: { required: ['reason'] },
}) as unknown as JsonSchemaObject;

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

/**
 * Runs the done predicate. It must return `true`, `false`, a string (the unmet condition) or a list of
 * strings (the unmet conditions; an empty list means none). Anything else — a throw, undefined, a number,
 * an object, a Promise — is an unmet condition that says what the predicate did: never a silent `done`.
 */
export function unmetConditions(spec: FlowSpec, input: unknown, output: unknown): readonly string[] {
  if (!spec.done) return [];
  let result: unknown;
  try {
    result = spec.done({ input, output });
  } catch (error) {
    return [`the done predicate threw: ${describeThrown(error)}`];
  }
  if (result === true) return [];
  if (result === false) return ['the done predicate returned false'];
  if (typeof result === 'string')
    return [result === '' ? 'the done predicate returned an empty string' : result];
  try {
    if (Array.isArray(result) && result.every((item) => typeof item === 'string')) return [...result];
    if (isThenable(result)) {
      // Nobody awaits it: a rejection must not surface as an unhandled one.
      Promise.resolve(result).catch(() => undefined);
      return [
        'the done predicate returned a Promise: it must be synchronous (do asynchronous checks in a code step before the finish)',
      ];
    }
  } catch (error) {
    // A proxy, or a getter that throws: what it returned cannot even be read.
    return [`the done predicate returned a value that throws when read: ${describeThrown(error)}`];
  }
  return [
    `the done predicate returned ${describe(result)}: it must return true, false, a string or a list of strings`,
  ];
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** A short description of a value for a message: its type, and the value when it is small. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return `the ${typeof value} ${String(value)}`;
  }
  if (Array.isArray(value)) return 'a list that holds something other than strings';
  return `a value of type ${typeof value}`;
}
