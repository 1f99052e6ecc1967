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

  it('sorts many keys the way Array.prototype.sort does', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `k${(i * 7919) % 40}`);
    const forward = Object.fromEntries(keys.map((k, i) => [k, i]));
    const backward = Object.fromEntries([...keys].reverse().map((k) => [k, forward[k]]));
    expect(fingerprint(forward)).toBe(fingerprint(backward));
    expect(fingerprint({ b: 1, a: 2, B: 3, é: 4 })).toBe(fingerprint({ é: 4, B: 3, a: 2, b: 1 }));
  });
});
