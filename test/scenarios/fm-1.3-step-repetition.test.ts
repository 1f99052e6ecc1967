// FM-1.3 Step repetition: a step, phase or tool call redone with no new information. Guards exercised:
// - the loop check of a handoff (machines/assess.ts with contracts/fingerprint.ts): an agent that would
//   be re-entered with an input it already had ends `loop_detected` before its next call;
// - the repeat count of a visit's tool calls (the agent turn loop in agents/, `budget.repeats`): an identical
//   call is answered from the earlier result, and past the limit the run ends `loop_detected`;
// - the no-progress rule of the verify stage (machines/verify.ts and its round logic): a round that passes
//   no more criteria than the best before it stops the loop with `verification_failed` (tagged FM-3.3),
//   which catches a coder that rewords a rejected patch each round: its text differs, so it is no
//   repeated input, but the same check keeps failing.
import { type Criterion, defineAgent, defineFlow, defineTool, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { callsByAgent, expectEnding, spend, totalTokens } from './scenario.js';
import { Patch, Task, verifiedFlow } from './verify-flow.js';

const Rework = Type.Object(
  { issue: Type.String(), notes: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
const Review = Type.Object({ approved: Type.Boolean() }, { additionalProperties: false });

describe('FM-1.3 step repetition', () => {
  it('ends loop_detected when a coder sends the reviewer the patch it already rejected', async () => {
    const model = scripted([
      { agent: 'coder', handoff: 'reviewer', payload: { patch: 'return a - b' }, ...spend(301, 27) },
      {
        agent: 'reviewer',
        handoff: 'coder',
        payload: { issue: 'sum() subtracts', notes: 'still subtracts' },
        ...spend(288, 31),
      },
      { agent: 'coder', handoff: 'reviewer', payload: { patch: 'return a - b' }, ...spend(352, 27) },
    ]);
    const coder = defineAgent({
      name: 'coder',
      description: 'Writes a patch.',
      input: Rework,
      instructions: 'Write the patch and hand it to the reviewer.',
      model,
    });
    const reviewer = defineAgent({
      name: 'reviewer',
      description: 'Reviews a patch.',
      input: Patch,
      output: Review,
      instructions: 'Approve the patch, or send it back with notes.',
      model,
    });
    const flow = defineFlow({
      id: 'bounce',
      input: Task,
      output: Review,
      start: 'coder',
      agents: [coder, reviewer],
      routes: { coder: ['reviewer'], reviewer: ['coder'] },
      finish: ['reviewer'],
      limits: { handoffs: 10, visits: 5 },
    });
    const result = await runFlow(flow, { issue: 'sum() subtracts' });
    expectEnding(result, 'escalated', 'loop_detected', 'FM-1.3');
    expect(result.status === 'escalated' && result.reason.agent).toBe('coder');
    // Stopped before the reviewer was paid to read the same patch again.
    expect(callsByAgent(model)).toEqual({ coder: 2, reviewer: 1 });
    expect(totalTokens(result)).toBe(301 + 27 + 288 + 31 + 352 + 27);
    model.assertComplete();
  });

  it('answers a repeated identical tool call from the earlier result, then ends loop_detected past budget.repeats', async () => {
    const runs: string[] = [];
    const search = defineTool({
      name: 'search',
      description: 'Searches the code.',
      input: Type.Object({ query: Type.String() }, { additionalProperties: false }),
      run: ({ input }) => {
        runs.push(input.query);
        return { hits: ['src/sum.ts:3'] };
      },
    });
    const again = { agent: 'coder', tool: 'search', args: { query: 'sum' } } as const;
    const model = scripted([
      { ...again, ...spend(240, 17) },
      { ...again, ...spend(281, 17) },
      { ...again, ...spend(322, 17) },
    ]);
    const coder = defineAgent({
      name: 'coder',
      description: 'Writes a patch.',
      input: Task,
      output: Patch,
      instructions: 'Find the code, then finish with the patch.',
      model,
      tools: [search],
      budget: { turns: 10, repeats: 1 },
    });
    const flow = defineFlow({
      id: 'search',
      input: Task,
      output: Patch,
      start: 'coder',
      agents: [coder],
      finish: ['coder'],
    });
    const result = await runFlow(flow, { issue: 'sum() subtracts' });
    expectEnding(result, 'escalated', 'loop_detected', 'FM-1.3');
    expect(runs).toEqual(['sum']);
    expect(callsByAgent(model)).toEqual({ coder: 3 });
    expect(totalTokens(result)).toBe(240 + 17 + 281 + 17 + 322 + 17);
    model.assertComplete();
  });

  describe('a coder and a reviewer in a verify loop', () => {
    it('ends verification_failed when the coder rewords a rejected patch and the same check still fails', async () => {
      const model = scripted([
        { agent: 'coder', finish: { patch: 'return a - b; // fixed' }, ...spend(333, 44) },
        { agent: 'coder', finish: { patch: 'return (a - b); // really fixed now' }, ...spend(421, 47) },
      ]);
      const result = await runFlow(verifiedFlow(model, 5), { issue: 'sum() subtracts' });
      expectEnding(result, 'escalated', 'verification_failed', 'FM-3.3');
      expect(result.status === 'escalated' && result.reason.message).toContain('made no progress');
      // Round 2 made no progress, so the loop stopped two rounds into five; the judge was never paid.
      expect(callsByAgent(model)).toEqual({ coder: 2 });
      expect(totalTokens(result)).toBe(333 + 44 + 421 + 47);
      model.assertComplete();
    });

    it('keeps the best result when an editing loop gets worse each round, and says so in the ending', async () => {
      const has = (id: string, word: string): Criterion => ({
        id,
        description: `The patch ${word}.`,
        check: ({ output }) => (output as { patch: string }).patch.includes(word) || `no ${word}`,
      });
      const criteria = [has('typed', 'number'), has('named', 'sum'), has('tested', 'test')];
      const model = scripted([
        { agent: 'coder', finish: { patch: 'sum(a: number, b: number)' }, ...spend(512, 66) },
        { agent: 'coder', finish: { patch: 'sum(a, b)' }, ...spend(640, 38) },
      ]);
      const result = await runFlow(verifiedFlow(model, 5, criteria), { issue: 'sum() subtracts' });
      expectEnding(result, 'escalated', 'verification_failed', 'FM-3.3');
      expect(result.status === 'escalated' && result.reason.message).toContain(
        'Round 2 of verification passed 1 of 3 criteria, no more than round 1 (2)',
      );
      expect(result.status === 'escalated' && result.partial).toEqual({ patch: 'sum(a: number, b: number)' });
      expect(callsByAgent(model)).toEqual({ coder: 2 });
      expect(totalTokens(result)).toBe(512 + 66 + 640 + 38);
      model.assertComplete();
    });
  });
});
