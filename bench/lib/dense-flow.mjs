// Build-time work on a generated dense flow: N agents, each may hand off to every other and finish.
// Times `defineFlow` (validation, contract compatibility of every route, compilation to an XState
// machine) and, when the library exports it, `check` on the result. Prints
// `BENCH_RESULT {"ms": …, "checkMs": …}`: medians of 3 (`firstMs`, `checkFirstMs`: the first, cold ones).
import { resolveDeps } from './deps.mjs';
import { WORK_SCHEMA } from './workload.mjs';

const n = Number(process.argv[2] ?? 50);
const { check, defineAgent, defineFlow } = await import(resolveDeps().baton);
const model = { id: 'bench:none', call: () => Promise.reject(new Error('not called')) };
const names = Array.from({ length: n }, (_, i) => `agent${i}`);
const build = () =>
  defineFlow({
    id: `dense${n}`,
    input: WORK_SCHEMA,
    output: WORK_SCHEMA,
    start: names[0],
    agents: names.map((name) =>
      defineAgent({ name, description: `Agent ${name}.`, input: WORK_SCHEMA, instructions: 'Work.', model }),
    ),
    routes: Object.fromEntries(names.map((name) => [name, names.filter((other) => other !== name)])),
    finish: names,
    limits: { handoffs: 2 * n, visits: 3 },
  });
/** Times `fn` three times: the median and the first (cold) run. */
function time(fn) {
  const samples = [];
  let value;
  for (let i = 0; i < 3; i += 1) {
    const t0 = performance.now();
    value = fn();
    samples.push(performance.now() - t0);
  }
  const first = samples[0];
  samples.sort((a, b) => a - b);
  return { ms: samples[1], first, value };
}

const defined = time(build);
const result = { agents: n, routes: n * (n - 1), ms: defined.ms, firstMs: defined.first };
if (typeof check === 'function') {
  const checked = time(() => check(defined.value));
  Object.assign(result, {
    checkMs: checked.ms,
    checkFirstMs: checked.first,
    diagnostics: checked.value.map((d) => `${d.severity} ${d.code}`),
  });
}
process.stdout.write(`\nBENCH_RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
