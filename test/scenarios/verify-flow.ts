// A coder verified by a deterministic test check and a judge, for the verification scenarios.
import { type Criterion, defineAgent, defineFlow, defineJudge } from 'baton-flow';
import type { ScriptedModel } from 'baton-flow/testing';
import Type from 'typebox';

export const Task = Type.Object({ issue: Type.String() }, { additionalProperties: false });
export const Patch = Type.Object({ patch: Type.String() }, { additionalProperties: false });
type PatchValue = { patch: string };

/** The deterministic test: the patch must add, not subtract. */
export const testsPass: Criterion<{ issue: string }, PatchValue> = {
  id: 'tests-pass',
  description: 'sum([1, 2]) returns 3.',
  check: ({ output }) => output.patch.includes('a + b') || 'sum([1, 2]) returned -1',
};
/** What only a judge can say. */
export const readable: Criterion<{ issue: string }, PatchValue> = {
  id: 'readable',
  description: 'The patch is readable.',
  judge: true,
};

/** The flow: `coder` finishes a patch that `criteria` verify in up to `rounds` rounds, `reviewer` judging. */
export function verifiedFlow(
  model: ScriptedModel,
  rounds = 3,
  criteria: readonly Criterion<{ issue: string }, PatchValue>[] = [testsPass, readable],
) {
  const coder = defineAgent({
    name: 'coder',
    description: 'Writes a patch.',
    input: Task,
    output: Patch,
    instructions: 'Write the patch. Fix every failed criterion you are told of.',
    model,
    budget: { turns: 10 },
  });
  const reviewer = defineJudge({ name: 'reviewer', instructions: 'Judge each criterion strictly.', model });
  return defineFlow({
    id: 'patch',
    input: Task,
    output: Patch,
    start: 'coder',
    agents: [coder],
    finish: ['coder'],
    verify: { criteria, judge: reviewer, rounds },
  });
}
