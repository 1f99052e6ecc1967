import { mergeSchemas } from './compat-merge.js';
import {
  acceptsAll,
  type Checker,
  declaredTypes,
  hasRelativeRefs,
  notUnderstood,
  type SchemaObject,
  without,
} from './compat-schema.js';

/**
 * Splits `$ref`, `allOf`, `anyOf` and `oneOf` into checks of their parts; false when neither schema has one.
 * Exact splits come first (consumer `$ref`/`allOf`, producer unions), lossy ones last (producer `allOf`
 * that cannot be merged, consumer unions), so that a lossy rule sees parts as small as possible.
 */
export function splitCombinators(ctx: Checker, p: SchemaObject, c: SchemaObject, path: string): boolean {
  if ('$ref' in c) consumerRef(ctx, p, c, path);
  else if (Array.isArray(c.allOf))
    for (const part of [without(c, 'allOf'), ...c.allOf]) ctx.check(p, part, path);
  else if ('$ref' in p) producerRef(ctx, p, c, path);
  else if (Array.isArray(p.anyOf) || Array.isArray(p.oneOf)) producerUnion(ctx, p, c, path);
  else if (Array.isArray(p.allOf)) producerAllOf(ctx, p, c, path);
  else if (Array.isArray(c.anyOf) || Array.isArray(c.oneOf)) consumerUnion(ctx, p, c, path);
  else return false;
  return true;
}

/** A consumer `$ref` is an `allOf` of its target and its siblings (as ajv 8 reads it). */
function consumerRef(ctx: Checker, p: SchemaObject, c: SchemaObject, path: string): void {
  const target = ctx.resolve('consumer', c.$ref);
  if (target !== undefined) ctx.check(p, target, path);
  else if (p.$ref !== c.$ref || hasRelativeRefs({ $ref: c.$ref })) {
    // The same absolute URI on both sides names the same schema; anything else cannot be followed.
    ctx.report(
      path,
      notUnderstood('$ref', ` for ${JSON.stringify(c.$ref)} (it follows "#/..." and $id names)`),
    );
  }
  ctx.check(p, without(c, '$ref'), path);
}

/** A producer `$ref` is an `allOf` of its target and its siblings; one that cannot be followed only narrows. */
function producerRef(ctx: Checker, p: SchemaObject, c: SchemaObject, path: string): void {
  const target = ctx.resolve('producer', p.$ref);
  const rest = without(p, '$ref');
  if (target !== undefined) {
    ctx.check(acceptsAll(rest) ? target : { allOf: [rest, target] }, c, path);
  } else if (ctx.trial(rest, c, path).length > 0) {
    ctx.report(
      path,
      `the producer's $ref ${JSON.stringify(p.$ref)} is not understood by the compatibility check ` +
        '(it follows "#/..." and $id names); inline the referenced schema in the producer',
    );
  }
}

/** Every branch of a producer union (with the union's siblings) must fit; `oneOf` is read as `anyOf`. */
function producerUnion(ctx: Checker, p: SchemaObject, c: SchemaObject, path: string): void {
  const key = Array.isArray(p.anyOf) ? 'anyOf' : 'oneOf';
  const rest = without(p, key);
  (p[key] as unknown[]).forEach((branch, index) => {
    const part = acceptsAll(rest) ? branch : (mergeSchemas(rest, branch) ?? { allOf: [rest, branch] });
    for (const issue of ctx.trial(part, c, path)) {
      ctx.report(issue.path, `${issue.message} (producer ${key} branch ${index})`);
    }
  });
}

/** A producer `allOf` is merged into one schema; when it cannot be, it fits if one member fits alone. */
function producerAllOf(ctx: Checker, p: SchemaObject, c: SchemaObject, path: string): void {
  const parts = [without(p, 'allOf'), ...(p.allOf as unknown[])];
  const merged = parts.reduce<unknown>((a, b) => (a === undefined ? undefined : mergeSchemas(a, b)), {});
  if (merged !== undefined) {
    ctx.check(merged, c, path);
    return;
  }
  let best: readonly { path: string; message: string }[] | undefined;
  for (const part of parts.filter((s) => !acceptsAll(s))) {
    const issues = ctx.trial(part, c, path);
    if (issues.length === 0) return;
    if (!best || issues.length < best.length) best = issues;
  }
  for (const issue of best ?? ctx.trial({}, c, path)) {
    ctx.report(
      issue.path,
      `${issue.message} (the producer's allOf could not be merged, and no member fits alone)`,
    );
  }
}

/**
 * The producer must fit one consumer branch as a whole; for `oneOf` that branch must also exclude the others.
 * Limitation: a producer whose values spread over several branches (say `{ a: 'x' | 'y' }` against
 * `{ a: 'x' } | { a: 'y' }`) is reported, unless the spread is its own union or type list.
 */
function consumerUnion(ctx: Checker, p: SchemaObject, c: SchemaObject, path: string): void {
  const types = declaredTypes(p);
  if (types && types.length > 1) {
    for (const type of types) ctx.check({ ...p, type }, c, path);
    return;
  }
  const key = Array.isArray(c.anyOf) ? 'anyOf' : 'oneOf';
  const branches = c[key] as unknown[];
  ctx.check(p, without(c, key), path);
  const results = branches.map((branch) => ctx.trial(p, branch, path));
  const fits = results.flatMap((issues, index) => (issues.length === 0 ? [index] : []));
  if (key === 'anyOf' && fits.length > 0) return;
  if (key === 'oneOf') {
    const clash = (i: number) => branches.findIndex((b, j) => j !== i && !ctx.disjoint(p, b));
    if (fits.some((i) => clash(i) < 0)) return;
    const [fit] = fits;
    if (fit !== undefined) {
      ctx.report(
        path,
        `the producer fits the consumer's oneOf branch ${fit} but may also match branch ${clash(fit)}, and oneOf ` +
          'rejects values that match two branches; make the branches exclusive (e.g. a const tag) or use anyOf',
      );
      return;
    }
  }
  const reasons = results
    .slice(0, 3)
    .map((issues, i) => `branch ${i}: ${issues[0]?.path || '(root)'} ${issues[0]?.message}`);
  ctx.report(
    path,
    `the producer fits none of the consumer's ${key} branches (${reasons.join('; ')}); ` +
      'make the producer match one branch (the check does not spread one producer over several branches)',
  );
}
