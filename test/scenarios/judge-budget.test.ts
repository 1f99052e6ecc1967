// The judge of the verify stage has a budget of its own: it is not charged with the worker's turns.
import { runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { verifiedFlow } from './verify-flow.js';

describe('the judge of the verify stage', () => {
  // A coder that took two rounds (two model calls) leaves a judge with the default budget of 2 turns
  // all of them: the judge's attempt starts a budget of its own.
  it('asks a default judge after a coder that needed two rounds, and reaches done', async () => {
    const model = scripted([
      { agent: 'coder', finish: { patch: 'return a - b;' }, usage: { inputTokens: 310, outputTokens: 21 } },
      { agent: 'coder', finish: { patch: 'return a + b;' }, usage: { inputTokens: 402, outputTokens: 21 } },
      {
        agent: 'reviewer',
        finish: { verdicts: [{ id: 'readable', pass: true, evidence: 'one clear line' }] },
        usage: { inputTokens: 266, outputTokens: 30 },
      },
    ]);
    const result = await runFlow(verifiedFlow(model, 2), { issue: 'sum() subtracts' });
    expect(result.status).toBe('done');
    expect(model.requests.map((r) => r.agent)).toEqual(['coder', 'coder', 'reviewer']);
    expect(result.usage.inputTokens + result.usage.outputTokens).toBe(310 + 21 + 402 + 21 + 266 + 30);
  });
});
