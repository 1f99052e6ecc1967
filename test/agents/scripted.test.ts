import { isBatonError, type ModelRequest } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';

const request = (agent: string): ModelRequest => ({
  agent,
  instructions: 'i',
  input: { a: 1 },
  messages: [],
  tools: [],
  toolChoice: 'required',
  maxOutputTokens: 100,
  idempotencyKey: 'k',
  signal: new AbortController().signal,
});

async function codeOf(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (isBatonError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

describe('scripted model', () => {
  it('answers in order, records requests without the signal, and reports usage', async () => {
    const model = scripted([
      { handoff: 'b', payload: { x: 1 }, usage: { inputTokens: 7, outputTokens: 3 } },
      { finish: { ok: true } },
    ]);
    const first = await model.call(request('a'));
    expect(first).toEqual({
      text: '',
      toolCalls: [{ id: 'call_1', name: 'handoff_to_b', arguments: { x: 1 } }],
      stop: 'tool_calls',
      usage: { inputTokens: 7, outputTokens: 3 },
    });
    const second = await model.call(request('a'));
    expect(second.toolCalls[0]!.name).toBe('finish');
    expect(second.usage.inputTokens).toBeGreaterThan(0);
    expect(model.requests).toHaveLength(2);
    expect('signal' in model.requests[0]!).toBe(false);
    expect(() => model.assertComplete()).not.toThrow();
  });

  it('throws script_exhausted on an unexpected extra call', async () => {
    const model = scripted([]);
    expect(await codeOf(model.call(request('a')))).toBe('script_exhausted');
  });

  it('throws script_mismatch when another agent calls than the step names', async () => {
    const model = scripted([{ agent: 'billing', finish: {} }]);
    expect(await codeOf(model.call(request('tech')))).toBe('script_mismatch');
  });

  it('fails assertComplete while steps remain', async () => {
    const model = scripted([{ finish: {} }, { finish: {} }]);
    await model.call(request('a'));
    expect(await codeOf(() => model.assertComplete())).toBe('script_incomplete');
  });

  it('answers from a responder function', async () => {
    const model = scripted((r) => ({ finish: { agent: r.agent } }));
    expect((await model.call(request('z'))).toolCalls[0]!.arguments).toEqual({ agent: 'z' });
  });
});

describe('scripted model without a record', () => {
  it('answers but keeps no requests when record is false', async () => {
    const model = scripted(() => ({ finish: {} }), { record: false });
    await model.call(request('a'));
    await model.call(request('a'));
    expect(model.requests).toEqual([]);
  });

  it('still numbers calls in its errors when record is false', async () => {
    const model = scripted([{ finish: {} }], { record: false });
    await model.call(request('a'));
    await expect(model.call(request('a'))).rejects.toThrow('got call 2');
  });
});
