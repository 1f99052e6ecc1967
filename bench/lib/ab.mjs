// A/B of Baton builds in ONE process, to size a proposed fix on a noisy, shared machine: each entry
// (a Baton index.js URL, or `xstate-ajv` for the baseline) runs the 5-agent chain in alternating blocks,
// so all of them see the same load. Prints the mean time per flow of each and its ratio to the first.
//   node --expose-gc bench/lib/ab.mjs URL_A URL_B [...] [--rounds 20] [--block 200] [--row baton-deadline]
// `--row` picks the Baton row the builds run (default `baton`), e.g. `baton-deadline` to size what a
// run with `limits.ms` costs. An entry `row:NAME` runs another row as it is (with dist/ for Baton), e.g.
// `row:sqlite-floor` beside `--row baton-sqlite` builds.
import { parseArgs } from 'node:util';
import { resolveDeps } from './deps.mjs';
import { chainOf, checkFinal, inputOf, makeGate } from './workload.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '20' },
    block: { type: 'string', default: '200' },
    row: { type: 'string', default: 'baton' },
  },
});
const deps = resolveDeps();
const gate = makeGate();
const entries = [];
for (const target of positionals) {
  const named = target.startsWith('row:') ? target.slice('row:'.length) : null;
  const file = target === 'xstate-ajv' ? 'xstate-ajv' : (named ?? values.row);
  const { row } = await import(`../rows/${file}.mjs`);
  const run = await row.setup({ agents: 5, gate, deps: named ? deps : { ...deps, baton: target } });
  entries.push({ target, run, ms: 0, n: 0 });
}
let serial = 0;
const block = async (entry, timed) => {
  const t0 = performance.now();
  for (let i = 0; i < Number(values.block); i += 1) {
    const input = inputOf(++serial);
    checkFinal(input, await entry.run(input), chainOf(5));
  }
  if (timed) {
    entry.ms += performance.now() - t0;
    entry.n += Number(values.block);
  }
};
for (const entry of entries) for (let i = 0; i < 3; i += 1) await block(entry, false);
for (let r = 0; r < Number(values.rounds); r += 1) {
  // Rotate the order each round so no entry always runs right after another's garbage.
  for (let k = 0; k < entries.length; k += 1) await block(entries[(r + k) % entries.length], true);
}
const base = entries[0].ms / entries[0].n;
for (const e of entries) {
  const us = (e.ms / e.n) * 1000;
  console.log(`${us.toFixed(1).padStart(8)} µs/flow  ×${(e.ms / e.n / base).toFixed(3)}  ${e.target}`);
}
process.exit(0);
