import { describe, expect, it } from 'vitest';
import { jsonValueProblem } from '../../contracts/json-value.js';

describe('jsonValueProblem', () => {
  it('passes plain JSON data, objects without a prototype included', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    for (const value of [null, 'x', 0, -1.5, true, [], {}, { a: [1, { b: 'c' }], 'a b': null }, bare]) {
      expect(jsonValueProblem(value)).toBeNull();
    }
  });

  it('names what JSON would drop, change or refuse, and where', () => {
    class Seat {
      row = 1;
    }
    expect(jsonValueProblem({ a: undefined })).toBe('not plain JSON data: undefined at $.a');
    expect(jsonValueProblem([Symbol('s')])).toBe('not plain JSON data: a symbol at $[0]');
    expect(jsonValueProblem({ 'a b': Number.POSITIVE_INFINITY })).toBe(
      'not plain JSON data: Infinity at $["a b"]',
    );
    expect(jsonValueProblem({ seat: new Seat() })).toBe('not plain JSON data: an instance of Seat at $.seat');
    expect(jsonValueProblem(new Map())).toBe('not plain JSON data: an instance of Map at $');
    expect(jsonValueProblem(2n)).toBe('not plain JSON data: the bigint 2 at $');
  });
});
