import { fitsStrictMode } from '../../agents/providers/openai-strict.js';

/** Where and why a schema cannot be sent in OpenAI's strict mode, and how to fix it. */
export interface StrictModeIssue {
  /** A JSON pointer into the schema, e.g. `/properties/invoiceId`. */
  readonly path: string;
  readonly keyword: string;
  readonly fix: string;
}

type Node = Record<string, unknown>;

const isRecord = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const STUB = { type: 'string' };
const wrap = (node: unknown) => ({
  type: 'object',
  properties: { value: node },
  required: ['value'],
  additionalProperties: false,
});
/** Whether a subschema fits strict mode where it stands (as a property of an object that fits). */
const fits = (node: unknown) => fitsStrictMode(wrap(node));
const pointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
const STRUCTURE = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
  '$defs',
  'definitions',
  'description',
  'title',
]);

function children(node: Node, path: string): [string, unknown][] {
  const list: [string, unknown][] = [];
  for (const key of ['properties', '$defs', 'definitions']) {
    const map = node[key];
    if (isRecord(map))
      for (const [name, child] of Object.entries(map)) list.push([`${path}/${key}/${pointer(name)}`, child]);
  }
  if (isRecord(node.items)) list.push([`${path}/items`, node.items]);
  if (Array.isArray(node.anyOf)) {
    node.anyOf.forEach((child, i) => {
      list.push([`${path}/anyOf/${i}`, child]);
    });
  }
  return list;
}

/** The node with every subschema replaced by a string schema, so a probe sees only its own keywords. */
function stubbed(node: Node): Node {
  const copy: Node = { ...node };
  for (const key of ['properties', '$defs', 'definitions']) {
    const map = node[key];
    if (isRecord(map)) copy[key] = Object.fromEntries(Object.keys(map).map((name) => [name, STUB]));
  }
  if (isRecord(node.items)) copy.items = STUB;
  if (Array.isArray(node.anyOf)) copy.anyOf = node.anyOf.map(() => STUB);
  return copy;
}

function keywordFix(keyword: string, value: unknown): string {
  switch (keyword) {
    case 'oneOf':
      return 'Use anyOf instead of oneOf (strict mode has no oneOf; tag the branches with a const if they must stay exclusive).';
    case 'allOf':
      return 'Merge the allOf members into one schema.';
    case 'format':
      return `Remove format ${JSON.stringify(value)} or use one strict mode supports (date-time, date, time, duration, email, hostname, ipv4, ipv6, uuid).`;
    case 'nullable':
      return "Replace nullable with type: [..., 'null'].";
    default:
      return `Remove "${keyword}" from the schema the model sees; the runtime's own validation still enforces the contract.`;
  }
}

interface Probe {
  readonly keyword: string;
  readonly apply: (node: Node) => Node;
  readonly fix: string;
}

function probes(node: Node): Probe[] {
  const list: Probe[] = [];
  for (const key of Object.keys(node)) {
    if (STRUCTURE.has(key)) continue;
    list.push({
      keyword: key,
      apply: (n) => Object.fromEntries(Object.entries(n).filter(([k]) => k !== key)),
      fix: keywordFix(key, node[key]),
    });
  }
  const names = isRecord(node.properties) ? Object.keys(node.properties) : [];
  const required = Array.isArray(node.required) ? node.required : [];
  const missing = names.filter((name) => !required.includes(name));
  list.push({
    keyword: 'additionalProperties',
    apply: (n) => ({ ...n, additionalProperties: false }),
    fix: 'Set additionalProperties: false on this object.',
  });
  list.push({
    keyword: 'required',
    apply: (n) => ({ ...n, required: names }),
    fix: `List every property in required${missing.length ? ` (missing: ${missing.join(', ')})` : ''}; make optional ones nullable with type: [..., 'null'].`,
  });
  return list;
}

function locate(node: unknown, path: string): StrictModeIssue {
  if (!isRecord(node))
    return {
      path,
      keyword: 'type',
      fix: 'Use an object schema here (strict mode accepts no boolean schemas).',
    };
  for (const [childPath, child] of children(node, path)) if (!fits(child)) return locate(child, childPath);
  const stub = stubbed(node);
  // Every part fits on its own and so does the node itself: only the depth of the whole is too much.
  if (fits(stub))
    return {
      path,
      keyword: 'nesting',
      fix: 'Flatten the schema: strict mode allows at most 10 levels of nesting.',
    };
  const list = probes(node);
  for (const probe of list)
    if (fits(probe.apply(stub))) return { path, keyword: probe.keyword, fix: probe.fix };
  const applyAll = (probes: readonly Probe[]) => probes.reduce((n, probe) => probe.apply(n), stub);
  if (fits(applyAll(list))) {
    const needed = list.filter((probe) => !fits(applyAll(list.filter((other) => other !== probe))));
    return {
      path,
      keyword: needed.map((p) => p.keyword).join(', '),
      fix: needed.map((p) => p.fix).join(' '),
    };
  }
  return {
    path,
    keyword: 'schema',
    fix: 'Simplify this subschema to the JSON Schema subset strict mode supports.',
  };
}

/**
 * Why a tool schema cannot be sent with OpenAI's `strict: true`, or null when it can. The verdict is the
 * OpenAI provider's own `fitsStrictMode`; the place and keyword come from probing it on subschemas and
 * single fixes, so `check` and the provider never disagree.
 */
export function strictModeIssue(schema: unknown): StrictModeIssue | null {
  if (isRecord(schema) && fitsStrictMode(schema)) return null;
  if (!isRecord(schema) || schema.type !== 'object') {
    return {
      path: '',
      keyword: 'type',
      fix: 'Make the root an object schema: wrap the value in an object with a named property.',
    };
  }
  if ('anyOf' in schema) {
    return {
      path: '',
      keyword: 'anyOf',
      fix: 'The root cannot be a union: move the anyOf under a property.',
    };
  }
  return locate(schema, '');
}
