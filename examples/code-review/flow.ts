// Code review: a coder writes a patch; the verify stage runs the tests on it (a deterministic check),
// checks it is documented, and asks a reviewer (a judge) whether it is readable. Failed criteria go back
// to the coder for a bounded number of rounds; a round that passes no more criteria than the best before
// it stops the loop, `escalated` / `verification_failed` with the best patch kept. The reviewer is asked
// only once the checks pass, and cannot pass a patch whose tests fail.
//   npx tsx runtime/cli/bin.ts run examples/code-review                           (passes after a repair)
//   npx tsx runtime/cli/bin.ts run examples/code-review --input examples/code-review/stuck.json   (stops)
//   npx tsx runtime/cli/bin.ts check examples/code-review/flow.ts
import { type Criterion, defineAgent, defineFlow, defineJudge, type Model } from 'baton-flow';
import { Patch, Task } from './contracts.js';
import { coderModel, reviewerModel } from './models.js';
import { runTests } from './run-tests.js';

const criteria: readonly Criterion<Task, Patch>[] = [
  {
    id: 'tests-pass',
    description: 'Every test case returns what it expects.',
    check: ({ input, output }) => runTests(output, input.tests),
  },
  {
    id: 'documented',
    description: 'The patch has a doc comment that names the function.',
    check: ({ input, output }) =>
      output.doc.startsWith(input.name) || `the doc must start with "${input.name}"`,
  },
  { id: 'readable', description: 'The patch is readable.', judge: true },
];

/**
 * The code-review flow with the given models: a coder, verified by the tests, a doc check and a reviewer,
 * for up to 3 rounds. A judge is not an agent of the flow's routes, so a test passes its model here.
 */
export function codeReviewWith(models: { readonly coder: Model; readonly reviewer: Model }) {
  const coder = defineAgent({
    name: 'coder',
    description: 'Writes the body of a function of a and b so that its tests pass.',
    input: Task,
    output: Patch,
    instructions:
      'Write the body of the function as an arithmetic expression of a and b, with a doc comment that starts with its name. When criteria fail, fix each one and finish again.',
    model: models.coder,
    budget: { turns: 6, tokens: 12_000, maxOutputTokens: 1_024 },
  });

  const reviewer = defineJudge({
    name: 'reviewer',
    instructions:
      'Judge whether the patch is readable: a short expression, documented by a comment that names it.',
    model: models.reviewer,
  });

  return defineFlow({
    id: 'code-review',
    description: 'Writes a function that passes its tests, reviewed by a judge.',
    input: Task,
    output: Patch,
    start: 'coder',
    agents: [coder],
    finish: ['coder'],
    done: ({ input, output }) => output.name === input.name || `the patch must be for ${input.name}`,
    verify: { criteria, judge: reviewer, rounds: 3 },
    limits: { turns: 12, tokens: 30_000, ms: 60_000 },
  });
}

/** The code-review flow on its offline models. */
export const codeReview = codeReviewWith({ coder: coderModel, reviewer: reviewerModel });

/** The input `baton run examples/code-review` uses: fixed on the second round, then approved. */
export const sampleInput: Task = {
  name: 'sum',
  issue: 'returns the sum of a and b',
  tests: [
    { a: 1, b: 2, expected: 3 },
    { a: -4, b: 4, expected: 0 },
  ],
};

/** A task the coder cannot solve (the larger of a and b): its second round is no better, so the loop stops. */
export const stuckInput: Task = {
  name: 'max',
  issue: 'returns the larger of a and b',
  tests: [
    { a: 1, b: 2, expected: 2 },
    { a: 7, b: 3, expected: 7 },
  ],
};

export default codeReview;
