import type { Reason, RunUsage } from '../machines/context.js';
import type { HumanWait } from '../machines/verdict.js';
import type { RunEvent } from './run-events.js';

interface ResultBase {
  readonly runId: string;
  readonly flow: string;
  readonly usage: RunUsage;
  /** The states visited, in order, ending with the final state. */
  readonly path: readonly string[];
  readonly events: readonly RunEvent[];
  /** The run's facts as it ended (or waits), for a flow that declares facts. */
  readonly facts?: Readonly<Record<string, unknown>>;
}

/** A run that reached `done`: the output met the flow's output schema and its done predicate. */
export interface DoneResult<O> extends ResultBase {
  readonly status: 'done';
  readonly output: O;
}

/** A run that ended without `done`: why, where and when, and the last payload that passed its contract. */
export interface StoppedResult extends ResultBase {
  readonly status: 'escalated' | 'failed' | 'cancelled';
  readonly reason: Reason;
  readonly partial: unknown;
}

/** The outcome of a run. Flow outcomes are data: `runFlow` never throws for them. */
export type RunResult<O = unknown> = DoneResult<O> | StoppedResult;

/**
 * A stored run that waits for a person: an agent asked a question, or a tool call needs approval. The run
 * is committed as `awaiting_human` and held by no process; `answerRun` (or `baton answer`) goes on with it
 * in whichever process answers. Only a run kept in a store can wait.
 */
export interface WaitingResult extends ResultBase {
  readonly status: 'awaiting_human';
  /** What the person is asked, the schema the answer must fit, and until when it may come. */
  readonly question: HumanWait;
  /** The last payload that passed its contract. */
  readonly partial: unknown;
}

/** What a run kept in a store comes to: its ending, or a wait for a person. */
export type StoredRunResult<O = unknown> = RunResult<O> | WaitingResult;
