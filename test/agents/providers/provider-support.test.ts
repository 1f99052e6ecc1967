import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { anthropic } from '../../../agents/providers/anthropic.js';
import { openai } from '../../../agents/providers/openai.js';
import { fitsStrictMode } from '../../../agents/providers/openai-strict.js';
import { PRICES, priceOf } from '../../../agents/providers/prices.js';
import {
  lazyClient,
  loadSdk,
  plainSchema,
  redactSecrets,
  redactText,
  toolCallFromText,
} from '../../../agents/providers/provider-support.js';
import { isBatonError } from '../../../contracts/errors.js';

describe('loadSdk()', () => {
  it('throws missing_dependency saying which package to install when the import fails to resolve', async () => {
    const name = 'baton-no-such-sdk';
    const error = await loadSdk({ name, load: () => import(/* @vite-ignore */ name) }).catch(
      (e: unknown) => e,
    );
    expect(isBatonError(error) && error.code).toBe('missing_dependency');
    expect(isBatonError(error) && error.message).toContain('npm install baton-no-such-sdk');
  });

  it('passes other import failures through unchanged', async () => {
    const failure = new Error('syntax error in the SDK');
    await expect(loadSdk({ name: 'openai', load: () => Promise.reject(failure) })).rejects.toBe(failure);
  });
});

describe('fitsStrictMode()', () => {
  it('accepts closed objects whose properties are all required, nested and in arrays', () => {
    const schema = plainSchema(
      Type.Object(
        {
          id: Type.String({ pattern: '^T-' }),
          tags: Type.Array(Type.Object({ name: Type.String() }, { additionalProperties: false }), {
            maxItems: 3,
          }),
          kind: Type.Union([Type.Literal('a'), Type.Literal('b')]),
        },
        { additionalProperties: false },
      ),
    );
    expect(fitsStrictMode(schema)).toBe(true);
  });

  it('rejects optional properties, open objects and unsupported keywords', () => {
    expect(
      fitsStrictMode(
        plainSchema(Type.Object({ a: Type.Optional(Type.String()) }, { additionalProperties: false })),
      ),
    ).toBe(false);
    expect(fitsStrictMode(plainSchema(Type.Object({ a: Type.String() })))).toBe(false);
    expect(
      fitsStrictMode(
        plainSchema(Type.Object({ a: Type.String({ minLength: 1 }) }, { additionalProperties: false })),
      ),
    ).toBe(false);
    expect(
      fitsStrictMode({
        type: 'object',
        properties: { at: { type: 'string', format: 'uri' } },
        required: ['at'],
        additionalProperties: false,
      }),
    ).toBe(false);
    expect(fitsStrictMode({ anyOf: [{ type: 'object' }] })).toBe(false);
  });
});

describe('toolCallFromText()', () => {
  it('parses JSON arguments, reads blank text as no arguments, and marks the rest malformed', () => {
    expect(toolCallFromText('c', 't', '{"a":1}')).toEqual({ id: 'c', name: 't', arguments: { a: 1 } });
    expect(toolCallFromText('c', 't', ' ')).toEqual({ id: 'c', name: 't', arguments: {} });
    expect(toolCallFromText('c', 't', '{"a":')).toEqual({
      id: 'c',
      name: 't',
      arguments: '{"a":',
      malformed: true,
    });
  });
});

describe('redaction', () => {
  it('redacts given secrets, key-looking strings and credential-named fields but not token counts', () => {
    expect(redactText('key=sk-ant-api03-abcdefghijklmnopqrstuv and my-own-secret', ['my-own-secret'])).toBe(
      'key=[REDACTED] and [REDACTED]',
    );
    expect(
      redactSecrets({
        headers: { Authorization: 'Basic x' },
        usage: { inputTokens: 5, maxOutputTokens: 10 },
        list: ['AIzaSyA-0123456789abcdefghijklmnopqrstu'],
      }),
    ).toEqual({
      headers: { Authorization: '[REDACTED]' },
      usage: { inputTokens: 5, maxOutputTokens: 10 },
      list: ['[REDACTED]'],
    });
  });
});

describe('prices', () => {
  it('looks up table prices by model id, dated snapshot and override', () => {
    expect(priceOf('openai:gpt-5-mini')).toEqual({ input: 0.25, cachedInput: 0.025, output: 2 });
    expect(priceOf('openai:gpt-4.1-2025-04-14')).toBe(PRICES['openai:gpt-4.1']);
    expect(priceOf('anthropic:claude-haiku-4-5-20251001')).toEqual({ input: 1, cachedInput: 0.1, output: 5 });
    expect(priceOf('anthropic:claude-sonnet-4-20250514')).toBe(PRICES['anthropic:claude-sonnet-4-0']);
    expect(priceOf('openai:my-fine-tune')).toBeUndefined();
  });

  it('gives each provider model its table price unless the price option overrides it', () => {
    expect(openai('gpt-5-mini').price).toEqual({ input: 0.25, cachedInput: 0.025, output: 2 });
    expect(anthropic('claude-haiku-4-5', { price: { input: 9, output: 9 } }).price).toEqual({
      input: 9,
      output: 9,
    });
    expect(openai('llama3.1', { api: 'chat', baseURL: 'http://127.0.0.1:1/v1' })).not.toHaveProperty('price');
  });

  it('lists every price as non-negative numbers with output at least input', () => {
    for (const [id, price] of Object.entries(PRICES)) {
      expect(price.input, id).toBeGreaterThan(0);
      expect(price.output, id).toBeGreaterThanOrEqual(price.input);
      expect(price.cachedInput ?? 0, id).toBeLessThanOrEqual(price.input);
    }
  });
});

describe('lazyClient()', () => {
  it('makes the client once, and again after a failure, which it reports without the key', async () => {
    let made = 0;
    const client = lazyClient({
      provider: 'Acme',
      given: undefined,
      apiKey: 'sk-acme-SECRET-000011112222',
      hint: 'Set ACME_KEY.',
      make: async () => {
        made += 1;
        if (made === 1) throw new Error('bad key sk-acme-SECRET-000011112222');
        return { id: made };
      },
    });
    const failure = await client().catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'provider_error',
      retryable: false,
      details: { provider: 'Acme' },
    });
    expect(String((failure as Error).message)).toBe(
      'Could not create the Acme client: bad key [REDACTED] Set ACME_KEY.',
    );
    expect(await client()).toEqual({ id: 2 });
    expect(await client()).toEqual({ id: 2 });
    expect(made).toBe(2);
  });

  it('uses a given client without making one', async () => {
    const given = { id: 'given' };
    const client = lazyClient({
      provider: 'Acme',
      given,
      apiKey: undefined,
      hint: '',
      make: () => Promise.reject(new Error('not called')),
    });
    expect(await client()).toBe(given);
  });
});
