import { checkArray } from './compat-array.js';
import { checkObject } from './compat-object.js';
import {
  ALL_TYPES,
  ANNOTATIONS,
  admits,
  type Checker,
  declaredTypes,
  deepEqual,
  hasRelativeRefs,
  notUnderstood,
  type SchemaObject,
  typeOfValue,
} from './compat-schema.js';

/** Consumer keywords read by name in this file, `compat-object.ts` or `compat-array.ts`. */
const HANDLED: ReadonlySet<string> = new Set([
  ...[
    'type',
    'const',
    'enum',
    'not',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'multipleOf',
  ],
  ...['minLength', 'maxLength', 'pattern', 'format', 'required', 'properties', 'patternProperties'],
  ...['additionalProperties', 'minProperties', 'maxProperties', 'items', 'prefixItems', 'additionalItems'],
  ...['minItems', 'maxItems', 'uniqueItems'],
]);

/** Consumer keywords read as one group: of one value type (else any), comparable when siblings do not change them. */
interface Group {
  readonly keys: readonly string[];
  readonly type?: string;
  readonly comparable: boolean;
}

/**
 * Groups the check does not reason about. A comparable group holds for the producer when it has the same
 * keywords with the same values, because their meaning depends only on the value; `unevaluated*` depend
 * on every sibling keyword, and unknown keywords could mean anything, so they are never comparable.
 */
const GROUPS: readonly Group[] = [
  { keys: ['if', 'then', 'else'], comparable: true },
  { keys: ['contains', 'minContains', 'maxContains'], type: 'array', comparable: true },
  { keys: ['propertyNames'], type: 'object', comparable: true },
  { keys: ['dependentRequired'], type: 'object', comparable: true },
  { keys: ['dependencies'], type: 'object', comparable: true },
  { keys: ['dependentSchemas'], type: 'object', comparable: true },
  { keys: ['contentEncoding', 'contentMediaType', 'contentSchema'], type: 'string', comparable: true },
  { keys: ['unevaluatedProperties'], type: 'object', comparable: false },
  { keys: ['unevaluatedItems'], type: 'array', comparable: false },
];

/** Checks a producer without combinators against a consumer without combinators, keyword by keyword. */
export function checkFlat(
  ctx: Checker,
  p: SchemaObject,
  c: SchemaObject,
  path: string,
  values: readonly unknown[] | undefined,
): void {
  const live = checkType(ctx, p, c, path, values);
  if (live.length === 0) return;
  if ('const' in c || 'enum' in c) checkNamedValues(ctx, c, path, values, live);
  const numeric = live.filter((t) => t === 'number' || t === 'integer');
  const integers = numeric.every((t) => t === 'integer');
  if (numeric.length > 0) checkNumbers(ctx, p, c, path, integers);
  if (live.includes('string')) checkStrings(ctx, p, c, path);
  if ('format' in c && p.format !== c.format && (numeric.length > 0 || live.includes('string'))) {
    const mine = typeof p.format === 'string' ? `format "${p.format}"` : 'no format';
    ctx.report(
      path,
      `the consumer requires format "${String(c.format)}" but the producer has ${mine}; give it the same format`,
    );
  }
  if (live.includes('object')) checkObject(ctx, p, c, path);
  if (live.includes('array')) checkArray(ctx, p, c, path);
  if ('not' in c && !same(p, c, ['not']) && !ctx.disjoint(p, c.not) && !notWider(ctx, p, c, path)) {
    ctx.report(
      path,
      notUnderstood('not', ' unless it can show that no producer value matches the negated schema'),
    );
  }
  for (const key of Object.keys(c)) {
    if (ANNOTATIONS.has(key) || HANDLED.has(key)) continue;
    const group = GROUPS.find((g) => g.keys.includes(key)) ?? { keys: [key], comparable: false };
    if (group.keys.find((k) => k in c) !== key) continue; // one report per group
    if (group.type !== undefined && !live.includes(group.type)) continue;
    if (group.comparable && same(p, c, group.keys)) continue;
    ctx.report(path, notUnderstood(key));
  }
}

