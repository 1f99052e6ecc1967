import { acceptsNothing, type Checker, notUnderstood, pointer, type SchemaObject } from './compat-schema.js';

/** An array schema read as a tuple: schemas for the first items, then one schema for the rest. */
interface Tuple {
  readonly prefix: readonly unknown[];
  readonly rest: unknown;
}

/**
 * Reads `items` and its tuple forms: draft 2020-12 `prefixItems` + `items`, and draft-07 array `items` +
 * `additionalItems` (what TypeBox's `Type.Tuple` writes). Undefined when the forms are mixed.
 */
function tuple(s: SchemaObject): Tuple | undefined {
  if (Array.isArray(s.items))
    return 'prefixItems' in s ? undefined : { prefix: s.items, rest: s.additionalItems ?? true };
  if (!('prefixItems' in s)) return { prefix: [], rest: s.items ?? true };
  return Array.isArray(s.prefixItems) && !('additionalItems' in s)
    ? { prefix: s.prefixItems, rest: s.items ?? true }
    : undefined;
}

function count(value: unknown, otherwise: number): number {
  return typeof value === 'number' ? value : otherwise;
}

/** Checks the array keywords: items (and tuples), minItems, maxItems, uniqueItems. */
export function checkArray(ctx: Checker, p: SchemaObject, c: SchemaObject, path: string): void {
  for (const key of ['minItems', 'maxItems']) {
    if (key in c && typeof c[key] !== 'number')
      ctx.report(path, notUnderstood(key, ' with a value that is not a number'));
  }
  const theirs = tuple(c);
  if (!theirs) {
    ctx.report(path, notUnderstood('items', ' when mixed with prefixItems or additionalItems this way'));
    return;
  }
  // A producer tuple that cannot be read is taken as "any items": looser than it is, so still sound.
  const mine = tuple(p) ?? { prefix: [], rest: true };
  const least = count(p.minItems, 0);
  const most = Math.min(
    count(p.maxItems, Number.POSITIVE_INFINITY),
    acceptsNothing(mine.rest) ? mine.prefix.length : Number.POSITIVE_INFINITY,
  );
  const min = count(c.minItems, 0);
  const max = count(c.maxItems, Number.POSITIVE_INFINITY);
  if (least < min) {
    ctx.report(
      path,
      `the producer allows arrays with fewer than ${min} items (its minItems is ${least}); set minItems: ${min} on the producer`,
    );
  }
  if (most > max) {
    const limit = Number.isFinite(most) ? `up to ${most}` : 'it has no maxItems';
    ctx.report(
      path,
      `the producer allows arrays with more than ${max} items (${limit}); set maxItems: ${max} on the producer`,
    );
  }
  const length = Math.max(mine.prefix.length, theirs.prefix.length);
  for (let index = 0; index <= length && index < most; index += 1) {
    // Positions from `length` on all use the rest schemas, so checking `length` covers them.
    const from = index < mine.prefix.length ? mine.prefix[index] : mine.rest;
    const to = index < theirs.prefix.length ? theirs.prefix[index] : theirs.rest;
    if (!acceptsNothing(to) || acceptsNothing(from)) ctx.check(from, to, pointer(path, index));
    else if (index < max) {
      ctx.report(
        pointer(path, index),
        `the producer may send an item at index ${index}, but the consumer's tuple allows at most ${index} items; set maxItems: ${index} on the producer`,
      );
    }
  }
  if (c.uniqueItems === true && p.uniqueItems !== true && most > 1) {
    ctx.report(
      path,
      'the consumer requires unique items but the producer allows repeated ones; set uniqueItems: true on the producer',
    );
  }
}
