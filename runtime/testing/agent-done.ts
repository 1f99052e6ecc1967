import type { AgentOutcome, Decision, VisitUsage } from '../../agents/decision.js';
import { NO_USAGE } from '../../agents/decision.js';

/**
 * Builds the `xstate.done.actor.<agent>` event an agent state receives when its visit ends, so that
 * transitions can be unit-tested with XState's pure `transition` without running any actor.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { initialTransition, transition } from 'xstate';
 * import { defineAgent, defineFlow } from 'baton-flow';
 * import { agentDone, scripted } from 'baton-flow/testing';
 *
 * const Draft = Type.Object({ text: Type.String() });
 * const writer = defineAgent({ name: 'writer', description: 'Drafts.', input: Draft, instructions: 'Draft it.', model: scripted([]) });
 * const editor = defineAgent({ name: 'editor', description: 'Edits.', input: Draft, instructions: 'Edit it.', model: scripted([]) });
 * const article = defineFlow({
 *   id: 'article',
 *   input: Draft,
 *   output: Draft,
 *   start: 'writer',
 *   agents: [writer, editor],
 *   routes: { writer: ['editor'] },
 *   finish: ['editor'],
 * });
 *
 * const [start] = initialTransition(article.machine, { input: { text: 'topic' } });
 * const [next] = transition(
 *   article.machine,
 *   start,
 *   agentDone('writer', { kind: 'handoff', to: 'editor', payload: { text: 'draft' }, callId: null }),
 * );
 * console.log(next.value, next.context.verdict); // 'editor', the stored handoff verdict
 * ```
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
