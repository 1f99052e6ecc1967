import { describe, expect, it } from 'vitest';
import { checkReply } from '../../agents/model-reply.js';
import { isBatonError } from '../../contracts/errors.js';

const MODEL = 'custom:hostile';
const ESTIMATE = 321;
const estimate = () => ESTIMATE;

const good = {
  text: 'Looking it up.',
  toolCalls: [{ id: 'call_1', name: 'lookup_order', arguments: { orderId: '42' } }],
  stop: 'tool_calls',
  usage: { inputTokens: 120, outputTokens: 30, cachedInputTokens: 20, reasoningTokens: 5 },
};

/** The error `checkReply` throws for a reply, or a failure when it throws none. */
function rejection(reply: unknown): { code: string; retryable: boolean; details: unknown; message: string } {
  try {
    checkReply(reply, MODEL, estimate);
  } catch (error) {
    if (!isBatonError(error)) throw error;
    return { code: error.code, retryable: error.retryable, details: error.details, message: error.message };
  }
  throw new Error('checkReply accepted the reply');
}

describe('checkReply()', () => {
  it('returns a fresh copy of a well-formed reply, equal to it and not marked estimated', () => {
    const reply = checkReply(good, MODEL, estimate);
    expect(reply).toEqual(good);
    expect(reply).not.toBe(good);
    expect(reply.usage).not.toBe(good.usage);
    expect(reply.toolCalls).not.toBe(good.toolCalls);
    expect(reply.toolCalls[0]).not.toBe(good.toolCalls[0]);
    expect(reply.usage.estimated).toBeUndefined();
  });

  it('keeps what the reply means and drops every other field', () => {
    const reply = checkReply(
      {
        ...good,
        extra: 'dropped',
        toolCalls: [
          { id: 'a', name: 'x', arguments: '{"oops', malformed: true, extra: 1 },
          { id: 'b', name: 'y', arguments: {}, malformed: 'yes' },
        ],
        usage: { inputTokens: 1, outputTokens: 1, note: 'dropped' },
      },
      MODEL,
      estimate,
    );
    expect(reply).toEqual({
      text: good.text,
      stop: 'tool_calls',
      toolCalls: [
        { id: 'a', name: 'x', arguments: '{"oops', malformed: true },
        { id: 'b', name: 'y', arguments: {} },
      ],
      usage: { inputTokens: 1, outputTokens: 1 },
    });
  });

  it.each([
    ['NaN', Number.NaN],
    ['-5', -5],
    ["'12'", '12'],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an object', { tokens: 3 }],
    ['true', true],
  ])(
    'rejects an input token count of %s with a non-retryable provider_error naming the field',
    (_, value) => {
      const error = rejection({ ...good, usage: { ...good.usage, inputTokens: value } });
      expect(error).toMatchObject({ code: 'provider_error', retryable: false });
      expect(error.details).toEqual({
        model: MODEL,
        field: 'usage.inputTokens',
        value: typeof value === 'object' ? '[object]' : value,
      });
      expect(error.message).toContain(`Model "${MODEL}"`);
      expect(error.message).toContain('usage.inputTokens');
    },
  );

  it.each([
    ['outputTokens', -1],
    ['cachedInputTokens', Number.NaN],
    ['reasoningTokens', '5'],
    ['outputTokens', Number.NEGATIVE_INFINITY],
  ] as const)('rejects usage.%s = %s', (field, value) => {
    const error = rejection({ ...good, usage: { ...good.usage, [field]: value } });
    expect(error.details).toEqual({ model: MODEL, field: `usage.${field}`, value });
  });

  it('rejects more cached input tokens than input tokens', () => {
    const error = rejection({ ...good, usage: { inputTokens: 5, outputTokens: 3, cachedInputTokens: 10 } });
    expect(error).toMatchObject({ code: 'provider_error', retryable: false });
    expect(error.details).toEqual({ model: MODEL, field: 'usage.cachedInputTokens', value: 10 });
    expect(error.message).toContain('at most usage.inputTokens (5)');
  });

  it('rejects two calls of one reply with the same id, which could not each get their answer', () => {
    const call = { id: 'call_1', name: 'lookup_order', arguments: { orderId: '42' } };
    const error = rejection({ ...good, toolCalls: [call, { ...call, arguments: { orderId: '43' } }] });
    expect(error).toMatchObject({ code: 'provider_error', retryable: false });
    expect(error.details).toEqual({ model: MODEL, field: 'toolCalls[1].id', value: 'call_1' });
    expect(error.message).toContain('an id no other call of the reply has');
  });

  it('rejects more reasoning tokens than output tokens', () => {
    const error = rejection({ ...good, usage: { inputTokens: 5, outputTokens: 3, reasoningTokens: 4 } });
    expect(error.details).toEqual({ model: MODEL, field: 'usage.reasoningTokens', value: 4 });
  });

  it('rounds fractional counts up', () => {
    const reply = checkReply(
      { ...good, usage: { inputTokens: 10.2, outputTokens: 3.0001, cachedInputTokens: 0.5 } },
      MODEL,
      estimate,
    );
    expect(reply.usage).toEqual({ inputTokens: 11, outputTokens: 4, cachedInputTokens: 1 });
  });

  it.each([
    ['missing', undefined],
    ['null', null],
  ])('estimates the whole usage when it is %s, and marks it estimated', (_, usage) => {
    const reply = checkReply({ ...good, usage }, MODEL, estimate);
    const output = Math.ceil((good.text.length + JSON.stringify(good.toolCalls[0]?.arguments).length) / 4);
    expect(reply.usage).toEqual({ inputTokens: ESTIMATE, outputTokens: output, estimated: true });
  });

  it('estimates only the counts the model left out, never below the parts it reported', () => {
    const input = checkReply(
      { ...good, usage: { outputTokens: 9, cachedInputTokens: 500 } },
      MODEL,
      estimate,
    ).usage;
    expect(input).toEqual({ inputTokens: 500, outputTokens: 9, cachedInputTokens: 500, estimated: true });
    const output = checkReply(
      { text: '', toolCalls: [], stop: 'end', usage: { inputTokens: 7, reasoningTokens: 40 } },
      MODEL,
      estimate,
    ).usage;
    expect(output).toEqual({ inputTokens: 7, outputTokens: 40, reasoningTokens: 40, estimated: true });
  });

  it('keeps the estimated mark of a reply that already carries it (a replayed estimate)', () => {
    const reply = checkReply({ ...good, usage: { ...good.usage, estimated: true } }, MODEL, estimate);
    expect(reply.usage.estimated).toBe(true);
  });

  it('counts a malformed call by its raw argument text', () => {
    const raw = 'x'.repeat(40);
    const reply = checkReply(
      { text: '', toolCalls: [{ id: 'c', name: 'n', arguments: raw, malformed: true }], stop: 'tool_calls' },
      MODEL,
      estimate,
    );
    expect(reply.usage.outputTokens).toBe(10);
  });

  it.each([
    ['a number', 42, 'reply'],
    ['null', null, 'reply'],
    ['an array', [good], 'reply'],
    ['text as a number', { ...good, text: 7 }, 'text'],
    ['toolCalls not an array', { ...good, toolCalls: { 0: good.toolCalls[0] } }, 'toolCalls'],
    ['a tool call that is a string', { ...good, toolCalls: ['lookup_order'] }, 'toolCalls[0]'],
    ['a tool call without an id', { ...good, toolCalls: [{ name: 'x', arguments: {} }] }, 'toolCalls[0].id'],
    ['a tool call with a numeric name', { ...good, toolCalls: [{ id: 'c', name: 3 }] }, 'toolCalls[0].name'],
    ['an unknown stop reason', { ...good, stop: 'stop' }, 'stop'],
    ['a missing stop reason', { ...good, stop: undefined }, 'stop'],
    ['an inherited stop reason', { ...good, stop: 'toString' }, 'stop'],
    ['usage as a string', { ...good, usage: '120 tokens' }, 'usage'],
  ])('rejects %s, naming the field', (_, reply, field) => {
    const error = rejection(reply);
    expect(error).toMatchObject({ code: 'provider_error', retryable: false });
    expect(error.details).toMatchObject({ model: MODEL, field });
  });

  it('turns a getter that throws into a provider_error', () => {
    const reply = {
      ...good,
      get text(): string {
        throw new Error('boom');
      },
    };
    const error = rejection(reply);
    expect(error).toMatchObject({ code: 'provider_error', details: { model: MODEL, field: 'reply' } });
    expect(error.message).toContain('boom');
  });

  it('reads each field once, so a getter cannot answer the check and the copy differently', () => {
    let reads = 0;
    const reply = {
      ...good,
      get text(): unknown {
        reads += 1;
        return reads === 1 ? 'checked' : 42;
      },
    };
    expect(checkReply(reply, MODEL, estimate).text).toBe('checked');
    expect(reads).toBe(1);
  });

  it('passes a 10 000-deep argument object through without walking it, with usage or estimating it', () => {
    const deep: Record<string, unknown> = {};
    let node = deep;
    for (let depth = 0; depth < 10_000; depth += 1) {
      const next: Record<string, unknown> = {};
      node.a = next;
      node = next;
    }
    const toolCalls = [{ id: 'c', name: 'deep', arguments: deep }];
    const reported = checkReply({ ...good, toolCalls }, MODEL, estimate);
    expect(reported.toolCalls[0]?.arguments).toBe(deep);
    const estimated = checkReply({ text: 'abcd', toolCalls, stop: 'tool_calls' }, MODEL, estimate);
    expect(estimated.toolCalls[0]?.arguments).toBe(deep);
    expect(estimated.usage).toMatchObject({ inputTokens: ESTIMATE, estimated: true });
    expect(estimated.usage.outputTokens).toBeGreaterThanOrEqual(1);
  });

  it('does not call the estimate when the model reported its input', () => {
    let calls = 0;
    checkReply(good, MODEL, () => {
      calls += 1;
      return 1;
    });
    expect(calls).toBe(0);
  });
});
