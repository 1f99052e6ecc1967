import { check, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { codeReview, codeReviewWith, sampleInput, stuckInput } from '../../examples/code-review/flow.js';
import { coderResponder, reviewerResponder } from '../../examples/code-review/models.js';
import { evaluate, runTests } from '../../examples/code-review/run-tests.js';

const models = () => ({ coder: scripted(coderResponder), reviewer: scripted(reviewerResponder) });

describe('examples/code-review', () => {
  it('passes after a repair: the failed test goes back to the coder, then the reviewer approves', async () => {
    const m = models();
    const result = await runFlow(codeReviewWith(m), sampleInput);
    expect(result.status).toBe('done');
    expect(result.status === 'done' && result.output).toEqual({
      name: 'sum',
      body: 'a + b',
      doc: 'sum: returns the sum of a and b',
    });
    expect(m.coder.requests).toHaveLength(2);
    const feedback = m.coder.requests[1]?.messages.at(-1);
    expect(feedback?.role === 'tool' && feedback.content).toContain(
      '- tests-pass (check): sum(1, 2) returned -1, expected 3; sum(-4, 4) returned -8, expected 0',
    );
    // The reviewer was asked once, after the tests passed, with the patch and its own criterion only.
    expect(m.reviewer.requests).toHaveLength(1);
    expect(m.reviewer.requests[0]?.input).toEqual({
      result: { name: 'sum', body: 'a + b', doc: 'sum: returns the sum of a and b' },
      criteria: [{ id: 'readable', description: 'The patch is readable.' }],
    });
  });

  it('stops when a round does not improve, keeping the best patch, and never asks the reviewer', async () => {
    const m = models();
    const result = await runFlow(codeReviewWith(m), stuckInput);
    expect(result.status).toBe('escalated');
    if (result.status !== 'escalated') return;
    expect(result.reason).toMatchObject({ code: 'verification_failed', mast: ['FM-3.3'], agent: 'coder' });
    expect(result.reason.message).toContain(
      'Round 2 of verification passed 1 of 3 criteria, no more than round 1 (1): the loop made no progress and stops.',
    );
    expect(result.partial).toEqual({ name: 'max', body: 'a - b', doc: 'max: returns the larger of a and b' });
    expect(m.coder.requests).toHaveLength(2);
    expect(m.reviewer.requests).toHaveLength(0);
  });

  it('runs the tests without running the patch as code', () => {
    expect(evaluate('(a + 2) * b - 1 / 2', 1, 2)).toBe(5.5);
    expect(() => evaluate('process.exit(1)', 1, 2)).toThrow(/cannot read/);
    expect(runTests({ name: 'f', body: 'a +', doc: '' }, [{ a: 1, b: 1, expected: 2 }])).toBe(
      'f does not parse: the expression ends too early',
    );
  });

  it('passes its check', () => {
    expect(check(codeReview)).toEqual([]);
  });
});
