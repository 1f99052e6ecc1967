// A writer and an editor that hand a draft back and forth, for the scenarios of repetition and termination.
import { defineAgent, defineFlow, type FlowLimits } from 'baton-flow';
import type { ScriptedModel } from 'baton-flow/testing';
import Type from 'typebox';

export const Brief = Type.Object({ topic: Type.String() }, { additionalProperties: false });
export const Draft = Type.Object(
  { topic: Type.String(), draft: Type.String() },
  { additionalProperties: false },
);

/** The flow `id`: `writer` drafts (two turns a visit) for `editor`, who publishes or sends it back. */
export function draftFlow(model: ScriptedModel, id: string, limits: FlowLimits) {
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
    id,
    input: Brief,
    output: Draft,
    start: 'writer',
    agents: [writer, editor],
    routes: { writer: ['editor'], editor: ['writer'] },
    finish: ['editor'],
    limits,
  });
}
