// FM-1.5 Unaware of termination conditions: agents that do not recognise the task is finished, or cannot
// proceed, and keep going. Guards exercised: the counter and resource budgets (machines/assess.ts for
// handoffs and visits; agents/attempt-state.ts for an agent's turns per visit), which end the run
// `escalated` with the budget's code.
import { runFlow } from 'baton-flow';
import { type ScriptedModel, scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { draftFlow } from './draft-flow.js';
import { callsByAgent, expectEnding, spend, totalTokens } from './scenario.js';

/** The writer and the editor polishing a draft, with room for three handoffs. */
const polishFlow = (model: ScriptedModel) => draftFlow(model, 'polish', { handoffs: 3, visits: 10 });

describe('FM-1.5 unaware of termination conditions', () => {
  it('escalates handoff_limit when a writer and an editor keep polishing a finished draft', async () => {
    const draft = (n: number) => ({ topic: 'tides', draft: `Tides follow the moon${'!'.repeat(n)}` });
    const model = scripted([
      { agent: 'writer', handoff: 'editor', payload: draft(1), ...spend(150, 22) },
      { agent: 'editor', handoff: 'writer', payload: draft(2), ...spend(171, 23) },
      { agent: 'writer', handoff: 'editor', payload: draft(3), ...spend(190, 24) },
      { agent: 'editor', handoff: 'writer', payload: draft(4), ...spend(213, 25) },
    ]);
    const result = await runFlow(polishFlow(model), { topic: 'tides' });
    expectEnding(result, 'escalated', 'handoff_limit', 'FM-1.5');
    expect(result.status === 'escalated' && result.reason.agent).toBe('editor');
    expect(result.status === 'escalated' && result.partial).toEqual(draft(3));
    expect(callsByAgent(model)).toEqual({ writer: 2, editor: 2 });
    expect(totalTokens(result)).toBe(150 + 22 + 171 + 23 + 190 + 24 + 213 + 25);
    model.assertComplete();
  });

  it('escalates turn_limit when a writer keeps talking and never decides', async () => {
    const model = scripted([
      { agent: 'writer', text: 'Let me think about tides.', ...spend(140, 12) },
      { agent: 'writer', text: 'Tides are fascinating; more thought needed.', ...spend(166, 14) },
    ]);
    const result = await runFlow(polishFlow(model), { topic: 'tides' });
    expectEnding(result, 'escalated', 'turn_limit', 'FM-1.5');
    expect(result.status === 'escalated' && result.reason.agent).toBe('writer');
    expect(callsByAgent(model)).toEqual({ writer: 2 });
    expect(totalTokens(result)).toBe(140 + 12 + 166 + 14);
    model.assertComplete();
  });
});
