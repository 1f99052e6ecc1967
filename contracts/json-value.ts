import { pathSegment, shapeProblem } from './depth.js';

/**
 * What keeps a value from being plain JSON data, which a store writes and reads back as it was, said for a
 * person to read after "it is": nested too deep or cyclic (as `shapeProblem` says it), or "not plain JSON
 * data: a function at $.next" for the first function, symbol, bigint, `undefined` (alone or in an array),
 * number that is not finite, or object that is neither a plain object nor an array (a `Date`, a `Map`, a
 * class instance), which `JSON.stringify` would drop, change or refuse. Null for plain JSON data. A
 * property whose value is `undefined` passes: JSON leaves it out, and it reads back as it did, undefined.
 */
export function jsonValueProblem(value: unknown): string | null {
  const shape = shapeProblem(value);
  if (shape !== null) return shape;
  // Within the depth limit, so the walk's recursion stays far inside the stack.
  const leaf = leafProblem(value, '$');
  return leaf === null ? null : `not plain JSON data: ${leaf}`;
}

/**
 * What JSON would drop, change or refuse in a value whose shape is sound, said as `jsonValueProblem` says
 * it ("not plain JSON data: the bigint 10 at $.id"); null for plain JSON data, and for a value nested too
 * deep or cyclic, which `shapeProblem` reports and its callers handle apart.
 */
export function jsonLeafProblem(value: unknown): string | null {
  if (shapeProblem(value) !== null) return null;
  const leaf = leafProblem(value, '$');
  return leaf === null ? null : `not plain JSON data: ${leaf}`;
}

function leafProblem(value: unknown, path: string): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${String(value)} at ${path}`;
  if (typeof value !== 'object') return `${describe(value)} at ${path}`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const problem = leafProblem(value[i], path + pathSegment(i));
      if (problem !== null) return problem;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    return `an instance of ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'a class'} at ${path}`;
  }
  for (const key of Object.keys(value)) {
    const entry = (value as Record<string, unknown>)[key];
    if (entry === undefined) continue;
    const problem = leafProblem(entry, path + pathSegment(key));
    if (problem !== null) return problem;
  }
  return null;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `the bigint ${String(value)}`;
  return `a ${typeof value}`;
}
