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
      readonly kind: 'failed';
      readonly code: 'step_failed';
      readonly message: string;
      readonly details?: Readonly<Record<string, unknown>>;
    }
  | {
      readonly kind: 'rejected';
      readonly code: 'tool_not_allowed';
      readonly tool: string;
      readonly message: string;
      readonly callId: string | null;
    };

/** Usage summed over model calls: of an attempt, a visit or a whole run. */
export interface VisitUsage extends Required<Omit<Usage, 'estimated'>> {
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

/**
 * How the provider's count of a call's input compared with Baton's estimate of the same request: the
 * next reservation adds what the request grew by to what the provider counted, so a provider that
 * counts more than Baton guessed (system prompts, tool definitions, caching) cannot push a run over its
 * token budget by more than one call's cap.
 */
export interface Calibration {
  /** Baton's estimate of the call's input tokens. */
  readonly estimated: number;
  /** What the provider reported for the same input. */
  readonly reported: number;
}

/** What an agent or code step actor returns to the flow when its attempt ends. */
export interface AgentOutcome {
  readonly decision: Decision;
  /** What this attempt used. */
  readonly usage: VisitUsage;
  /** The agent's own messages of this visit, kept so a repair continues the same conversation. */
  readonly transcript: readonly Message[];
  /** The clock's time when the attempt ended. */
  readonly endedAt: number;
  /** The attempt's last measured call, when it made one. */
  readonly calibration?: Calibration | null;
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

/** Adds one usage record to another: an attempt's to its visit's or its run's. */
export function sumUsage(total: VisitUsage, more: VisitUsage): VisitUsage {
  if (more.turns === 0 && more.inputTokens === 0 && more.outputTokens === 0 && more.costUsd === 0)
    return total;
  return {
    inputTokens: total.inputTokens + more.inputTokens,
    outputTokens: total.outputTokens + more.outputTokens,
    cachedInputTokens: total.cachedInputTokens + more.cachedInputTokens,
    reasoningTokens: total.reasoningTokens + more.reasoningTokens,
    costUsd: total.costUsd + more.costUsd,
    turns: total.turns + more.turns,
  };
}
