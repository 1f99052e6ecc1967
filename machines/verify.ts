import type { Message } from '../agents/model.js';
import { shapeProblem } from '../contracts/depth.js';
import { describeThrown } from '../contracts/errors.js';
import type { JsonSchemaObject } from '../contracts/schema.js';
import { compiledValidator, type Validator } from '../contracts/validator.js';

/** What a deterministic check of a criterion gets: the flow's input and the result to verify. */
export interface CheckArgs<I = unknown, O = unknown> {
  readonly input: I;
  readonly output: O;
}

/**
 * What a deterministic check returns: `true` (passes), `false` (fails), or a string: the evidence of a
 * failure, which goes back to the worker. Anything else, or a throw, is a failure that says what it was.
 */
export type CheckResult = boolean | string;

/**
 * One acceptance criterion of a flow's result: an id, what it means (the judge and the worker read it),
 * and how it is checked: a deterministic `check`, or `judge: true` for the flow's judge agent. A criterion
 * with both is passed only when both pass: a judge cannot pass what a check failed.
 */
export interface Criterion<I = unknown, O = unknown> {
  readonly id: string;
  readonly description: string;
  /** The deterministic check: `true` passes; `false` or a string (the evidence) fails. */
  readonly check?: (args: CheckArgs<I, O>) => CheckResult;
  /** Whether the flow's judge judges it. */
  readonly judge?: boolean;
}

/** One criterion's outcome in a round: passed or not, by whom, and the evidence. */
export interface CriterionResult {
  readonly id: string;
  readonly pass: boolean;
  /** `check` for a deterministic check, `judge` for the judge agent. */
  readonly by: 'check' | 'judge';
  readonly evidence: string;
}

/** The verified flow's candidate result of one round, kept in the context between the worker and the judge. */
export interface Candidate {
  /** The worker that finished, its validated input, its transcript and the id of its finish call. */
  readonly agent: string;
  readonly payload: unknown;
  readonly transcript: readonly Message[];
  readonly callId: string | null;
  readonly output: unknown;
  /** The deterministic checks' outcomes, all passed when the judge is called. */
  readonly checked: readonly CriterionResult[];
}

/** The best round so far: what it produced and how many criteria it passed. */
export interface BestRound {
  readonly round: number;
  readonly output: unknown;
  readonly passed: number;
}

/** The JSON Schema of what a judge is handed: the result and the criteria it judges, nothing else. */
export const JUDGE_INPUT: JsonSchemaObject = Object.freeze({
  type: 'object',
  properties: {
    result: { description: 'The result to judge, as the worker produced it.' },
    criteria: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, description: { type: 'string' } },
        required: ['id', 'description'],
        additionalProperties: false,
      },
    },
  },
  required: ['result', 'criteria'],
  additionalProperties: false,
}) as JsonSchemaObject;

/** The JSON Schema of a judge's verdict: pass or fail, with evidence, per criterion. */
export const JUDGE_VERDICT: JsonSchemaObject = Object.freeze({
  type: 'object',
  properties: {
    verdicts: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', description: 'The id of the criterion.' },
          pass: { type: 'boolean' },
          evidence: { type: 'string', description: 'What in the result shows it.' },
        },
        required: ['id', 'pass', 'evidence'],
        additionalProperties: false,
      },
    },
  },
  required: ['verdicts'],
  additionalProperties: false,
}) as JsonSchemaObject;

/** The verdict schema's validator, compiled on first use: importing Baton compiles no schema. */
let verdictValidator: Validator<unknown> | null = null;

/**
 * Runs the deterministic checks of the criteria that have one. A check that throws or returns anything but
 * a boolean or a string fails, saying what it did: verification fails closed.
 */
export function runChecks(
  criteria: readonly Criterion[],
  input: unknown,
  output: unknown,
): CriterionResult[] {
  const results: CriterionResult[] = [];
  for (const criterion of criteria) {
    if (!criterion.check) continue;
    let got: unknown;
    try {
      got = criterion.check({ input, output });
    } catch (error) {
      results.push(fail(criterion.id, `the check threw: ${describeThrown(error)}`));
      continue;
    }
    if (got === true)
      results.push({ id: criterion.id, pass: true, by: 'check', evidence: 'the check passed' });
    else if (got === false) results.push(fail(criterion.id, 'the check failed'));
    else if (typeof got === 'string') results.push(fail(criterion.id, got === '' ? 'the check failed' : got));
    else {
      // Nobody awaits a Promise a check returns: its rejection must not surface as an unhandled one.
      if ((typeof got === 'object' || typeof got === 'function') && got !== null)
        Promise.resolve(got).catch(() => undefined);
      results.push(
        fail(
          criterion.id,
          `the check returned ${got === null || got === undefined ? String(got) : `${/^[aeiou]/.test(typeof got) ? 'an' : 'a'} ${typeof got}`}: it must return true, false or a string`,
        ),
      );
    }
  }
  return results;
}

function fail(id: string, evidence: string): CriterionResult {
  return { id, pass: false, by: 'check', evidence };
}

/**
 * Reads a judge's verdict on the judged criteria: the results, or what is wrong with the verdict (not a
 * verdict, or a criterion left unjudged: verification fails closed). Ids it was not asked about are
 * ignored; a criterion judged twice counts as failed unless every verdict on it passes.
 */
export function readJudgement(
  verdict: unknown,
  judged: readonly Criterion[],
): { readonly results: CriterionResult[] } | { readonly problem: string } {
  const shape = shapeProblem(verdict);
  if (shape) return { problem: `the judge's verdict is ${shape}` };
  verdictValidator ??= compiledValidator<unknown>(JUDGE_VERDICT, 'judge verdict');
  const checked = verdictValidator.validate(verdict);
  if (!checked.ok) return { problem: "the judge's verdict does not fit its schema" };
  const given = (verdict as { verdicts: { id: string; pass: boolean; evidence: string }[] }).verdicts;
  const results: CriterionResult[] = [];
  const missing: string[] = [];
  for (const criterion of judged) {
    const mine = given.filter((v) => v.id === criterion.id);
    if (mine.length === 0) {
      missing.push(criterion.id);
      continue;
    }
    const pass = mine.every((v) => v.pass);
    results.push({ id: criterion.id, pass, by: 'judge', evidence: mine.map((v) => v.evidence).join(' / ') });
  }
  if (missing.length > 0)
    return { problem: `the judge left ${missing.map((id) => `"${id}"`).join(', ')} unjudged` };
  return { results };
}

/** The feedback a worker gets for a round that failed: every failed criterion with its evidence. */
export function roundFeedback(results: readonly CriterionResult[], round: number, rounds: number): string {
  const failed = results.filter((r) => !r.pass);
  return [
    `Not accepted (round ${round} of ${rounds}). These criteria failed:`,
    ...failed.map((r) => `- ${r.id} (${r.by}): ${r.evidence}`),
    'Fix them and finish again.',
  ].join('\n');
}
