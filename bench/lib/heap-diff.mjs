// Where a parked flow's memory goes: parks N flows of a row in the third agent, takes a heap snapshot
// before and while they are parked, and prints what the new objects cost per flow (self sizes).
//   node --expose-gc bench/lib/heap-diff.mjs ROW [N] [top] [--by type|retainer]
// `--by type` (the default) groups the new objects by kind (plain objects by their property names);
// `--by retainer` groups them by what holds them: `holder -[edge]-> object`, which names the field,
// closure variable or array that keeps each one alive. Objects that existed before are left out by id,
// so nothing this script keeps shows up.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { resolveDeps } from './deps.mjs';
import { inputOf, makeGate } from './workload.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { by: { type: 'string', default: 'type' } },
});
const [rowId, count = '2000', top = '30'] = positionals;

/** A heap snapshot with its nodes indexed: where each node's edges start. */
function load(file) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const meta = snapshot.snapshot.meta;
  const width = meta.node_fields.length;
  const edgeWidth = meta.edge_fields.length;
  const field = (name) => meta.node_fields.indexOf(name);
  const at = { type: field('type'), name: field('name'), id: field('id'), size: field('self_size') };
  const edgeCountAt = field('edge_count');
  const count = snapshot.nodes.length / width;
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i += 1) {
    firstEdge[i] = e;
    e += snapshot.nodes[i * width + edgeCountAt] * edgeWidth;
    firstEdge[i + 1] = e;
  }
  return { snapshot, meta, width, edgeWidth, at, count, firstEdge };
}

const nodeType = (h, i) => h.meta.node_types[0][h.snapshot.nodes[i * h.width + h.at.type]];
const nodeName = (h, i) => h.snapshot.strings[h.snapshot.nodes[i * h.width + h.at.name]];
const edgeType = (h, e) => h.meta.edge_types[0][h.snapshot.edges[e]];

/** A node's kind: `type:name`, plain objects told apart by their first property names. */
function kind(h, i) {
  const type = nodeType(h, i);
  if (type === 'string' || type === 'concatenated string' || type === 'number') return type;
  const name = nodeName(h, i);
  if (type !== 'object' || name !== 'Object') return `${type}:${name}`;
  const names = [];
  for (let e = h.firstEdge[i]; e < h.firstEdge[i + 1] && names.length < 6; e += h.edgeWidth) {
    const key = h.snapshot.strings[h.snapshot.edges[e + 1]];
    if (edgeType(h, e) === 'property' && key !== '__proto__') names.push(key);
  }
  return `object{${names.join(',')}}`;
}

function edgeName(h, e) {
  const type = edgeType(h, e);
  const name = h.snapshot.edges[e + 1];
  return type === 'element' || type === 'hidden' ? `${type}:${name}` : `${type}:${h.snapshot.strings[name]}`;
}

async function snapshot(label) {
  await new Promise((resolve) => setImmediate(resolve));
  globalThis.gc();
  globalThis.gc();
  const file = join(tmpdir(), `bench-${process.pid}-${label}.heapsnapshot`);
  writeHeapSnapshot(file);
  const h = load(file);
  rmSync(file);
  return h;
}

/** The ids of a snapshot's nodes, sorted, for a binary search. */
function idsOf(h) {
  const ids = new Float64Array(h.count);
  for (let i = 0; i < h.count; i += 1) ids[i] = h.snapshot.nodes[i * h.width + h.at.id];
  return ids.sort();
}

function has(sorted, id) {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] === id) return true;
    if (sorted[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Per new node, one holder (a new one where there is one) and the edge it holds it by. */
function holders(h, isNew) {
  const holder = new Int32Array(h.count).fill(-1);
  const via = new Int32Array(h.count).fill(-1);
  for (let i = 0; i < h.count; i += 1) {
    for (let e = h.firstEdge[i]; e < h.firstEdge[i + 1]; e += h.edgeWidth) {
      if (edgeType(h, e) === 'weak') continue;
      const to = h.snapshot.edges[e + 2] / h.width;
      if (!isNew[to]) continue;
      if (holder[to] === -1 || (!isNew[holder[to]] && isNew[i])) {
        holder[to] = i;
        via[to] = e;
      }
    }
  }
  return { holder, via };
}

const n = Number(count);
const { row } = await import(`../rows/${rowId}.mjs`);
const gate = makeGate();
const run = await row.setup({ agents: 5, gate, deps: resolveDeps() });
for (let i = 0; i < 200; i += 1) await run(inputOf(i));
const before = idsOf(await snapshot('before'));
gate.close();
const pending = [];
for (let i = 0; i < n; i += 1) pending.push(run(inputOf(1000 + i)));
while (gate.parked < n) await new Promise((resolve) => setImmediate(resolve));
const h = await snapshot('during');

const isNew = new Uint8Array(h.count);
for (let i = 0; i < h.count; i += 1) isNew[i] = has(before, h.snapshot.nodes[i * h.width + h.at.id]) ? 0 : 1;
const { holder, via } = values.by === 'retainer' ? holders(h, isNew) : { holder: null, via: null };
const groups = new Map();
let total = 0;
for (let i = 0; i < h.count; i += 1) {
  if (!isNew[i]) continue;
  const size = h.snapshot.nodes[i * h.width + h.at.size];
  if (nodeType(h, i) === 'native' && size === before.byteLength) continue; // this script's own id list
  total += size;
  let key = kind(h, i);
  if (holder && holder[i] >= 0) key = `${kind(h, holder[i])} -[${edgeName(h, via[i])}]-> ${key}`;
  const group = groups.get(key) ?? { size: 0, count: 0 };
  group.size += size;
  group.count += 1;
  groups.set(key, group);
}
console.log(`${rowId}: ${(total / n / 1024).toFixed(2)} KiB of new objects per parked flow (self sizes)`);
for (const [key, group] of [...groups].sort((a, b) => b[1].size - a[1].size).slice(0, Number(top))) {
  const bytes = (group.size / n).toFixed(0).padStart(7);
  console.log(`${bytes} B  ${(group.count / n).toFixed(2).padStart(6)}×  ${key}`);
}
gate.open();
await Promise.all(pending);
process.exit(0);
