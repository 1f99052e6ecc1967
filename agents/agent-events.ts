import type { VisitUsage } from './decision.js';
import type { StopReason } from './model.js';

/** What an agent's turn loop reports as it works; the runtime stamps each with a step, a sequence and a time. */
export type AgentEvent =
  | {
      readonly type: 'model.called';
      readonly agent: string;
      readonly turn: number;
      readonly maxOutputTokens: number;
      readonly tools: readonly string[];
    }
  | {
      readonly type: 'model.replied';
      readonly agent: string;
      readonly turn: number;
      readonly stop: StopReason;
      readonly toolCalls: readonly string[];
      readonly usage: Pick<VisitUsage, 'inputTokens' | 'outputTokens' | 'costUsd'>;
    }
  | { readonly type: 'tool.called'; readonly agent: string; readonly tool: string; readonly callId: string }
  | {
      readonly type: 'tool.returned';
      readonly agent: string;
      readonly tool: string;
      readonly callId: string;
      readonly ok: boolean;
    };
