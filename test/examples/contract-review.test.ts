import { check, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { coverageProblems } from '../../examples/contract-review/coverage.js';
import { contractReview, sampleInput } from '../../examples/contract-review/flow.js';
import { analyse, analystResponder } from '../../examples/contract-review/models.js';

describe('examples/contract-review', () => {
  it('analyses every clause of the sample contract after the done contract names the ones it missed', async () => {
    const model = scripted(analystResponder);
    const result = await runFlow(contractReview, sampleInput, { models: model });
    expect(result.status).toBe('done');
    if (result.status !== 'done') return;
    expect(result.output.analyses.map((a) => a.clauseId)).toEqual(['1.1', '2.3', '4.2', '7.1', '9.4']);
    expect(result.output.escalate).toEqual(['4.2']);
    expect(model.requests).toHaveLength(2);
    const rejection = model.requests[1]?.messages.at(-1);
    expect(rejection?.role === 'tool' && rejection.content).toContain('clauses not analysed: 7.1, 9.4');
  });

  it('cannot reach done with half the contract analysed: done_unmet after the allowed repair', async () => {
    const half = {
      contractId: sampleInput.id,
      analyses: sampleInput.clauses.slice(0, 3).map(analyse),
      escalate: ['4.2'],
    };
    const model = scripted([
      { finish: half, usage: { inputTokens: 612, outputTokens: 97 } },
      { finish: half, usage: { inputTokens: 745, outputTokens: 97 } },
    ]);
    const result = await runFlow(contractReview, sampleInput, { models: model });
    expect(result.status).toBe('failed');
    expect(result.status === 'failed' && result.reason).toMatchObject({
      code: 'done_unmet',
      mast: ['FM-3.1'],
      agent: 'analyst',
    });
    expect(result.status === 'failed' && result.reason.message).toContain('clauses not analysed: 7.1, 9.4');
    expect(result.path).toEqual(['analyst', 'failed']);
    expect(result.usage.inputTokens + result.usage.outputTokens).toBe(612 + 97 + 745 + 97);
    model.assertComplete();
  });

  it('names clauses that are missing, foreign or analysed twice', () => {
    const review = {
      contractId: 'other',
      analyses: [
        analyse(sampleInput.clauses[0]!),
        analyse(sampleInput.clauses[0]!),
        { clauseId: '12', risk: 'low' as const, note: 'x' },
      ],
      escalate: ['13'],
    };
    expect(coverageProblems(sampleInput, review)).toEqual([
      'the review must name contract MSA-2025-014',
      'clauses not analysed: 2.3, 4.2, 7.1, 9.4',
      'clause 1.1 is analysed 2 times',
      'clause 12 is not in the contract',
      'escalated clause 13 is not in the contract',
    ]);
  });

  it('passes its check', () => {
    expect(check(contractReview)).toEqual([]);
  });
});