/** Tells whether the producer's `not: Y` implies the consumer's `not: X`, that is X fits Y (both outside any document). */
function notWider(ctx: Checker, p: SchemaObject, c: SchemaObject, path: string): boolean {
  if (!('not' in p) || hasRelativeRefs(p.not) || hasRelativeRefs(c.not)) return false;
  return ctx.trial(c.not, p.not, path).length === 0;
}

/** Tells whether the producer has the same keywords with the same values, meaning the same outside the document. */
function same(p: SchemaObject, c: SchemaObject, keys: readonly string[]): boolean {
  return keys.every((k) => deepEqual(p[k], c[k]) && !hasRelativeRefs(c[k]));
}

/** Reports the types the producer may send and the consumer rejects; returns the types both allow. */
function checkType(
  ctx: Checker,
  p: SchemaObject,
  c: SchemaObject,
  path: string,
  values: readonly unknown[] | undefined,
): readonly string[] {
  // A number that is a multiple of a whole number is an integer.
  const whole = typeof p.multipleOf === 'number' && Number.isInteger(p.multipleOf) && p.multipleOf > 0;
  const declared = declaredTypes(p)?.map((t) => (t === 'number' && whole ? 'integer' : t));
  const produced = declared ?? (values ? [...new Set(values.map(typeOfValue))] : ALL_TYPES);
  const accepted = declaredTypes(c);
  if ('type' in c && accepted === undefined) {
    ctx.report(path, notUnderstood('type', ' with this value'));
    return [];
  }
  const rejected = produced.filter((t) => !admits(accepted, t));
  if (rejected.length > 0) {
    const untyped = declared === undefined && values === undefined;
    ctx.report(
      path,
      (untyped ? 'the producer has no "type" here, so it may send ' : 'the producer may send ') +
        `${rejected.join(', ')} values, but the consumer accepts only ${(accepted ?? []).join(', ')}; ` +
        (untyped ? 'give the producer a "type"' : "narrow the producer's type or widen the consumer's"),
    );
  }
  return produced.filter((t) => admits(accepted, t));
}

function checkNamedValues(
  ctx: Checker,
  c: SchemaObject,
  path: string,
  values: readonly unknown[] | undefined,
  live: readonly string[],
): void {
  const allowed = 'const' in c ? [c.const] : Array.isArray(c.enum) ? c.enum : undefined;
  if (allowed === undefined) {
    ctx.report(path, notUnderstood('enum', ' with this value'));
    return;
  }
  const shown = JSON.stringify(allowed);
  if (values === undefined) {
    ctx.report(
      path,
      `the consumer accepts only ${shown} here, but the producer allows any ${live.join(' or ')}; ` +
        'restrict the producer to those values (const or enum: Type.Literal, or a Type.Union of literals)',
    );
    return;
  }
  for (const value of values.filter((v) => !allowed.some((a) => deepEqual(a, v)))) {
    ctx.report(
      path,
      `the producer may send ${JSON.stringify(value)}, which is not among the consumer's ${shown}; drop it from the producer`,
    );
  }
  if ('const' in c && Array.isArray(c.enum)) checkNamedValues(ctx, { enum: c.enum }, path, values, live);
}

interface Bound {
  readonly value: number;
  readonly exclusive: boolean;
}

function bound(s: SchemaObject, side: 'lower' | 'upper', integer: boolean): Bound {
  const lower = side === 'lower';
  const inclusive = s[lower ? 'minimum' : 'maximum'];
  const exclusive = s[lower ? 'exclusiveMinimum' : 'exclusiveMaximum'];
  let b: Bound = { value: lower ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY, exclusive: false };
  if (typeof inclusive === 'number') b = { value: inclusive, exclusive: false };
  if (typeof exclusive === 'number' && (lower ? exclusive >= b.value : exclusive <= b.value)) {
    b = { value: exclusive, exclusive: true };
  }
  if (!integer || !Number.isFinite(b.value)) return b;
  // For integers, "> 0.5" and ">= 1" are the same bound.
  if (lower) return { value: b.exclusive ? Math.floor(b.value) + 1 : Math.ceil(b.value), exclusive: false };
  return { value: b.exclusive ? Math.ceil(b.value) - 1 : Math.floor(b.value), exclusive: false };
}

