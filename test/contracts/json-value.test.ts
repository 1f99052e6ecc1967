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
    expect(jsonValueProblem({ a: undefined })).toBe('undefined at $.a');
    expect(jsonValueProblem([Symbol('s')])).toBe('a symbol at $[0]');
    expect(jsonValueProblem({ 'a b': Number.POSITIVE_INFINITY })).toBe('Infinity at $["a b"]');
    expect(jsonValueProblem({ seat: new Seat() })).toBe('an instance of Seat at $.seat');
    expect(jsonValueProblem(new Map())).toBe('an instance of Map at $');
    expect(jsonValueProblem(2n)).toBe('the bigint 2 at $');
  });
});
