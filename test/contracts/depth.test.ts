import { describe, expect, it } from 'vitest';
import { exceedsDepth, isCyclic, MAX_DEPTH, shapeIssue, shapeProblem } from '../../contracts/depth.js';

/** A value nested `depth` levels deep (the outermost container is level 1), built without recursion. */
function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = wrap(value);
  return value;
}
const arrays = (depth: number) => nested(depth, (inner) => [inner]);
const objects = (depth: number) => nested(depth, (inner) => ({ a: inner }));

describe('exceedsDepth', () => {
  it('counts the outermost array or object as level 1 and allows exactly the maximum', () => {
    expect(exceedsDepth('text', 0)).toBe(false);
    expect(exceedsDepth([], 0)).toBe(true);
    expect(exceedsDepth([], 1)).toBe(false);
    expect(exceedsDepth(arrays(MAX_DEPTH), MAX_DEPTH)).toBe(false);
    expect(exceedsDepth(arrays(MAX_DEPTH + 1), MAX_DEPTH)).toBe(true);
    expect(exceedsDepth(objects(MAX_DEPTH + 1), MAX_DEPTH)).toBe(true);
    expect(exceedsDepth({ a: [1, { b: 2 }], c: 'x' }, 3)).toBe(false);
    expect(exceedsDepth({ a: [1, { b: [] }], c: 'x' }, 3)).toBe(true);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(exceedsDepth(arrays(100_000), Number.POSITIVE_INFINITY)).toBe(false);
    expect(exceedsDepth(objects(100_000), 99_999)).toBe(true);
  });

  it('treats a cyclic value as too deep at any limit', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(exceedsDepth(cyclic, Number.POSITIVE_INFINITY)).toBe(true);
    expect(exceedsDepth(cyclic, MAX_DEPTH)).toBe(true);
  });

  it('does not walk into what JSON writes flat: dates, maps, sets and byte arrays', () => {
    const set = new Set<unknown>();
    set.add(set);
    expect(exceedsDepth({ at: new Date(0), set, bytes: new Uint8Array(4) }, 1)).toBe(false);
  });
});

describe('isCyclic', () => {
  it('finds a reference back to a container the value is inside, at any depth', () => {
    const deep: { next?: unknown } = {};
    let at: { next?: unknown } = deep;
    for (let i = 0; i < 1_000; i += 1) at = at.next = {};
    at.next = deep;
    expect(isCyclic(deep)).toBe(true);
    const list: unknown[] = [1];
    list.push([list]);
    expect(isCyclic(list)).toBe(true);
  });

  it('does not count the same object side by side as a cycle', () => {
    const shared = { x: 1 };
    expect(isCyclic({ a: shared, b: [shared, shared] })).toBe(false);
    expect(isCyclic(arrays(10))).toBe(false);
    expect(isCyclic(null)).toBe(false);
  });
});

describe('shapeProblem', () => {
  it('says nothing of a value within the limits', () => {
    expect(shapeProblem({ ticket: { id: 'T-1', tags: ['a'] } })).toBeNull();
    expect(shapeProblem(42)).toBeNull();
  });

  it("walks an array by its indexes, never calling the array's own iterator", () => {
    const hostile = [{ a: [1] }, [2]];
    Object.defineProperty(hostile, Symbol.iterator, {
      value: () => {
        throw new Error('iterated');
      },
    });
    expect(shapeProblem({ list: hostile })).toBeNull();
    expect(shapeProblem([[hostile]], 3)).toBe('nested deeper than 3 levels at $[0][0][0]');
  });

  it('names the depth and the JSON path where a value nests too deep', () => {
    expect(shapeProblem({ a: { b: { 'c d': [[]] } } }, 4)).toBe(
      'nested deeper than 4 levels at $.a.b["c d"][0]',
    );
    expect(shapeIssue({ a: { b: [] } }, 2)).toEqual({ kind: 'depth', path: '$.a.b', depth: 3 });
  });

  it('shortens the path of a very deep value to its start and end', () => {
    const message = shapeProblem(objects(100_000))!;
    expect(message).toMatch(/^nested deeper than 256 levels at \$\.a\.a\.a.*….*\.a\.a$/);
    expect(message.length).toBeLessThan(150);
  });

  it('names where a cycle is and what it refers back to', () => {
    const root: Record<string, unknown> = { x: [{}, {}] };
    (root.x as Record<string, unknown>[])[1]!.back = root;
    expect(shapeProblem(root)).toBe('cyclic at $.x[1].back, which refers back to $');
    const inner: Record<string, unknown> = {};
    inner.me = inner;
    expect(shapeProblem({ a: inner })).toBe('cyclic at $.a.me, which refers back to $.a');
  });
});
