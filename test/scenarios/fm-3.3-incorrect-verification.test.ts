// FM-3.3 Incorrect verification: a check runs but reaches the wrong verdict. Guard exercised: deterministic
// checks outrank the judge (machines/verify.ts `runChecks` and the round logic): the judge is asked only
// once every deterministic check passes, and a criterion passes only when its check and its judge both
// pass. A judge that would approve a patch whose tests fail is never asked, and the run ends
// `verification_failed`, never `done`.
import { runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { callsByAgent, expectEnding, spend, totalTokens } from './scenario.js';
import { verifiedFlow } from './verify-flow.js';

const approve = { verdicts: [{ id: 'readable', pass: true, evidence: 'Looks good to me.' }] };

describe('FM-3.3 incorrect verification', () => {
  it('never reaches done when the judge would approve while the deterministic tests fail', async () => {
    const model = scripted([
      { agent: 'coder', finish: { patch: 'return a - b; // LGTM' }, ...spend(310, 25) },
      { agent: 'coder', finish: { patch: 'return b - a; // LGTM' }, ...spend(402, 25) },
    ]);
    const result = await runFlow(verifiedFlow(model, 2), { issue: 'sum() subtracts' });
    expectEnding(result, 'escalated', 'verification_failed', 'FM-3.3');
    expect(result.path).not.toContain('done');
    // The coder was told which check failed and why.
    const feedback = model.requests[1]?.messages.at(-1);
    expect(feedback?.role === 'tool' && feedback.content).toContain(
      '- tests-pass (check): sum([1, 2]) returned -1',
    );
    expect(callsByAgent(model)).toEqual({ coder: 2 });
    expect(totalTokens(result)).toBe(310 + 25 + 402 + 25);
    model.assertComplete();
  });

  it('asks the approving judge only once the repaired patch passes its tests, then reaches done', async () => {
    // The coder fixes the test on round 2; only then does the approving judge get asked.
    const model = scripted([
      { agent: 'coder', finish: { patch: 'return a - b;' }, ...spend(310, 21) },
      { agent: 'coder', finish: { patch: 'return a + b;' }, ...spend(402, 21) },
      { agent: 'reviewer', finish: approve, ...spend(266, 30) },
    ]);
    const result = await runFlow(verifiedFlow(model, 2), { issue: 'sum() subtracts' });
    expect(result.status).toBe('done');
    expect(callsByAgent(model)).toEqual({ coder: 2, reviewer: 1 });
    expect(totalTokens(result)).toBe(310 + 21 + 402 + 21 + 266 + 30);
    model.assertComplete();
  });
});
