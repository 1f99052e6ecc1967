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

/** Where and why a schema cannot be sent in OpenAI's strict mode, and how to fix it. */
export interface StrictModeIssue {
  /** A JSON pointer into the schema, e.g. `/properties/invoiceId`; '' for the root. */
  readonly path: string;
  readonly keyword: string;
  readonly fix: string;
}

/** Whether the schema can be sent with `strict: true`. */
export function fitsStrictMode(schema: Record<string, unknown>): boolean {
  return strictModeIssues(schema).length === 0;
}

/**
 * Every reason a schema cannot be sent with `strict: true`, deepest first (a nested problem before the
 * object that holds it), each with its place, keyword and fix. Empty when the schema fits.
 */
export function strictModeIssues(schema: unknown): StrictModeIssue[] {
  if (!isRecord(schema) || schema.type !== 'object') {
    return [
      issue('', 'type', 'Make the root an object schema: wrap the value in an object with a named property.'),
    ];
  }
  if ('anyOf' in schema)
    return [issue('', 'anyOf', 'The root cannot be a union: move the anyOf under a property.')];
  const found: StrictModeIssue[] = [];
  walk(schema, '', 1, found);
  return found;
}

function walk(node: unknown, path: string, depth: number, found: StrictModeIssue[]): void {
  if (!isRecord(node)) {
    found.push(issue(path, 'type', 'Use an object schema here (strict mode accepts no boolean schemas).'));
    return;
  }
  if (depth > MAX_DEPTH) {
    found.push(
      issue(
        path,
        'nesting',
        `Flatten the schema: strict mode allows at most ${MAX_DEPTH} levels of nesting.`,
      ),
    );
    return;
  }
  const own: StrictModeIssue[] = [];
  for (const key of Object.keys(node))
    if (!allowed(key)) own.push(issue(path, key, keywordFix(key, node[key])));
  if (typeof node.format === 'string' && !FORMATS.has(node.format))
    own.push(issue(path, 'format', keywordFix('format', node.format)));
  if (isObjectSchema(node)) {
    const properties = isRecord(node.properties) ? node.properties : {};
    if ('properties' in node && !isRecord(node.properties))
      own.push(issue(path, 'properties', 'properties must be an object of schemas.'));
    if (node.additionalProperties !== false)
      own.push(issue(path, 'additionalProperties', 'Set additionalProperties: false on this object.'));
    const required = Array.isArray(node.required) ? node.required : [];
    const missing = Object.keys(properties).filter((name) => !required.includes(name));
    if (missing.length > 0 || required.length !== Object.keys(properties).length) {
      own.push(
        issue(
          path,
          'required',
          `List every property in required${missing.length ? ` (missing: ${missing.join(', ')})` : ''}; make optional ones nullable with type: [..., 'null'].`,
        ),
      );
    }
    for (const [name, child] of Object.entries(properties))
      walk(child, `${path}/properties/${pointer(name)}`, depth + 1, found);
  }
  if ('items' in node) walk(node.items, `${path}/items`, depth + 1, found);
  if ('anyOf' in node) {
    if (!Array.isArray(node.anyOf)) own.push(issue(path, 'anyOf', 'anyOf must be a list of schemas.'));
    else for (const [i, branch] of node.anyOf.entries()) walk(branch, `${path}/anyOf/${i}`, depth, found);
  }
  for (const key of ['$defs', 'definitions']) {
    const defs = node[key];
    if (isRecord(defs))
      for (const [name, def] of Object.entries(defs))
        walk(def, `${path}/${key}/${pointer(name)}`, depth, found);
  }
  found.push(...own);
}

function issue(path: string, keyword: string, fix: string): StrictModeIssue {
  return { path, keyword, fix };
}

function keywordFix(keyword: string, value: unknown): string {
  switch (keyword) {
    case 'oneOf':
      return 'Use anyOf instead of oneOf (strict mode has no oneOf; tag the branches with a const if they must stay exclusive).';
    case 'allOf':
      return 'Merge the allOf members into one schema.';
    case 'format':
      return `Remove format ${JSON.stringify(value)} or use one strict mode supports (${[...FORMATS].join(', ')}).`;
    case 'nullable':
      return "Replace nullable with type: [..., 'null'].";
    default:
      return `Remove "${keyword}" from the schema the model sees; the runtime's own validation still enforces the contract.`;
  }
}

function pointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
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
