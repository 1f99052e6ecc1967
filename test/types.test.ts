import Type from 'typebox';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AgentEvent,
  defineAgent,
  defineFlow,
  type Infer,
  jsonSchema,
  type RunEnv,
  type RunEvent,
  type RunEventSink,
  runFlow,
} from '../index.js';
import { scripted } from '../testing.js';

// Type-level tests: these fail to compile (npm run typecheck) when the static types drift.

const Ticket = Type.Object({ id: Type.String(), priority: Type.Optional(Type.Integer()) });
const Reply = Type.Object({ ticketId: Type.String(), text: Type.String() });

describe('static types', () => {
  it('gives every agent event its step, and a run environment a sink for them', () => {
    expectTypeOf<AgentEvent['step']>().toEqualTypeOf<number>();
    expectTypeOf<Extract<RunEvent, { type: 'model.replied' }>['step']>().toEqualTypeOf<number>();
    expectTypeOf<Extract<RunEvent, { type: 'tool.called' }>['seq']>().toEqualTypeOf<number>();
    expectTypeOf<RunEnv['events']>().toEqualTypeOf<RunEventSink | undefined>();
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
