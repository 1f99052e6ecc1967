import type { ScriptStep } from '../../agents/providers/scripted.js';
import { BatonError } from '../../contracts/errors.js';
import type { AnyFlow } from '../../machines/define-flow.js';
import type { FlowPath } from './flow-paths.js';

/** What `pathScript` asks you for: a valid payload for each handoff and a result that meets the done contract. */
export interface PathPayloads {
  /** A payload for the handoff from `from` to `to` that fits `to`'s input schema. */
  readonly payload: (handoff: { readonly from: string; readonly to: string }) => unknown;
  /** A result of the finishing `agent` that fits the flow's output schema and meets its `done` predicate. */
  readonly output: (finish: { readonly agent: string }) => unknown;
}

/**
 * Turns a path of a `defineFlow` flow into a script for `scripted([...])` that makes a run take it:
 * a handoff or finish call per step, text-only replies until the turn budget runs out for `escalate`,
 * calls to an unknown tool until the repairs (or the agent's turns for the visit) run out for `fail`, a thrown error for `error`, and a call
 * that hangs until aborted for `cancel` (abort the run's signal when it starts) and for `deadline`
 * (advance the run's clock past `limits.ms` when it starts). Code steps decide by
 * their own code, so they get no script; a path whose step must escalate or fail is rejected.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { defineAgent, defineFlow } from 'baton-flow';
 * import { flowPaths, pathScript, scripted } from 'baton-flow/testing';
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
 * const [first] = flowPaths(article, { ends: ['done'] });
 * const script = first && pathScript(article, first, { payload: () => ({ text: 'a draft' }), output: () => ({ text: 'final' }) });
 * // [{ agent: 'writer', handoff: 'editor', payload: { text: 'a draft' } }, { agent: 'editor', finish: { text: 'final' } }]
 * ```
 */
export function pathScript(flow: AnyFlow, path: FlowPath, payloads: PathPayloads): ScriptStep[] {
  const script: ScriptStep[] = [];
  let turns = 0;
  const push = (step: ScriptStep) => {
    script.push(step);
    turns += 1;
  };
  for (const step of path.steps) {
    if (step.agent === null) continue;
    const agent = flow.agents.get(step.agent);
    if (!agent) throw new BatonError('invalid_argument', `Flow "${flow.id}" has no agent "${step.agent}".`);
    if (agent.kind === 'step') {
      if (step.decision === 'handoff' || step.decision === 'finish') continue;
      throw new BatonError(
        'invalid_argument',
        `Step "${agent.name}" of flow "${flow.id}" decides by its own code, so no script can make it ${step.decision}.`,
        { details: { flow: flow.id, agent: agent.name, decision: step.decision } },
      );
    }
    const name = agent.name;
    switch (step.decision) {
      case 'handoff':
        push({ agent: name, handoff: step.to, payload: payloads.payload({ from: name, to: step.to }) });
        break;
      case 'finish':
        push({ agent: name, finish: payloads.output({ agent: name }) });
        break;
      case 'escalate': {
        const cap = Math.min(agent.budget.turns, flow.limits.turns - turns);
        for (let i = 0; i < cap; i += 1) push({ agent: name, text: 'I cannot decide yet.' });
        break;
      }
      case 'fail': {
        // One rejected attempt per turn, until the repairs or the agent's turns for the visit run out.
        const attempts = Math.min(flow.limits.repairs + 1, agent.budget.turns, flow.limits.turns - turns);
        for (let i = 0; i < attempts; i += 1) push({ agent: name, tool: 'no_such_tool', args: {} });
        break;
      }
      case 'error':
        push({ agent: name, fail: new Error(`scripted failure of ${name}`) });
        break;
      case 'cancel':
      case 'deadline':
        push({ agent: name, hang: true });
        break;
      default:
        throw new BatonError(
          'invalid_argument',
          `No script makes agent "${name}" take a "${step.decision}" step.`,
        );
    }
  }
  return script;
}
