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
        "DIAGNOSTIC_CODES",
        "ERROR_CODES",
        "FINAL_STATES",
        "MODEL_VARIABLE",
        "PRICES",
        "REASONS",
        "agentLogic",
        "agentMeta",
        "agentState",
        "anthropic",
        "assertValid",
        "boundedTransition",
        "check",
        "checkCompatible",
        "checkReport",
        "costOf",
        "decisionOf",
        "defineAgent",
        "defineFlow",
        "defineStep",
        "defineTool",
        "finishTransition",
        "formatDiagnostic",
        "formatDiagnostics",
        "formatViolations",
        "frozenClock",
        "handoffTransition",
        "isBatonError",
        "isFlow",
        "jsonSchema",
        "modelFromSpec",
        "openai",
        "partActions",
        "partGuards",
        "partsContext",
        "partsMachine",
        "priceOf",
        "provideRunEnv",
        "randomIds",
        "record",
        "replay",
        "runFlow",
        "scripted",
        "sequentialIds",
        "systemClock",
        "terminalStates",
        "validatorFor",
      ]
    `);
  });

  it('exports exactly these values from baton/testing', () => {
    expect(Object.keys(testing).sort()).toMatchInlineSnapshot(`
      [
        "agentDone",
        "batonMatchers",
        "expectValidFlow",
        "flowPaths",
        "manualClock",
        "pathScript",
        "scripted",
      ]
    `);
  });
});
