/**
 * Whether a tool's JSON Schema fits OpenAI's strict mode (Structured Outputs), which constrains decoding
 * to the schema. Strict mode accepts a subset of JSON Schema: every object lists all its properties in
 * `required` and sets `additionalProperties: false`, the root is an object, nesting stays within 10
 * levels, and only the keywords below appear. A schema outside that subset is sent with `strict: false`
 * and the runtime's own validation still checks the arguments.
 */

const ANNOTATIONS = new Set(['description', 'title']);
const STRUCTURE = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
  'enum',
  'const',
  '$ref',
  '$defs',
  'definitions',
]);
const STRING_KEYWORDS = new Set(['pattern', 'format']);
const NUMBER_KEYWORDS = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']);
const ARRAY_KEYWORDS = new Set(['minItems', 'maxItems']);
const FORMATS = new Set([
  'date-time',
  'time',
  'date',
  'duration',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
]);
const MAX_DEPTH = 10;

/** Whether the schema can be sent with `strict: true`. */
export function fitsStrictMode(schema: Record<string, unknown>): boolean {
  if (schema.type !== 'object' || 'anyOf' in schema) return false;
  return fits(schema, 1);
}

function fits(node: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH || typeof node !== 'object' || node === null || Array.isArray(node)) return false;
  const schema = node as Record<string, unknown>;
  for (const key of Object.keys(schema)) if (!allowed(key)) return false;
  if (typeof schema.format === 'string' && !FORMATS.has(schema.format)) return false;
  if (isObjectSchema(schema) && !objectFits(schema, depth)) return false;
  if ('items' in schema && !fits(schema.items, depth + 1)) return false;
  if (
    'anyOf' in schema &&
    !(Array.isArray(schema.anyOf) && schema.anyOf.every((branch) => fits(branch, depth)))
  )
    return false;
  for (const key of ['$defs', 'definitions']) {
    const defs = schema[key];
    if (defs !== undefined && !(isRecord(defs) && Object.values(defs).every((def) => fits(def, depth))))
      return false;
  }
  return true;
}

function objectFits(schema: Record<string, unknown>, depth: number): boolean {
  if (schema.additionalProperties !== false) return false;
  const properties = schema.properties ?? {};
  if (!isRecord(properties)) return false;
  const required = Array.isArray(schema.required) ? schema.required : [];
  const names = Object.keys(properties);
  if (names.length !== required.length || !names.every((name) => required.includes(name))) return false;
  return Object.values(properties).every((property) => fits(property, depth + 1));
}

function isObjectSchema(schema: Record<string, unknown>): boolean {
  const type = schema.type;
  return type === 'object' || (Array.isArray(type) && type.includes('object')) || 'properties' in schema;
}

function allowed(key: string): boolean {
  return (
    ANNOTATIONS.has(key) ||
    STRUCTURE.has(key) ||
    STRING_KEYWORDS.has(key) ||
    NUMBER_KEYWORDS.has(key) ||
    ARRAY_KEYWORDS.has(key)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
