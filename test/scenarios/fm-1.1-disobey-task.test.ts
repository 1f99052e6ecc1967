// FM-1.1 Disobey task specification: an output that breaks an explicit requirement of the task, though it
// looks finished. Guard exercised: the finish's check against the flow's output schema in the assessment
// (machines/assess.ts), which sends the violations back as a repair and then fails `contract_violation`.
import { defineAgent, defineFlow, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { callsByAgent, expectEnding, spend, totalTokens } from './scenario.js';

const Brief = Type.Object({ text: Type.String() }, { additionalProperties: false });
// The task's requirement, written where the runtime can check it: a headline of at most 40 characters.
const Headline = Type.Object(
  { headline: Type.String({ minLength: 1, maxLength: 40 }) },
  { additionalProperties: false },
);

const tooLong = { headline: 'Council approves the new riverside cycle path after a long debate' };

function headlineFlow(model: ReturnType<typeof scripted>) {
  const editor = defineAgent({
    name: 'editor',
    description: 'Writes a headline of at most 40 characters.',
    input: Brief,
    output: Headline,
    instructions: 'Write a headline of at most 40 characters for the story.',
    model,
  });
  return defineFlow({
    id: 'headline',
    input: Brief,
    output: Headline,
    start: 'editor',
    agents: [editor],
    finish: ['editor'],
  });
}

describe('FM-1.1 disobey task specification', () => {
  it('fails contract_violation when an editor keeps finishing a headline longer than the task allows', async () => {
    const model = scripted([
      { agent: 'editor', finish: tooLong, ...spend(211, 37) },
      { agent: 'editor', finish: { headline: `${tooLong.headline}.` }, ...spend(263, 39) },
      { agent: 'editor', finish: { headline: `Breaking: ${tooLong.headline}` }, ...spend(317, 41) },
    ]);
    const result = await runFlow(headlineFlow(model), { text: 'The council met on Tuesday.' });
    expectEnding(result, 'failed', 'contract_violation', 'FM-1.1');
    expect(result.status === 'failed' && result.reason.agent).toBe('editor');
    expect(callsByAgent(model)).toEqual({ editor: 3 });
    expect(totalTokens(result)).toBe(211 + 37 + 263 + 39 + 317 + 41);
    // The violation went back to the editor each time, naming the requirement it broke.
    const feedback = model.requests[1]?.messages.at(-1);
    expect(feedback?.role === 'tool' && feedback.content).toMatch(/headline/);
    model.assertComplete();
  });

  it('reaches done once the repaired headline meets the requirement', async () => {
    const model = scripted([
      { agent: 'editor', finish: tooLong, ...spend(211, 37) },
      { agent: 'editor', finish: { headline: 'Council backs riverside cycle path' }, ...spend(263, 19) },
    ]);
    const result = await runFlow(headlineFlow(model), { text: 'The council met on Tuesday.' });
    expect(result.status).toBe('done');
    expect(callsByAgent(model)).toEqual({ editor: 2 });
    expect(totalTokens(result)).toBe(211 + 37 + 263 + 19);
    model.assertComplete();
  });
});
