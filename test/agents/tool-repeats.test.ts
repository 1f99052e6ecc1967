import { defineAgent, defineFlow, defineTool, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';

const Task = Type.Object({ city: Type.String() });
const Report = Type.Object({ text: Type.String() });

/** A weather tool that counts its runs, and a flow whose one agent calls it as `calls` says, then finishes. */
function weatherFlow(calls: readonly unknown[], options: { repeatable?: boolean; repeats?: number } = {}) {
  const ran: unknown[] = [];
  const weather = defineTool({
    name: 'weather',
    description: 'The weather in a city.',
    input: Type.Object({ city: Type.String(), unit: Type.Optional(Type.String()) }),
    ...(options.repeatable ? { repeatable: true } : {}),
    run: ({ input }) => {
      ran.push(input);
      return { city: input.city, sky: `clear (run ${ran.length})` };
    },
  });
  const model = scripted([...calls.map((args) => ({ tool: 'weather', args })), { finish: { text: 'done' } }]);
  const agent = defineAgent({
    name: 'forecaster',
    description: 'Forecasts.',
    input: Task,
    instructions: 'Look the weather up, then finish.',
    model,
    tools: [weather],
    budget: { turns: 10, ...(options.repeats !== undefined ? { repeats: options.repeats } : {}) },
  });
  const flow = defineFlow({
    id: 'weather',
    input: Task,
    output: Report,
    start: 'forecaster',
    agents: [agent],
    finish: ['forecaster'],
  });
  return { flow, model, ran };
}

const lastTool = (messages: readonly { role: string; content?: string }[]) =>
  [...messages].reverse().find((m) => m.role === 'tool')?.content;

describe('repeated tool calls in a visit', () => {
  it('answers an identical call (same arguments in any key order) from the earlier result, without running it', async () => {
    const { flow, model, ran } = weatherFlow([
      { city: 'Oslo', unit: 'C' },
      { unit: 'C', city: 'Oslo' },
    ]);
    const result = await runFlow(flow, { city: 'Oslo' });
    expect(result.status).toBe('done');
    expect(ran).toHaveLength(1);
    expect(lastTool(model.requests[2]!.messages)).toBe(
      'You made this same call before; its result was: {"city":"Oslo","sky":"clear (run 1)"}',
    );
  });

  it('runs a call with other arguments, and a repeatable tool every time', async () => {
    const other = weatherFlow([{ city: 'Oslo' }, { city: 'Bergen' }]);
    await runFlow(other.flow, { city: 'Oslo' });
    expect(other.ran).toHaveLength(2);
    const polled = weatherFlow([{ city: 'Oslo' }, { city: 'Oslo' }, { city: 'Oslo' }, { city: 'Oslo' }], {
      repeatable: true,
    });
    expect((await runFlow(polled.flow, { city: 'Oslo' })).status).toBe('done');
    expect(polled.ran).toHaveLength(4);
  });

  it('ends loop_detected before the repeat past budget.repeats, with the tool run once', async () => {
    const { flow, ran } = weatherFlow(
      [{ city: 'Oslo' }, { city: 'Oslo' }, { city: 'Oslo' }, { city: 'Oslo' }],
      {
        repeats: 2,
      },
    );
    const result = await runFlow(flow, { city: 'Oslo' });
    expect(result.status).toBe('escalated');
    expect(result.status === 'escalated' && result.reason).toMatchObject({
      code: 'loop_detected',
      mast: ['FM-1.3'],
      agent: 'forecaster',
    });
    expect(ran).toHaveLength(1);
  });

  it('runs a call again when its earlier result was an error: a transient failure may pass', async () => {
    let failures = 1;
    const flaky = defineTool({
      name: 'flaky',
      description: 'Fails once.',
      input: Type.Object({}),
      run: () => {
        if (failures-- > 0) throw new Error('timeout');
        return 'ok';
      },
    });
    const agent = defineAgent({
      name: 'caller',
      description: 'Calls.',
      input: Task,
      instructions: 'Call, then finish.',
      model: scripted([
        { tool: 'flaky', args: {} },
        { tool: 'flaky', args: {} },
        { finish: { text: 'done' } },
      ]),
      tools: [flaky],
    });
    const flow = defineFlow({
      id: 'flaky',
      input: Task,
      output: Report,
      start: 'caller',
      agents: [agent],
      finish: ['caller'],
    });
    expect((await runFlow(flow, { city: 'x' })).status).toBe('done');
    expect(failures).toBe(-1);
  });
});
