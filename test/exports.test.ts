import * as baton from 'baton-flow';
import * as parts from 'baton-flow/parts';
import * as postgres from 'baton-flow/postgres';
import * as report from 'baton-flow/report';
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
        "scripted",
        "sequentialIds",
        "systemClock",
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

  it('exports exactly these values from baton-flow/report', () => {
    expect(Object.keys(report).sort()).toMatchInlineSnapshot(`
      [
        "flowGraph",
        "runReport",
        "runsReport",
        "toMermaid",
        "toSvg",
      ]
    `);
  });

  it('keeps the insides out of every entry point', () => {
    const everything = [
      ...Object.keys(baton),
      ...Object.keys(parts),
      ...Object.keys(testing),
      ...Object.keys(postgres),
      ...Object.keys(report),
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
