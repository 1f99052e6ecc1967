import { type Calibration, NO_USAGE, type VisitUsage } from '../agents/decision.js';
import { REASONS, type ReasonCode } from '../contracts/reasons.js';
import type { RunEnv } from './run-env.js';
import type { Verdict } from './verdict.js';
import type { BestRound, Candidate } from './verify.js';

/** Why a run ended other than `done`: a stable code, its MAST tags, and where and when it happened. */
export interface Reason {
  readonly code: ReasonCode;
  readonly mast: readonly string[];
  readonly message: string;
  /** The state the run was in when it ended. */
  readonly state: string;
  /** The agent whose decision or visit ended the run, or null before any agent ran. */
  readonly agent: string | null;
  /** The step (the run's attempt counter) at which it ended. */
  readonly step: number;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The final word of a run: a result that met the done contract, or a reason. */
export type Ending =
  | { readonly status: 'done'; readonly output: unknown }
  | { readonly status: 'escalated' | 'failed' | 'cancelled'; readonly reason: Reason };

/** Tokens, cost and counts a run has used. */
export interface RunUsage extends VisitUsage {
  readonly handoffs: number;
}

/**
 * The input of a flow machine: the flow's input, the run's identity and start time, and the run's
 * environment (clock, models, event sink). The environment stays in the root actor's input, where its
 * agent actors find it; it is never copied into the context.
 */
export interface FlowMachineInput {
  readonly input: unknown;
  readonly runId?: string;
  /** Clock time at the start, used for the deadline (default 0). */
  readonly startedAt?: number;
  readonly env?: RunEnv;
  /**
   * Whether the run can wait for a person (it is kept in a store): an agent's question or a call that
   * needs approval then parks it as `awaiting_human`; otherwise they end it `needs_human`.
   */
  readonly waits?: boolean;
}

/** The context of a flow machine. Plain JSON data, so snapshots persist and restore as they are. */
export interface FlowContext {
  readonly flow: string;
  readonly runId: string;
  readonly input: unknown;
  /** Absolute clock time the run must end by, or null. */
  readonly deadline: number | null;
  /** The step counter: attempts started so far in the run, so the number of the current attempt. */
  readonly step: number;
  /** The agent being visited, or null before the first and after the last. */
  readonly agent: string | null;
  /** The current agent's validated input. */
  readonly payload: unknown;
  readonly handoffs: number;
  /** Repairs used in the current visit: the current attempt is repair number `repairs` (0 for the first). */
  readonly repairs: number;
  /** Visits so far, by agent name. */
  readonly visits: Readonly<Record<string, number>>;
  /** Fingerprints of every (agent, input) pair the run has entered, for loop detection. */
  readonly seen: readonly number[];
  /** The run's usage, every assessed attempt included. */
  readonly usage: VisitUsage;
  /** What the current visit has used over its attempts: an agent's own budget covers the whole visit. */
  readonly spent: VisitUsage;
  /** The current visit's last measured call: how the provider's input count compared with Baton's estimate. */
  readonly calibration: Calibration | null;
  /**
   * The assessment of the last attempt: set once when the attempt ends, then read by the guards that
   * route on it. A `repair` verdict carries what the next attempt continues from.
   */
  readonly verdict: Verdict | null;
  /** The last payload that passed its contract: what an escalation hands over. */
  readonly partial: unknown;
  /** States visited, in order. */
  readonly path: readonly string[];
  readonly ending: Ending | null;
  /** Whether the run can wait for a person, as snapshots stored before `asks` said it; see `runCanWait`. */
  readonly waits?: boolean;
  /**
   * Questions and approvals answered so far, bounded by `limits.asks`; present only in a run that can wait
   * for a person (see `FlowMachineInput.waits`).
   */
  readonly asks?: number;
  /** Rounds of verification taken, the candidate the judge is judging, and the best round so far. */
  readonly rounds?: number;
  readonly candidate?: Candidate | null;
  readonly best?: BestRound | null;
  /** What people allowed beyond the flow's resource limits (a limit whose policy is `wait`). */
  readonly grants?: { readonly turns: number; readonly tokens: number; readonly usd: number };
  /** The flow's facts (typed state its tools write), or null for a flow without facts. */
  readonly facts?: Readonly<Record<string, unknown>> | null;
}

/** Builds the first context of a run. */
export function initialContext(flow: string, limitMs: number, machineInput: FlowMachineInput): FlowContext {
  const startedAt = machineInput.startedAt ?? 0;
  return {
    flow,
    runId: machineInput.runId ?? 'run',
    input: machineInput.input,
    deadline: Number.isFinite(limitMs) ? startedAt + limitMs : null,
    step: 0,
    agent: null,
    payload: null,
    handoffs: 0,
    repairs: 0,
    visits: {},
    seen: [],
    usage: NO_USAGE,
    spent: NO_USAGE,
    calibration: null,
    verdict: null,
    partial: null,
    path: [],
    ending: null,
    // Only what the run uses: XState copies the context with Object.assign at every assign, and V8 keeps
    // an object of 20 keys or more made that way in dictionary mode, where each copy costs over ten times
    // as much. A plain flow's context has 18 keys.
    ...(machineInput.waits === true ? { asks: 0 } : {}),
  };
}

/**
 * Whether the run can wait for a person: `asks` is kept only when it can. Snapshots stored before said so
 * in `waits`, with `asks` always there.
 */
export function runCanWait(context: FlowContext): boolean {
  return context.waits ?? context.asks !== undefined;
}

/** Makes a reason from a code, filling in its MAST tags from the reason table. */
export function reason(
  code: ReasonCode,
  message: string,
  where: { readonly state: string; readonly agent: string | null; readonly step: number },
  details?: Readonly<Record<string, unknown>>,
): Reason {
  return { code, mast: REASONS[code].mast, message, ...where, ...(details ? { details } : {}) };
}
