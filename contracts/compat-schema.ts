/**
 * Schema helpers for the compatibility check (`compat.ts`): reading keywords, deep equality, type sets,
 * and the document a schema lives in (its `$ref` targets and which objects belong to it).
 */

/** A JSON Schema object as plain data. */
export type SchemaObject = { readonly [keyword: string]: unknown };

/** Keywords that never change which values a schema accepts. */
export const ANNOTATIONS: ReadonlySet<string> = new Set([
  'title',
  'description',
  'default',
  'examples',
  '$id',
  '$schema',
  '$comment',
  '$defs',
  'definitions',
  '$anchor',
  '$dynamicAnchor',
  'deprecated',
  'readOnly',
  'writeOnly',
]);

/** The JSON types; `integer` is a subset of `number`. */
export const ALL_TYPES: readonly string[] = ['null', 'boolean', 'object', 'array', 'string', 'number'];

const REF_KEYWORDS = ['$ref', '$dynamicRef', '$recursiveRef', '$id'];
const ABSOLUTE_URI = /^[a-z][a-z0-9+.-]*:/i;
const SCHEMA_KEYWORDS = ['not', 'if', 'then', 'else', 'items', 'additionalItems', 'additionalProperties'];
const MORE_SCHEMA_KEYWORDS = ['contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems'];
const ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const MAP_KEYWORDS = [
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
  'dependencies',
];

/** Tells whether a value is a (non-array) object. */
export function isRecord(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema as an object (`true` becomes `{}`), `false` for `false`, undefined when it is not a schema. */
export function toObject(schema: unknown): SchemaObject | false | undefined {
  if (schema === true) return {};
  if (schema === false) return false;
  return isRecord(schema) ? schema : undefined;
}

/** Tells whether a schema accepts every value (`true`, `{}` or only annotations). */
export function acceptsAll(schema: unknown): boolean {
  return schema === true || (isRecord(schema) && Object.keys(schema).every((k) => ANNOTATIONS.has(k)));
}

/** Tells whether a schema plainly accepts no value (`false`, `{ not: {} }`, an empty enum or type list). */
export function acceptsNothing(schema: unknown): boolean {
  if (schema === false) return true;
  if (!isRecord(schema)) return false;
  const { not, enum: values, type } = schema;
  return (not !== undefined && acceptsAll(not)) || isEmptyArray(values) || isEmptyArray(type);
}

function isEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}

/** A copy of a schema without the given keywords. */
export function without(schema: SchemaObject, ...keywords: string[]): SchemaObject {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(schema)) if (!keywords.includes(key)) copy[key] = schema[key];
  return copy;
}

/** Compares JSON data structurally; enumerable keys only, so TypeBox's hidden `~kind` marks are ignored. */
export function deepEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (depth > 100 || typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && deepEqual(ra[k], rb[k], depth + 1));
}

/** The subschemas directly inside a schema. */
export function subschemas(schema: SchemaObject): unknown[] {
  const found: unknown[] = [];
  for (const key of [...SCHEMA_KEYWORDS, ...MORE_SCHEMA_KEYWORDS]) if (key in schema) found.push(schema[key]);
  for (const key of ARRAY_KEYWORDS) if (Array.isArray(schema[key])) found.push(...(schema[key] as unknown[]));
  for (const key of MAP_KEYWORDS) {
    const map = schema[key];
    if (isRecord(map)) for (const value of Object.values(map)) if (!Array.isArray(value)) found.push(value);
  }
  return found;
}

function walk(schema: unknown, visit: (s: SchemaObject) => void, seen = new Set<object>()): void {
  if (!isRecord(schema) || seen.has(schema)) return;
  seen.add(schema);
  visit(schema);
  for (const sub of subschemas(schema)) walk(sub, visit, seen);
}

interface RefFlags {
  readonly relative: boolean;
  readonly any: boolean;
}

const flagsCache = new WeakMap<object, RefFlags>();

function refFlags(value: object): RefFlags {
  let flags = flagsCache.get(value);
  if (flags === undefined) {
    let relative = false;
    let any = false;
    const seen = new Set<object>();
    const scan = (node: unknown): void => {
      if (typeof node !== 'object' || node === null || seen.has(node)) return;
      seen.add(node);
      for (const [key, inner] of Object.entries(node)) {
        if (REF_KEYWORDS.includes(key)) {
          any = true;
          if (key !== '$id' && !(typeof inner === 'string' && ABSOLUTE_URI.test(inner))) relative = true;
        }
        scan(inner);
      }
    };
    scan(value);
    flags = { relative, any };
    flagsCache.set(value, flags);
  }
  return flags;
}

