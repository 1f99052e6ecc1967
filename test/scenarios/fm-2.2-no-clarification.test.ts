// FM-2.2 Fail to ask for clarification: faced with missing information an agent assumes instead of asking.
// Noticing the ambiguity is the model's work: a runtime cannot see an assumption an agent does not state,
// so the first scenario documents that boundary (the run proceeds to done). What the runtime does own is
// the way to ask: an agent with `ask: true` gets `ask_human`, and without a person to answer (no store)
// the run ends `escalated` / `needs_human` with the question (the ask decision in machines/assess.ts).
import { defineAgent, defineFlow, runFlow } from 'baton-flow';
import { type ScriptedModel, scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { callsByAgent, expectEnding, spend, totalTokens } from './scenario.js';

const Request = Type.Object({ text: Type.String() }, { additionalProperties: false });
const Filing = Type.Object({ order: Type.String(), text: Type.String() }, { additionalProperties: false });

function filingFlow(model: ScriptedModel) {
  const clerk = defineAgent({
    name: 'clerk',
    description: 'Files a complaint against an order.',
    input: Request,
    output: Filing,
    instructions: 'File the complaint against its order. Ask when the order number is missing.',
    model,
    ask: true,
  });
  return defineFlow({
    id: 'filing',
    input: Request,
    output: Filing,
    start: 'clerk',
    agents: [clerk],
    finish: ['clerk'],
  });
}

const noOrder = { text: 'My parcel never came.' };

describe('FM-2.2 fail to ask for clarification', () => {
  it('proceeds to done when an agent silently assumes the missing order number: the runtime cannot see an unstated assumption', async () => {
    const model = scripted([
      { agent: 'clerk', finish: { order: 'A-0001', text: noOrder.text }, ...spend(198, 26) },
    ]);
    const result = await runFlow(filingFlow(model), noOrder);
    expect(result.status).toBe('done');
    expect(result.status === 'done' && result.output.order).toBe('A-0001');
    expect(callsByAgent(model)).toEqual({ clerk: 1 });
    expect(totalTokens(result)).toBe(198 + 26);
    model.assertComplete();
  });

  it('escalates needs_human with the question when the agent asks and no person can answer', async () => {
    const model = scripted([{ agent: 'clerk', ask: 'Which order is this about?', ...spend(198, 18) }]);
    const result = await runFlow(filingFlow(model), noOrder);
    expectEnding(result, 'escalated', 'needs_human', 'FM-2.2');
    expect(result.status === 'escalated' && result.reason.details).toMatchObject({
      question: 'Which order is this about?',
    });
    expect(callsByAgent(model)).toEqual({ clerk: 1 });
    expect(totalTokens(result)).toBe(198 + 18);
    model.assertComplete();
  });

  it('sends a finish that declares a critical assumption to a person before done: needs_human without a store', async () => {
    const Assumed = Type.Object({
      order: Type.String(),
      text: Type.String(),
      assumptions: Type.Array(Type.Object({ text: Type.String(), critical: Type.Boolean() })),
    });
    const model = scripted([
      {
        agent: 'clerk',
        finish: {
          order: 'A-7',
          text: 'Filed.',
          assumptions: [{ text: 'the order is A-7, the only open one', critical: true }],
        },
        ...spend(263, 47),
      },
    ]);
    const clerk = defineAgent({
      name: 'clerk',
      description: 'Files a complaint against an order.',
      input: Request,
      output: Assumed,
      instructions:
        'File the complaint. List what you assumed; mark it critical when a wrong guess would harm.',
      model,
    });
    const flow = defineFlow({
      id: 'assuming-filing',
      input: Request,
      output: Assumed,
      start: 'clerk',
      agents: [clerk],
      finish: ['clerk'],
      assumptions: 'assumptions',
    });
    const result = await runFlow(flow, { text: 'My parcel never came.' });
    expectEnding(result, 'escalated', 'needs_human', 'FM-2.2');
    expect(result.status === 'escalated' && result.reason.message).toContain(
      '- the order is A-7, the only open one',
    );
    expect(callsByAgent(model)).toEqual({ clerk: 1 });
    expect(totalTokens(result)).toBe(263 + 47);
    model.assertComplete();
  });
});
