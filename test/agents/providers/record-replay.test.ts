import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../../agents/model.js';
import { openai } from '../../../agents/providers/openai.js';
import { type Cassette, record } from '../../../agents/providers/record.js';
import { firstDifference, replay } from '../../../agents/providers/replay.js';
import { scripted } from '../../../agents/providers/scripted.js';
import { isBatonError } from '../../../contracts/errors.js';
import { fakeProviderServerPerTest, responsesBody } from '../../helpers/fake-provider-server.js';
import { contractRequest, modelContract } from './model-contract.js';

let dir: string;
// A server of its own for every test: a request one test abandons never reaches the next one's.
const server = fakeProviderServerPerTest();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baton-cassettes-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

modelContract(
  'replay',
  (scenario) => {
    const { signal: _signal, ...request } = contractRequest(new AbortController().signal);
    if (scenario.kind === 'hang') return replay({ version: 1, model: { id: 'replayed' }, calls: [] });
    const reply =
      scenario.kind === 'tool_call'
        ? {
            text: '',
            toolCalls: [{ id: 'call_1', name: scenario.tool, arguments: scenario.args }],
            stop: 'tool_calls' as const,
            usage: scenario.usage,
          }
        : scenario.kind === 'malformed'
          ? {
              text: '',
              toolCalls: [
                { id: 'call_1', name: scenario.tool, arguments: scenario.raw, malformed: true as const },
              ],
              stop: 'tool_calls' as const,
              usage: scenario.usage,
            }
          : { text: 'The order', toolCalls: [], stop: 'length' as const, usage: scenario.usage };
    return replay({ version: 1, model: { id: 'replayed' }, calls: [{ request, reply }] });
  },
  { canHang: false },
);

const request = (overrides: Partial<ModelRequest> = {}): ModelRequest => ({
  ...contractRequest(new AbortController().signal),
  ...overrides,
});

const readCassette = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Cassette;

describe('record()', () => {
  it('writes every request without its signal, and every reply, to a version 1 cassette', async () => {
    const file = join(dir, 'two-calls.json');
    const inner = scripted(
      [
        { tool: 'lookup_order', args: { orderId: '1' }, usage: { inputTokens: 10, outputTokens: 2 } },
        { finish: { answer: 'done' } },
      ],
      {
        id: 'scripted:test',
        price: { input: 1, output: 2 },
      },
    );
    const recorder = record(inner, file);
    const first = await recorder.call(request());
    await recorder.call(request({ idempotencyKey: 'run-1:step-1:2' }));
    const cassette = await readCassette(file);
    expect(cassette.version).toBe(1);
    expect(cassette.model).toEqual({ id: 'scripted:test', price: { input: 1, output: 2 } });
    expect(cassette.calls).toHaveLength(2);
    expect(cassette.calls[0]).toEqual({ request: inner.requests[0], reply: first });
    expect(cassette.calls[0]?.request).not.toHaveProperty('signal');
    expect(recorder).toMatchObject({ id: 'scripted:test', price: { input: 1, output: 2 } });
  });

  it('records a failed call as its error code and message', async () => {
    const file = join(dir, 'failure.json');
    const recorder = record(scripted([]), file);
    const error = await recorder.call(request()).catch((e: unknown) => e);
    expect(isBatonError(error) && error.code).toBe('script_exhausted');
    const [call] = (await readCassette(file)).calls;
    expect(call && 'error' in call && call.error.code).toBe('script_exhausted');
    const replayed = await replay(file)
      .call(request())
      .catch((e: unknown) => e);
    expect(isBatonError(replayed) && replayed.code).toBe('script_exhausted');
  });

  it('redacts API-key-looking strings and the given secrets from requests and replies', async () => {
    const file = join(dir, 'redacted.json');
    const inner = scripted([
      { text: 'your key sk-live-abcdefghijklmnop0123 and hunter2-private', stop: 'end' },
    ]);
    const recorder = record(inner, file, { redact: ['hunter2-private'] });
    await recorder.call(request({ input: { note: 'token Bearer abc.def.ghi-123456', apiKey: 'short' } }));
    const text = await readFile(file, 'utf8');
    for (const secret of ['sk-live-abcdefghijklmnop0123', 'hunter2-private', 'abc.def.ghi-123456', '"short"'])
      expect(text).not.toContain(secret);
    expect(text).toContain('[REDACTED]');
  });

  it('records an OpenAI call with an API key set without writing the key anywhere', async () => {
    const apiKey = 'sk-proj-RECORDME-0123456789abcdefghij';
    const file = join(dir, 'openai.json');
    server.enqueue({
      body: responsesBody({
        calls: [{ name: 'finish', arguments: `{"answer":"key was ${apiKey}"}` }],
        usage: { input: 30, output: 7 },
      }),
    });
    const recorder = record(openai('gpt-5-mini', { apiKey, baseURL: server.openaiURL, maxRetries: 0 }), file);
    const reply = await recorder.call(request());
    expect(reply.usage).toEqual({
      inputTokens: 30,
      outputTokens: 7,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    });
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(apiKey);
    expect((await readCassette(file)).model).toEqual({
      id: 'openai:gpt-5-mini',
      price: { input: 0.25, cachedInput: 0.025, output: 2 },
    });
  });
});

