import type { Message, Usage } from './model.js';

/** Budget codes an agent's turn loop can stop on before paying for another call. */
export type VisitBudgetCode = 'turn_limit' | 'token_budget' | 'cost_budget' | 'deadline';

/** What an agent decided at the end of a visit: a typed value the flow's guards check. */
export type Decision =
  | {
      readonly kind: 'handoff';
      readonly to: string;
      readonly payload: unknown;
      readonly callId: string | null;
    }
  | { readonly kind: 'finish'; readonly output: unknown; readonly callId: string | null }
  | { readonly kind: 'ask'; readonly question: string; readonly callId: string | null }
  | { readonly kind: 'exhausted'; readonly code: VisitBudgetCode; readonly message: string }
  | {
      readonly kind: 'rejected';
      readonly code: 'tool_not_allowed';
      readonly tool: string;
      readonly message: string;
      readonly callId: string | null;
    };

/** Usage of one visit, summed over its model calls. */
export interface VisitUsage extends Required<Usage> {
  readonly costUsd: number;
  readonly turns: number;
}

/** An empty usage record. */
export const NO_USAGE: VisitUsage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  costUsd: 0,
  turns: 0,
});

/** What an agent or step actor returns to the flow when its visit ends. */
export interface AgentOutcome {
  readonly decision: Decision;
  readonly usage: VisitUsage;
  /** The agent's own messages of this visit, kept so a repair continues the same conversation. */
  readonly transcript: readonly Message[];
  /** The clock's time when the visit ended. */
  readonly endedAt: number;
}

/** Feedback for a repair: answered to the call that made the rejected decision, or as a user message. */
export interface Feedback {
  readonly callId: string | null;
  readonly tool: string | null;
  readonly message: string;
}

/** Adds a call's usage and cost to a visit's usage. */
export function addUsage(total: VisitUsage, usage: Usage, costUsd: number): VisitUsage {
  return {
    inputTokens: total.inputTokens + usage.inputTokens,
    outputTokens: total.outputTokens + usage.outputTokens,
    cachedInputTokens: total.cachedInputTokens + (usage.cachedInputTokens ?? 0),
    reasoningTokens: total.reasoningTokens + (usage.reasoningTokens ?? 0),
    costUsd: total.costUsd + costUsd,
    turns: total.turns + 1,
  };
}
