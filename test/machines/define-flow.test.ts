import { BatonError, defineAgent, defineFlow, defineStep } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { chainAgent, chainFlow, Report, Work } from '../helpers/flows.js';
import { thrown } from '../helpers/thrown.js';

const definitionError = thrown;

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

  it('cannot be changed once defined: its agents, tools, routes and finishers throw or stay as they were', () => {
    const flow = chainFlow();
    const stranger = chainAgent('z');
    // What a JavaScript caller (or a cast) can reach: every change throws and names what it tried to change.
    const agents = flow.agents as Map<string, unknown>;
    expect(() => agents.set('z', stranger)).toThrow(/The agents of flow "chain" cannot be changed/);
    expect(() => agents.delete('a')).toThrow(TypeError);
    expect(() => agents.clear()).toThrow(TypeError);
    const tools = flow.tools as Map<string, unknown[]>;
    expect(() => tools.set('a', [])).toThrow(/The tools of flow "chain" cannot be changed/);
    expect(() => tools.get('a')?.push({ name: 'extra' })).toThrow(TypeError);
    expect(() => (flow.finish as string[]).push('a')).toThrow(TypeError);
    expect(() => (flow.routes.a as string[]).push('e')).toThrow(TypeError);
    expect(() => {
      (flow.routes as Record<string, string[]>).e = ['a'];
    }).toThrow(TypeError);
    const finishers = flow.spec.finish as Set<string>;
    expect(() => finishers.add('a')).toThrow(/The finishers of flow "chain" cannot be changed/);
    // Nothing changed: the flow is the one defineFlow checked, compiled and hashed for stored runs.
    expect([...flow.agents.keys()]).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(flow.tools.get('a')?.map((tool) => tool.name)).toEqual(['handoff_to_b']);
    expect(flow.routes).toEqual({ a: ['b'], b: ['c'], c: ['d'], d: ['e'] });
    expect([...flow.spec.finish]).toEqual(['e']);
  });
  it('offers each agent one handoff tool per route with the target’s input schema, and finish to finishers', () => {
    const flow = chainFlow();
    const aTools = flow.tools.get('a')!;
    expect(aTools.map((t) => t.name)).toEqual(['handoff_to_b']);
    // The schema's content, as a frozen copy: a model cannot edit the flow's tools or the caller's schema.
    expect(JSON.stringify(aTools[0]!.parameters)).toBe(JSON.stringify(Work));
    expect(aTools[0]!.parameters).not.toBe(Work);
    expect(Object.isFrozen(aTools[0]!.parameters)).toBe(true);
    expect(aTools[0]!.description).toContain('Does the b part of the work.');
    expect(JSON.stringify(flow.tools.get('e')!.map((t) => [t.name, t.parameters]))).toBe(
      JSON.stringify([['finish', Report]]),
    );
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
    ).toContain('limits.handoffs must be a whole number ≥ 0, or Infinity for no limit; got -1.');
  });

  it('rejects a missing start, saying it is missing and which agents could start', () => {
    const { start: _start, ...noStart } = base;
    const error = definitionError(() =>
      defineFlow({ ...noStart, agents: [chainAgent('a'), chainAgent('b')] } as never),
    );
    expect(error.code).toBe('invalid_flow');
    expect(error.message).toBe(
      'Flow "f": `start` is missing. Name the agent that receives the flow input, one of a, b: start: \'a\'.',
    );
    expect(
      definitionError(() =>
        defineFlow({ ...base, start: chainAgent('a') as never, agents: [chainAgent('a'), chainAgent('b')] }),
      ).message,
    ).toBe(
      'Flow "f": `start` must be the name of an agent (a string), got an object. Write its name, one of a, b.',
    );
  });

  it('rejects a missing finish, saying it is missing', () => {
    const { finish: _finish, ...noFinish } = base;
    const error = definitionError(() =>
      defineFlow({ ...noFinish, agents: [chainAgent('a'), chainAgent('b')] } as never),
    );
    expect(error.code).toBe('invalid_flow');
    expect(error.message).toContain('Flow "f": `finish` is missing');
    expect(error.message).toContain('List the agents that produce the result in `finish`.');
  });

  it('rejects a deadline of 0, below 0 or NaN, and accepts Infinity', () => {
    const flow = (ms: number) => () =>
      defineFlow({ ...base, agents: [chainAgent('a'), chainAgent('b')], limits: { ms } });
    for (const ms of [0, -1, Number.NaN, Number.NEGATIVE_INFINITY]) {
      const error = definitionError(flow(ms));
      expect(error.code).toBe('invalid_flow');
      expect(error.message).toBe(
        `Flow "f": limits.ms must be a number of milliseconds > 0 (a deadline of 0 would end every run before its first step), or Infinity for no limit; got ${ms}. ` +
          'Set limits.ms to such a number, or leave it out for the default (Infinity).',
      );
      expect(error.details).toEqual({ flow: 'f', limit: 'ms' });
    }
    expect(flow(Number.POSITIVE_INFINITY)().limits.ms).toBe(Number.POSITIVE_INFINITY);
    expect(flow(0.5)().limits.ms).toBe(0.5);
  });

  it('rejects a fractional or negative number of repairs, and accepts 0 and Infinity', () => {
    const flow = (repairs: number) => () =>
      defineFlow({ ...base, agents: [chainAgent('a'), chainAgent('b')], limits: { repairs } });
    for (const repairs of [1.5, -1, Number.NaN]) {
      const error = definitionError(flow(repairs));
      expect(error.code).toBe('invalid_flow');
      expect(error.message).toContain(
        `Flow "f": limits.repairs must be a whole number ≥ 0, or Infinity for no limit; got ${repairs}.`,
      );
      expect(error.message).toContain(
        'Set limits.repairs to such a number, or leave it out for the default (2).',
      );
    }
    expect(flow(0)().limits.repairs).toBe(0);
    expect(flow(Number.POSITIVE_INFINITY)().limits.repairs).toBe(Number.POSITIVE_INFINITY);
    expect(
      definitionError(() =>
        defineFlow({
          ...base,
          agents: [chainAgent('a'), chainAgent('b')],
          limits: { tokens: '100' as never },
        }),
      ).message,
    ).toContain('limits.tokens must be a number ≥ 0, or Infinity for no limit; got "100".');
    expect(
      definitionError(() =>
        defineFlow({ ...base, agents: [chainAgent('a'), chainAgent('b')], limits: 5 as never }),
      ).message,
    ).toBe('Flow "f": `limits` must be an object such as { handoffs: 4, ms: 60_000 }, got 5.');
  });

  it('rejects handoffs: 0 or visits: 0 when the start agent may not finish, saying why', () => {
    const agents = [chainAgent('a'), chainAgent('b')] as const;
    const handoffs = definitionError(() =>
      defineFlow({ ...base, agents, routes: { a: ['b'] }, limits: { handoffs: 0 } }),
    );
    expect(handoffs.code).toBe('invalid_flow');
    expect(handoffs.message).toBe(
      'Flow "f": limits.handoffs is 0, so start agent "a" could never hand off, and "a" may not finish: every run would end escalated. ' +
        'Set limits.handoffs to at least 1, or list "a" in `finish`.',
    );
    expect(handoffs.details).toEqual({ flow: 'f', agent: 'a', limit: 'handoffs' });
    const visits = definitionError(() =>
      defineFlow({ ...base, agents, routes: { a: ['b'] }, limits: { visits: 0 } }),
    );
    expect(visits.message).toContain(
      'Flow "f": limits.visits is 0, so no agent could be visited after start agent "a"',
    );
    expect(visits.message).toContain('Set limits.visits to at least 1, or list "a" in `finish`.');
    // A start agent that may finish can still do its work alone.
    expect(() =>
      defineFlow({ ...base, agents, finish: ['a', 'b'], limits: { handoffs: 0, visits: 0 } }),
    ).not.toThrow();
  });

  it('rejects turns: 0 when the start agent calls a model', () => {
    const error = definitionError(() =>
      defineFlow({
        ...base,
        agents: [chainAgent('a'), chainAgent('b')],
        finish: ['a'],
        limits: { turns: 0 },
      }),
    );
    expect(error.code).toBe('invalid_flow');
    expect(error.message).toBe(
      'Flow "f": limits.turns is 0, so start agent "a" could never call its model and every run would end escalated. ' +
        'Set limits.turns to at least 1 (the default is 32).',
    );
  });

  it('rejects an async done predicate, saying done predicates must be synchronous', () => {
    const agents = [chainAgent('a'), chainAgent('b')] as const;
    const error = definitionError(() => defineFlow({ ...base, agents, done: (async () => true) as never }));
    expect(error.code).toBe('invalid_flow');
    expect(error.message).toContain(
      'Flow "f": `done` is an async function, but done predicates must be synchronous',
    );
    expect(error.message).toContain('Make it a plain function that returns true, or the unmet conditions');
    expect(
      definitionError(() =>
        defineFlow({
          ...base,
          agents,
          done: function* () {
            yield true;
          } as never,
        }),
      ).message,
    ).toContain('`done` is a generator function, but done predicates must be synchronous');
    expect(() => defineFlow({ ...base, agents, done: () => true })).not.toThrow();
  });

  it('rejects a done that is not a function, saying what it got', () => {
    const agents = [chainAgent('a'), chainAgent('b')] as const;
    for (const [done, got] of [
      [true, 'the boolean true'],
      ['ticket named', 'the string "ticket named"'],
      [null, 'null'],
      [{ check: () => true }, 'an object'],
    ] as const) {
      const error = definitionError(() => defineFlow({ ...base, agents, done: done as never }));
      expect(error.code).toBe('invalid_flow');
      expect(error.message).toBe(
        `Flow "f": \`done\` must be a function ({ input, output }) => true | string | string[], got ${got}. ` +
          'Pass such a function, or leave `done` out to accept every result that fits the output schema.',
      );
    }
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

  it('rejects a name every JavaScript object has (constructor, toString, …): runs key their counters by name', () => {
    for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__']) {
      expect(
        definitionError(() =>
          defineAgent({ name, description: 'd', input: Work, instructions: 'i', model: scripted([]) }),
        ),
      ).toMatchObject({ code: 'invalid_agent', details: { name } });
    }
    expect(
      definitionError(() =>
        defineStep({
          name: 'toString',
          description: 'd',
          input: Work,
          output: Work,
          run: ({ input }) => input,
        }),
      ),
    ).toMatchObject({
      code: 'invalid_agent',
      message:
        'Step name "toString" is a name every JavaScript object has already: choose another (for example "toString_agent").',
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
