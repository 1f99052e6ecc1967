import { type Agent, defineAgent } from '../agents/define-agent.js';
import type { Model } from '../agents/model.js';
import { assertDefinition } from '../contracts/arguments.js';
import { JUDGE_INPUT, JUDGE_VERDICT } from './verify.js';

/** A judge as written by the user: what `defineJudge` takes. */
export interface JudgeDefinition<N extends string> {
  readonly name: N;
  readonly description?: string;
  /** What it judges by and how strictly. It is told the criteria and the result; nothing else. */
  readonly instructions: string;
  readonly model: Model;
  /** Its budget per round (default: 2 turns). */
  readonly budget?: { readonly turns?: number; readonly tokens?: number; readonly maxOutputTokens?: number };
}

/** The result and criteria a judge is handed. */
export interface JudgeInput {
  readonly result: unknown;
  readonly criteria: readonly { readonly id: string; readonly description: string }[];
}

/** A judge's verdict: pass or fail, with evidence, for each criterion it was handed. */
export interface JudgeVerdict {
  readonly verdicts: readonly { readonly id: string; readonly pass: boolean; readonly evidence: string }[];
}

/**
 * Defines a judge for a flow's `verify` stage: an agent whose whole input is the result to judge and the
 * criteria it judges (`{ result, criteria }`), and whose only decision is its verdict (`{ verdicts: [{ id,
 * pass, evidence }] }`). It never sees the worker's transcript, its claims or its own assessment of its
 * work. A verdict that leaves a criterion unjudged fails verification (`verification_incomplete`), and a
 * deterministic check outranks it: a judge cannot pass what a check failed.
 *
 * @example
 * ```ts
 * import { defineJudge, openai } from 'baton-flow';
 *
 * export const reviewer = defineJudge({
 *   name: 'reviewer',
 *   instructions: 'Judge each criterion strictly. Quote the part of the result that shows your verdict.',
 *   model: openai('gpt-5-mini'),
 * });
 * ```
 */
export function defineJudge<const N extends string>(
  definition: JudgeDefinition<N>,
): Agent<N, JudgeInput, JudgeVerdict> {
  assertDefinition(definition, 'invalid_agent', 'defineJudge', '{ name, model }');
  return defineAgent({
    name: definition.name,
    description: definition.description ?? 'Judges a result against acceptance criteria.',
    input: JUDGE_INPUT,
    output: JUDGE_VERDICT,
    instructions: definition.instructions,
    model: definition.model,
    budget: { turns: 2, ...definition.budget },
  }) as unknown as Agent<N, JudgeInput, JudgeVerdict>;
}
