// FM-2.4 Information withholding: an agent holds information another needs and does not pass it on.
// Guard exercised: the handoff contract (machines/assess.ts): the payload is validated against the
// receiver's input schema before the transition fires, so a handoff that drops a required fact goes back
// to the sender with the violations, and then fails `contract_violation`; the receiver is never called.
import { defineAgent, defineFlow, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { callsByAgent, expectEnding, spend, totalTokens } from './scenario.js';

const Topic = Type.Object({ topic: Type.String() }, { additionalProperties: false });
const Brief = Type.Object(
  {
    topic: Type.String(),
    // The fact the writer cannot do without: the sources it must cite.
    sources: Type.Array(Type.String(), { minItems: 1 }),
  },
  { additionalProperties: false },
);
const Article = Type.Object({ text: Type.String() }, { additionalProperties: false });

describe('FM-2.4 information withholding', () => {
  it('fails contract_violation when a researcher hands off without the sources the writer’s schema requires', async () => {
    const withheld = { agent: 'researcher', handoff: 'writer', payload: { topic: 'tides' } } as const;
    const model = scripted([
      { ...withheld, ...spend(244, 19) },
      { ...withheld, ...spend(296, 19) },
      { ...withheld, ...spend(348, 19) },
    ]);
    const researcher = defineAgent({
      name: 'researcher',
      description: 'Finds sources.',
      input: Topic,
      instructions: 'Find sources and brief the writer.',
      model,
    });
    const writer = defineAgent({
      name: 'writer',
      description: 'Writes from sources.',
      input: Brief,
      output: Article,
      instructions: 'Write the article, citing the sources.',
      model,
    });
    const flow = defineFlow({
      id: 'article',
      input: Topic,
      output: Article,
      start: 'researcher',
      agents: [researcher, writer],
      routes: { researcher: ['writer'] },
      finish: ['writer'],
    });
    const result = await runFlow(flow, { topic: 'tides' });
    expectEnding(result, 'failed', 'contract_violation', 'FM-2.4');
    expect(result.status === 'failed' && result.reason.message).toContain(
      '/sources: is required but missing',
    );
    expect(result.status === 'failed' && result.partial).toEqual({ topic: 'tides' });
    expect(callsByAgent(model)).toEqual({ researcher: 3 });
    expect(totalTokens(result)).toBe(244 + 19 + 296 + 19 + 348 + 19);
    model.assertComplete();
  });
});
