import { anthropic, type BatonError, type Model, openai, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { priceProblem } from '../../agents/model.js';
import { chainAgent, chainFlow, work } from '../helpers/flows.js';
import { thrown } from '../helpers/thrown.js';

// A price is what a dollar budget meters with: one that is negative or not a number would make every
// call cost nothing or less than nothing, and `limits.usd` would never stop a run.

/** A model Baton did not write, with the price it is given. */
const priced = (price: unknown): Model =>
  ({
    id: 'custom',
    price,
    call: async () => {
      throw new Error('never called');
    },
  }) as Model;

const BAD: readonly [unknown, string][] = [
  [
    { input: -100, output: 1 },
    'input must be a finite number of dollars per million tokens, 0 or more, got -100',
  ],
  [
    { input: 1, output: Number.NaN },
    'output must be a finite number of dollars per million tokens, 0 or more, got NaN',
  ],
  [{ input: 1, output: 1, cachedInput: Number.POSITIVE_INFINITY }, 'cachedInput must be a finite number'],
  [
    { input: '2', output: 1 },
    'input must be a finite number of dollars per million tokens, 0 or more, got string',
  ],
  [{ output: 1 }, 'input must be a finite number of dollars per million tokens, 0 or more, got nothing'],
  [
    [1, 2],
    'it must be an object { input, output, cachedInput? } in dollars per million tokens, got an array',
  ],
];

describe('a price that cannot meter a budget', () => {
  it('is named field by field; an absent or sound price passes', () => {
    for (const [price, problem] of BAD) expect(priceProblem(price)).toContain(problem);
    expect(priceProblem(undefined)).toBeNull();
    expect(priceProblem({ input: 0, output: 0 })).toBeNull();
    expect(priceProblem({ input: 1.25, cachedInput: 0.125, output: 10 })).toBeNull();
  });

  it('is refused when an agent is defined with it, as invalid_agent', () => {
    const error = thrown(() => chainAgent('a', priced({ input: -100, output: -100 })));
    expect(error.code).toBe('invalid_agent');
    expect(error.message).toBe(
      'Agent "a": the price of its model "custom" cannot meter a budget: input must be a finite number of dollars per million tokens, 0 or more, got -100.',
    );
  });

  it('is refused in runFlow’s models option, one model or by agent, before any model is called', async () => {
    for (const models of [
      priced({ input: 1, output: -1 }),
      { c: priced({ input: Number.NaN, output: 1 }) },
    ]) {
      const error = await runFlow(chainFlow({ usd: 0.001 }), work(0), { models }).then(
        () => null,
        (e: unknown) => e as BatonError,
      );
      expect(error?.code).toBe('invalid_argument');
      expect(error?.message).toContain('has a price that cannot meter a budget');
    }
  });

  it('is refused by the providers that take one', () => {
    for (const make of [
      () => openai('gpt-5-mini', { price: { input: -1, output: 1 } }),
      () => anthropic('claude-sonnet-4-5', { price: { input: 1, output: -1 } }),
      () => scripted([], { price: { input: 1, output: Number.NaN } }),
    ]) {
      const error = thrown(make);
      expect(error.code).toBe('invalid_argument');
      expect(error.message).toContain('options.price cannot meter a budget');
    }
  });
});
