import { describe, expect, it } from 'vitest';
import { jsonLeafProblem, jsonValueProblem } from '../../contracts/json-value.js';

describe('jsonValueProblem', () => {
  it('passes plain JSON data, objects without a prototype included', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    for (const value of [null, 'x', 0, -1.5, true, [], {}, { a: [1, { b: 'c' }], 'a b': null }, bare]) {
      expect(jsonValueProblem(value)).toBeNull();
    }
  });

  it('passes a property whose value is undefined, which JSON leaves out and which reads back the same', () => {
    expect(jsonValueProblem({ a: undefined, b: { c: undefined } })).toBeNull();
    expect(JSON.parse(JSON.stringify({ a: undefined })).a).toBeUndefined();
  });

  it('names what JSON would drop, change or refuse, and where', () => {
    class Seat {
      row = 1;
    }
    expect(jsonValueProblem([1, undefined])).toBe('not plain JSON data: undefined at $[1]');
    expect(jsonValueProblem(undefined)).toBe('not plain JSON data: undefined at $');
    expect(jsonValueProblem([Symbol('s')])).toBe('not plain JSON data: a symbol at $[0]');
    expect(jsonValueProblem({ 'a b': Number.POSITIVE_INFINITY })).toBe(
      'not plain JSON data: Infinity at $["a b"]',
    );
    expect(jsonValueProblem({ seat: new Seat() })).toBe('not plain JSON data: an instance of Seat at $.seat');
    expect(jsonValueProblem(new Map())).toBe('not plain JSON data: an instance of Map at $');
    expect(jsonValueProblem(2n)).toBe('not plain JSON data: the bigint 2 at $');
  });
});

describe('jsonLeafProblem', () => {
  it('names what JSON would change, and leaves a value nested too deep or cyclic to shapeProblem', () => {
    expect(jsonLeafProblem({ at: new Date(0) })).toBe('not plain JSON data: an instance of Date at $.at');
    expect(jsonLeafProblem({ n: Number.NaN })).toBe('not plain JSON data: NaN at $.n');
    expect(jsonLeafProblem({ ok: [1, 'two', null] })).toBeNull();
    const cyclic: Record<string, unknown> = { big: 1n };
    cyclic.self = cyclic;
    expect(jsonLeafProblem(cyclic)).toBeNull();
    let deep: unknown = 1n;
    for (let i = 0; i < 10_000; i += 1) deep = { next: deep };
    expect(jsonLeafProblem(deep)).toBeNull();
  });
});