function within(p: Bound, c: Bound, side: 'lower' | 'upper'): boolean {
  const sign = side === 'lower' ? 1 : -1;
  return sign * p.value > sign * c.value || (p.value === c.value && (p.exclusive || !c.exclusive));
}

function showBound(b: Bound, side: 'lower' | 'upper'): string {
  if (!Number.isFinite(b.value)) return `no ${side} bound`;
  return `${side === 'lower' ? (b.exclusive ? '>' : '>=') : b.exclusive ? '<' : '<='} ${b.value}`;
}

function checkNumbers(ctx: Checker, p: SchemaObject, c: SchemaObject, path: string, integer: boolean): void {
  for (const key of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']) {
    if (key in c && typeof c[key] !== 'number')
      ctx.report(path, notUnderstood(key, ' with a value that is not a number'));
  }
  for (const side of ['lower', 'upper'] as const) {
    const mine = bound(p, side, integer);
    const theirs = bound(c, side, false);
    if (within(mine, theirs, side)) continue;
    const fix = side === 'lower' ? `"minimum" to at least` : `"maximum" to at most`;
    ctx.report(
      path,
      `the producer allows numbers with ${showBound(mine, side)}, but the consumer requires ${showBound(theirs, side)}; ` +
        `set the producer's ${fix} ${theirs.value}`,
    );
  }
  const step = c.multipleOf;
  if (typeof step !== 'number') return;
  // Every producer number is a multiple of its own multipleOf, and of 1 when it is an integer.
  const steps = [...(typeof p.multipleOf === 'number' ? [p.multipleOf] : []), ...(integer ? [1] : [])];
  const whole = (ratio: number) => Math.abs(ratio - Math.round(ratio)) < 1e-9 && Math.round(ratio) >= 1;
  if (steps.some((own) => whole(own / step))) return;
  ctx.report(
    path,
    `the producer allows numbers that are not multiples of ${step}; set "multipleOf" on the producer to a multiple of ${step}`,
  );
}

function checkStrings(ctx: Checker, p: SchemaObject, c: SchemaObject, path: string): void {
  for (const key of ['minLength', 'maxLength', 'pattern']) {
    const expected = key === 'pattern' ? 'string' : 'number';
    if (key in c && typeof c[key] !== expected)
      ctx.report(path, notUnderstood(key, ` with a value that is not a ${expected}`));
  }
  const min = typeof p.minLength === 'number' ? p.minLength : 0;
  if (typeof c.minLength === 'number' && min < c.minLength) {
    ctx.report(
      path,
      `the producer allows strings shorter than ${c.minLength} characters (its minLength is ${min}); set minLength: ${c.minLength} on the producer`,
    );
  }
  const max = typeof p.maxLength === 'number' ? p.maxLength : Number.POSITIVE_INFINITY;
  if (typeof c.maxLength === 'number' && max > c.maxLength) {
    const mine = Number.isFinite(max) ? `its maxLength is ${max}` : 'it has no maxLength';
    ctx.report(
      path,
      `the producer allows strings longer than ${c.maxLength} characters (${mine}); set maxLength: ${c.maxLength} on the producer`,
    );
  }
  if (typeof c.pattern === 'string' && p.pattern !== c.pattern) {
    const mine =
      typeof p.pattern === 'string' ? `the different pattern ${JSON.stringify(p.pattern)}` : 'no pattern';
    ctx.report(
      path,
      `the consumer requires strings to match the pattern ${JSON.stringify(c.pattern)} but the producer has ${mine}; ` +
        'give the producer the same pattern (patterns are compared literally)',
    );
  }
}
