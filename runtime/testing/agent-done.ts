import type { AgentOutcome, Decision, VisitUsage } from '../../agents/decision.js';
import { NO_USAGE } from '../../agents/decision.js';

/**
 * Builds the `xstate.done.actor.<agent>` event an agent state receives when its visit ends, so that
 * transitions can be unit-tested with XState's pure `transition` without running any actor.
 */
export function agentDone(
  agent: string,
  decision: Decision,
  options: { readonly usage?: Partial<VisitUsage>; readonly endedAt?: number } = {},
): { type: `xstate.done.actor.${string}`; output: AgentOutcome; actorId: string } {
  return {
    type: `xstate.done.actor.${agent}`,
    actorId: agent,
    output: {
      decision,
      usage: { ...NO_USAGE, ...options.usage },
      transcript: [],
      endedAt: options.endedAt ?? 0,
    },
  };
}
