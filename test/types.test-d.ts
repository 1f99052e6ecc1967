import {
  type AgentEvent,
  type AgentEventSink,
  defineAgent,
  defineFlow,
  type Infer,
  jsonSchema,
  type RunEvent,
  runFlow,
  type Usage,
} from 'baton-flow';
import type { RunEnv, RunEventSink } from 'baton-flow/parts';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { assertType, describe, expectTypeOf, it } from 'vitest';

// Type-level tests: Vitest's typecheck runs tsc on this file (see vite.config.ts), and a failing
// assertion fails `npm test`. Nothing here runs.

const Ticket = Type.Object({ id: Type.String(), priority: Type.Optional(Type.Integer()) });
const Reply = Type.Object({ ticketId: Type.String(), text: Type.String() });

describe('static types', () => {
  it('gives every agent event its step, and a run environment a sink for them', () => {
    expectTypeOf<AgentEvent['step']>().toEqualTypeOf<number>();
    expectTypeOf<Extract<RunEvent, { type: 'model.replied' }>['step']>().toEqualTypeOf<number>();
    expectTypeOf<Extract<RunEvent, { type: 'tool.called' }>['seq']>().toEqualTypeOf<number>();
    expectTypeOf<RunEnv['events']>().toEqualTypeOf<RunEventSink | undefined>();
    expectTypeOf<RunEventSink>().toExtend<AgentEventSink>();
  });

  it('marks estimated usage with a literal true, and only optionally', () => {
    expectTypeOf<Usage['estimated']>().toEqualTypeOf<true | undefined>();
    assertType<Usage>({ inputTokens: 1, outputTokens: 2 });
    // @ts-expect-error `estimated` is `true` or absent, never `false`
    assertType<Usage>({ inputTokens: 1, outputTokens: 2, estimated: false });
  });

  it('infers value types from TypeBox schemas and from jsonSchema declarations', () => {
    expectTypeOf<Infer<typeof Ticket>>().toEqualTypeOf<{ id: string; priority?: number }>();
    const Point = jsonSchema<{ x: number; y: number }>({ type: 'object' });
    expectTypeOf<Infer<typeof Point>>().toEqualTypeOf<{ x: number; y: number }>();
  });

  it("types an agent's input and output and a flow's result from their schemas", async () => {
    const agent = defineAgent({
      name: 'writer',
      description: 'Writes.',
      input: Ticket,
      output: Reply,
      instructions: 'Write.',
      model: scripted([]),
    });
    expectTypeOf(agent.name).toEqualTypeOf<'writer'>();
    const flow = defineFlow({
      id: 'typed',
      input: Ticket,
      output: Reply,
      start: 'writer',
      agents: [agent],
      finish: ['writer'],
      done: ({ input, output }) => {
        expectTypeOf(input).toEqualTypeOf<{ id: string; priority?: number }>();
        expectTypeOf(output).toEqualTypeOf<{ ticketId: string; text: string }>();
        return true;
      },
    });
    const result = await runFlow(
      flow,
      { id: 'T-1' },
      { models: scripted([{ finish: { ticketId: 'T-1', text: 'hi' } }]) },
    );
    if (result.status === 'done')
      expectTypeOf(result.output).toEqualTypeOf<{ ticketId: string; text: string }>();
    // @ts-expect-error the input must fit the flow's input type
    await runFlow(flow, { id: 1 }, { models: scripted([]) });
  });
});
