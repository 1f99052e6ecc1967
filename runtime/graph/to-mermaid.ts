import { answersLine, budgetLine, judgeLines, limitsLine, toolsLine, waitLines } from './describe.js';
import type { FlowGraph, FlowGraphNode } from './flow-graph.js';

/** Options of `toMermaid`. */
export interface MermaidOptions {
  /** Draw the `escalate` and `fail` exits of every agent, the judge and the human wait (default true). */
  readonly exits?: boolean;
  /**
   * Add each agent's description, model, budget and tools as state descriptions, and what the judge and
   * the human wait do (default true).
   */
  readonly details?: boolean;
}

/** Words of Mermaid's state diagram grammar that cannot be a state id as they are. */
const KEYWORDS = new Set(['state', 'note', 'end', 'direction', 'class', 'classDef', 'style', 'as', 'click']);

/** Styles by kind of node, as `classDef` lines. */
const CLASSES: readonly (readonly [string, string])[] = [
  ['baton_agent', 'fill:#eef4ff,stroke:#3b6fd8,color:#0b1f44'],
  ['baton_step', 'fill:#f3f3f3,stroke:#6b6b6b,color:#1f1f1f'],
  ['baton_done', 'fill:#e6f5ea,stroke:#2f8f4e,color:#0f3a1d'],
  ['baton_escalated', 'fill:#fff3dd,stroke:#b86e00,color:#4a2c00'],
  ['baton_failed', 'fill:#fdeaea,stroke:#c23b3b,color:#4d0f0f'],
  ['baton_cancelled', 'fill:#efefef,stroke:#7a7a7a,color:#2b2b2b'],
];

/** Styles of the kinds of node only some flows have, added when the flow has one: the judge, the human wait. */
const STAGE_CLASSES: readonly (readonly [FlowGraphNode['kind'], string])[] = [
  ['judge', 'fill:#f4efff,stroke:#7c3aed,color:#2e1065,stroke-width:2px'],
  ['human', 'fill:#ecfeff,stroke:#0e7490,color:#083344,stroke-dasharray:5'],
];

/** Text that fits on a Mermaid line: one line, no comment or statement marks, no braces. */
function text(value: string): string {
  return value
    .replace(/\s+/g, ' ')
    .replace(/%%/g, '%')
    .replace(
      /[;#{}<>"]/g,
      (c) => ({ ';': ',', '#': 'no.', '{': '(', '}': ')', '<': '‹', '>': '›', '"': "'" })[c]!,
    )
    .trim();
}

/** A Mermaid state id for each node: its name when Mermaid reads it as one, else a safe id. */
function stateIds(nodes: readonly FlowGraphNode[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const node of nodes) {
    let id = /^[A-Za-z][A-Za-z0-9_]*$/.test(node.id) && !KEYWORDS.has(node.id) ? node.id : '';
    if (id === '') {
      const base = `s_${node.id.replace(/[^A-Za-z0-9_]/g, '_')}`;
      id = base;
      for (let n = 2; taken.has(id); n += 1) id = `${base}_${n}`;
    }
    taken.add(id);
    ids.set(node.id, id);
  }
  return ids;
}

/** The lines a Mermaid state diagram describes a node with, below its name. */
function about(node: FlowGraphNode, limits: FlowGraph['limits']): string[] {
  if (node.kind === 'ending') return [];
  if (node.kind === 'judge') return [node.description, ...judgeLines(node)];
  // The human wait's description is a long sentence: a line per cause reads better in a state box.
  if (node.kind === 'human') return [...waitLines(node.waiters), answersLine(limits)];
  return [node.description, budgetLine(node), toolsLine(node)];
}

/**
 * Writes a flow's diagram as a Mermaid state diagram (`stateDiagram-v2`): the flow's id and limits as
 * the title, each agent with its description, model, budget and tools, the start, each route labelled
 * with its contract, each finish, every agent's exits to `escalated` and `failed`, and the final states,
 * styled by kind. A judge is drawn by its name (its state is `verifying`) with the criteria it judges,
 * and the human wait (`awaiting_human`) with what a person does there, each styled apart from the
 * agents, with their `verify`, `revise`, `wait`, `answer` and `confirm` transitions labelled. Paste it
 * into a Markdown file that renders Mermaid, or into the Mermaid live editor.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { type AnyFlow } from 'baton-flow';
 * import { flowGraph, toMermaid } from 'baton-flow/report';
 *
 * declare const support: AnyFlow;
 *
 * writeFileSync('support.mmd', toMermaid(flowGraph(support), { exits: false }));
 * ```
 */
export function toMermaid(graph: FlowGraph, options: MermaidOptions = {}): string {
  const exits = options.exits ?? true;
  const details = options.details ?? true;
  const ids = stateIds(graph.nodes);
  const id = (name: string) => ids.get(name) ?? name;
  const limits = limitsLine(graph.limits);
  const lines = ['---', `title: ${text(`${graph.flow}${limits === '' ? '' : ` · ${limits}`}`)}`, '---'];
  lines.push('stateDiagram-v2');
  for (const [name, style] of CLASSES) lines.push(`  classDef ${name} ${style}`);
  const kinds = new Set(graph.nodes.map((node) => node.kind));
  for (const [kind, style] of STAGE_CLASSES) {
    if (kinds.has(kind)) lines.push(`  classDef baton_${kind} ${style}`);
  }
  for (const node of graph.nodes) {
    // Declared by name first: a state's first description line would otherwise stand in for its name,
    // and a final state no arrow reaches (cancelled) would not be drawn.
    lines.push(`  state "${text(node.kind === 'judge' ? node.name : node.id)}" as ${id(node.id)}`);
    const described = details ? about(node, graph.limits).filter((line) => line !== '') : [];
    for (const line of described) lines.push(`  ${id(node.id)} : ${text(line)}`);
  }
  for (const edge of graph.edges) {
    if (!exits && (edge.kind === 'escalate' || edge.kind === 'fail')) continue;
    const from = edge.from === null ? '[*]' : id(edge.from);
    const label = edge.kind === 'finish' ? `finish ${edge.label}` : edge.label;
    lines.push(`  ${from} --> ${id(edge.to)}${label === '' ? '' : ` : ${text(label)}`}`);
  }
  const byClass = new Map<string, string[]>();
  for (const node of graph.nodes) {
    const name = node.kind === 'ending' ? `baton_${node.id}` : `baton_${node.kind}`;
    byClass.set(name, [...(byClass.get(name) ?? []), id(node.id)]);
  }
  for (const [name, members] of byClass) lines.push(`  class ${members.join(', ')} ${name}`);
  return `${lines.join('\n')}\n`;
}
