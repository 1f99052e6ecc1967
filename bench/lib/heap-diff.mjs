// Where a parked flow's memory goes: parks N flows of a row in the third agent, takes a heap snapshot
// before and while they are parked, and prints the growth by constructor (self size), per flow.
//   node --expose-gc bench/lib/heap-diff.mjs ROW [N] [top]
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { resolveDeps } from './deps.mjs';
import { inputOf, makeGate } from './workload.mjs';

/** Self size and count per "type:name" of a heap snapshot. */
function tally(file) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const { node_fields: fields, node_types: types } = snapshot.snapshot.meta;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const typeNames = types[typeAt];
  const totals = new Map();
  const { nodes, strings, edges } = snapshot;
  const edgeWidth = snapshot.snapshot.meta.edge_fields.length;
  const edgeTypes = snapshot.snapshot.meta.edge_types[0];
  const countAt = fields.indexOf('edge_count');
  let edge = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const type = typeNames[nodes[i + typeAt]];
    const name =
      type === 'object' || type === 'closure' || type === 'native' ? strings[nodes[i + nameAt]] : '';
    // Plain objects are told apart by their property names: `{type,agent,turn,…}` names what made them.
    let keys = '';
    const edgeCount = nodes[i + countAt];
    if (type === 'object' && name === 'Object') {
      const names = [];
      for (let e = edge; e < edge + edgeCount * edgeWidth; e += edgeWidth) {
        if (edgeTypes[edges[e]] === 'property') names.push(strings[edges[e + 1]]);
      }
      keys = `{${names
        .filter((k) => k !== '__proto__')
        .slice(0, 8)
        .join(',')}}`;
    }
    edge += edgeCount * edgeWidth;
    const key = `${type}${name ? `:${name}` : ''}${keys}`;
    const entry = totals.get(key) ?? { size: 0, count: 0 };
    entry.size += nodes[i + sizeAt];
    entry.count += 1;
    totals.set(key, entry);
  }
  return totals;
}

async function snapshot(label) {
  await new Promise((resolve) => setImmediate(resolve));
  globalThis.gc();
  globalThis.gc();
  const file = join(tmpdir(), `bench-${process.pid}-${label}.heapsnapshot`);
  writeHeapSnapshot(file);
  const totals = tally(file);
  rmSync(file);
  return totals;
}

const [rowId, count = '2000', top = '30'] = process.argv.slice(2);
const n = Number(count);
const { row } = await import(`../rows/${rowId}.mjs`);
const gate = makeGate();
const run = await row.setup({ agents: 5, gate, deps: resolveDeps() });
for (let i = 0; i < 200; i += 1) await run(inputOf(i));
const before = await snapshot('before');
gate.close();
const pending = [];
for (let i = 0; i < n; i += 1) pending.push(run(inputOf(1000 + i)));
while (gate.parked < n) await new Promise((resolve) => setImmediate(resolve));
const during = await snapshot('during');
const rows = [];
let total = 0;
for (const [key, after] of during) {
  const was = before.get(key) ?? { size: 0, count: 0 };
  const size = after.size - was.size;
  total += size;
  rows.push({ key, bytesPerFlow: size / n, countPerFlow: (after.count - was.count) / n });
}
rows.sort((a, b) => b.bytesPerFlow - a.bytesPerFlow);
console.log(`${rowId}: ${(total / n / 1024).toFixed(2)} KiB per parked flow (heap snapshot self sizes)`);
for (const r of rows.slice(0, Number(top))) {
  console.log(
    `${r.bytesPerFlow.toFixed(0).padStart(7)} B  ${r.countPerFlow.toFixed(2).padStart(6)}×  ${r.key}`,
  );
}
gate.open();
await Promise.all(pending);
process.exit(0);
