import {
  answerRun,
  anthropic,
  cancelRun,
  defineAgent,
  defineFlow,
  defineJudge,
  defineStep,
  defineTool,
  formatViolations,
  frozenClock,
  isBatonError,
  MemoryStore,
  modelFromSpec,
  openai,
  priceOf,
  resumeRun,
  SqliteStore,
} from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { chainFlow } from '../helpers/flows.js';

// The public functions called as a JavaScript caller (or a cast) can call them: with undefined, a number
// where a string goes, a string where an object goes. Each answers with a BatonError that says what it
// takes, never a TypeError from deep inside.

/** The error a call throws or rejects with. */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return null;
}

const store = new MemoryStore();
// biome-ignore lint/suspicious/noExplicitAny: the point is a value the types would refuse.
const loose = (value: unknown): any => value;

const CALLS: readonly [string, () => unknown, string, string][] = [
  [
    'defineAgent',
    () => defineAgent(loose(undefined)),
    'invalid_agent',
    'defineAgent expects a definition object',
  ],
  ['defineStep', () => defineStep(loose(null)), 'invalid_agent', 'defineStep expects a definition object'],
  [
    'defineTool',
    () => defineTool(loose('lookup')),
    'invalid_agent',
    'defineTool expects a definition object',
  ],
  [
    'defineJudge',
    () => defineJudge(loose(undefined)),
    'invalid_agent',
    'defineJudge expects a definition object',
  ],
  ['defineFlow', () => defineFlow(loose([])), 'invalid_flow', 'defineFlow expects a definition object'],
  [
    'resumeRun',
    () => resumeRun(loose(undefined), 'run-1', { store }),
    'invalid_argument',
    'resumeRun expects a flow',
  ],
  ['resumeRun', () => resumeRun(chainFlow(), loose(42), { store }), 'invalid_argument', 'the run id must be'],
  [
    'answerRun',
    () => answerRun(loose({}), 'run-1', 'yes', { store }),
    'invalid_argument',
    'answerRun expects a flow',
  ],
  [
    'answerRun',
    () => answerRun(chainFlow(), loose(undefined), 'yes', { store }),
    'invalid_argument',
    'the run id must be',
  ],
  ['cancelRun', () => cancelRun(loose(undefined), 'run-1'), 'invalid_argument', 'cancelRun expects a Store'],
  ['cancelRun', () => cancelRun(store, loose(null)), 'invalid_argument', 'the run id must be'],
  [
    'priceOf',
    () => priceOf(loose(5)),
    'invalid_argument',
    'priceOf: the model id must be a non-empty string',
  ],
  ['formatViolations', () => formatViolations(loose(null)), 'invalid_argument', 'an array), got null'],
  [
    'modelFromSpec',
    () => modelFromSpec(loose(5), { cwd: process.cwd() }),
    'invalid_argument',
    'the model spec must be a string',
  ],
  [
    'frozenClock',
    () => frozenClock(Number.NaN),
    'invalid_argument',
    'a finite number of milliseconds, got the number NaN',
  ],
  ['SqliteStore.open', () => SqliteStore.open(loose(5)), 'invalid_argument', 'SqliteStore.open: the path'],
  ['scripted', () => scripted(loose(5)), 'invalid_argument', 'a list of steps or a responder function'],
  ['openai', () => openai(loose(5)), 'invalid_argument', 'openai: the model name must be a non-empty string'],
  [
    'anthropic',
    () => anthropic(''),
    'invalid_argument',
    'anthropic: the model name must be a non-empty string',
  ],
];

describe('the public functions given arguments of the wrong kind', () => {
  it.each(CALLS)('%s answers with a BatonError saying what it takes', async (_name, call, code, message) => {
    const error = await failure(call);
    expect(isBatonError(error), String(error)).toBe(true);
    expect(error).toMatchObject({ code, message: expect.stringContaining(message) });
  });
});
