// FM-2.5 Ignored other agent's input: an agent disregards another's corrections. The mechanism: a worker
// that declares `feedback: { items, answers }` must answer every feedback item of its input (fixed, or
// declined with a reason) in its next decision; an unanswered item is sent back for repair, and the run
// ends `input_ignored` when the repairs run out (the check in machines/assess.ts, `accountability`).
import { defineAgent, defineFlow, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { callsByAgent, expectEnding, spend, totalTokens } from './scenario.js';

const Review = Type.Object(
  {
    code: Type.String(),
    feedback: Type.Array(Type.Object({ id: Type.String(), text: Type.String() })),
  },
  { additionalProperties: false },
);
const Revision = Type.Object(
  {
    code: Type.String(),
    addressed: Type.Array(
      Type.Object({ id: Type.String(), status: Type.String(), reason: Type.Optional(Type.String()) }),
    ),
  },
  { additionalProperties: false },
);

function revisionFlow(model: ReturnType<typeof scripted>) {
  const coder = defineAgent({
    name: 'coder',
    description: 'Revises code after a review.',
    input: Review,
    output: Revision,
    instructions: 'Apply the review: answer every feedback item, fixed or declined with a reason.',
    model,
    feedback: { items: 'feedback', answers: 'addressed' },
  });
  return defineFlow({
    id: 'revision',
    input: Review,
    output: Revision,
    start: 'coder',
    agents: [coder],
    finish: ['coder'],
  });
}

const review = {
  code: 'let x = 1',
  feedback: [
    { id: 'R1', text: 'rename x to count' },
    { id: 'R2', text: 'add a test' },
  ],
};

describe('FM-2.5 ignored other agent’s input', () => {
  it('ends input_ignored when a coder resubmits without answering the reviewer’s open feedback ids', async () => {
    const ignoring = {
      agent: 'coder',
      finish: { code: 'let count = 1', addressed: [{ id: 'R1', status: 'fixed' }] },
    };
    const model = scripted([
      { ...ignoring, ...spend(301, 27) },
      { ...ignoring, ...spend(377, 27) },
      { ...ignoring, ...spend(453, 27) },
    ]);
    const result = await runFlow(revisionFlow(model), review);
    expectEnding(result, 'failed', 'input_ignored', 'FM-2.5');
    expect(callsByAgent(model)).toEqual({ coder: 3 });
    expect(totalTokens(result)).toBe(301 + 27 + 377 + 27 + 453 + 27);
    model.assertComplete();
  });

  it('reaches done when every feedback id is answered, fixed or declined with a reason', async () => {
    const model = scripted([
      {
        agent: 'coder',
        finish: {
          code: 'let count = 1',
          addressed: [
            { id: 'R1', status: 'fixed' },
            { id: 'R2', status: 'declined', reason: 'the module has no test harness yet' },
          ],
        },
        ...spend(311, 58),
      },
    ]);
    const result = await runFlow(revisionFlow(model), review);
    expect(result.status).toBe('done');
    expect(totalTokens(result)).toBe(311 + 58);
    model.assertComplete();
  });
});
