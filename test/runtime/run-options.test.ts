import { answerRun, type BatonError, MemoryStore, resumeRun, runFlow } from 'baton-flow';
import { describe, expect, it } from 'vitest';
import { chainFlow, chainModel, work } from '../helpers/flows.js';

// The options of a run come from the caller's code, often from configuration: one of the wrong kind is
// refused before anything runs or is stored, naming the option, what it got and what it takes.

const chain = () => chainModel();

const refusal = (running: Promise<unknown>) =>
  running.then(
    () => null,
    (error: unknown) => error as BatonError,
  );

const WRONG: readonly [string, unknown, string][] = [
  [
    'runId',
    '',
    'options.runId must be a non-empty string of at most 256 printable characters, got a string ("")',
  ],
  [
    'runId',
    42,
    'options.runId must be a non-empty string of at most 256 printable characters, got the number 42',
  ],
  ['runId', 'run\n1', 'options.runId must be a non-empty string'],
  ['holder', '', 'options.holder must be a non-empty string'],
  ['signal', 'stop', 'options.signal must be an AbortSignal, got a string ("stop")'],
  [
    'clock',
    { now: () => 0 },
    'options.clock must be a Clock: an object with now, setTimeout and clearTimeout functions, got an object',
  ],
  ['ids', () => 'run-1', 'options.ids must be an Ids source: an object with a next function, got a function'],
  ['onEvent', 5, 'options.onEvent must be a function, got the number 5'],
  ['inspect', {}, 'options.inspect must be a function, got an object'],
  ['events', 'no', 'options.events must be true or false, got a string ("no")'],
  ['traceContent', 1, 'options.traceContent must be true or false, got the number 1'],
  [
    'tracer',
    {},
    'options.tracer must be an OpenTelemetry Tracer (an object with a startSpan function), got an object',
  ],
  [
    'store',
    'runs.db',
    'options.store must be a Store (MemoryStore, SqliteStore, PostgresStore or your own), got a string ("runs.db")',
  ],
];

describe('the options of a run', () => {
  it('refuses an option of the wrong kind before anything runs, naming it and what it takes', async () => {
    for (const [name, value, message] of WRONG) {
      const models = chain();
      const error = await refusal(runFlow(chainFlow(), work(0), { models, [name]: value } as never));
      expect(error?.code, name).toBe('invalid_argument');
      expect(error?.message, name).toContain(`runFlow(flow "chain"): ${message}`);
      expect(models.requests, name).toHaveLength(0);
    }
    const error = await refusal(runFlow(chainFlow(), work(0), 'fast' as never));
    expect(error?.message).toBe('runFlow(flow "chain"): options must be an object, got a string ("fast").');
  });

  it('stores nothing for a stored run whose id or id source is wrong', async () => {
    const store = new MemoryStore();
    for (const options of [{ runId: 42 }, { ids: { next: () => 7 } }]) {
      const error = await refusal(
        runFlow(chainFlow(), work(0), { store, models: chain(), ...options } as never),
      );
      expect(error?.code).toBe('invalid_argument');
    }
    const error = await refusal(runFlow(chainFlow(), work(0), { ids: { next: () => '' } }));
    expect(error?.message).toBe(
      'runFlow(flow "chain"): options.ids.next(\'run\') must return a non-empty string of at most 256 printable characters, got a string ("").',
    );
    expect(await store.list()).toEqual([]);
  });

  it('refuses them in resumeRun and answerRun too, before the store is read', async () => {
    const store = new MemoryStore();
    const resumed = await refusal(resumeRun(chainFlow(), 'run-1', { store, signal: true } as never));
    expect(resumed?.message).toBe(
      'resumeRun(flow "chain"): options.signal must be an AbortSignal, got the boolean true.',
    );
    const answered = await refusal(answerRun(chainFlow(), 'run-1', 'yes', { store, question: 7 } as never));
    expect(answered?.message).toBe(
      'answerRun(flow "chain"): options.question must be the id of a question (a non-empty string), got the number 7.',
    );
    const unstored = await refusal(resumeRun(chainFlow(), 'run-1', {} as never));
    expect(unstored?.message).toContain('options.store');
  });

  it('takes every option of its kind, and undefined as not given', async () => {
    const result = await runFlow(chainFlow(), work(0), {
      models: chain(),
      runId: 'run-ok',
      signal: new AbortController().signal,
      events: true,
      // A JavaScript caller's unset settings: undefined is not given.
      ...({ onEvent: undefined, holder: undefined } as object),
    });
    expect(result).toMatchObject({ status: 'done', runId: 'run-ok' });
  });
});
