import type { VisitUsage } from './decision.js';
import type { StopReason } from './model.js';

/**
 * What an agent's turn loop reports as it works, with the step (the run's visit number) it belongs to;
 * the runtime stamps each with the run, a sequence number and a time.
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
      readonly type: 'model.called';
      readonly agent: string;
      readonly turn: number;
      readonly maxOutputTokens: number;
      readonly tools: readonly string[];
      readonly step: number;
    }
  | {
      readonly type: 'model.replied';
      readonly agent: string;
      readonly turn: number;
      readonly stop: StopReason;
      readonly toolCalls: readonly string[];
      readonly usage: Pick<VisitUsage, 'inputTokens' | 'outputTokens' | 'costUsd'>;
      readonly step: number;
    }
  | {
      readonly type: 'tool.called';
      readonly agent: string;
      readonly tool: string;
      readonly callId: string;
      readonly step: number;
    }
  | {
      readonly type: 'tool.returned';
      readonly agent: string;
      readonly tool: string;
      readonly callId: string;
      readonly ok: boolean;
      readonly step: number;
    };

/** Where a visit's events go. Absent when nobody listens, so that no event is built. */
export interface AgentEventSink {
  record(event: AgentEvent): void;
}
