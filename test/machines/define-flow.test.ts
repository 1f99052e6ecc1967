import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { BatonError, defineAgent, defineFlow, defineStep, isBatonError } from '../../index.js';
import { scripted } from '../../testing.js';
import { chainAgent, chainFlow, Report, Work } from '../helpers/flows.js';

function definitionError(build: () => unknown): BatonError {
  try {
    build();
  } catch (error) {
    if (isBatonError(error)) return error;
    throw error;
  }
  throw new Error('expected a definition error');
}

const base = { id: 'f', input: Work, output: Report, start: 'a', finish: ['b'] } as const;

describe('defineFlow', () => {
  it('compiles to an XState machine with one state per agent and the four final states', () => {
    const flow = chainFlow();
    expect(flow.machine.id).toBe('chain');
    expect(Object.keys(flow.machine.states)).toEqual([
      'start',
      'a',
      'b',
      'c',
      'd',
      'e',
      'done',
      'escalated',
      'failed',
      'cancelled',
    ]);
    expect(flow.machine.states.done?.type).toBe('final');
  });

  it('offers each agent one handoff tool per route with the target’s input schema, and finish to finishers', () => {
    const flow = chainFlow();
    const aTools = flow.tools.get('a')!;
    expect(aTools.map((t) => t.name)).toEqual(['handoff_to_b']);
    expect(aTools[0]!.parameters).toBe(Work);
    expect(aTools[0]!.description).toContain('Does the b part of the work.');
    expect(flow.tools.get('e')!.map((t) => [t.name, t.parameters])).toEqual([['finish', Report]]);
  });

  it('rejects a route to an unknown agent, naming the flow, the agent and the fix', () => {
    const error = definitionError(() =>
      defineFlow({ ...base, agents: [chainAgent('a'), chainAgent('b')], routes: { a: ['b', 'x' as 'b'] } }),
    );
    expect(error.code).toBe('invalid_flow');
    expect(error.message).toBe(
      'Flow "f": agent "a" routes to "x", which is not in `agents` (a, b). Add the agent or remove the route.',
    );
    expect(error.details).toMatchObject({ flow: 'f', agent: 'a', to: 'x' });
  });

  it('rejects a start agent that does not exist', () => {
    const error = definitionError(() =>
      defineFlow({ ...base, start: 'zz' as 'a', agents: [chainAgent('a'), chainAgent('b')] }),
    );
    expect(error.message).toContain('the start agent "zz" is not in `agents` (a, b)');
  });

  it('rejects a finisher whose output schema does not fit the flow output', () => {
    const writer = defineAgent({
      name: 'b',
      description: 'Writes.',
      input: Work,
      output: Type.Object({ ticketId: Type.Number(), summary: Type.String() }),
      instructions: 'Write.',
      model: scripted([]),
    });
    const error = definitionError(() =>
      defineFlow({ ...base, agents: [chainAgent('a'), writer], routes: { a: ['b'] } }),
    );
    expect(error.code).toBe('invalid_flow');
    expect(error.message).toContain(
      'the output schema of "b" does not fit the flow\'s output schema at /ticketId',
    );
    expect(error.details).toMatchObject({ agent: 'b', path: '/ticketId' });
  });

  it('rejects a non-object schema where the flow needs an object', () => {
    const error = definitionError(() =>
      defineFlow({ ...base, input: Type.String(), agents: [chainAgent('a'), chainAgent('b')] }),
    );
    expect(error.code).toBe('invalid_schema');
    expect(error.message).toContain('flow "f" input: the schema must describe an object');
  });

  it('rejects a flow that no agent may finish', () => {
    const error = definitionError(() =>
      defineFlow({ ...base, finish: [], agents: [chainAgent('a'), chainAgent('b')] }),
    );
    expect(error.message).toContain('no agent may finish');
  });

  it('rejects duplicate and reserved agent names', () => {
    expect(
      definitionError(() =>
        defineFlow({ ...base, agents: [chainAgent('a'), chainAgent('a'), chainAgent('b')] }),
      ).message,
    ).toContain('two agents are named "a"');
    expect(
      definitionError(() =>
        defineFlow({ ...base, finish: ['done'], agents: [chainAgent('a'), chainAgent('done')] }),
      ).message,
    ).toContain('agent name "done" is reserved');
  });

  it('rejects a step whose output does not fit its route target', () => {
    const step = defineStep({
      name: 'prep',
      description: 'Prepares.',
      input: Work,
      output: Type.Object({ other: Type.String() }),
      run: () => ({ other: 'x' }),
    });
    const error = definitionError(() =>
      defineFlow({ ...base, start: 'prep', agents: [step, chainAgent('b')], routes: { prep: ['b'] } }),
    );
    expect(error.message).toContain('the output of step "prep" does not fit the input of "b"');
  });

  it('rejects an unknown limit and a negative one', () => {
    expect(
      definitionError(() =>
        defineFlow({ ...base, agents: [chainAgent('a'), chainAgent('b')], limits: { hops: 3 } as never }),
      ).message,
    ).toContain('unknown limit "hops"');
    expect(
      definitionError(() =>
        defineFlow({ ...base, agents: [chainAgent('a'), chainAgent('b')], limits: { handoffs: -1 } }),
      ).message,
    ).toContain('limits.handoffs must be a number ≥ 0');
  });

  it('checks agent names, routes and finishers at compile time', () => {
    const agents = [chainAgent('a'), chainAgent('b')] as const;
    // @ts-expect-error 'x' is not an agent of this flow
    expect(() => defineFlow({ ...base, agents, routes: { a: ['x'] } })).toThrow(BatonError);
    // @ts-expect-error 'zz' is not an agent of this flow
    expect(() => defineFlow({ ...base, agents, start: 'zz' })).toThrow(BatonError);
  });
});

describe('defineAgent and defineTool', () => {
  it('rejects an agent without a description, naming it', () => {
    const error = definitionError(() =>
      defineAgent({ name: 'x', description: '', input: Work, instructions: 'i', model: scripted([]) }),
    );
    expect(error).toMatchObject({
      code: 'invalid_agent',
      message: expect.stringContaining('Agent "x" needs a description'),
    });
  });

  it('rejects a turn or token budget that is not a whole number of at least 1', () => {
    const agent = (budget: { turns?: number; tokens?: number; maxOutputTokens?: number }) => () =>
      defineAgent({
        name: 'x',
        description: 'd',
        input: Work,
        instructions: 'i',
        model: scripted([]),
        budget,
      });
    expect(definitionError(agent({ maxOutputTokens: 0.5 }))).toMatchObject({
      code: 'invalid_agent',
      message: 'agent "x" budget.maxOutputTokens must be a whole number of at least 1, got 0.5.',
    });
    expect(definitionError(agent({ turns: 0 }))).toMatchObject({ code: 'invalid_agent' });
    expect(definitionError(agent({ turns: 2.5 }))).toMatchObject({ code: 'invalid_agent' });
    expect(definitionError(agent({ tokens: 0 }))).toMatchObject({ code: 'invalid_agent' });
    expect(() => agent({ turns: Number.POSITIVE_INFINITY, maxOutputTokens: 1 })()).not.toThrow();
  });

  it('rejects a schema ajv cannot compile, naming where it was given', () => {
    const error = definitionError(() =>
      defineAgent({
        name: 'x',
        description: 'd',
        input: { type: 'object', properties: { a: { type: 'strin' } } },
        instructions: 'i',
        model: scripted([]),
      }),
    );
    expect(error.code).toBe('invalid_schema');
    expect(error.message).toContain('agent "x" input: ajv cannot compile the schema');
  });
});
