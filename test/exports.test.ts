import * as baton from 'baton-flow';
import * as parts from 'baton-flow/parts';
import * as postgres from 'baton-flow/postgres';
import * as testing from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';

// A change to the public API must be deliberate: update these lists in the same change.
describe('public exports', () => {
  it('exports exactly these values from the root entry point', () => {
    expect(Object.keys(baton).sort()).toMatchInlineSnapshot(`
      [
        "AWAITING_HUMAN",
        "BatonError",
        "CASSETTE_VERSION",
        "DEFAULT_LIMITS",
        "DIAGNOSTIC_CODES",
        "ERROR_CODES",
        "FINAL_STATES",
        "MODEL_VARIABLE",
        "MemoryStore",
        "PRICES",
        "REASONS",
        "SqliteStore",
        "answerRun",
        "anthropic",
        "assertValid",
        "cancelRun",
        "check",
        "checkCompatible",
        "checkReport",
        "costOf",
        "defineAgent",
        "defineFlow",
        "defineJudge",
        "defineStep",
        "defineTool",
        "flowGraph",
        "formatDiagnostic",
        "formatDiagnostics",
        "formatViolations",
        "frozenClock",
        "isBatonError",
        "isFlow",
        "jsonSchema",
        "modelFromSpec",
        "openai",
        "priceOf",
        "randomIds",
        "record",
        "replay",
        "resumeRun",
        "runFlow",
        "runReport",
        "runsReport",
        "scripted",
        "sequentialIds",
        "systemClock",
        "toMermaid",
        "toSvg",
        "validatorFor",
      ]
    `);
  });

  it('exports exactly these values from baton-flow/testing', () => {
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

  it('exports exactly these values from baton-flow/parts', () => {
    expect(Object.keys(parts).sort()).toMatchInlineSnapshot(`
      [
        "agentLogic",
        "agentMeta",
        "agentState",
        "boundedTransition",
        "finishTransition",
        "handoffTransition",
        "partsMachine",
        "provideRunEnv",
        "terminalStates",
      ]
    `);
  });

  it('exports exactly these values from baton-flow/postgres', () => {
    expect(Object.keys(postgres).sort()).toMatchInlineSnapshot(`
      [
        "PostgresStore",
        "enqueueAnswer",
        "enqueueRun",
        "startWorker",
      ]
    `);
  });

  it('keeps the insides out of every entry point', () => {
    const everything = [
      ...Object.keys(baton),
      ...Object.keys(parts),
      ...Object.keys(testing),
      ...Object.keys(postgres),
    ];
    for (const inside of [
      'judge',
      'decisionOf',
      'partsContext',
      'partGuards',
      'partActions',
      'bindRunEnv',
      'assess',
    ])
      expect(everything).not.toContain(inside);
  });
});
