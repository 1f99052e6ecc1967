import { defineAgent, defineFlow, defineTool, type ModelRequest, runFlow } from 'baton-flow';
import { type ScriptStep, scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';

const Task = Type.Object({
  file: Type.String(),
  feedback: Type.Optional(Type.Array(Type.Object({ id: Type.String(), text: Type.String() }))),
});
const Claim = Type.Object({ kind: Type.String(), target: Type.Optional(Type.String()) });
const Answer = Type.Object({
  id: Type.String(),
  status: Type.String(),
  reason: Type.Optional(Type.String()),
});
const Done = Type.Object({
  summary: Type.String(),
  claims: Type.Array(Claim),
  addressed: Type.Optional(Type.Array(Answer)),
});

const lastTool = (request: Pick<ModelRequest, 'messages'>) => {
  const last = request.messages[request.messages.length - 1];
  return last?.role === 'tool' ? last.content : '';
};

/** A coder with an edit tool, whose claims must be backed and whose feedback must be answered. */
function coderFlow(steps: readonly ScriptStep[], edits: string[] = []) {
  const edit = defineTool({
    name: 'edit_file',
    description: 'Edits a file.',
    input: Type.Object({ path: Type.String() }),
    run: ({ input }) => {
      if (input.path === 'locked.ts') throw new Error('read-only');
      edits.push(input.path);
      return 'edited';
    },
  });
  const model = scripted(steps);
  const coder = defineAgent({
    name: 'coder',
    description: 'Edits code.',
    input: Task,
    output: Done,
    instructions: 'Edit, then finish with your claims.',
    model,
    tools: [edit],
    budget: { turns: 8 },
    claims: { field: 'claims', backedBy: { edited: 'edit_file' } },
    feedback: { items: 'feedback', answers: 'addressed' },
  });
  const flow = defineFlow({
    id: 'coding',
    input: Task,
    output: Done,
    start: 'coder',
    agents: [coder],
    finish: ['coder'],
  });
  return { flow, model };
}

describe('claims against evidence', () => {
  it('accepts a claim backed by a successful call of its tool on that target', async () => {
    const { flow } = coderFlow([
      { tool: 'edit_file', args: { path: 'a.ts' } },
      { finish: { summary: 'done', claims: [{ kind: 'edited', target: 'a.ts' }] } },
    ]);
    expect((await runFlow(flow, { file: 'a.ts' })).status).toBe('done');
  });

  it('sends back a claim with no call behind it, then ends action_mismatch (FM-2.6) when the repairs run out', async () => {
    const lie = { finish: { summary: 'done', claims: [{ kind: 'edited', target: 'a.ts' }] } };
    const { flow, model } = coderFlow([lie, lie, lie]);
    const result = await runFlow(flow, { file: 'a.ts' });
    expect(result.status === 'failed' && result.reason).toMatchObject({
      code: 'action_mismatch',
      mast: ['FM-2.6'],
    });
    expect(lastTool(model.requests[1]!)).toContain(
      '- edited "a.ts" (no successful call of "edit_file" with it in this visit)',
    );
  });

  it('does not count a call on another target, or a call that failed', async () => {
    const { flow } = coderFlow([
      { tool: 'edit_file', args: { path: 'b.ts' } },
      { tool: 'edit_file', args: { path: 'locked.ts' } },
      { finish: { summary: 'done', claims: [{ kind: 'edited', target: 'a.ts' }] } },
      { finish: { summary: 'done', claims: [{ kind: 'edited', target: 'locked.ts' }] } },
      { finish: { summary: 'done', claims: [{ kind: 'tested' }] } },
    ]);
    const result = await runFlow(flow, { file: 'a.ts' });
    expect(result.status === 'failed' && result.reason.code).toBe('action_mismatch');
    expect(result.status === 'failed' && result.reason.message).toContain(
      'no tool backs a claim of this kind',
    );
  });
});

describe('feedback that must be answered', () => {
  const review = {
    file: 'a.ts',
    feedback: [
      { id: 'F1', text: 'rename x' },
      { id: 'F2', text: 'add a test' },
    ],
  };

  it('accepts every item fixed, or declined with a reason', async () => {
    const { flow } = coderFlow([
      {
        finish: {
          summary: 'done',
          claims: [],
          addressed: [
            { id: 'F1', status: 'fixed' },
            { id: 'F2', status: 'declined', reason: 'covered by the existing suite' },
          ],
        },
      },
    ]);
    expect((await runFlow(flow, review)).status).toBe('done');
  });

  it('sends back an ignored item or a decline without a reason, then ends input_ignored (FM-2.5)', async () => {
    const ignoring = {
      finish: {
        summary: 'done',
        claims: [],
        addressed: [
          { id: 'F1', status: 'fixed' },
          { id: 'F2', status: 'declined' },
        ],
      },
    };
    const { flow, model } = coderFlow([ignoring, ignoring, ignoring]);
    const result = await runFlow(flow, review);
    expect(result.status === 'failed' && result.reason).toMatchObject({
      code: 'input_ignored',
      mast: ['FM-2.5'],
    });
    expect(lastTool(model.requests[1]!)).toContain('Feedback item "F2" is not answered.');
  });

  it('asks nothing of an input without feedback', async () => {
    const { flow } = coderFlow([{ finish: { summary: 'first pass', claims: [] } }]);
    expect((await runFlow(flow, { file: 'a.ts' })).status).toBe('done');
  });

  it('refuses at definition a claim kind backed by a tool the agent does not own', () => {
    expect(() =>
      defineAgent({
        name: 'x',
        description: 'X.',
        input: Task,
        instructions: 'X.',
        model: scripted([]),
        claims: { field: 'claims', backedBy: { edited: 'edit_file' } },
      }),
    ).toThrow(/backed by "edit_file", which is not one of its tools/);
  });
});
