import { kindOf } from './arguments.js';
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
  return shapeProblem(value) ?? leafProblem(value);
}

/** A copy of plain JSON data, or why a value has none: its shape, or what JSON would change in it. */
export type PlainCopy =
  | { readonly kind: 'copy'; readonly value: unknown }
  | { readonly kind: 'shape' | 'data'; readonly problem: string };

/**
 * A deep copy of a value that is plain JSON data, frozen all the way down, so that nothing its giver does
 * to it later, and nothing the code it is handed to does to it, reaches what Baton checked and keeps; or
 * why it has none, said as `jsonValueProblem` says it: `shape` for a value nested too deep or cyclic,
 * `data` for what JSON would drop, change or refuse. A property whose
 * value is `undefined` is left out of the copy, as JSON leaves it out; a key named `__proto__` stays a key.
 */
export function plainJsonCopy(value: unknown): PlainCopy {
  const shape = shapeProblem(value);
  if (shape !== null) return { kind: 'shape', problem: shape };
  const failure: Failure = { what: '', segments: [] };
  // Within the depth limit, so the walk's recursion stays far inside the stack.
  const copy = walk(value, failure, true);
  return copy === FAILED ? { kind: 'data', problem: said(failure) } : { kind: 'copy', value: copy };
}

/** What JSON would change in a value whose shape is sound, or null. */
function leafProblem(value: unknown): string | null {
  const failure: Failure = { what: '', segments: [] };
  return walk(value, failure, false) === FAILED ? said(failure) : null;
}

function said(failure: Failure): string {
  return `not plain JSON data: ${failure.what} at $${failure.segments.reverse().join('')}`;
}

/**
 * Freezes the arrays and plain objects of a value all the way down and returns it, so that code handed
 * it (a tool, a model, a step) cannot change it in place: an assignment throws in strict code. A value
 * already frozen at its top is taken to be frozen throughout, as this function leaves it. For a value
 * whose depth is bounded (the shapes Baton checked).
 */
export function frozenData<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  // Only arrays and plain objects: a typed array cannot be frozen, and a Date or a Map keeps its content
  // in internal slots that freezing does not reach.
  if (!Array.isArray(value)) {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
  }
  // Frozen before its children, so that a value that refers back to itself ends the walk.
  Object.freeze(value);
  for (const key of Object.keys(value)) frozenData((value as Record<string, unknown>)[key]);
  return value;
}

const FAILED = Symbol('not plain JSON data');

/** What stopped a copy, and the path to it, its segments from the leaf up. */
interface Failure {
  what: string;
  readonly segments: string[];
}

/**
 * Walks a value whose shape is sound, stopping at the first leaf JSON would change: a copy of it when
 * `copying` (frozen, each array and object of it), else the value itself; FAILED, with `failure` filled
 * in, when it stopped.
 */
function walk(value: unknown, failure: Failure, copying: boolean): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    failure.what = String(value);
    return FAILED;
  }
  if (typeof value !== 'object') {
    failure.what = kindOf(value);
    return FAILED;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] | null = copying ? new Array(value.length) : null;
    for (let i = 0; i < value.length; i += 1) {
      const item = walk(value[i], failure, copying);
      if (item === FAILED) {
        failure.segments.push(pathSegment(i));
        return FAILED;
      }
      if (copy) copy[i] = item;
    }
    return copy ? Object.freeze(copy) : value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    failure.what = `an instance of ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'a class'}`;
    return FAILED;
  }
  const copy: Record<string, unknown> | null = copying ? {} : null;
  for (const key of Object.keys(value)) {
    const entry = (value as Record<string, unknown>)[key];
    if (entry === undefined) continue;
    const item = walk(entry, failure, copying);
    if (item === FAILED) {
      failure.segments.push(pathSegment(key));
      return FAILED;
    }
    if (!copy) continue;
    // An assignment to `__proto__` would set the copy's prototype; JSON.parse makes it an own key.
    if (key === '__proto__')
      Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return copy ? Object.freeze(copy) : value;
}