describe('record() when the cassette cannot be written', () => {
  it('throws cassette_write_failed naming the file and the OS error when the path is a folder', async () => {
    const file = join(dir, 'a-folder');
    await mkdir(file);
    const error = await record(scripted([{ text: 'hi', stop: 'end' }]), file)
      .call(request())
      .catch((e: unknown) => e);
    expect(isBatonError(error) && error.code).toBe('cassette_write_failed');
    expect(isBatonError(error) && error.details).toMatchObject({ file, os: 'EISDIR' });
    expect(isBatonError(error) && error.message).toContain(`Cannot write cassette "${file}": EISDIR`);
    expect((error as Error).cause).toMatchObject({ code: 'EISDIR' });
  });

  it('reports a folder that cannot be made, then writes every call once it can', async () => {
    const blocker = join(dir, 'blocker');
    await writeFile(blocker, 'a file where a folder should be');
    const file = join(blocker, 'run.json');
    const recorder = record(
      scripted([
        { text: 'one', stop: 'end' },
        { text: 'two', stop: 'end' },
        { text: 'three', stop: 'end' },
      ]),
      file,
    );
    const first = await recorder.call(request()).catch((e: unknown) => e);
    expect(isBatonError(first) && first.code).toBe('cassette_write_failed');
    expect(isBatonError(first) && first.details.os).toMatch(/^(ENOTDIR|EEXIST)$/);
    // One failure does not leave the writes stuck: the next one fails on its own terms...
    const second = await recorder.call(request()).catch((e: unknown) => e);
    expect(isBatonError(second) && second.code).toBe('cassette_write_failed');
    // ...and once the path is good, the next write holds every call.
    await rm(blocker);
    const third = await recorder.call(request());
    expect(third.text).toBe('three');
    expect((await readCassette(file)).calls.map((c) => ('reply' in c ? c.reply.text : c.error.code))).toEqual(
      ['one', 'two', 'three'],
    );
  });

  it("keeps a failed call's own error in the details when its write fails too", async () => {
    const file = join(dir, 'another-folder');
    await mkdir(file);
    const error = await record(scripted([]), file)
      .call(request())
      .catch((e: unknown) => e);
    expect(isBatonError(error) && error.code).toBe('cassette_write_failed');
    expect(isBatonError(error) && error.details.callError).toMatchObject({ code: 'script_exhausted' });
  });

  it('does not affect another recorder writing to a good path', async () => {
    const bad = join(dir, 'bad-folder');
    await mkdir(bad);
    const good = join(dir, 'good.json');
    const failing = record(scripted([{ text: 'x', stop: 'end' }]), bad).call(request());
    const working = record(scripted([{ text: 'y', stop: 'end' }]), good).call(request());
    const [a, b] = await Promise.allSettled([failing, working]);
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('fulfilled');
    expect((await readCassette(good)).calls).toHaveLength(1);
  });
});

