import type { VisitUsage } from './decision.js';
import type { StopReason } from './model.js';

/**
 * What an attempt reports as it works. Each event carries the step (the attempt's number in the run) it
 * belongs to and the agent's name; the runtime stamps it with the run id, a sequence number and the
 * clock's time, and it becomes a `RunEvent` of the run's event log.
 */
export type AgentEvent =
  | {
      /** An attempt starts: recorded by the attempt itself, before it calls anything. */
      readonly type: 'agent.entered';
      readonly step: number;
      readonly agent: string;
      /** Which visit of the agent this is (1 for the first). */
      readonly visit: number;
      /** Repairs before this attempt in the visit (0 for the first attempt). */
      readonly repair: number;
    }
  | {
      /** A turn starts: the budgets allowed the call and the model is about to be called. */
      readonly type: 'model.called';
      readonly agent: string;
      /** The turn within the attempt: 1 for its first model call. */
      readonly turn: number;
      /**
       * The output-token cap reserved for this call: what the budgets have left after its input, at most
       * the agent's `budget.maxOutputTokens`.
       */
      readonly maxOutputTokens: number;
      /**
       * The names of the tools the model was offered: its own, one `handoff_to_<agent>` per route, and
       * `finish` and `ask_human` where the agent may use them.
       */
      readonly tools: readonly string[];
      readonly step: number;
    }
  | {
      /** The model answered a turn; its usage is already metered. */
      readonly type: 'model.replied';
      readonly agent: string;
      readonly turn: number;
      readonly stop: StopReason;
      /** The names of the tools the reply called, in order. */
      readonly toolCalls: readonly string[];
      /** This call's tokens, as the provider reported them (or estimated), and its cost in US dollars. */
      readonly usage: Pick<VisitUsage, 'inputTokens' | 'outputTokens' | 'costUsd'>;
      readonly step: number;
    }
  | {
      /** One of the agent's own tools is about to run for a call of the model. */
      readonly type: 'tool.called';
      readonly agent: string;
      readonly tool: string;
      /** The model's id of the tool call, shared with its `tool.returned`. */
      readonly callId: string;
      readonly step: number;
    }
  | {
      /** A tool answered its call. */
      readonly type: 'tool.returned';
      readonly agent: string;
      readonly tool: string;
      readonly callId: string;
      /** False when the arguments were not JSON or did not fit the tool's input schema, or the tool threw. */
      readonly ok: boolean;
      readonly step: number;
    };

/**
 * Where an attempt's events go. The runtime passes one only when someone listens (the run keeps an event
 * log or has an `onEvent`), so that no event is built otherwise.
 */
export interface AgentEventSink {
  /** Takes one event, as it happens; called synchronously from the attempt. */
  record(event: AgentEvent): void;
}
