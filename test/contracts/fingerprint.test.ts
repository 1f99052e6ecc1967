import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint } from '../../contracts/fingerprint.js';

describe('fingerprint', () => {
  it('is equal for equal data in any key order and differs for different data', () => {
    expect(fingerprint({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(
      fingerprint({ b: { d: 'x', c: [1, 2] }, a: 1 }),
    );
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
    expect(fingerprint({ a: [1, 2] })).not.toBe(fingerprint({ a: [2, 1] }));
    expect(fingerprint({ a: '1' })).not.toBe(fingerprint({ a: 1 }));
    expect(fingerprint({ a: true })).not.toBe(fingerprint({ a: 'true' }));
    expect(fingerprint(['ab', 'c'])).not.toBe(fingerprint(['a', 'bc']));
    expect(fingerprint({ a: 1, b: undefined })).toBe(fingerprint({ a: 1 }));
    expect(fingerprint({ a: 1 }, 'billing')).not.toBe(fingerprint({ a: 1 }, 'tech'));
    expect(fingerprint({ a: 1 }, 'billing')).toBe(fingerprint({ a: 1 }, 'billing'));
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}');
  });

  it('gives distinct fingerprints across many near-identical payloads', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 20_000; i += 1)
      seen.add(fingerprint({ ticketId: 'T-1', step: i, notes: [`n${i % 7}`] }));
    expect(seen.size).toBe(20_000);
    expect(Number.isSafeInteger([...seen][0])).toBe(true);
  });

  it('gives the same fingerprints as it always has, since run contexts keep them', () => {
    expect(fingerprint({ ticketId: 'T-1', notes: ['a', 'b'], step: 2 }, 'draft')).toBe(6250013397591413);
    const odd = {
      z: null,
      y: [true, 1.5, -0, 1e21],
      x: { 'k"1': '\u00e9\u2028', '': 0 },
      long: 'x'.repeat(1234),
    };
    expect(fingerprint(odd)).toBe(5514311426862971);
    expect(fingerprint('plain')).toBe(7803763835725616);
    expect(fingerprint(42, 'scope')).toBe(2343037007844422);
  });

  it("orders a payload's keys as Array.prototype.sort does, few keys or many", () => {
    // Up to 32 keys are sorted in place; the value below was computed by the earlier implementation,
    // which sorted with Array.prototype.sort, so it fails if the two orders ever differ.
    const keys = [
      'b',
      'a',
      'B',
      'A',
      'é',
      'ab',
      'aa',
      '',
      '10',
      '9',
      'Z',
      'z',
      '_',
      'a b',
      'aB',
      'Ab',
      '😀',
      'ß',
      'k"1',
      'é2',
    ];
    const few = Object.fromEntries(keys.map((k, i) => [k, i % 3 === 0 ? [i, k] : i]));
    expect(fingerprint(few)).toBe(5815721367509344);
    expect(fingerprint(Object.fromEntries(Object.entries(few).reverse()))).toBe(5815721367509344);
    // Past 32 keys the built-in sort is used.
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${(i * 7919) % 40}`, i]));
    expect(fingerprint(many)).toBe(fingerprint(Object.fromEntries(Object.entries(many).reverse())));
  });
});

/** An array or object nested `depth` levels deep, built without recursion. */
function nested(depth: number, wrap: (inner: unknown) => unknown, leaf: unknown = 0): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i += 1) value = wrap(value);
  return value;
}

describe('fingerprint beyond plain JSON', () => {
  it('tells apart what a code step returns with different dates, and matches equal ones', () => {
    // What a step outputs: { at: new Date(1) } used to look like { at: {} }.
    expect(fingerprint({ at: new Date(1) })).not.toBe(fingerprint({ at: new Date(2) }));
    expect(fingerprint({ at: new Date(1) })).toBe(fingerprint({ at: new Date(1) }));
    expect(fingerprint({ at: new Date(1) })).not.toBe(fingerprint({ at: {} }));
    expect(fingerprint({ at: new Date(1) })).not.toBe(fingerprint({ at: '1' }));
    expect(fingerprint(new Date(Number.NaN))).toBe(fingerprint(new Date(Number.NaN)));
    expect(fingerprint(/a/g)).not.toBe(fingerprint(/a/i));
    expect(fingerprint(/a/g)).toBe(fingerprint(/a/g));
  });

  it('fingerprints a Map by its entries and a Set by its members, in any order', () => {
    expect(fingerprint(new Map([['a', 1]]))).not.toBe(fingerprint(new Map([['a', 2]])));
    expect(fingerprint(new Map([['a', 1]]))).not.toBe(fingerprint(new Map([['b', 1]])));
    expect(
      fingerprint(
        new Map<string, unknown>([
          ['a', 1],
          ['b', [2]],
        ]),
      ),
    ).toBe(
      fingerprint(
        new Map<string, unknown>([
          ['b', [2]],
          ['a', 1],
        ]),
      ),
    );
    expect(fingerprint(new Set([1, 2, 3]))).toBe(fingerprint(new Set([3, 1, 2])));
    expect(fingerprint(new Set([1, 2]))).not.toBe(fingerprint(new Set([1, 2, 3])));
    expect(fingerprint(new Set([1]))).not.toBe(fingerprint(new Map([[1, 1]])));
    expect(fingerprint(new Set())).not.toBe(fingerprint(new Map()));
    expect(fingerprint(new Set())).not.toBe(fingerprint({}));
    expect(fingerprint(new Set([[1, 2]]))).not.toBe(fingerprint(new Map([[1, 2]])));
    expect(fingerprint({ s: new Set(['x', { y: 1 }]) })).toBe(fingerprint({ s: new Set([{ y: 1 }, 'x']) }));
  });

  it('fingerprints typed arrays, DataViews and ArrayBuffers by their bytes and type', () => {
    expect(fingerprint(new Uint8Array([1, 2]))).toBe(fingerprint(new Uint8Array([1, 2])));
    expect(fingerprint(new Uint8Array([1, 2]))).not.toBe(fingerprint(new Uint8Array([2, 1])));
    expect(fingerprint(new Uint8Array([1]))).not.toBe(fingerprint(new Int8Array([1])));
    expect(fingerprint(new Uint8Array([1, 2]))).not.toBe(fingerprint({ 0: 1, 1: 2 }));
    expect(fingerprint(new Float64Array([0]))).not.toBe(fingerprint(new Float64Array([-0])));
    const buffer = new Uint8Array([9, 1, 2, 9]).buffer;
    expect(fingerprint(new Uint8Array(buffer, 1, 2))).toBe(fingerprint(new Uint8Array([1, 2])));
    expect(fingerprint(new DataView(buffer, 1, 2))).not.toBe(fingerprint(new Uint8Array([1, 2])));
    expect(fingerprint(new DataView(buffer, 1, 2))).toBe(fingerprint(new DataView(buffer.slice(1, 3))));
    expect(fingerprint(buffer)).toBe(fingerprint(new Uint8Array([9, 1, 2, 9]).buffer));
    expect(fingerprint(buffer)).not.toBe(fingerprint(new Uint8Array([9, 1, 2, 8]).buffer));
    expect(fingerprint(buffer)).not.toBe(fingerprint(new Uint8Array([9, 1, 2, 9])));
  });

  it('fingerprints an array and an object nested 100,000 levels deep without overflowing the stack', () => {
    const deepArray = nested(100_000, (inner) => [inner]);
    const deepObject = nested(100_000, (inner) => ({ a: inner }));
    expect(() => JSON.stringify(deepArray)).toThrow(RangeError); // what a recursive walk runs into
    const arrayPrint = fingerprint(deepArray);
    expect(Number.isSafeInteger(arrayPrint)).toBe(true);
    expect(arrayPrint).toBe(fingerprint(nested(100_000, (inner) => [inner])));
    expect(arrayPrint).not.toBe(fingerprint(nested(100_000, (inner) => [inner], 1)));
    const objectPrint = fingerprint(deepObject);
    expect(objectPrint).toBe(fingerprint(nested(100_000, (inner) => ({ a: inner }))));
    expect(objectPrint).not.toBe(fingerprint(nested(99_999, (inner) => ({ a: inner }))));
    const deepSets = () => nested(20_000, (inner) => new Set([inner]));
    expect(fingerprint(deepSets())).toBe(fingerprint(deepSets()));
  });

  it('ends on cyclic data, marking the back-reference the same way each time', () => {
    const cyclic = (leaf: number) => {
      const value: Record<string, unknown> = { leaf, list: [] };
      (value.list as unknown[]).push(value);
      return value;
    };
    expect(fingerprint(cyclic(1))).toBe(fingerprint(cyclic(1)));
    expect(fingerprint(cyclic(1))).not.toBe(fingerprint(cyclic(2)));
    // A reference one level up is not a reference two levels up.
    const one: unknown[] = [];
    one.push(one);
    const two: unknown[][] = [[]];
    two[0]!.push(two);
    expect(fingerprint(one)).not.toBe(fingerprint(two));
    // A Map or Set that holds itself ends too.
    const selfMap = () => {
      const map = new Map<string, unknown>();
      return map.set('self', map);
    };
    const set = new Set<unknown>();
    set.add(set);
    expect(fingerprint(selfMap())).toBe(fingerprint(selfMap()));
    expect(fingerprint(selfMap())).not.toBe(fingerprint(new Map([['self', selfMap()]])));
    expect(fingerprint(set)).not.toBe(fingerprint(new Set()));
    // The same object twice side by side is not a cycle: it is walked as the data it is.
    const shared = { x: 1 };
    expect(fingerprint([shared, shared])).toBe(fingerprint([{ x: 1 }, { x: 1 }]));
  });
});
