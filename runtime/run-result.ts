import type { Reason, RunUsage } from '../machines/context.js';
import type { RunEvent } from './run-events.js';

interface ResultBase {
  readonly runId: string;
  readonly flow: string;
  readonly usage: RunUsage;
  /** The states visited, in order, ending with the final state. */
  readonly path: readonly string[];
  readonly events: readonly RunEvent[];
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
