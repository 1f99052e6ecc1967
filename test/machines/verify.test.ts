import {
  type AnyAgent,
  type Criterion,
  check,
  defineAgent,
  defineFlow,
  defineJudge,
  type ModelRequest,
  runFlow,
} from 'baton-flow';
import { type ScriptStep, scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';

const Task = Type.Object({ n: Type.Number() });
const Code = Type.Object({ patch: Type.String() });
type Code = { patch: string };

/** Criteria: the tests pass (a deterministic check on the patch), and the patch is readable (judged). */
const patchOf = (output: unknown) => (output as Code).patch;
const testsPass: Criterion = {
  id: 'tests-pass',
  description: 'The test suite passes.',
  check: ({ output }) => patchOf(output).includes('fixed') || `tests fail on "${patchOf(output)}"`,
};
const hasDocs: Criterion = {
  id: 'has-docs',
  description: 'The patch documents what it changes.',
  check: ({ output }) => patchOf(output).includes('docs') || 'no docs',
};
const readable: Criterion = { id: 'readable', description: 'The patch is readable.', judge: true };

/** A coder that finishes with the patches given, one per attempt. */
function coder(patches: readonly string[]) {
  const model = scripted(patches.map((patch): ScriptStep => ({ finish: { patch } })));
  const agent = defineAgent({
    name: 'coder',
    description: 'Writes patches.',
    input: Task,
    output: Code,
    instructions: 'Write the patch.',
    model,
    budget: { turns: 10 },
  });
  return { agent, model };
}

function judge(verdicts: readonly (readonly { id: string; pass: boolean; evidence: string }[])[]) {
  const model = scripted(verdicts.map((v): ScriptStep => ({ finish: { verdicts: v } })));
  return { agent: defineJudge({ name: 'judge', instructions: 'Judge strictly.', model }), model };
}

function codeFlow(worker: AnyAgent, criteria: readonly Criterion[], judgeAgent?: AnyAgent, rounds?: number) {
  return defineFlow({
    id: 'code',
    input: Task,
    output: Code,
    start: 'coder',
    agents: [worker],
    finish: ['coder'],
    verify: {
      criteria: criteria as readonly Criterion<{ n: number }, Code>[],
      ...(judgeAgent ? { judge: judgeAgent } : {}),
      ...(rounds !== undefined ? { rounds } : {}),
    },
  });
}

const lastMessage = (request: Pick<ModelRequest, 'messages'>) => {
  const last = request.messages[request.messages.length - 1];
  return last?.role === 'tool' ? last.content : '';
};

describe('the verify stage', () => {
  it('sends failed criteria back to the worker as feedback, and reaches done once they pass', async () => {
    const { agent, model } = coder(['first try', 'fixed, with docs']);
    const result = await runFlow(codeFlow(agent, [testsPass, hasDocs]), { n: 1 });
    expect(result.status === 'done' && result.output).toEqual({ patch: 'fixed, with docs' });
    expect(lastMessage(model.requests[1]!)).toBe(
      [
        'Not accepted (round 1 of 3). These criteria failed:',
        '- tests-pass (check): tests fail on "first try"',
        '- has-docs (check): no docs',
        'Fix them and finish again.',
      ].join('\n'),
    );
    expect(check(codeFlow(agent, [testsPass, hasDocs])).filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('never reaches done when the judge approves a result a deterministic check failed; the judge is not even asked', async () => {
    const { agent } = coder(['broken', 'still broken']);
    const approving = judge([
      [{ id: 'readable', pass: true, evidence: 'looks fine' }],
      [{ id: 'readable', pass: true, evidence: 'looks fine' }],
    ]);
    const result = await runFlow(codeFlow(agent, [testsPass, readable], approving.agent), { n: 1 });
    expect(result.status).toBe('escalated');
    expect(result.status === 'escalated' && result.reason.code).toBe('verification_failed');
    expect(approving.model.requests).toHaveLength(0);
  });

  it('asks the judge only once the checks pass, handing it the result and the criteria alone', async () => {
    const { agent } = coder(['fixed: a clear patch']);
    const approving = judge([[{ id: 'readable', pass: true, evidence: 'clear names' }]]);
    const result = await runFlow(codeFlow(agent, [testsPass, readable], approving.agent), { n: 1 });
    expect(result.status === 'done' && result.output).toEqual({ patch: 'fixed: a clear patch' });
    const [request] = approving.model.requests;
    expect(request!.input).toEqual({
      result: { patch: 'fixed: a clear patch' },
      criteria: [{ id: 'readable', description: 'The patch is readable.' }],
    });
    expect(request!.messages).toEqual([]);
    expect(result.path).toEqual(['coder', 'done']);
    // The worker ⇄ judge loop is bounded by verify.rounds: check proves the flow ends.
    expect(check(codeFlow(agent, [testsPass, readable], approving.agent))).toEqual([]);
  });

  it('fails closed: a judge that leaves a criterion unjudged is verification_incomplete', async () => {
    const { agent } = coder(['fixed']);
    const silent = judge([[{ id: 'something-else', pass: true, evidence: 'n/a' }]]);
    const result = await runFlow(codeFlow(agent, [testsPass, readable], silent.agent), { n: 1 });
    expect(result.status === 'escalated' && result.reason).toMatchObject({
      code: 'verification_incomplete',
      mast: ['FM-3.2'],
    });
    expect(result.status === 'escalated' && result.partial).toEqual({ patch: 'fixed' });
  });

  it('counts a check that throws or returns the wrong type as a failure that says so', async () => {
    const throws: Criterion = {
      id: 'throws',
      description: 'x',
      check: () => {
        throw new Error('boom');
      },
    };
    const number: Criterion = { id: 'number', description: 'x', check: () => 1 as unknown as boolean };
    // A value with no prototype cannot be turned into text; a rejected Promise nobody awaits must not
    // surface as an unhandled rejection (which ends a Node process).
    const bare: Criterion = {
      id: 'bare',
      description: 'x',
      check: () => {
        throw Object.create(null);
      },
    };
    const later: Criterion = {
      id: 'later',
      description: 'x',
      check: () => Promise.reject(new Error('too late')) as unknown as boolean,
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const { agent, model } = coder(['a', 'b']);
    const result = await runFlow(codeFlow(agent, [throws, number, bare, later], undefined, 2), { n: 1 });
    await new Promise((done) => setTimeout(done, 10));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
    expect(result.status === 'escalated' && result.reason.code).toBe('verification_failed');
    expect(lastMessage(model.requests[1]!)).toContain('- throws (check): the check threw: boom');
    expect(lastMessage(model.requests[1]!)).toContain('- number (check): the check returned a number');
    expect(lastMessage(model.requests[1]!)).toContain('- bare (check): the check threw: [object Object]');
    expect(lastMessage(model.requests[1]!)).toContain('- later (check): the check returned an object');
  });

  it('keeps the best result when a round gets worse, stops, and says so in the ending', async () => {
    // Round 1 passes one criterion (docs); round 2 passes none: worse, so the loop stops with round 1's result.
    const { agent, model } = coder(['with docs', 'rewritten']);
    const result = await runFlow(codeFlow(agent, [testsPass, hasDocs], undefined, 5), { n: 1 });
    expect(result.status).toBe('escalated');
    expect(result.status === 'escalated' && result.reason.code).toBe('verification_failed');
    expect(result.status === 'escalated' && result.reason.message).toContain(
      'Round 2 of verification passed 0 of 2 criteria, no more than round 1 (1): the loop made no progress and stops.',
    );
    expect(result.status === 'escalated' && result.reason.message).toContain(
      'The best result (round 1, 1 of 2',
    );
    expect(result.status === 'escalated' && result.partial).toEqual({ patch: 'with docs' });
    expect(model.requests).toHaveLength(2);
  });

  it('stops after its rounds when every round improves but never passes', async () => {
    const { agent } = coder(['nothing', 'docs', 'docs and more docs']);
    const result = await runFlow(codeFlow(agent, [testsPass, hasDocs], undefined, 2), { n: 1 });
    expect(result.status === 'escalated' && result.reason.message).toContain(
      'Verification failed after 2 rounds (limit 2).',
    );
    expect(result.status === 'escalated' && result.partial).toEqual({ patch: 'docs' });
  });

  it('refuses at definition a stage that could verify nothing', () => {
    const { agent } = coder([]);
    const make = (criteria: readonly Criterion[], judgeAgent?: AnyAgent) => () =>
      codeFlow(agent, criteria, judgeAgent);
    expect(make([])).toThrow(/at least one criterion/);
    expect(make([{ id: 'a', description: 'x' }])).toThrow(/criterion "a" has no check/);
    expect(make([readable])).toThrow(/names no judge/);
    expect(make([testsPass, testsPass])).toThrow(/two criteria with the id "tests-pass"/);
    const plain = defineAgent({
      name: 'judge',
      description: 'Sees too much.',
      input: Task,
      instructions: 'Judge.',
      model: scripted([]),
    });
    expect(make([readable], plain)).toThrow(/must be made with defineJudge/);
  });

  it("takes a model for the judge from runFlow's models option, by the judge's name", async () => {
    const { agent } = coder(['fixed']);
    const own = judge([]);
    const swapped = scripted([{ finish: { verdicts: [{ id: 'readable', pass: true, evidence: 'short' }] } }]);
    const result = await runFlow(
      codeFlow(agent, [testsPass, readable], own.agent),
      { n: 1 },
      { models: { judge: swapped } },
    );
    expect(result.status).toBe('done');
    expect(swapped.requests).toHaveLength(1);
    expect(own.model.requests).toHaveLength(0);
  });
});
