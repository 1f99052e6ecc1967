import {
  acceptsAll,
  acceptsNothing,
  type Checker,
  isRecord,
  notUnderstood,
  pointer,
  type SchemaObject,
} from './compat-schema.js';

/** A `patternProperties` entry: the pattern as written, compiled, and its schema. */
type Pattern = readonly [source: string, regexp: RegExp, schema: unknown];

/** The schema one property's value must satisfy on one side, and whether that side names the property. */
interface Slot {
  readonly schema: unknown;
  readonly declared: boolean;
}

/** Checks the object keywords: required, properties, patternProperties, additionalProperties, min/maxProperties. */
export function checkObject(ctx: Checker, p: SchemaObject, c: SchemaObject, path: string): void {
  const theirs = patterns(c);
  const mine = patterns(p);
  const shapes = [isRecord(c.properties ?? {}), Array.isArray(c.required ?? []), theirs !== undefined];
  if (!shapes.every(Boolean) || mine === undefined) {
    const side = mine === undefined ? "producer's" : "consumer's";
    ctx.report(
      path,
      `the ${side} object keywords here are not understood by the compatibility check (malformed value or pattern); fix them`,
    );
    return;
  }
  if (!theirs) return;
  const required = strings(p.required);
  const wanted = strings(c.required);
  const names = [...new Set([...keys(c.properties), ...wanted, ...keys(p.properties)])];
  for (const name of names) {
    const at = pointer(path, name);
    const from = slot(p, mine, name);
    const to = slot(c, theirs, name);
    if (wanted.includes(name) && !required.includes(name)) {
      const how = from.declared
        ? `make "${name}" required in the producer (drop Type.Optional)`
        : `add "${name}" to the producer's properties and required`;
      ctx.report(
        at,
        `the consumer requires property "${name}" but the producer may omit it; ${how}, or make it optional in the consumer`,
      );
      if (!from.declared) continue;
    }
    if (acceptsAll(to.schema) || acceptsNothing(from.schema)) continue;
    if (!to.declared && acceptsNothing(to.schema)) {
      ctx.report(
        at,
        `the producer may send property "${name}", which the consumer does not allow (additionalProperties: false); remove it from the producer or declare it in the consumer`,
      );
    } else if (!from.declared) {
      if (ctx.trial(from.schema, to.schema, at).length > 0) {
        ctx.report(
          at,
          `the producer does not declare property "${name}" but allows additional properties, so it may send a value there that the consumer's schema for "${name}" rejects; ` +
            `declare "${name}" in the producer or set additionalProperties: false on it`,
        );
      }
    } else {
      ctx.check(from.schema, to.schema, at);
    }
  }
  checkOtherNames(ctx, p, c, mine, theirs, path);
  checkCounts(ctx, p, c, mine, path);
}

/** Checks the values of properties neither side names: the producer's patterns and additionalProperties. */
function checkOtherNames(
  ctx: Checker,
  p: SchemaObject,
  c: SchemaObject,
  mine: readonly Pattern[],
  theirs: readonly Pattern[],
  path: string,
): void {
  const samePatterns =
    mine.length === theirs.length && mine.every(([source]) => theirs.some(([s]) => s === source));
  const rest = (s: SchemaObject): Pattern => ['', /(?:)/, s.additionalProperties ?? true];
  const pairs: (readonly [Pattern, Pattern])[] = samePatterns
    ? [...mine.map((m) => [m, theirs.find(([s]) => s === m[0]) ?? m] as const), [rest(p), rest(c)]]
    : [...mine, rest(p)].flatMap((m) => [...theirs, rest(c)].map((t) => [m, t] as const));
  const named = Object.keys(isRecord(p.properties) ? p.properties : {});
  for (const [[source, , from], [target, , to]] of pairs) {
    if (acceptsAll(to) || acceptsNothing(from)) continue;
    const issues = ctx.trial(from, to, path);
    if (issues.length === 0) continue;
    const mineText = source
      ? `the producer's patternProperties ${JSON.stringify(source)}`
      : `the producer allows properties other than ${named.length > 0 ? named.map((n) => `"${n}"`).join(', ') : 'none'} (its additionalProperties is not false)`;
    const theirText = target
      ? `the consumer's patternProperties ${JSON.stringify(target)} may reject`
      : acceptsNothing(to)
        ? 'the consumer rejects them (additionalProperties: false)'
        : "the consumer's additionalProperties schema may reject";
    const detail = acceptsNothing(to) ? '' : ` them (${issues[0]?.message})`;
    ctx.report(
      path,
      `${mineText}, and ${theirText}${detail}; declare every property in the producer and set additionalProperties: false on it`,
    );
  }
}

function checkCounts(
  ctx: Checker,
  p: SchemaObject,
  c: SchemaObject,
  mine: readonly Pattern[],
  path: string,
): void {
  for (const key of ['minProperties', 'maxProperties']) {
    if (key in c && typeof c[key] !== 'number')
      ctx.report(path, notUnderstood(key, ' with a value that is not a number'));
  }
  const least = Math.max(
    typeof p.minProperties === 'number' ? p.minProperties : 0,
    new Set(strings(p.required)).size,
  );
  if (typeof c.minProperties === 'number' && least < c.minProperties) {
    ctx.report(
      path,
      `the producer allows objects with fewer than ${c.minProperties} properties; require more properties or set minProperties: ${c.minProperties} on the producer`,
    );
  }
  const closed = acceptsNothing(p.additionalProperties ?? true) && mine.length === 0;
  const most = Math.min(
    typeof p.maxProperties === 'number' ? p.maxProperties : Number.POSITIVE_INFINITY,
    closed ? keys(p.properties).length : Number.POSITIVE_INFINITY,
  );
  if (typeof c.maxProperties === 'number' && most > c.maxProperties) {
    ctx.report(
      path,
      `the producer allows objects with more than ${c.maxProperties} properties; set maxProperties: ${c.maxProperties} on the producer`,
    );
  }
}

/** The schema a property's value must satisfy: its own schema and matching patterns, else additionalProperties. */
function slot(s: SchemaObject, patterns: readonly Pattern[], name: string): Slot {
  const own = isRecord(s.properties) && Object.hasOwn(s.properties, name) ? [s.properties[name]] : [];
  const parts = [...own, ...patterns.filter(([, regexp]) => regexp.test(name)).map(([, , schema]) => schema)];
  if (parts.length === 0) return { schema: s.additionalProperties ?? true, declared: false };
  return { schema: parts.length === 1 ? parts[0] : { allOf: parts }, declared: true };
}

/** The compiled `patternProperties`, or undefined when one is malformed. */
function patterns(s: SchemaObject): readonly Pattern[] | undefined {
  if (s.patternProperties === undefined) return [];
  if (!isRecord(s.patternProperties)) return undefined;
  const compiled: Pattern[] = [];
  for (const [source, schema] of Object.entries(s.patternProperties)) {
    try {
      compiled.push([source, new RegExp(source, 'u'), schema]);
    } catch {
      return undefined;
    }
  }
  return compiled;
}

function keys(properties: unknown): string[] {
  return isRecord(properties) ? Object.keys(properties) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
