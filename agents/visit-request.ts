import type { AgentEventSink } from './agent-events.js';
import type { Clock } from './clock.js';
import type { Feedback } from './decision.js';
import type { Agent } from './define-agent.js';
import type { Message, Model } from './model.js';
import type { Toolbox } from './toolbox.js';

/** What is left of the flow's budgets when a visit starts. */
export interface VisitRemaining {
  readonly tokens: number;
  readonly usd: number;
  readonly turns: number;
  /** Absolute clock time, or null for no deadline. */
  readonly deadline: number | null;
}

/** Everything one visit of an agent needs. Built by the flow from its context; nothing is read from globals. */
export interface VisitRequest {
  readonly agent: Agent;
  readonly model: Model;
  readonly input: unknown;
  /** The agent's tools, indexed once per flow (see `toolbox`). */
  readonly tools: Toolbox;
  /** Present on a repair: the visit's earlier messages and what was wrong with its decision. */
  readonly resume: { readonly transcript: readonly Message[]; readonly feedback: Feedback } | null;
  readonly remaining: VisitRemaining;
  /** Prefix of each call's idempotency key: stable for the same run, step and visit. */
  readonly key: string;
  /** The run's step number of this visit, carried by its events. */
  readonly step: number;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** Where progress events go; absent when nobody listens, so none are built. */
  readonly events?: AgentEventSink | undefined;
}
