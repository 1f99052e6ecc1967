// FM-1.2 Disobey role specification: an agent acts outside its role. Guard exercised: the tool allowlist
// of the agent's turn loop (`refuseUnknown` in agents/attempt-state.ts): an agent sees and may call only
// its own tools, its routes and `finish` if the flow lets it finish; any other call is `tool_not_allowed`,
// repaired a bounded number of times, then the run fails.
import { defineAgent, defineFlow, defineTool, runFlow } from 'baton-flow';
import { type ScriptedModel, scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { callsByAgent, expectEnding, spend, totalTokens } from './scenario.js';

const Task = Type.Object({ issue: Type.String() }, { additionalProperties: false });
const Patch = Type.Object({ file: Type.String(), patch: Type.String() }, { additionalProperties: false });
const Review = Type.Object(
  { approve: Type.Boolean(), comments: Type.Array(Type.String()) },
  { additionalProperties: false },
);

function reviewFlow(model: ScriptedModel, written: string[]) {
  const writeFile = defineTool({
    name: 'write_file',
    description: 'Writes a file of the repository.',
    input: Type.Object({ file: Type.String(), text: Type.String() }, { additionalProperties: false }),
    run: ({ input }) => {
      written.push(input.file);
      return { written: input.file };
    },
  });
  const coder = defineAgent({
    name: 'coder',
    description: 'Writes the patch for an issue.',
    input: Task,
    instructions: 'Write the patch, then hand it to the reviewer.',
    model,
    tools: [writeFile],
  });
  const reviewer = defineAgent({
    name: 'reviewer',
    description: 'Reviews a patch and approves it or comments on it. It never edits code.',
    input: Patch,
    output: Review,
    instructions: 'Review the patch. Approve it or list what must change.',
    model,
  });
  return defineFlow({
    id: 'review',
    input: Task,
    output: Review,
    start: 'coder',
    agents: [coder, reviewer],
    routes: { coder: ['reviewer'] },
    finish: ['reviewer'],
  });
}

const patch = { file: 'src/sum.ts', patch: '- return a - b;\n+ return a + b;' };
const rewrite = {
  file: 'src/sum.ts',
  text: 'export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);',
};

describe('FM-1.2 disobey role specification', () => {
  it('fails tool_not_allowed when a reviewer rewrites the code instead of reviewing it, and nothing is written', async () => {
    const model = scripted([
      { agent: 'coder', handoff: 'reviewer', payload: patch, ...spend(402, 58) },
      { agent: 'reviewer', tool: 'write_file', args: rewrite, ...spend(377, 91) },
      { agent: 'reviewer', tool: 'write_file', args: rewrite, ...spend(455, 91) },
      { agent: 'reviewer', tool: 'write_file', args: rewrite, ...spend(533, 91) },
    ]);
    const written: string[] = [];
    const result = await runFlow(reviewFlow(model, written), { issue: 'sum() subtracts' });
    expectEnding(result, 'failed', 'tool_not_allowed', 'FM-1.2');
    expect(result.status === 'failed' && result.reason.agent).toBe('reviewer');
    expect(callsByAgent(model)).toEqual({ coder: 1, reviewer: 3 });
    expect(totalTokens(result)).toBe(402 + 58 + 377 + 91 + 455 + 91 + 533 + 91);
    expect(written).toEqual([]);
    // The reviewer was never offered the coder's tool.
    expect(model.requests[1]?.tools.map((t) => t.name)).toEqual(['finish']);
    model.assertComplete();
  });

  it('fails tool_not_allowed when a coder ends the run itself instead of handing its patch on', async () => {
    const model = scripted([
      { agent: 'coder', finish: { approve: true, comments: [] }, ...spend(402, 33) },
      { agent: 'coder', finish: { approve: true, comments: [] }, ...spend(471, 33) },
      { agent: 'coder', finish: { approve: true, comments: [] }, ...spend(540, 33) },
    ]);
    const result = await runFlow(reviewFlow(model, []), { issue: 'sum() subtracts' });
    expectEnding(result, 'failed', 'tool_not_allowed', 'FM-1.2');
    expect(result.status === 'failed' && result.reason.agent).toBe('coder');
    expect(callsByAgent(model)).toEqual({ coder: 3 });
    expect(totalTokens(result)).toBe(402 + 33 + 471 + 33 + 540 + 33);
    model.assertComplete();
  });
});
