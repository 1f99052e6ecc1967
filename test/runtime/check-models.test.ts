import { type AnyFlow, type BatonError, defineFlow, defineStep, isBatonError } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { checkModelsOption } from '../../runtime/check-models.js';
import { chainAgent, chainFlow, pingPongFlow, Report, Work } from '../helpers/flows.js';

function rejection(models: unknown, flow: AnyFlow = pingPongFlow()): BatonError {
  try {
    checkModelsOption(flow, models);
  } catch (error) {
    if (isBatonError(error)) return error;
    throw error;
  }
  throw new Error('expected checkModelsOption to throw');
}

const model = scripted([]);

describe('checkModelsOption', () => {
  it('accepts no models, one model for every agent, and models by agent name', () => {
    const flow = chainFlow();
    expect(() => checkModelsOption(flow, undefined)).not.toThrow();
    expect(() => checkModelsOption(flow, model)).not.toThrow();
    expect(() => checkModelsOption(flow, { id: 'mine', call: model.call })).not.toThrow();
    expect(() => checkModelsOption(flow, {})).not.toThrow();
    expect(() => checkModelsOption(flow, { a: model, e: scripted([]) })).not.toThrow();
    expect(() => checkModelsOption(flow, Object.assign(Object.create(null), { b: model }))).not.toThrow();
  });

  it('rejects an array, a string, a number, null and a function, saying what it got', () => {
    for (const [value, got] of [
      [[model], 'got an array'],
      ['openai:gpt-5-mini', 'got a string ("openai:gpt-5-mini")'],
      [42, 'got the number 42'],
      [null, 'got null'],
      [async () => ({}), 'got a function'],
      [new Map([['a', model]]), 'got an instance of Map'],
    ] as const) {
      const error = rejection(value);
      expect(error.code).toBe('invalid_argument');
      expect(error.message).toContain('runFlow(flow "pingpong"): options.models must be a model');
      expect(error.message).toContain('or an object of models by agent name (a, b)');
      expect(error.message).toContain(got);
    }
  });

  it('rejects a key that names no agent, naming it, the agents and the risk of a typo', () => {
    const error = rejection({ a: model, bb: model });
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toBe(
      'runFlow(flow "pingpong"): options.models names "bb", which is not an agent of the flow (a, b). ' +
        'Fix the name: a typo there would silently leave the agent on its own model, perhaps the paid one, instead of the model you passed.',
    );
    expect(error.details).toEqual({ flow: 'pingpong', key: 'bb', agents: ['a', 'b'] });
    // Keys that an object inherits are no agents either.
    expect(rejection(JSON.parse('{"__proto__": {"id": "x"}}')).details.key).toBe('__proto__');
    expect(rejection({ constructor: model }).details.key).toBe('constructor');
  });

  it('rejects a value that is not a model, naming its key', () => {
    expect(rejection({ a: 'scripted' }).message).toBe(
      'runFlow(flow "pingpong"): options.models.a is not a model: it must be an object with a string id and a call function, got a string ("scripted").',
    );
    expect(rejection({ b: { id: 'x' } }).message).toContain('got an object without a call function');
    expect(rejection({ b: { call: () => null } }).message).toContain('got an object without a string id');
    expect(rejection({ a: undefined }).details).toMatchObject({ key: 'a' });
    expect(rejection({ a: null }).message).toContain('options.models.a is not a model');
  });

  it('rejects a key that names a code step, which calls no model', () => {
    const prep = defineStep({
      name: 'prep',
      description: 'Prepares the work.',
      input: Work,
      output: Work,
      run: ({ input }) => input,
    });
    const flow = defineFlow({
      id: 'prepared',
      input: Work,
      output: Report,
      start: 'prep',
      agents: [prep, chainAgent('a')],
      routes: { prep: ['a'] },
      finish: ['a'],
    });
    const error = rejection({ prep: model }, flow);
    expect(error.message).toContain('names "prep", which is a code step and calls no model');
    expect(error.message).toContain("the flow's model agents are a");
  });
});
