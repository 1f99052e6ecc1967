import type { Message, Usage } from './model.js';

/** Budget codes an agent's turn loop can stop on before paying for another call. */
export type VisitBudgetCode = 'turn_limit' | 'token_budget' | 'cost_budget' | 'deadline' | 'loop_detected';

/**
 * What an attempt ends with, as a typed value that assessing turns into a verdict: a handoff to another
 * agent with its payload, a finish with the output, a question for a person, a budget that ran out, a
 * code step that failed, or a call of a tool the agent does not own. `callId` is the id of the model's
 * tool call that made the decision (null for a code step), so a repair can answer that very call.
 */
export type Decision =
  | {
      readonly kind: 'handoff';
      /** The name of the agent the payload is for. */
      readonly to: string;
      /** Not yet validated: assessing checks it against the target's input schema. */
      readonly payload: unknown;
      readonly callId: string | null;
    }
  | {
      readonly kind: 'finish';
      /** Not yet validated: assessing checks it against the output schemas and the done predicate. */
      readonly output: unknown;
      readonly callId: string | null;
    }
  | { readonly kind: 'ask'; readonly question: string; readonly callId: string | null }
  | {
      /**
       * The model called one of the agent's own tools that needs a person's approval (`needsApproval`);
       * it has not run. The next attempt runs it, or tells the model it was rejected.
       */
      readonly kind: 'approval';
      readonly tool: string;
      /** The call's arguments, valid for the tool. */
      readonly arguments: unknown;
      readonly callId: string;
    }
  | {
      /** A budget ran out before the next model call was paid for. */
      readonly kind: 'exhausted';
      readonly code: VisitBudgetCode;
      readonly message: string;
    }
  | {
      /**
       * A code step threw, or its `next` picked no route it may take (`step_failed`); or the model's
       * provider failed or answered something that is not a reply (`provider_error`), after the turns
       * before it were metered.
       */
      readonly kind: 'failed';
      readonly code: 'step_failed' | 'provider_error';
      readonly message: string;
      readonly details?: Readonly<Record<string, unknown>>;
    }
  | {
      /** The model called a tool the agent does not own. */
      readonly kind: 'rejected';
      readonly code: 'tool_not_allowed';
      readonly tool: string;
      readonly message: string;
      readonly callId: string | null;
    };

/**
 * Usage summed over model calls: of an attempt, a visit or a whole run. Counts a provider did not report
 * (cached or reasoning tokens) add as 0.
 */
export interface VisitUsage extends Required<Omit<Usage, 'estimated'>> {
  /** The cost in US dollars at the models' prices (0 for a model without a price). */
  readonly costUsd: number;
  /** The model calls made. */
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

/**
 * What the actor of an agent or a code step returns to the flow when its attempt ends (the output of
 * `agentLogic`, and of the `xstate.done.actor.<agent>` event that `agentDone` builds in tests): the
 * decision, the usage, and the transcript a repair continues.
 */
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
  /** The facts its tools wrote, by name: the flow keeps them whatever the decision. */
  readonly facts?: Readonly<Record<string, unknown>>;
}

/**
 * Feedback for a repair: why the decision was rejected, given to the next attempt as the answer to the
 * tool call that made the decision, or as a user message when there was no call.
 */
export interface Feedback {
  /** The id of the tool call the feedback answers, or null to send it as a user message. */
  readonly callId: string | null;
  /** The name of that tool, or null (the feedback is then a user message). */
  readonly tool: string | null;
  /** What was wrong and how to fix it, as the model reads it (violations, unmet done conditions). */
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
