import { describe, expect, it } from 'vitest';
import * as baton from '../index.js';
import * as testing from '../testing.js';

// A change to the public API must be deliberate: update these lists in the same change.
describe('public exports', () => {
  it('exports exactly these values from the root entry point', () => {
    expect(Object.keys(baton).sort()).toMatchInlineSnapshot(`
      [
        "BatonError",
        "DEFAULT_LIMITS",
        "ERROR_CODES",
        "FINAL_STATES",
        "REASONS",
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
        "randomIds",
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
