import type { AgentEventSink } from './agent-events.js';
import type { AttemptAbort } from './attempt-abort.js';
import type { AttemptJournal } from './attempt-journal.js';
import type { Clock } from './clock.js';
import type { Calibration, Feedback, VisitUsage } from './decision.js';
import type { Agent } from './define-agent.js';
import type { AttemptFacts } from './facts.js';
import type { Message, Model } from './model.js';
import type { Toolbox } from './toolbox.js';

/** What is left of the flow's budgets when an attempt starts. */
export interface AttemptRemaining {
  readonly tokens: number;
  readonly usd: number;
  readonly turns: number;
  /** Absolute clock time, or null for no deadline. */
  readonly deadline: number | null;
}

/** A person's answer to a tool call that needed approval. */
export interface Approval {
  readonly approved: boolean;
  /** Why, as the model reads it when the call was rejected. */
  readonly reason?: string;
}

/**
 * What a new attempt of the same visit continues from: the visit's messages so far, and either what was
 * wrong with its decision (a repair) or a person's answer to its question, as the answer to the tool call
 * that asked; or, after approvals, the decisions on the last reply's calls, which that reply then goes on
 * with before the model is called again.
 */
export interface Retry {
  readonly transcript: readonly Message[];
  readonly feedback: Feedback | null;
  /** Set when the last reply of the transcript waited for approvals: by the tool call's id. */
  readonly approvals?: Readonly<Record<string, Approval>>;
}

/** Everything one attempt of an agent needs. Built by the flow from its context; nothing is read from globals. */
export interface AttemptRequest {
  readonly agent: Agent;
  readonly model: Model;
  readonly input: unknown;
  /** The agent's tools, indexed once per flow (see `toolbox`). */
  readonly tools: Toolbox;
  /** Present on a repair. */
  readonly retry: Retry | null;
  readonly remaining: AttemptRemaining;
  /** What the visit's earlier attempts used (the agent's budget is per visit, repairs included). */
  readonly spent?: VisitUsage | undefined;
  /** The visit's last measured call, if any: the first reservation trusts it over the estimate alone. */
  readonly calibration?: Calibration | null | undefined;
  /** Prefix of each call's idempotency key: stable for the same run and step. */
  readonly key: string;
  /** The run's step number of this attempt, carried by its events. */
  readonly step: number;
  /** Which visit of the agent this attempt belongs to, and its repair number, for `agent.entered`. */
  readonly visit?: number;
  readonly repair?: number;
  readonly clock: Clock;
  /** Set at the run's deadline or on cancel: after that nothing new starts. */
  readonly abort: AttemptAbort;
  /** Where progress events go; absent when nobody listens, so none are built. */
  readonly events?: AgentEventSink | undefined;
  /** The run's facts and their checker, for a flow that declares facts. */
  readonly facts?: AttemptFacts | undefined;
  /** For a run kept in a store: commit before paying, journal what is finished, replay it on resume. */
  readonly journal?: AttemptJournal | undefined;
}