/** Tells whether a schema holds a reference that depends on the document it is in (anything but an absolute URI). */
export function hasRelativeRefs(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && refFlags(schema).relative;
}

/** Tells whether a schema means the same on its own: no `$ref`, `$id` or dynamic reference anywhere inside. */
export function isSelfContained(schema: object): boolean {
  return !refFlags(schema).any;
}

/** The declared types of a schema, or undefined when it has no valid `type` keyword. */
export function declaredTypes(schema: SchemaObject): readonly string[] | undefined {
  const { type } = schema;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type) && type.every((t) => typeof t === 'string')) return type as string[];
  return undefined;
}

/** The JSON type of a value, `integer` for whole numbers. */
export function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Tells whether a list of accepted types (undefined: all) admits values of type `type`. */
export function admits(types: readonly string[] | undefined, type: string): boolean {
  return types === undefined || types.includes(type) || (type === 'integer' && types.includes('number'));
}

/** The values a schema can take when it names them (`const`, `enum`, boolean or null types), else undefined. */
export function finiteValues(schema: SchemaObject): readonly unknown[] | undefined {
  if ('const' in schema) return [schema.const];
  if (Array.isArray(schema.enum)) return schema.enum;
  const types = declaredTypes(schema);
  if (!types?.every((t) => t === 'boolean' || t === 'null')) return undefined;
  return [...(types.includes('boolean') ? [true, false] : []), ...(types.includes('null') ? [null] : [])];
}

/** Appends a property name or index to a JSON pointer. */
export function pointer(path: string, segment: string | number): string {
  return `${path}/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/** A whole schema as given to the check: its root, the objects that belong to it and its `$ref` targets. */
export class SchemaDocument {
  private readonly members = new WeakSet<object>();
  private readonly ids = new Map<string, SchemaObject | null>();
  private nestedIds = false;

  constructor(readonly root: unknown) {
    walk(root, (s) => {
      this.members.add(s);
      if (typeof s.$id !== 'string') return;
      if (s !== root) this.nestedIds = true;
      this.ids.set(s.$id, this.ids.has(s.$id) ? null : s);
    });
  }

  /** Tells whether an object is part of this document, as opposed to one the check built. */
  owns(schema: object): boolean {
    return this.members.has(schema);
  }

  /**
   * Finds the target of a `$ref`: `#` and `#/json/pointer` when no subschema has its own `$id`, or the
   * name of a unique subschema `$id` (as TypeBox's `Type.Cyclic` writes). Undefined for anything else.
   */
  resolve(ref: unknown): unknown {
    if (typeof ref !== 'string') return undefined;
    if (ref === '#' || ref.startsWith('#/')) return this.nestedIds ? undefined : this.follow(ref.slice(1));
    if (!/^[\w.-]+$/.test(ref)) return undefined;
    return this.ids.get(ref) ?? undefined;
  }

  private follow(path: string): unknown {
    let at: unknown = this.root;
    for (const raw of path.split('/').slice(1)) {
      const key = decode(raw);
      if (key === undefined || typeof at !== 'object' || at === null || !Object.hasOwn(at, key))
        return undefined;
      at = (at as Record<string, unknown>)[key];
    }
    return at;
  }
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~');
  } catch {
    return undefined;
  }
}

/** What the keyword checks need from the running compatibility check. */
export interface Checker {
  /** Checks that the producer fits the consumer at a value path, reporting what does not. */
  check(producer: unknown, consumer: unknown, path: string): void;
  /** Runs `check` aside and returns what it found, without reporting it. */
  trial(producer: unknown, consumer: unknown, path: string): readonly { path: string; message: string }[];
  /** Records one incompatibility. */
  report(path: string, message: string): void;
  /** The target of a `$ref` in the producer's or the consumer's document, or undefined when it cannot be followed. */
  resolve(side: 'producer' | 'consumer', ref: unknown): unknown;
  /** Tells whether no value can satisfy both schemas (false when unsure). */
  disjoint(a: unknown, b: unknown): boolean;
}

/** The message for a consumer keyword the check cannot reason about. */
export function notUnderstood(keyword: string, detail = ''): string {
  return (
    `keyword "${keyword}" is not understood by the compatibility check${detail}; ` +
    `make the producer's schema here identical to the consumer's, or drop "${keyword}" from the consumer`
  );
}
