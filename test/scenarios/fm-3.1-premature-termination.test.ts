// FM-3.1 Premature termination: the run ends before its objectives are met or checked. Guard exercised:
// the done contract (machines/assess.ts): `done` is entered only when the done predicate holds; a finish
// that covers half the document gets the list of what is missing back (bounded), then fails `done_unmet`.
import { defineAgent, defineFlow, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { callsByAgent, expectEnding, spend, totalTokens } from './scenario.js';

const Doc = Type.Object(
  {
    sections: Type.Array(
      Type.Object({ id: Type.String(), text: Type.String() }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
const Summary = Type.Object(
  {
    notes: Type.Array(
      Type.Object({ section: Type.String(), note: Type.String() }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

const doc = {
  sections: ['S1', 'S2', 'S3', 'S4'].map((id) => ({ id, text: `The text of section ${id}.` })),
};
const half = {
  notes: [
    { section: 'S1', note: 'Scope.' },
    { section: 'S2', note: 'Terms.' },
  ],
};

describe('FM-3.1 premature termination', () => {
  it('fails done_unmet when a summariser declares victory after half the document', async () => {
    const model = scripted([
      { agent: 'summariser', finish: half, ...spend(520, 61) },
      { agent: 'summariser', finish: half, ...spend(604, 61) },
      { agent: 'summariser', finish: half, ...spend(688, 61) },
    ]);
    const summariser = defineAgent({
      name: 'summariser',
      description: 'Summarises every section of a document.',
      input: Doc,
      output: Summary,
      instructions: 'Write one note per section.',
      model,
    });
    const flow = defineFlow({
      id: 'summary',
      input: Doc,
      output: Summary,
      start: 'summariser',
      agents: [summariser],
      finish: ['summariser'],
      done: ({ input, output }) =>
        input.sections
          .filter((s) => !output.notes.some((n) => n.section === s.id))
          .map((s) => `section ${s.id} has no note`),
    });
    const result = await runFlow(flow, doc);
    expectEnding(result, 'failed', 'done_unmet', 'FM-3.1');
    expect(result.status === 'failed' && result.reason.message).toContain('section S3 has no note');
    expect(result.status === 'failed' && result.reason.message).toContain('section S4 has no note');
    // The unmet conditions went back to the summariser before the run failed.
    const feedback = model.requests[1]?.messages.at(-1);
    expect(feedback?.role === 'tool' && feedback.content).toContain('section S3 has no note');
    expect(result.path).not.toContain('done');
    expect(callsByAgent(model)).toEqual({ summariser: 3 });
    expect(totalTokens(result)).toBe(520 + 61 + 604 + 61 + 688 + 61);
    model.assertComplete();
  });
});
