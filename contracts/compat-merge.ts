import {
  ANNOTATIONS,
  admits,
  declaredTypes,
  deepEqual,
  isRecord,
  type SchemaObject,
  toObject,
} from './compat-schema.js';

/** Keywords read together: all of a group must come from one side for a merge to mean the same. */
const GROUPS: readonly (readonly string[])[] = [
  ['properties', 'patternProperties', 'additionalProperties'],
  ['items', 'prefixItems', 'additionalItems', 'contains', 'minContains', 'maxContains'],
  ['if', 'then', 'else'],
];
const UNMERGEABLE = ['$ref', '$dynamicRef', '$recursiveRef', 'unevaluatedProperties', 'unevaluatedItems'];
const LOWER = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];
const UPPER = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'];

/**
 * Returns one schema that accepts exactly the values both schemas accept, or undefined when that cannot be
 * written by combining their keywords (the caller then falls back to a coarser rule).
 */
export function mergeSchemas(first: unknown, second: unknown): SchemaObject | false | undefined {
  const a = toObject(first);
  const b = toObject(second);
  if (a === false || b === false) return false;
  if (a === undefined || b === undefined) return undefined;
  if (UNMERGEABLE.some((k) => k in a || k in b)) return undefined;
  for (const group of GROUPS) {
    const inA = group.filter((k) => k in a);
    const inB = group.filter((k) => k in b);
    const onlyProperties = [...inA, ...inB].every((k) => k === 'properties');
    if (inA.length > 0 && inB.length > 0 && !onlyProperties && !group.every((k) => deepEqual(a[k], b[k]))) {
      return undefined;
    }
  }
  const merged: Record<string, unknown> = { ...a };
  for (const key of Object.keys(b)) {
    if (ANNOTATIONS.has(key) && key in a) continue;
    if (!(key in a) || deepEqual(a[key], b[key])) {
      merged[key] = b[key];
      continue;
    }
    const value = mergeKeyword(key, a[key], b[key], a, b);
    if (value === undefined) return undefined;
    if (value === false) return false;
    merged[key] = value;
  }
  return merged;
}

function mergeKeyword(key: string, x: unknown, y: unknown, a: SchemaObject, b: SchemaObject): unknown {
  if (LOWER.includes(key) && typeof x === 'number' && typeof y === 'number') return Math.max(x, y);
  if (UPPER.includes(key) && typeof x === 'number' && typeof y === 'number') return Math.min(x, y);
  if (key === 'type') return mergeTypes(declaredTypes(a), declaredTypes(b));
  if (key === 'const') return false;
  if (!Array.isArray(x) || !Array.isArray(y)) {
    return key === 'properties' && isRecord(x) && isRecord(y) ? mergeProperties(x, y) : undefined;
  }
  if (key === 'required') return [...new Set([...x, ...y])];
  if (key === 'allOf') return [...x, ...y];
  if (key === 'enum') {
    const both = x.filter((v) => y.some((w) => deepEqual(v, w)));
    return both.length === 0 ? false : both;
  }
  return undefined;
}

function mergeTypes(x: readonly string[] | undefined, y: readonly string[] | undefined): unknown {
  if (x === undefined || y === undefined) return undefined;
  const both = [
    ...x.filter((t) => admits(y, t)),
    ...y.filter((t) => t === 'integer' && x.includes('number')),
  ];
  const unique = [...new Set(both)];
  return unique.length === 0 ? false : unique;
}

function mergeProperties(x: SchemaObject, y: SchemaObject): SchemaObject {
  const merged: Record<string, unknown> = { ...x };
  for (const [name, schema] of Object.entries(y)) {
    const mine = merged[name];
    merged[name] =
      Object.hasOwn(merged, name) && !deepEqual(mine, schema) ? { allOf: [mine, schema] } : schema;
  }
  return merged;
}
