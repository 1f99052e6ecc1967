// FM-2.3 Task derailment: the work drifts away from its objective. Guards exercised:
// - the done contract (machines/assess.ts): the objective's id travels in the typed input and the done
//   predicate requires the result to answer it, so a result about something else is sent back and then
//   fails `done_unmet` (tagged FM-3.1);
// - the routes (`refuseUnknown` in agents/attempt-state.ts): an agent can hand work only to the agents its
//   routes name, so drifting into a side task another agent owns is `tool_not_allowed` (tagged FM-1.2).
import { defineAgent, defineFlow, runFlow } from 'baton-flow';
import { type ScriptedModel, scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { callsByAgent, expectEnding, spend, totalTokens } from './scenario.js';

const Objective = Type.Object(
  { objective: Type.String(), question: Type.String() },
  { additionalProperties: false },
);
const Answer = Type.Object(
  { objective: Type.String(), text: Type.String() },
  { additionalProperties: false },
);
const Order = Type.Object({ item: Type.String() }, { additionalProperties: false });

function answerFlow(model: ScriptedModel) {
  const analyst = defineAgent({
    name: 'analyst',
    description: 'Answers the question of the objective it is given.',
    input: Objective,
    output: Answer,
    instructions: 'Answer the question. Name the objective you answer.',
    model,
  });
  const shopper = defineAgent({
    name: 'shopper',
    description: 'Orders equipment.',
    input: Order,
    output: Answer,
    instructions: 'Order the item.',
    model,
  });
  return defineFlow({
    id: 'analysis',
    input: Objective,
    output: Answer,
    start: 'analyst',
    agents: [analyst, shopper],
    finish: ['analyst', 'shopper'],
    done: ({ input, output }) =>
      output.objective === input.objective || `the answer must address objective ${input.objective}`,
  });
}

const input = { objective: 'OBJ-3', question: 'Why did churn rise in March?' };

describe('FM-2.3 task derailment', () => {
  it('fails done_unmet when an analyst drifts to another objective and stays there', async () => {
    const drift = { objective: 'OBJ-7', text: 'Here is a redesign of the pricing page.' };
    const model = scripted([
      { agent: 'analyst', finish: drift, ...spend(260, 48) },
      { agent: 'analyst', finish: drift, ...spend(331, 48) },
      { agent: 'analyst', finish: drift, ...spend(402, 48) },
    ]);
    const result = await runFlow(answerFlow(model), input);
    expectEnding(result, 'failed', 'done_unmet', 'FM-3.1');
    expect(result.status === 'failed' && result.reason.message).toContain('objective OBJ-3');
    expect(callsByAgent(model)).toEqual({ analyst: 3 });
    expect(totalTokens(result)).toBe(260 + 48 + 331 + 48 + 402 + 48);
    model.assertComplete();
  });

  it('fails tool_not_allowed when an analyst drifts into a side task that no route of its own leads to', async () => {
    const order = { agent: 'analyst', handoff: 'shopper', payload: { item: 'a new laptop' } } as const;
    const model = scripted([
      { ...order, ...spend(260, 21) },
      { ...order, ...spend(305, 21) },
      { ...order, ...spend(350, 21) },
    ]);
    const result = await runFlow(answerFlow(model), input);
    expectEnding(result, 'failed', 'tool_not_allowed', 'FM-1.2');
    expect(callsByAgent(model)).toEqual({ analyst: 3 });
    expect(totalTokens(result)).toBe(260 + 21 + 305 + 21 + 350 + 21);
    model.assertComplete();
  });
});
