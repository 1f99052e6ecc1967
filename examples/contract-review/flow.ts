// Contract review: an analyst reviews every clause of a contract. The done contract checks that each
// clause id appears in the review exactly once, so "analysed half and declared victory" cannot reach
// `done`: the finish goes back to the analyst with the clause ids it missed, and a review that still
// misses some after the allowed repair ends `failed` / `done_unmet`.
//   npx tsx runtime/cli/bin.ts run examples/contract-review
//   npx tsx runtime/cli/bin.ts check examples/contract-review/flow.ts
import { defineAgent, defineFlow } from 'baton-flow';
import { Contract, Review } from './contracts.js';
import { coverageProblems } from './coverage.js';
import { analystModel } from './models.js';

const analyst = defineAgent({
  name: 'analyst',
  description: 'Analyses every clause of a contract for risk.',
  input: Contract,
  output: Review,
  instructions:
    'Analyse every clause of the contract: its risk (low, medium or high) and a one-line note. List the high-risk clause ids under escalate. Finish with one analysis per clause id.',
  model: analystModel,
  budget: { turns: 3, tokens: 12_000, maxOutputTokens: 2_048 },
});

/** The contract-review flow: one analyst, and a done contract that every clause is analysed. */
export const contractReview = defineFlow({
  id: 'contract-review',
  description: 'Reviews every clause of a contract for risk.',
  input: Contract,
  output: Review,
  start: 'analyst',
  agents: [analyst],
  finish: ['analyst'],
  done: ({ input, output }) => coverageProblems(input, output),
  limits: { repairs: 1, turns: 3, tokens: 12_000, ms: 60_000 },
});

/** The input `baton run examples/contract-review` uses when no --input is given. */
export const sampleInput: Contract = {
  id: 'MSA-2025-014',
  title: 'Master services agreement',
  clauses: [
    { id: '1.1', text: 'The supplier provides the services described in schedule A.' },
    { id: '2.3', text: 'Either party may terminate with 90 days written notice.' },
    { id: '4.2', text: 'The customer shall indemnify the supplier against all claims, without limit.' },
    { id: '7.1', text: 'This agreement renews automatically for successive one-year terms.' },
    { id: '9.4', text: 'The courts of England have exclusive jurisdiction.' },
  ],
};

export default contractReview;
