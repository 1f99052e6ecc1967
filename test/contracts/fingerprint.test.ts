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
