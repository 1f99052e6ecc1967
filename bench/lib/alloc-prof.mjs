// Where a Baton build allocates: runs the 5-agent chain under V8's sampling heap profiler, counting objects
// the GC already collected too, and prints the bytes allocated per flow by function (self).
//   node bench/lib/alloc-prof.mjs URL [--flows 4000] [--top 40]
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { resolveDeps } from './deps.mjs';
import { chainOf, checkFinal, inputOf, makeGate } from './workload.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    flows: { type: 'string', default: '4000' },
    top: { type: 'string', default: '40' },
    row: { type: 'string', default: 'baton' },
  },
});
const [target] = positionals;
const file = target === 'xstate-ajv' ? 'xstate-ajv' : values.row;
const { row } = await import(`../rows/${file}.mjs`);
const run = await row.setup({ agents: 5, gate: makeGate(), deps: { ...resolveDeps(), baton: target } });
let serial = 0;
const flows = async (n) => {
  for (let i = 0; i < n; i += 1) {
    const input = inputOf(++serial);
    checkFinal(input, await run(input), chainOf(5));
  }
};
await flows(500);
const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 512,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
const n = Number(values.flows);
await flows(n);
const { profile } = await session.post('HeapProfiler.stopSampling');
const self = new Map();
let total = 0;
const parents = new Map();
const walk = (node, parent = null) => {
  const f = node.callFrame;
  const where = (f.url || '')
    .replace(/.*node_modules\//, '')
    .replace(/.*\/dist\//, '')
    .replace(/chunk-[A-Z0-9]+/, 'chunk');
  const key = `${f.functionName || '(anon)'} ${where.split('/').slice(-1)[0]}:${f.lineNumber + 1}`;
  const bytes = node.selfSize;
  total += bytes;
  self.set(key, (self.get(key) ?? 0) + bytes);
  if (parent && / :0$/.test(key)) {
    const pk = `${key} <- ${parent}`;
    parents.set(pk, (parents.get(pk) ?? 0) + bytes);
  }
  for (const child of node.children) walk(child, key);
};
walk(profile.head);
console.log(`${(total / n / 1024).toFixed(1)} KB allocated per flow`);
for (const [key, bytes] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(`${(bytes / n).toFixed(0).padStart(7)} B  ${key}`);
}
console.log('native allocations by caller');
for (const [key, bytes] of [...parents].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(`${(bytes / n).toFixed(0).padStart(7)} B  ${key}`);
}
process.exit(0);
