import {
  BatonError,
  ERROR_CODES,
  formatViolations,
  isBatonError,
  jsonSchema,
  REASONS,
  validatorFor,
} from 'baton-flow';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';

describe('formatViolations', () => {
  const violation = (i: number) => ({ path: `/items/${i}`, keyword: 'type', message: 'must be string' });

  it('lists at most twenty violations (or the limit given) and counts the rest', () => {
    const many = Array.from({ length: 1_234 }, (_, i) => violation(i));
    const lines = formatViolations(many).split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[19]).toBe('/items/19: must be string');
    expect(lines[20]).toBe('… and 1,214 more');
    expect(formatViolations(many, 2).split('\n')).toEqual([
      '/items/0: must be string',
      '/items/1: must be string',
      '… and 1,232 more',
    ]);
    expect(formatViolations(many.slice(0, 20))).not.toContain('more');
  });

  it('cuts a line longer than 300 characters', () => {
    const line = formatViolations([
      { path: `/${'k'.repeat(10_000)}`, keyword: 'x', message: 'is not allowed' },
    ]);
    expect(line).toHaveLength(300);
    expect(line.endsWith('…')).toBe(true);
  });
});

describe('validatorFor', () => {
  it('compiles a schema once and serves the same validator after', () => {
    const schema = Type.Object({ a: Type.String() });
    const first = validatorFor(schema);
    const second = validatorFor(schema);
    expect(first.validate({ a: 'x' })).toEqual({ ok: true, value: { a: 'x' } });
    expect(second.validate({ a: 1 }).ok).toBe(false);
    expect(second).toBe(first);
    expect(validatorFor(Type.Object({ a: Type.String() }))).not.toBe(first); // keyed by the schema object
  });

  it('reports every violation with a JSON path and a readable message', () => {
    const schema = Type.Object(
      {
        id: Type.String(),
        amount: Type.Number({ minimum: 0 }),
        kind: Type.Union([Type.Literal('a'), Type.Literal('b')]),
        email: Type.String({ format: 'email' }),
      },
      { additionalProperties: false },
    );
    const result = validatorFor(schema).validate({ amount: -1, kind: 'c', email: 'nope', extra: true });
    expect(result.ok).toBe(false);
    const text = result.ok ? '' : formatViolations(result.violations);
    expect(text).toContain('/id: is required but missing');
    expect(text).toContain('/extra: is not an allowed property');
    expect(text).toContain('/amount: must be >= 0');
    expect(text).toContain('/email: must match format "email"');
  });

  it('types plain JSON Schema declared with jsonSchema', () => {
    const Point = jsonSchema<{ x: number }>({
      type: 'object',
      required: ['x'],
      properties: { x: { type: 'number' } },
    });
    const result = validatorFor(Point).validate({ x: 1 });
    if (result.ok) {
      const x: number = result.value.x;
      expect(x).toBe(1);
    } else {
      expect.fail('valid point rejected');
    }
  });

  it('throws invalid_schema for a schema ajv rejects and for a non-object', () => {
    expect(() => validatorFor({ type: 'object', properties: { a: { type: 'nope' } } }, 'here')).toThrow(
      /here: ajv cannot compile the schema/,
    );
    expect(() => validatorFor('string' as never, 'there')).toThrow(/there: expected a JSON Schema object/);
  });
});

describe('errors and reasons', () => {
  it('recognises a BatonError from another copy of the package by its brand', () => {
    const native = new BatonError('invalid_flow', 'x');
    const foreign = Object.assign(new Error('y'), {
      [Symbol.for('baton.error')]: true,
      code: 'invalid_flow',
    });
    expect(isBatonError(native)).toBe(true);
    expect(isBatonError(foreign)).toBe(true);
    expect(isBatonError(new Error('z'))).toBe(false);
    expect(native).toMatchObject({ code: 'invalid_flow', retryable: false, details: {} });
  });

  it('describes every error code and every reason code, with MAST tags in FM-x.y form', () => {
    for (const description of Object.values(ERROR_CODES)) expect(description.length).toBeGreaterThan(20);
    for (const [code, info] of Object.entries(REASONS)) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(info.description.length).toBeGreaterThan(20);
      for (const tag of info.mast) expect(tag).toMatch(/^FM-[1-3]\.[1-6]$/);
    }
    expect(Object.keys(REASONS)).toEqual([
      'contract_violation',
      'done_unmet',
      'tool_not_allowed',
      'loop_detected',
      'handoff_limit',
      'visit_limit',
      'turn_limit',
      'token_budget',
      'cost_budget',
      'deadline',
      'needs_human',
      'human_timeout',
      'input_ignored',
      'action_mismatch',
      'verification_incomplete',
      'verification_failed',
      'invalid_input',
      'provider_error',
      'step_failed',
      'cancelled',
    ]);
  });
});
