import {
  ALL_TYPES,
  acceptsNothing,
  admits,
  declaredTypes,
  deepEqual,
  finiteValues,
  isRecord,
  type SchemaObject,
  toObject,
  typeOfValue,
} from './compat-schema.js';

/** Validates a value against a schema, or undefined when that cannot be done. */
export type Accepts = (schema: unknown, value: unknown) => boolean | undefined;

/**
 * Tells whether no value satisfies both schemas. It answers true only with a reason (no common type,
 * named values the other rejects, or a property both sides pin to disjoint values) and false when unsure.
 * Keywords it does not read only narrow a schema, so ignoring them keeps a true answer true.
 */
export function schemasDisjoint(a: unknown, b: unknown, accepts: Accepts, depth = 0): boolean {
  if (acceptsNothing(a) || acceptsNothing(b)) return true;
  const x = toObject(a);
  const y = toObject(b);
  if (!x || !y || depth > 20) return false;
  const inner = (m: unknown, n: unknown) => schemasDisjoint(m, n, accepts, depth + 1);
  for (const [s, t] of [
    [x, y],
    [y, x],
  ] as const) {
    for (const key of ['anyOf', 'oneOf']) {
      const branches = s[key];
      if (Array.isArray(branches) && branches.every((branch) => inner(branch, t))) return true;
    }
    if (Array.isArray(s.allOf) && s.allOf.some((member) => inner(member, t))) return true;
    const values = finiteValues(s);
    if (values?.every((value) => rejects(t, value, accepts))) return true;
  }
  const tx = typeList(x);
  const ty = typeList(y);
  const common = [...tx.filter((t) => admits(ty, t)), ...ty.filter((t) => admits(tx, t))];
  if (common.length === 0) return true;
  if (!common.every((t) => t === 'object')) return false;
  const names = [...strings(x.required), ...strings(y.required)];
  return names.some((name) => inner(propertySchema(x, name), propertySchema(y, name)));
}

function rejects(schema: SchemaObject, value: unknown, accepts: Accepts): boolean {
  const named = finiteValues(schema);
  if (named && !named.some((v) => deepEqual(v, value))) return true;
  return accepts(schema, value) === false;
}

function typeList(schema: SchemaObject): readonly string[] {
  return declaredTypes(schema) ?? finiteValues(schema)?.map(typeOfValue) ?? ALL_TYPES;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A schema every value of the property satisfies (looser than the real one when patterns apply). */
function propertySchema(schema: SchemaObject, name: string): unknown {
  const { properties } = schema;
  if (isRecord(properties) && Object.hasOwn(properties, name)) return properties[name];
  if (schema.patternProperties !== undefined) return true;
  return schema.additionalProperties ?? true;
}
