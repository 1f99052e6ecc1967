import { describe, expect, it } from 'vitest';
import { fitsStrictMode } from '../../agents/providers/openai-strict.js';
import { strictModeIssue } from '../../machines/check/strict-mode-issue.js';

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
  ...extra,
});

const CORPUS: Record<string, unknown>[] = [
  object({ a: { type: 'string' } }),
  object({ a: { type: 'string', minLength: 1 } }),
  object({ a: { oneOf: [{ type: 'string' }, { type: 'null' }] } }),
  object({ a: { anyOf: [{ type: 'string' }, { type: 'null' }] } }),
  object({ a: { type: 'string' } }, { required: [] }),
  object({ a: { type: 'string' } }, { additionalProperties: true }),
  object({ a: object({ b: { type: 'string', format: 'uri' } }) }),
  object({ a: { type: 'array', items: object({ b: { type: 'integer', minimum: 0 } }) } }),
  object({ a: object({ b: { type: 'string' } }, { additionalProperties: undefined, required: [] }) }),
  { type: 'string' },
  { type: 'object', anyOf: [object({ a: { type: 'string' } })] },
];

describe('strictModeIssue', () => {
  it('agrees with the OpenAI provider on which schemas fit strict mode', () => {
    for (const schema of CORPUS)
      expect(strictModeIssue(schema) === null, JSON.stringify(schema)).toBe(fitsStrictMode(schema));
  });

  it('names the keyword, where it is, and the fix', () => {
    expect(strictModeIssue(object({ a: { oneOf: [{ type: 'string' }, { type: 'null' }] } }))).toEqual({
      path: '/properties/a',
      keyword: 'oneOf',
      fix: expect.stringContaining('Use anyOf instead of oneOf'),
    });
    expect(
      strictModeIssue(object({ a: { type: 'string' }, b: { type: 'number' } }, { required: ['a'] })),
    ).toEqual({
      path: '',
      keyword: 'required',
      fix: expect.stringContaining('missing: b'),
    });
    expect(strictModeIssue(object({ a: object({ b: { type: 'string', format: 'uri' } }) }))).toMatchObject({
      path: '/properties/a/properties/b',
      keyword: 'format',
    });
    expect(strictModeIssue(object({ a: { type: 'string' } }, { additionalProperties: true }))).toMatchObject({
      path: '',
      keyword: 'additionalProperties',
      fix: 'Set additionalProperties: false on this object.',
    });
  });

  it('names both keywords when one object needs two fixes together', () => {
    const schema = object({
      a: object({ b: { type: 'string' } }, { additionalProperties: true, required: [] }),
    });
    expect(strictModeIssue(schema)).toMatchObject({
      path: '/properties/a',
      keyword: 'additionalProperties, required',
    });
  });

  it('reports a root that is not an object, and a schema nested too deep', () => {
    expect(strictModeIssue({ type: 'string' })?.keyword).toBe('type');
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 11; i += 1) deep = object({ next: deep });
    expect(fitsStrictMode(deep)).toBe(false);
    expect(strictModeIssue(deep)?.keyword).toBe('nesting');
  });
});
