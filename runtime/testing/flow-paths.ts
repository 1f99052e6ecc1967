import { BatonError } from '../../contracts/errors.js';
import { type Checkable, machineOf } from '../../machines/check/check.js';
import { type GraphEdge, machineGraph } from '../../machines/check/machine-graph.js';
import type { BatonTransitionKind } from '../../machines/parts/baton-meta.js';

/** The decision a step of a path stands for: the transition's `meta.baton.kind`, or `move` when it has none. */
export type PathDecision = BatonTransitionKind | 'move';

/** One step of a path: in `state` (running `agent`), the decision taken and the state it leads to. */
export interface PathStep {
  readonly state: string;
  readonly agent: string | null;
  readonly decision: PathDecision;
  readonly to: string;
}

/** A simple path from the start to a final state, with the decisions that produce it. */
export interface FlowPath {
  /** The final state it ends in: `done`, `escalated`, `failed` or `cancelled` for a `defineFlow` flow. */
  readonly end: string;
  readonly steps: readonly PathStep[];
}

/** Options of `flowPaths`. */
export interface FlowPathsOptions {
  /** Only paths ending in these final states (default: every final state). */
  readonly ends?: readonly string[];
  /** Throw `invalid_argument` beyond this many paths (default 1000). */
  readonly limit?: number;
  /**
   * Include the paths through the human wait (`awaiting_human`), which only a run kept in a store can take
   * (default false: a scripted test runs in memory, where a question ends the run `needs_human`).
   */
  readonly waits?: boolean;
}

/**
 * The simple paths (no state twice, so no repairs and no revisits) from the start to each final state,
 * each with the decision taken at every step, grouped by final state in the machine's order. Feed each
 * one to `pathScript` to get one scripted test per path.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { defineAgent, defineFlow, runFlow } from 'baton-flow';
 * import { flowPaths, pathScript, scripted } from 'baton-flow/testing';
 *
 * const Draft = Type.Object({ text: Type.String() });
 * const writer = defineAgent({ name: 'writer', description: 'Drafts.', input: Draft, instructions: 'Draft it.', model: scripted([]) });
 * const editor = defineAgent({ name: 'editor', description: 'Edits.', input: Draft, instructions: 'Edit it.', model: scripted([]) });
 * const article = defineFlow({
 *   id: 'article',
 *   input: Draft,
 *   output: Draft,
 *   start: 'writer',
 *   agents: [writer, editor],
 *   routes: { writer: ['editor'] },
 *   finish: ['editor'],
 * });
 *
 * for (const path of flowPaths(article, { ends: ['done', 'escalated'] })) {
 *   const script = pathScript(article, path, {
 *     payload: () => ({ text: 'a draft' }),
 *     output: () => ({ text: 'the final text' }),
 *   });
 *   const result = await runFlow(article, { text: 'topic' }, { models: scripted(script) });
 *   console.log(path.end, result.status); // the same, path after path
 * }
 * ```
 */
export function flowPaths(target: Checkable, options: FlowPathsOptions = {}): FlowPath[] {
  const graph = machineGraph(machineOf(target));
  const finals = [...graph.states.values()].filter((s) => s.terminal).map((s) => s.id);
  const ends = new Set(options.ends ?? finals);
  const limit = options.limit ?? 1000;
  const paths: FlowPath[] = [];
  const steps: PathStep[] = [];
  const onPath = new Set<string>();
  const walk = (state: string) => {
    if (graph.states.get(state)?.terminal) {
      if (!ends.has(state)) return;
      if (paths.length >= limit) {
        throw new BatonError(
          'invalid_argument',
          `Flow "${graph.id}" has more than ${limit} simple paths to its final states. Pass { ends } to pick final states, or a higher { limit }.`,
          { details: { flow: graph.id, limit } },
        );
      }
      paths.push({ end: state, steps: [...steps] });
      return;
    }
    onPath.add(state);
    for (const edge of graph.outgoing(state)) {
      if (onPath.has(edge.to) || (edge.kind === 'wait' && options.waits !== true)) continue;
      steps.push(stepOf(edge, graph.states.get(state)?.agent?.agent ?? null));
      walk(edge.to);
      steps.pop();
    }
    onPath.delete(state);
  };
  for (const state of graph.initial) walk(state);
  const order = (path: FlowPath) => finals.indexOf(path.end);
  return paths
    .map((path, i) => ({ path, i }))
    .sort((a, b) => order(a.path) - order(b.path) || a.i - b.i)
    .map((x) => x.path);
}

function stepOf(edge: GraphEdge, agent: string | null): PathStep {
  return { state: edge.from, agent, decision: edge.kind ?? 'move', to: edge.to };
}