describe('replay()', () => {
  const cassette = (): Cassette => {
    const { signal: _signal, ...recorded } = request();
    return {
      version: 1,
      model: { id: 'openai:gpt-5-mini', price: { input: 0.25, output: 2 } },
      calls: [
        {
          request: recorded,
          reply: {
            text: '',
            toolCalls: [{ id: 'c1', name: 'finish', arguments: { answer: 'a' } }],
            stop: 'tool_calls',
            usage: { inputTokens: 5, outputTokens: 1 },
          },
        },
      ],
    };
  };

  it('serves the recorded replies in order with the recorded id and price', async () => {
    const model = replay(cassette());
    expect(model).toMatchObject({ id: 'openai:gpt-5-mini', price: { input: 0.25, output: 2 }, remaining: 1 });
    const reply = await model.call(request({ idempotencyKey: 'another-run:1' }));
    expect(reply.toolCalls[0]?.arguments).toEqual({ answer: 'a' });
    expect(model.remaining).toBe(0);
  });

  it('throws replay_mismatch naming the first differing field', async () => {
    const error = await replay(cassette())
      .call(request({ input: { ticketId: 'T-1', text: 'Where is order 43?' } }))
      .catch((e: unknown) => e);
    expect(isBatonError(error) && error.code).toBe('replay_mismatch');
    expect(isBatonError(error) && error.details.path).toBe('$.input.text');
    expect(isBatonError(error) && error.message).toContain('$.input.text');
  });

  it('keeps the path and both values of a mismatch in its details', async () => {
    const { signal: _signal, ...recorded } = request({
      messages: [
        { role: 'user', content: 'Where is my order?' },
        { role: 'user', content: 'It is order 42.' },
      ],
    });
    const [call] = cassette().calls;
    const model = replay({ ...cassette(), calls: [{ ...call!, request: recorded }] });
    const error = await model
      .call(
        request({
          messages: [
            { role: 'user', content: 'Where is my order?' },
            { role: 'user', content: 'It is order 43.' },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(isBatonError(error) && error.details).toEqual({
      call: 1,
      path: '$.messages[1].content',
      expected: 'It is order 42.',
      actual: 'It is order 43.',
    });
  });

  it('counts a key named constructor or __proto__ on one side only as a difference', async () => {
    // JSON.parse makes `__proto__` an own key, as a request read back from JSON would have it.
    const withProto = JSON.parse('{"ticketId":"T-1","__proto__":{"ticketId":"T-1"}}') as unknown;
    expect(firstDifference({ ticketId: 'T-1' }, withProto, '$')).toEqual({
      path: '$.__proto__',
      expected: undefined,
      actual: { ticketId: 'T-1' },
    });
    expect(firstDifference(withProto, { ticketId: 'T-1' }, '$')?.path).toBe('$.__proto__');
    expect(firstDifference({ a: 1 }, { a: 1, constructor: 'x' }, '$')).toEqual({
      path: '$.constructor',
      expected: undefined,
      actual: 'x',
    });
    expect(firstDifference({ a: {} }, { a: { toString: {} } }, '$')?.path).toBe('$.a.toString');
    expect(firstDifference(withProto, JSON.parse(JSON.stringify(withProto)), '$')).toBeNull();
    const error = await replay(cassette())
      .call(request({ input: JSON.parse('{"ticketId":"T-1","text":"Where is order 42?","constructor":{}}') }))
      .catch((e: unknown) => e);
    expect(isBatonError(error) && [error.code, error.details.path]).toEqual([
      'replay_mismatch',
      '$.input.constructor',
    ]);
  });

  it('throws replay_exhausted on a call past the end of the cassette', async () => {
    const model = replay(cassette());
    await model.call(request());
    const error = await model.call(request()).catch((e: unknown) => e);
    expect(isBatonError(error) && [error.code, error.details.call]).toEqual(['replay_exhausted', 2]);
  });

  it('rejects a file that is not a version 1 cassette', () => {
    expect(() => replay({ version: 2, model: { id: 'x' }, calls: [] } as unknown as Cassette)).toThrow(
      /version 1 cassette/,
    );
    expect(() => replay(join(dir, 'missing.json'))).toThrow(/Cannot read cassette/);
  });

  it('names array positions and missing fields in JSON paths', () => {
    expect(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }, '$')?.path).toBe('$.a[1].b');
    expect(firstDifference({ a: 1 }, { a: 1, 'x-y': 2 }, '$')).toEqual({
      path: '$["x-y"]',
      expected: undefined,
      actual: 2,
    });
    expect(firstDifference([1, 2], [1, 2], '$')).toBeNull();
  });
});
