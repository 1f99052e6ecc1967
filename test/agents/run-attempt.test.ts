import { defineAgent, defineFlow, defineStep, defineTool, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { Report, Work, work } from '../helpers/flows.js';

const calls: unknown[] = [];
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a ticket up.',
  input: Type.Object({ id: Type.String() }, { additionalProperties: false }),
  run: ({ input }) => {
    calls.push(input);
    if (input.id === 'boom') throw new Error('database down');
    return { id: input.id, state: 'open' };
  },
});

function soloFlow(model = scripted([])) {
  const solo = defineAgent({
    name: 'solo',
    description: 'Works alone.',
    input: Work,
    instructions: 'Work.',
    model,
    tools: [lookup],
  });
  return defineFlow({
    id: 'solo',
    input: Work,
    output: Report,
    start: 'solo',
    agents: [solo],
    finish: ['solo'],
  });
}

const report = { ticketId: 'T-1', summary: 's' };

describe('the agent turn loop', () => {
  it('runs its own tools with validated arguments and returns their results to the model', async () => {
    calls.length = 0;
    const model = scripted([
      { tool: 'lookup', args: { id: 'T-1' } },
      { tool: 'lookup', args: { id: 7 } },
      { tool: 'lookup', args: { id: 'boom' } },
      { finish: report },
    ]);
    const result = await runFlow(soloFlow(), work(0), { models: model });
    expect(result.status).toBe('done');
    expect(calls).toEqual([{ id: 'T-1' }, { id: 'boom' }]);
    const last = model.requests.at(-1)!.messages.filter((m) => m.role === 'tool');
    expect(last.map((m) => m.role === 'tool' && [m.isError, m.content])).toEqual([
      [false, '{"id":"T-1","state":"open"}'],
      [true, expect.stringContaining('/id: must be string')],
      [true, 'The tool failed: database down'],
    ]);
    const toolEvents = result.events.filter((e) => e.type === 'tool.returned');
    expect(toolEvents.map((e) => e.type === 'tool.returned' && e.ok)).toEqual([true, false, false]);
  });

  it('rejects malformed tool arguments without running the tool', async () => {
    calls.length = 0;
    const model = scripted([
      {
        reply: {
          text: '',
          toolCalls: [{ id: 'x', name: 'lookup', arguments: '{"id": ', malformed: true }],
          stop: 'tool_calls',
        },
      },
      { finish: report },
    ]);
    await runFlow(soloFlow(), work(0), { models: model });
    expect(calls).toEqual([]);
    expect(model.requests[1]!.messages.at(-1)).toMatchObject({
      role: 'tool',
      isError: true,
      content: expect.stringContaining('not valid JSON'),
    });
  });

  it('asks for a decision when the model replies without a tool call', async () => {
    const model = scripted([{ text: 'I think we are done.' }, { finish: report }]);
    const result = await runFlow(soloFlow(), work(0), { models: model });
    expect(result.status).toBe('done');
    expect(model.requests[1]!.messages.at(-1)).toEqual({
      role: 'user',
      content: 'You replied without calling a tool. Decide by calling exactly one of: finish.',
    });
  });

  it('tells the model when its reply was cut off by the token cap', async () => {
    const model = scripted([{ text: 'partial', stop: 'length' }, { finish: report }]);
    await runFlow(soloFlow(), work(0), { models: model });
    expect(model.requests[1]!.messages.at(-1)).toMatchObject({
      role: 'user',
      content: expect.stringContaining('cut off by the output-token cap'),
    });
  });

  it('refuses two decisions in one reply and lets the model pick one', async () => {
    const model = scripted([
      {
        calls: [
          { tool: 'finish', args: report },
          { tool: 'finish', args: report },
        ],
      },
      { finish: report },
    ]);
    const result = await runFlow(soloFlow(), work(0), { models: model });
    expect(result.status).toBe('done');
    expect(model.requests[1]!.messages.filter((m) => m.role === 'tool' && m.isError)).toHaveLength(2);
  });

  it('ends with tool_not_allowed when the model keeps calling a tool the agent does not own', async () => {
    const step = { tool: 'delete_database', args: {} } as const;
    const model = scripted([step, step, step]);
    const result = await runFlow(soloFlow(), work(0), { models: model });
    expect(result.status).toBe('failed');
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'tool_not_allowed',
      mast: ['FM-1.2'],
    });
    expect(result.status !== 'done' && result.reason.message).toContain(
      'called "delete_database", which it does not own',
    );
    expect(model.requests).toHaveLength(3);
    const answers = model.requests[1]!.messages.filter((m) => m.role === 'tool');
    expect(answers).toEqual([
      expect.objectContaining({
        callId: 'call_1',
        name: 'delete_database',
        isError: true,
        content: expect.stringContaining('does not own'),
      }),
    ]);
  });

  it('sends the request the port describes: instructions, input, tools, required tool choice, cap and a stable key', async () => {
    const model = scripted([{ finish: report }]);
    await runFlow(soloFlow(), work(0), { models: model, runId: 'run-x' });
    const [request] = model.requests;
    expect(request).toEqual({
      agent: 'solo',
      instructions: 'Work.',
      input: work(0),
      messages: [],
      tools: [
        expect.objectContaining({ name: 'lookup', kind: 'tool' }),
        expect.objectContaining({ name: 'finish', kind: 'finish', parameters: Report }),
      ],
      toolChoice: 'required',
      maxOutputTokens: 4096,
      idempotencyKey: 'run-x:1:1',
    });
  });
  it('numbers the turns of a visit in its keys and events', async () => {
    const model = scripted([{ tool: 'lookup', args: { id: 'T-1' } }, { finish: report }]);
    const result = await runFlow(soloFlow(), work(0), { models: model, runId: 'run-x' });
    expect(model.requests.map((r) => r.idempotencyKey)).toEqual(['run-x:1:1', 'run-x:1:2']);
    const turns = result.events.flatMap((e) =>
      e.type === 'model.called' || e.type === 'model.replied' ? [`${e.type}:${e.turn}`] : [],
    );
    expect(turns).toEqual(['model.called:1', 'model.replied:1', 'model.called:2', 'model.replied:2']);
  });
});

