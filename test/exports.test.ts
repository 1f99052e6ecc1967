import { describe, expect, it } from 'vitest';
import * as baton from '../index.js';
import * as testing from '../testing.js';

// A change to the public API must be deliberate: update these lists in the same change.
describe('public exports', () => {
  it('exports exactly these values from the root entry point', () => {
    expect(Object.keys(baton).sort()).toMatchInlineSnapshot(`
      [
        "BatonError",
        "CASSETTE_VERSION",
        "DEFAULT_LIMITS",
        "ERROR_CODES",
        "FINAL_STATES",
        "MODEL_VARIABLE",
        "PRICES",
        "REASONS",
        "anthropic",
        "bindRunEnv",
        "checkCompatible",
        "costOf",
        "defineAgent",
        "defineFlow",
        "defineStep",
        "defineTool",
        "formatViolations",
        "frozenClock",
        "isBatonError",
        "isFlow",
        "jsonSchema",
        "judge",
        "modelFromSpec",
        "openai",
        "priceOf",
        "randomIds",
        "record",
        "replay",
        "runFlow",
        "scripted",
        "sequentialIds",
        "systemClock",
        "validatorFor",
      ]
    `);
  });

  it('exports exactly these values from baton/testing', () => {
    expect(Object.keys(testing).sort()).toMatchInlineSnapshot(`
      [
        "agentDone",
        "manualClock",
        "scripted",
      ]
    `);
  });
});
