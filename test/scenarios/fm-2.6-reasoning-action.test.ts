// FM-2.6 Reasoning-action mismatch: what an agent says it will do or did differs from what it does. Free
// text is the model's: the runtime acts on the typed decision (the tool call), never on the prose around
// it, so the first scenario documents the boundary (the run proceeds on the action, whatever the text
// said). What Baton can see is a typed claim: an agent that declares `claims` has each claim of its
// decision checked against its successful tool calls of the visit (machines/assess.ts, `accountability`);
// a claim nothing backs ends `action_mismatch` when the repairs run out.
import { defineAgent, defineFlow, defineTool, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { callsByAgent, expectEnding, spend, totalTokens } from './scenario.js';

const Ticket = Type.Object({ id: Type.String(), body: Type.String() }, { additionalProperties: false });
const Case = Type.Object({ ticketId: Type.String() }, { additionalProperties: false });
const Reply = Type.Object({ ticketId: Type.String(), text: Type.String() }, { additionalProperties: false });

describe('FM-2.6 reasoning-action mismatch', () => {
  it('proceeds on the action when an agent’s reasoning text says billing but it hands off to tech: the runtime cannot read intent from prose', async () => {
    const model = scripted([
      {
        agent: 'triage',
        reply: {
          text: 'This is clearly a billing question, so I will hand it to billing.',
          toolCalls: [{ id: 'call_1', name: 'handoff_to_tech', arguments: { ticketId: 'T-4' } }],
          stop: 'tool_calls',
        },
        ...spend(233, 41),
      },
      { agent: 'tech', finish: { ticketId: 'T-4', text: 'Restart the app.' }, ...spend(187, 22) },
    ]);
    const agent = (name: string, description: string) =>
      defineAgent({ name, description, input: Case, output: Reply, instructions: description, model });
    const triage = defineAgent({
      name: 'triage',
      description: 'Routes tickets.',
      input: Ticket,
      instructions: 'Hand billing questions to billing and the rest to tech.',
      model,
    });
    const flow = defineFlow({
      id: 'routing',
      input: Ticket,
      output: Reply,
      start: 'triage',
      agents: [
        triage,
        agent('billing', 'Answers billing questions.'),
        agent('tech', 'Answers technical questions.'),
      ],
      routes: { triage: ['billing', 'tech'] },
      finish: ['billing', 'tech'],
    });
    const result = await runFlow(flow, { id: 'T-4', body: 'I was charged twice.' });
    expect(result.status).toBe('done');
    expect(result.path).toEqual(['triage', 'tech', 'done']);
    expect(callsByAgent(model)).toEqual({ triage: 1, tech: 1 });
    expect(totalTokens(result)).toBe(233 + 41 + 187 + 22);
    model.assertComplete();
  });

  it('ends action_mismatch when a coder claims "tests pass" with no successful run_tests call in the log', async () => {
    const runTests = defineTool({
      name: 'run_tests',
      description: 'Runs the test suite.',
      input: Type.Object({}),
      run: () => {
        throw new Error('2 tests failed');
      },
    });
    const Done = Type.Object({
      patch: Type.String(),
      claims: Type.Array(Type.Object({ kind: Type.String() })),
    });
    const claim = { agent: 'coder', finish: { patch: 'fix', claims: [{ kind: 'tested' }] } };
    const model = scripted([
      { agent: 'coder', tool: 'run_tests', args: {}, ...spend(219, 13) },
      { ...claim, ...spend(266, 31) },
      { ...claim, ...spend(318, 31) },
      { ...claim, ...spend(370, 31) },
    ]);
    const coder = defineAgent({
      name: 'coder',
      description: 'Fixes code.',
      input: Case,
      output: Done,
      instructions: 'Fix it, run the tests, then finish listing what you did.',
      model,
      tools: [runTests],
      budget: { turns: 6 },
      claims: { field: 'claims', backedBy: { tested: 'run_tests' } },
    });
    const flow = defineFlow({
      id: 'claims',
      input: Case,
      output: Done,
      start: 'coder',
      agents: [coder],
      finish: ['coder'],
    });
    const result = await runFlow(flow, { ticketId: 'T-5' });
    expectEnding(result, 'failed', 'action_mismatch', 'FM-2.6');
    expect(callsByAgent(model)).toEqual({ coder: 4 });
    expect(totalTokens(result)).toBe(219 + 13 + 266 + 31 + 318 + 31 + 370 + 31);
    model.assertComplete();
  });
});
