// FM-3.2 No or incomplete verification: results not checked, or only partly. Guards exercised: the verify
// stage (machines/verify.ts `readJudgement` and the round logic): a finish goes to verification, never
// straight to `done`, and a verdict that leaves a criterion unjudged fails closed as
// `verification_incomplete`.
import { runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { callsByAgent, expectEnding, spend, totalTokens } from './scenario.js';
import { verifiedFlow } from './verify-flow.js';

const fixed = { patch: 'return a + b;' };

describe('FM-3.2 no or incomplete verification', () => {
  it('ends verification_incomplete when the judge checks something else and leaves a criterion unjudged', async () => {
    const model = scripted([
      { agent: 'coder', finish: fixed, ...spend(310, 23) },
      // "It compiles": the judge answers a question nobody asked and never judges readability.
      {
        agent: 'reviewer',
        finish: { verdicts: [{ id: 'compiles', pass: true, evidence: 'it compiles' }] },
        ...spend(271, 36),
      },
    ]);
    const result = await runFlow(verifiedFlow(model), { issue: 'sum() subtracts' });
    expectEnding(result, 'escalated', 'verification_incomplete', 'FM-3.2');
    expect(result.status === 'escalated' && result.reason.message).toContain('"readable"');
    expect(result.status === 'escalated' && result.partial).toEqual(fixed);
    expect(callsByAgent(model)).toEqual({ coder: 1, reviewer: 1 });
    expect(totalTokens(result)).toBe(310 + 23 + 271 + 36);
    model.assertComplete();
  });

  it('reaches done only after every criterion passed its check and its judge', async () => {
    const model = scripted([
      { agent: 'coder', finish: fixed, ...spend(310, 23) },
      {
        agent: 'reviewer',
        finish: { verdicts: [{ id: 'readable', pass: true, evidence: 'one clear line' }] },
        ...spend(271, 29),
      },
    ]);
    const result = await runFlow(verifiedFlow(model), { issue: 'sum() subtracts' });
    expect(result.status).toBe('done');
    expect(callsByAgent(model)).toEqual({ coder: 1, reviewer: 1 });
    expect(totalTokens(result)).toBe(310 + 23 + 271 + 29);
    // The judge saw the result and its criterion, not the coder's conversation.
    expect(model.requests[1]?.input).toEqual({
      result: fixed,
      criteria: [{ id: 'readable', description: 'The patch is readable.' }],
    });
    expect(model.requests[1]?.messages).toEqual([]);
    model.assertComplete();
  });
});
