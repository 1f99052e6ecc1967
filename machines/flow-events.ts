import type { AgentOutcome } from '../agents/decision.js';

/** The event that cancels a run: the kill switch. */
export interface CancelEvent {
  readonly type: 'baton.cancel';
  readonly reason?: string;
}

/** The event the run's one deadline timer sends when `limits.ms` has passed. */
export interface DeadlineEvent {
  readonly type: 'baton.deadline';
}

/** What an agent state receives when its attempt ends: in tests, build it with `agentDone` from baton/testing. */
export interface AgentDoneEvent {
  readonly type: `xstate.done.actor.${string}`;
  readonly output: AgentOutcome;
  readonly actorId?: string;
}

/** What an agent state receives when its actor fails. */
export interface AgentErrorEvent {
  readonly type: `xstate.error.actor.${string}`;
  readonly error: unknown;
  readonly actorId?: string;
}

/** A person's answer to the question a run waits on; `answerRun` validates it first and sends it. */
export interface AnswerEvent {
  readonly type: 'baton.answer';
  /** The id of the question it answers (`HumanWait.id`). */
  readonly question: string;
  readonly answer: unknown;
  /** The clock's time of the answer: the run's deadline moves on by the time it waited. */
  readonly at: number;
}

/** Sent when nobody answered a run's question within `limits.humanMs`. */
export interface HumanTimeoutEvent {
  readonly type: 'baton.human_timeout';
}

/** Every event a flow machine takes. */
export type FlowEvent =
  | CancelEvent
  | DeadlineEvent
  | AgentDoneEvent
  | AgentErrorEvent
  | AnswerEvent
  | HumanTimeoutEvent;

/** The state in which a flow's judge judges a finished result (`verify` with judged criteria). */
export const VERIFYING = 'verifying';

/**
 * The state a run waits in for a person's answer, and the status of a stored run there: not final, and
 * held by no process. Only a flow with an agent that may ask, or a tool that may need approval, has it.
 *
 * @example
 * ```ts
 * import { AWAITING_HUMAN, type MemoryStore } from 'baton-flow';
 *
 * declare const store: MemoryStore;
 * const waiting = await store.list({ status: AWAITING_HUMAN });
 * console.log(`${waiting.length} runs wait for a person`);
 * ```
 */
export const AWAITING_HUMAN = 'awaiting_human';

/**
 * The names of the final states: every run ends in exactly one, and `RunResult.status` is one of them.
 *
 * @example
 * ```ts
 * import { FINAL_STATES, type RunResult } from 'baton-flow';
 *
 * export function isEnded(status: string): status is RunResult['status'] {
 *   return (FINAL_STATES as readonly string[]).includes(status);
 * }
 * ```
 */
export const FINAL_STATES = ['done', 'escalated', 'failed', 'cancelled'] as const;

/** State names a flow keeps for itself. */
export const RESERVED_STATES: readonly string[] = ['start', AWAITING_HUMAN, VERIFYING, ...FINAL_STATES];