describe('code steps', () => {
  it('hands a step’s output to its route without calling a model', async () => {
    const prepare = defineStep({
      name: 'prepare',
      description: 'Adds a note.',
      input: Work,
      output: Work,
      run: ({ input }) => ({ ...input, notes: [...input.notes, 'prepared'], step: input.step + 1 }),
    });
    const model = scripted([{ agent: 'writer', finish: report }]);
    const writer = defineAgent({
      name: 'writer',
      description: 'Writes.',
      input: Work,
      instructions: 'Write.',
      model,
    });
    const flow = defineFlow({
      id: 'prep',
      input: Work,
      output: Report,
      start: 'prepare',
      agents: [prepare, writer],
      routes: { prepare: ['writer'] },
      finish: ['writer'],
    });
    const result = await runFlow(flow, work(0));
    expect(result.status).toBe('done');
    expect(model.requests[0]!.input).toEqual(work(1, ['prepared']));
    expect(result.usage.turns).toBe(1);
  });

  it('fails a step whose output breaks the target’s contract without retrying it', async () => {
    let runs = 0;
    const prepare = defineStep({
      name: 'prepare',
      description: 'Adds a note.',
      input: Work,
      output: Work,
      run: ({ input }) => {
        runs += 1;
        return { ...input, step: -1 };
      },
    });
    const writer = defineAgent({
      name: 'writer',
      description: 'Writes.',
      input: Work,
      instructions: 'Write.',
      model: scripted([]),
    });
    const flow = defineFlow({
      id: 'prep',
      input: Work,
      output: Report,
      start: 'prepare',
      agents: [prepare, writer],
      routes: { prepare: ['writer'] },
      finish: ['writer'],
    });
    const result = await runFlow(flow, work(0));
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'contract_violation',
      agent: 'prepare',
    });
    expect(runs).toBe(1);
  });
});

describe('malformed decisions', () => {
  it('sends a cut-off finish back as invalid JSON within the visit, then accepts the retry', async () => {
    const model = scripted([
      {
        reply: {
          text: '',
          toolCalls: [{ id: 'f1', name: 'finish', arguments: '{"ticketId": "T-1", "summ', malformed: true }],
          stop: 'length',
        },
      },
      { finish: report },
    ]);
    const result = await runFlow(soloFlow(), work(0), { models: model });
    expect(result.status).toBe('done');
    expect(model.requests[1]!.messages.at(-1)).toEqual({
      role: 'tool',
      callId: 'f1',
      name: 'finish',
      content:
        'Rejected: the arguments are not valid JSON. The reply was cut off by the output-token cap: say less. Call the tool again.',
      isError: true,
    });
  });
});
