import type { ReasonCode } from '../../contracts/reasons.js';
import type { TransitionKind } from '../run-events.js';
import type { RunRecord } from './run-record.js';

/** A tool call of an attempt, and whether its tool answered well (null when it never returned). */
export interface ToolUse {
  readonly tool: string;
  readonly callId: string;
  readonly ok: boolean | null;
}

/** How an attempt ended: the transition the machine took after it. */
export interface Outcome {
  readonly kind: TransitionKind;
  readonly to: string;
  readonly code?: ReasonCode;
  readonly message?: string;
}

/** One attempt of an agent (a step of the run): when, how long, what it used, how it ended. */
export interface Attempt {
  readonly step: number;
  readonly agent: string;
  readonly visit: number;
  readonly repair: number;
  readonly startedAt: number;
  /** When the machine moved on after it, or when the next thing started; null for an attempt still running. */
  readonly endedAt: number | null;
  readonly turns: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly tools: readonly ToolUse[];
  readonly outcome: Outcome | null;
}

/** A handoff: who handed what to whom, at which step. `payload` is undefined in traces that did not record it. */
export interface Handoff {
  readonly step: number;
  readonly from: string;
  readonly to: string;
  readonly at: number;
  readonly payload: unknown;
}

/** A decision sent back to its agent, with what was wrong, one violation or unmet condition a line. */
export interface Rejection {
  readonly step: number;
  readonly agent: string;
  readonly kind: 'repair' | 'tool' | 'ending';
  readonly summary: string;
  readonly violations: readonly string[];
}

/** What a report tells of one run, read from its events. */
export interface RunStory {
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  /** The flow's input, as the run started with it (the start agent's payload). */
  readonly input: unknown;
  readonly attempts: readonly Attempt[];
  readonly handoffs: readonly Handoff[];
  readonly rejections: readonly Rejection[];
}

interface Draft {
  step: number;
  agent: string;
  visit: number;
  repair: number;
  startedAt: number;
  endedAt: number | null;
  turns: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  tools: ToolUse[];
  outcome: Outcome | null;
}

/**
 * Splits a rejection message into its first line, the violation lines after it, and what an ending adds
 * after the last violation (`after 2 repairs, …`).
 */
export function splitViolations(message: string): { summary: string; violations: string[]; tail: string } {
  const [summary = '', ...rest] = message.split('\n');
  const violations = rest.map((line) => line.trim()).filter((line) => line !== '');
  const last = violations.at(-1);
  const split = last === undefined ? null : / (after \d+ repairs?\b.*)$/.exec(last);
  if (!split) return { summary, violations, tail: '' };
  violations[violations.length - 1] = last!.slice(0, split.index);
  return { summary, violations, tail: split[1]! };
}

/** Reads a run's story from its events: the attempts in order, each handoff and each rejection. */
export function runStory(run: RunRecord): RunStory {
  const attempts: Draft[] = [];
  const handoffs: Handoff[] = [];
  const rejections: Rejection[] = [];
  let input: unknown;
  let startedAt: number | null = null;
  let endedAt: number | null = null;
  const current = () => attempts.at(-1);
  const close = (at: number) => {
    const open = current();
    if (open && open.endedAt === null) open.endedAt = at;
  };
  for (const event of run.events) {
    startedAt ??= event.at;
    endedAt = event.at;
    switch (event.type) {
      case 'run.started':
        input = event.input;
        break;
      case 'agent.entered':
        close(event.at);
        attempts.push({
          step: event.step,
          agent: event.agent,
          visit: event.visit,
          repair: event.repair,
          startedAt: event.at,
          endedAt: null,
          turns: 0,
          inputTokens: 0,
          outputTokens: 0,
          costUsd: 0,
          tools: [],
          outcome: null,
        });
        break;
      case 'model.replied': {
        const open = attempts.find((a) => a.step === event.step) ?? current();
        if (!open) break;
        open.turns += 1;
        open.inputTokens += event.usage.inputTokens;
        open.outputTokens += event.usage.outputTokens;
        open.costUsd += event.usage.costUsd;
        break;
      }
      case 'tool.called':
        (attempts.find((a) => a.step === event.step) ?? current())?.tools.push({
          tool: event.tool,
          callId: event.callId,
          ok: null,
        });
        break;
      case 'tool.returned': {
        const open = attempts.find((a) => a.step === event.step) ?? current();
        const index = open?.tools.findIndex((t) => t.callId === event.callId && t.ok === null) ?? -1;
        if (open && index !== -1) open.tools[index] = { ...open.tools[index]!, ok: event.ok };
        if (!event.ok) {
          rejections.push({
            step: event.step,
            agent: event.agent,
            kind: 'tool',
            summary: `The call of tool "${event.tool}" (${event.callId}) was rejected or failed; the agent was told why and went on.`,
            violations: [],
          });
        }
        break;
      }
      case 'transition': {
        const attempt = attempts.find((a) => a.step === event.step);
        if (attempt) {
          attempt.outcome = {
            kind: event.kind,
            to: event.to,
            ...(event.code === undefined ? {} : { code: event.code }),
            ...(event.message === undefined ? {} : { message: event.message }),
          };
          if (attempt.endedAt === null) attempt.endedAt = event.at;
        }
        if (event.kind === 'handoff') {
          handoffs.push({
            step: event.step,
            from: event.from,
            to: event.to,
            at: event.at,
            payload: event.payload,
          });
        } else if (event.message !== undefined && event.kind !== 'finish') {
          // A repair, or an ending that gives up on a decision with what was still wrong with it.
          const { summary, violations, tail } = splitViolations(event.message);
          if (event.kind !== 'repair' && violations.length === 0) break;
          rejections.push({
            step: event.step,
            agent: event.from,
            kind: event.kind === 'repair' ? 'repair' : 'ending',
            summary: tail === '' ? summary : `${summary.replace(/:$/, '')} (${tail.replace(/\.$/, '')}):`,
            violations,
          });
        }
        break;
      }
      case 'run.ended':
        close(event.at);
        break;
    }
  }
  return { startedAt, endedAt, input, attempts, handoffs, rejections };
}
