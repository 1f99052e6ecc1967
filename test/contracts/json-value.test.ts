import { describe, expect, it } from 'vitest';
import { frozenData, jsonValueProblem, plainJsonCopy } from '../../contracts/json-value.js';

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

describe('plainJsonCopy', () => {
  it('copies plain JSON data all the way down, leaving out undefined properties as JSON does', () => {
    const given = { a: [1, { b: 'c' }], d: undefined, e: null };
    const copied = plainJsonCopy(given);
    expect(copied).toEqual({ kind: 'copy', value: { a: [1, { b: 'c' }], e: null } });
    if (copied.kind !== 'copy') throw new Error('not copied');
    (given.a[1] as { b: string }).b = 'changed';
    given.a.push(2);
    expect(copied.value).toEqual({ a: [1, { b: 'c' }], e: null });
    expect(Object.hasOwn(copied.value as object, 'd')).toBe(false);
  });

  it('freezes the copy all the way down, so that the code it is handed to cannot change it either', () => {
    const copied = plainJsonCopy({ a: [1, { b: 'c' }] });
    if (copied.kind !== 'copy') throw new Error('not copied');
    const value = copied.value as { a: [number, { b: string }] };
    expect([Object.isFrozen(value), Object.isFrozen(value.a), Object.isFrozen(value.a[1])]).toEqual([
      true,
      true,
      true,
    ]);
    expect(() => {
      value.a[1].b = 'changed';
    }).toThrow(TypeError);
  });

  it('keeps a key named __proto__ as a key, as JSON.parse does, and never as the prototype', () => {
    const given = JSON.parse('{"__proto__": {"admin": true}, "x": 1}') as Record<string, unknown>;
    const copied = plainJsonCopy(given);
    if (copied.kind !== 'copy') throw new Error('not copied');
    const value = copied.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect((value as { admin?: unknown }).admin).toBeUndefined();
    expect(JSON.stringify(value)).toBe(JSON.stringify(given));
  });

  it('says why a value has no plain copy: its shape, or what JSON would change, and where', () => {
    expect(plainJsonCopy({ list: [1, { at: new Date(0) }] })).toEqual({
      kind: 'data',
      problem: 'not plain JSON data: an instance of Date at $.list[1].at',
    });
    expect(plainJsonCopy({ 'a b': 1n })).toEqual({
      kind: 'data',
      problem: 'not plain JSON data: the bigint 1 at $["a b"]',
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(plainJsonCopy(cyclic)).toMatchObject({
      kind: 'shape',
      problem: expect.stringContaining('cyclic at $.self'),
    });
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i += 1) deep = { next: deep };
    expect(plainJsonCopy(deep)).toMatchObject({
      kind: 'shape',
      problem: expect.stringMatching(/deeper than/),
    });
  });
});

describe('frozenData', () => {
  it('freezes plain data all the way down, so that an assignment throws', () => {
    const value = frozenData({ a: { b: [1, { c: 2 }] } });
    expect(() => {
      (value.a.b[1] as { c: number }).c = 3;
    }).toThrow(TypeError);
    expect(() => {
      value.a.b.push(4);
    }).toThrow(TypeError);
    expect(value).toEqual({ a: { b: [1, { c: 2 }] } });
  });

  it('leaves what it cannot freeze as it is (a typed array, a Date), and ends on a value that refers back to itself', () => {
    const bytes = new Uint8Array([1, 2]);
    const value = frozenData({ bytes, at: new Date(0), list: [bytes] });
    expect(Object.isFrozen(value)).toBe(true);
    bytes[0] = 9;
    expect(value.bytes[0]).toBe(9);
    const cyclic: Record<string, unknown> = { a: { b: 1 } };
    cyclic.self = cyclic;
    expect(Object.isFrozen(frozenData(cyclic).a)).toBe(true);
  });
});
