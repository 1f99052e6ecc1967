// Benchmark: `check` on a generated 50-agent flow with dense routes (every agent may hand off to every
// other and finish), against defineFlow alone and a bare breadth-first walk of the same XState machine.
// Run: npx tsx bench/check-bench.ts [agents] [runs]
import { performance } from 'node:perf_hooks';
import Type from 'typebox';
import { checkReport, defineAgent, defineFlow } from '../index.js';
import { scripted } from '../testing.js';

const agents = Number(process.argv[2] ?? 50);
const runs = Number(process.argv[3] ?? 15);
const Work = Type.Object(
  { ticketId: Type.String(), notes: Type.Array(Type.String()) },
  { additionalProperties: false },
);
const names = Array.from({ length: agents }, (_, i) => `agent${i}`);
const model = scripted([]);

function build() {
  return defineFlow({
    id: 'dense',
    input: Work,
    output: Work,
    start: names[0]!,
    agents: names.map((name) =>
      defineAgent({
        name,
        description: `Handles part ${name} of the work.`,
        input: Work,
        instructions: 'Work.',
        model,
      }),
    ),
    routes: Object.fromEntries(names.map((name) => [name, names.filter((other) => other !== name)])),
    finish: names,
  } as never);
}

/** A bare walk of the machine: every state and transition once, what any static analysis must at least do. */
function walk(flow: ReturnType<typeof build>): number {
  const root = flow.machine.root;
  let edges = 0;
  for (const node of Object.values(root.states)) {
    for (const list of node.transitions.values()) edges += list.length;
  }
  return edges;
}

function median(measure: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    measure();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const flow = build();
const report = checkReport(flow);
median(() => checkReport(flow)); // warm up
const rows = [
  ['defineFlow (compile)', median(() => build())],
  ['bare machine walk', median(() => walk(flow))],
  ['check', median(() => checkReport(flow))],
  ["check, strictSchemas: 'all'", median(() => checkReport(flow, { strictSchemas: 'all' }))],
] as const;
const edges = report.bounds.longest;
process.stdout.write(
  `check bench: ${agents} agents, ${agents * (agents - 1)} routes, ${walk(flow)} transitions; median of ${runs} runs (Node ${process.version})\n` +
    rows.map(([name, ms]) => `  ${name.padEnd(30)} ${ms.toFixed(2)} ms`).join('\n') +
    `\n  diagnostics: ${report.diagnostics.map((d) => d.code).join(', ') || 'none'}; longest path found: ${edges?.handoffs} handoffs (exact: ${edges?.exact})\n`,
);
