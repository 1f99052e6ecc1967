// FM-1.5 Unaware of termination conditions: agents that do not recognise the task is finished, or cannot
// proceed, and keep going. Guards exercised: the counter and resource budgets (machines/assess.ts for
// handoffs and visits; agents/attempt-state.ts for an agent's turns per visit), which end the run
// `escalated` with the budget's code.
import { defineAgent, defineFlow, runFlow } from 'baton-flow';
import { type ScriptedModel, scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { callsByAgent, expectEnding, spend, totalTokens } from './scenario.js';

const Brief = Type.Object({ topic: Type.String() }, { additionalProperties: false });
const Draft = Type.Object({ topic: Type.String(), draft: Type.String() }, { additionalProperties: false });

function polishFlow(model: ScriptedModel) {
  const writer = defineAgent({
    name: 'writer',
    description: 'Drafts and redrafts.',
    input: Type.Object(
      { topic: Type.String(), draft: Type.Optional(Type.String()) },
      { additionalProperties: false },
    ),
    instructions: 'Draft the text, or improve the draft you are given, and hand it to the editor.',
    model,
    budget: { turns: 2 },
  });
  const editor = defineAgent({
    name: 'editor',
    description: 'Edits, and publishes when the draft is good.',
    input: Draft,
    output: Draft,
    instructions: 'Publish the draft when it is good; else send it back.',
    model,
  });
  return defineFlow({
    id: 'polish',
    input: Brief,
    output: Draft,
    start: 'writer',
    agents: [writer, editor],
    routes: { writer: ['editor'], editor: ['writer'] },
    finish: ['editor'],
    limits: { handoffs: 3, visits: 10 },
  });
}

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
