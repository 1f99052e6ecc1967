// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by file, and the
// inclusive time of Baton's own functions. Importable (`summarize`) or run alone:
//   node bench/lib/cpu-profile.mjs FILE.cpuprofile [top]
import { readFileSync } from 'node:fs';
import { ROOT } from './deps.mjs';

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Shortens a script URL to a path relative to the repository (or to the package inside node_modules). */
function where(url) {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
}

/** Self and inclusive time per function and file of a profile, as shares of the sampled time. */
export function summarize(profile, top = 15) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map();
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? 0));
  });
  let total = 0;
  let gc = 0;
  let idle = 0;
  const fnSelf = new Map();
  const fileSelf = new Map();
  const fnTotal = new Map();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    const name = node.callFrame.functionName || '(anonymous)';
    total += us;
    if (name === '(garbage collector)') gc += us;
    if (name === '(idle)' || name === '(program)') idle += us;
    if (IDLE.has(name)) continue;
    const file = where(node.callFrame.url);
    const fn = `${file}:${node.callFrame.lineNumber + 1} ${name}`;
    fnSelf.set(fn, (fnSelf.get(fn) ?? 0) + us);
    fileSelf.set(file, (fileSelf.get(file) ?? 0) + us);
    // Inclusive time: charge each distinct function once per sample stack.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at).callFrame;
      if (IDLE.has(frame.functionName)) continue;
      const key = `${where(frame.url)}:${frame.lineNumber + 1} ${frame.functionName || '(anonymous)'}`;
      if (seen.has(key)) continue;
      seen.add(key);
      fnTotal.set(key, (fnTotal.get(key) ?? 0) + us);
    }
  }
  const busy = total - idle;
  const rank = (map, filter = () => true) =>
    [...map]
      .filter(([key]) => filter(key))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => ({ key, ms: us / 1000, share: us / busy }));
  const ours = (key) => /^(agents|machines|runtime|contracts|dist)\//.test(key) || key.startsWith('index');
  return {
    busyMs: busy / 1000,
    gcShare: gc / busy,
    selfByFunction: rank(fnSelf),
    selfByFile: rank(fileSelf),
    inclusiveBaton: rank(fnTotal, ours),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const summary = summarize(profile, Number(process.argv[3] ?? 20));
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  console.log(`busy ${summary.busyMs.toFixed(0)} ms, GC ${pct(summary.gcShare)}`);
  for (const part of ['selfByFunction', 'selfByFile', 'inclusiveBaton']) {
    console.log(`\n${part}`);
    for (const { key, share } of summary[part]) console.log(`  ${pct(share).padStart(6)}  ${key}`);
  }
}
