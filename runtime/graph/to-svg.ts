import { answersLine, budgetLine, judgeLines, limitsLine, toolsLine, waitLines } from './describe.js';
import type { FlowGraph, FlowGraphEdge, FlowGraphNode, GraphLimits } from './flow-graph.js';
import { type LayoutArrow, type LayoutBox, layOut, type Point } from './layout.js';
import { escapeXml, FONT_FAMILY, num, textWidth } from './svg-text.js';

/** The path a run took through a flow, for `toSvg` to highlight. */
export interface SvgHighlight {
  /** The states the run visited, in order, ending with its final state: `RunResult.path`. */
  readonly path: readonly string[];
  /**
   * The agent the run ended at when it did not end `done` (`reason.agent`): drawn in red. The name of the
   * flow's judge marks the judge.
   */
  readonly agent?: string | null;
}

/** Options of `toSvg`. */
export interface SvgOptions {
  /**
   * Draw the `escalate` and `fail` exit of every agent, the judge and the human wait, dashed (default
   * false: the final states stand in the bottom row without them). An exit a highlighted run took is drawn
   * whatever this says.
   */
  readonly exits?: boolean;
  /** Highlight the path a run took: the arrows it followed, the states it visited and how often. */
  readonly highlight?: SvgHighlight;
  /** Draw the flow's id and limits above the diagram (default true). */
  readonly header?: boolean;
  /** Prefix of the ids inside the SVG, so that several SVGs can share one page (default `baton`). */
  readonly idPrefix?: string;
}

const START = '__start__';
const NAME_SIZE = 14;
const SMALL_SIZE = 11;
const LABEL_SIZE = 11;
const PAD_X = 14;
const HEADER_HEIGHT = 46;

/** What is drawn of a node: its box size and lines of text. */
interface Shape {
  readonly node: FlowGraphNode | null;
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly lines: readonly string[];
}

/** The lines of text of a box: its name, then what a reader needs of it. */
function linesOf(node: Exclude<FlowGraphNode, { kind: 'ending' }>, limits: GraphLimits): string[] {
  if (node.kind === 'judge') return [node.name, ...judgeLines(node)];
  if (node.kind === 'human') return [node.id, ...waitLines(node.waiters), answersLine(limits)];
  return [node.id, budgetLine(node), toolsLine(node)];
}

function shapeOf(node: FlowGraphNode, limits: GraphLimits): Shape {
  if (node.kind === 'ending') {
    return { node, id: node.id, width: textWidth(node.id, 13, true) + 34, height: 32, lines: [node.id] };
  }
  const lines = linesOf(node, limits).filter((line) => line !== '');
  const width = Math.max(
    110,
    textWidth(lines[0] ?? '', NAME_SIZE, true) + 2 * PAD_X,
    ...lines.slice(1).map((line) => textWidth(line, SMALL_SIZE) + 2 * PAD_X),
  );
  return { node, id: node.id, width, height: 22 + 18 + 15 * (lines.length - 1), lines };
}

/** A smooth curve through a routed arrow's points: a clamped uniform cubic B-spline, as Bézier segments. */
function curve(points: readonly Point[]): string {
  if (points.length === 0) return '';
  const first = points[0]!;
  const last = points.at(-1)!;
  if (points.length < 3) return `M${num(first.x)},${num(first.y)}L${num(last.x)},${num(last.y)}`;
  const p = [first, first, ...points, last, last];
  let d = `M${num(first.x)},${num(first.y)}`;
  for (let i = 0; i + 3 < p.length; i += 1) {
    const [a, b, c, e] = [p[i]!, p[i + 1]!, p[i + 2]!, p[i + 3]!];
    const c1 = { x: (2 * b.x + c.x) / 3, y: (2 * b.y + c.y) / 3 };
    const c2 = { x: (b.x + 2 * c.x) / 3, y: (b.y + 2 * c.y) / 3 };
    const end = { x: (b.x + 4 * c.x + e.x) / 6, y: (b.y + 4 * c.y + e.y) / 6 };
    if (i === 0) {
      const start = { x: (a.x + 4 * b.x + c.x) / 6, y: (a.y + 4 * b.y + c.y) / 6 };
      d += `L${num(start.x)},${num(start.y)}`;
    }
    d += `C${num(c1.x)},${num(c1.y)} ${num(c2.x)},${num(c2.y)} ${num(end.x)},${num(end.y)}`;
  }
  return d;
}

/** The arrows a run followed, as `from→to` keys (`__start__` for the start), and how often it visited each state. */
function followed(path: readonly string[]): { pairs: Set<string>; visits: Map<string, number> } {
  const pairs = new Set<string>();
  const visits = new Map<string, number>();
  let previous = START;
  for (const state of path) {
    visits.set(state, (visits.get(state) ?? 0) + 1);
    if (state !== previous) pairs.add(`${previous}→${state}`);
    previous = state;
  }
  return { pairs, visits };
}

const STYLE = (p: string) => `
.${p} { font-family: ${FONT_FAMILY}; }
.${p} .bg { fill: #ffffff; }
.${p} .title { font-size: 16px; font-weight: 700; fill: #111827; }
.${p} .limits { font-size: 12px; fill: #4b5563; }
.${p} .edge { fill: none; stroke: #6b7280; stroke-width: 1.4; }
.${p} .edge.escalate, .${p} .edge.fail { stroke: #c4c8cf; stroke-dasharray: 4 4; stroke-width: 1; }
.${p} .edge.finish { stroke: #2f8f4e; }
.${p} .edge.taken { stroke: #1d4ed8; stroke-width: 3; stroke-dasharray: none; }
.${p} .edge.taken.to-failed, .${p} .edge.taken.to-escalated, .${p} .edge.taken.to-cancelled { stroke: #c2410c; }
.${p} .edge-label rect { fill: #ffffff; stroke: none; opacity: 0.92; }
.${p} .edge-label text { font-size: ${LABEL_SIZE}px; fill: #374151; }
.${p} .edge-label.taken text { fill: #1d4ed8; font-weight: 600; }
.${p} .node rect { stroke-width: 1.5; }
.${p} .node.agent rect { fill: #eef4ff; stroke: #3b6fd8; }
.${p} .node.step rect { fill: #f3f4f6; stroke: #6b7280; }
.${p} .node .name { font-size: ${NAME_SIZE}px; font-weight: 700; fill: #0b1f44; }
.${p} .node .about { font-size: ${SMALL_SIZE}px; fill: #4b5563; }
.${p} .node.ending .name { font-size: 13px; }
.${p} .node.done rect { fill: #e6f5ea; stroke: #2f8f4e; }
.${p} .node.escalated rect { fill: #fff3dd; stroke: #b86e00; }
.${p} .node.failed rect { fill: #fdeaea; stroke: #c23b3b; }
.${p} .node.cancelled rect { fill: #f3f4f6; stroke: #7a7a7a; }
.${p} .start { fill: #111827; }
.${p}.highlighted .node:not(.visited) { opacity: 0.45; }
.${p} .node.visited rect { stroke-width: 3; }
.${p} .node.visited.agent rect, .${p} .node.visited.step rect { stroke: #1d4ed8; }
.${p} .node.visited.culprit rect, .${p} .node.culprit rect { stroke: #c23b3b; stroke-width: 3.5; fill: #fde8e8; }
.${p} .badge circle { fill: #1d4ed8; }
.${p} .node.culprit .badge circle { fill: #c23b3b; }
.${p} .badge text { font-size: 10px; font-weight: 700; fill: #ffffff; }
`;

/** Styles of the judge and the human wait, and of their arrows: added only to a diagram that has them. */
const STAGE_STYLE = (p: string) => `
.${p} .node.judge rect { fill: #f4efff; stroke: #7c3aed; }
.${p} .node.judge rect.inner { fill: none; stroke-width: 1; }
.${p} .node.judge .name { fill: #2e1065; }
.${p} .node.human rect { fill: #ecfeff; stroke: #0e7490; stroke-dasharray: 6 3; }
.${p} .node.human .name { fill: #083344; }
.${p} .edge.verify, .${p} .edge.revise { stroke: #7c3aed; }
.${p} .edge.wait, .${p} .edge.answer { stroke: #0e7490; }
.${p} .edge.revise, .${p} .edge.answer { stroke-dasharray: 6 3; }
.${p} .edge.confirm { stroke: #2f8f4e; }
`;

/** The arrowhead of an arrow that is not taken, by its kind. */
function markerOf(kind: FlowGraphEdge['kind']): string {
  if (kind === 'escalate' || kind === 'fail') return 'arrow-exit';
  if (kind === 'finish' || kind === 'confirm') return 'arrow-finish';
  if (kind === 'verify' || kind === 'revise') return 'arrow-judge';
  if (kind === 'wait' || kind === 'answer') return 'arrow-human';
  return 'arrow';
}

/**
 * Draws a flow's diagram as a standalone SVG document: boxes for the agents (name, model, budget, tools)
 * and final states, arrows for the start, the routes (labelled with their contracts) and the finishes
 * (and with `exits`, every agent's exits), laid out by dagre. A judge is a purple box with a double
 * border (its name, model, and the criteria it judges), with `verify` and `revise` arrows in purple; the
 * human wait a teal box with a dashed border (who asks, which tools need approval, the limits a person
 * may extend), with `wait` and `answer` arrows in teal. With `highlight`, the path a run took is drawn
 * in blue, the states it visited with their visit counts, and the agent it ended at in red. Needs no
 * network or font to show.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { type AnyFlow, type RunResult } from 'baton-flow';
 * import { flowGraph, toSvg } from 'baton-flow/report';
 *
 * declare const support: AnyFlow;
 * declare const result: RunResult;
 *
 * writeFileSync('support.svg', toSvg(flowGraph(support)));
 * const agent = result.status === 'done' ? null : result.reason.agent;
 * writeFileSync('run.svg', toSvg(flowGraph(support), { highlight: { path: result.path, agent } }));
 * ```
 */
export function toSvg(graph: FlowGraph, options: SvgOptions = {}): string {
  const prefix = (options.idPrefix ?? 'baton').replace(/[^A-Za-z0-9_-]/g, '-');
  const showExits = options.exits ?? false;
  const header = options.header ?? true;
  const highlight = options.highlight;
  const { pairs, visits } = followed(highlight?.path ?? []);
  const culprit = highlight?.agent ?? null;
  const shapes = new Map<string, Shape>(graph.nodes.map((node) => [node.id, shapeOf(node, graph.limits)]));
  shapes.set(START, { node: null, id: START, width: 14, height: 14, lines: [] });

  const keyOf = (edge: Pick<FlowGraphEdge, 'from' | 'to'>) => `${edge.from ?? START}→${edge.to}`;
  const drawn: FlowGraphEdge[] = graph.edges.filter(
    (edge) => showExits || (edge.kind !== 'escalate' && edge.kind !== 'fail') || pairs.has(keyOf(edge)),
  );
  // An arrow the run followed that the flow's graph has no edge for (a run that failed before its first
  // agent, a cancel): drawn as an exit.
  for (const pair of pairs) {
    const [from = START, to = ''] = pair.split('→');
    if (!shapes.has(from) || !shapes.has(to) || drawn.some((edge) => keyOf(edge) === pair)) continue;
    drawn.push({ kind: 'fail', from: from === START ? null : from, to, label: '' });
  }
  const arrows: LayoutArrow[] = drawn.map((edge, i) => ({
    key: `e${i}`,
    from: edge.from ?? START,
    to: edge.to,
    labelWidth: edge.label === '' ? 0 : textWidth(edge.label, LABEL_SIZE) + 10,
    labelHeight: edge.label === '' ? 0 : LABEL_SIZE + 7,
  }));
  const boxes: LayoutBox[] = [...shapes.values()].map(({ id, width, height }) => ({ id, width, height }));
  const endings = graph.nodes.filter((node) => node.kind === 'ending').map((node) => node.id);
  const layout = layOut(boxes, arrows, endings);

  const top = header ? HEADER_HEIGHT : 0;
  const limits = limitsLine(graph.limits);
  const titleText = `${graph.flow}${graph.version === '1' ? '' : ` (version ${graph.version})`}`;
  const width = Math.max(
    layout.width,
    header ? textWidth(limits, 12) + 32 : 0,
    textWidth(titleText, 16, true) + 32,
  );
  const height = layout.height + top;
  const out: string[] = [];
  const agents = graph.nodes.filter((node) => node.kind === 'agent' || node.kind === 'step').length;
  const routes = graph.edges.filter((edge) => edge.kind === 'handoff').length;
  const judge = graph.nodes.some((node) => node.kind === 'judge');
  const human = graph.nodes.some((node) => node.kind === 'human');
  const label = `Flow ${graph.flow}: ${agents} agent${agents === 1 ? '' : 's'}, ${routes} route${routes === 1 ? '' : 's'}${judge ? ', a judge' : ''}${human ? ', a human wait' : ''}`;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="${prefix}${highlight ? ' highlighted' : ''}" viewBox="0 0 ${num(width)} ${num(height)}" width="${num(width)}" height="${num(height)}" role="img" aria-labelledby="${prefix}-title">`,
    `<title id="${prefix}-title">${escapeXml(label)}</title>`,
    `<style>${STYLE(prefix)}${judge || human ? STAGE_STYLE(prefix) : ''}</style>`,
    '<defs>',
    ...[
      ['arrow', '#6b7280'],
      ['arrow-exit', '#c4c8cf'],
      ['arrow-finish', '#2f8f4e'],
      ['arrow-taken', '#1d4ed8'],
      ['arrow-taken-end', '#c2410c'],
      ...(judge ? [['arrow-judge', '#7c3aed']] : []),
      ...(human ? [['arrow-human', '#0e7490']] : []),
    ].map(
      ([id, color]) =>
        `<marker id="${prefix}-${id}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${color}"/></marker>`,
    ),
    '</defs>',
    `<rect class="bg" x="0" y="0" width="${num(width)}" height="${num(height)}"/>`,
  );
  if (header) {
    out.push(`<text class="title" x="16" y="24">${escapeXml(titleText)}</text>`);
    if (limits !== '') out.push(`<text class="limits" x="16" y="40">${escapeXml(limits)}</text>`);
  }
  out.push(`<g transform="translate(${num((width - layout.width) / 2)},${top})">`, '<g class="edges">');
  const order = (edge: FlowGraphEdge) =>
    (pairs.has(keyOf(edge)) ? 2 : 0) + (edge.kind === 'escalate' || edge.kind === 'fail' ? 0 : 1);
  const indexed = drawn
    .map((edge, i) => ({ edge, key: `e${i}` }))
    .sort((a, b) => order(a.edge) - order(b.edge));
  const labels: string[] = [];
  for (const { edge, key } of indexed) {
    const routed = layout.arrows.get(key);
    if (!routed) continue;
    const taken = pairs.has(keyOf(edge));
    const toEnd = edge.to === 'failed' || edge.to === 'escalated' || edge.to === 'cancelled';
    const marker = taken ? (toEnd ? 'arrow-taken-end' : 'arrow-taken') : markerOf(edge.kind);
    const classes = ['edge', edge.kind, `to-${edge.to}`, ...(taken ? ['taken'] : [])].join(' ');
    out.push(
      `<path class="${escapeXml(classes)}" data-from="${escapeXml(edge.from ?? '')}" data-to="${escapeXml(edge.to)}" d="${curve(routed.points)}" marker-end="url(#${prefix}-${marker})"/>`,
    );
    if (edge.label !== '' && routed.label) {
      const w = textWidth(edge.label, LABEL_SIZE) + 8;
      const { x, y } = routed.label;
      labels.push(
        `<g class="edge-label${taken ? ' taken' : ''}"><rect x="${num(x - w / 2)}" y="${num(y - 8)}" width="${num(w)}" height="16" rx="3"/><text x="${num(x)}" y="${num(y + 4)}" text-anchor="middle">${escapeXml(edge.label)}</text></g>`,
      );
    }
  }
  out.push(...labels, '</g>', '<g class="nodes">');
  for (const shape of shapes.values()) {
    const at = layout.boxes.get(shape.id);
    if (!at) continue;
    if (shape.node === null) {
      out.push(
        `<circle class="start" cx="${num(at.x)}" cy="${num(at.y)}" r="7"><title>start</title></circle>`,
      );
      continue;
    }
    // A run's path never names the judge's state, but a run that ended there names the judge.
    const judged = shape.node.kind === 'judge' && shape.node.name === culprit;
    out.push(nodeSvg(shape, at, visits.get(shape.id) ?? 0, shape.id === culprit || judged));
  }
  out.push('</g>', '</g>', '</svg>');
  return `${out.join('\n')}\n`;
}

/** The name a box shows first: an agent's or a state's, or the judge's. */
function nameOf(node: FlowGraphNode): string {
  return node.kind === 'judge' ? node.name : node.id;
}

function nodeSvg(shape: Shape, at: Point, visits: number, culprit: boolean): string {
  const node = shape.node!;
  const kind = node.kind === 'ending' ? `ending ${node.id}` : node.kind;
  const visited = visits > 0 || (culprit && node.kind === 'judge');
  const classes = ['node', kind, ...(visited ? ['visited'] : []), ...(culprit ? ['culprit'] : [])];
  const x = at.x - shape.width / 2;
  const y = at.y - shape.height / 2;
  const rx = node.kind === 'ending' || node.kind === 'human' ? 16 : node.kind === 'judge' ? 4 : 8;
  const parts = [
    `<g class="${escapeXml(classes.join(' '))}" data-state="${escapeXml(node.id)}">`,
    `<title>${escapeXml(`${nameOf(node)}: ${node.description}`)}</title>`,
    `<rect x="${num(x)}" y="${num(y)}" width="${num(shape.width)}" height="${num(shape.height)}" rx="${rx}"/>`,
  ];
  if (node.kind === 'judge') {
    // A second border inside the first: the judge stands apart from the agents without colour.
    parts.push(
      `<rect class="inner" x="${num(x + 3)}" y="${num(y + 3)}" width="${num(shape.width - 6)}" height="${num(shape.height - 6)}" rx="2"/>`,
    );
  }
  if (node.kind === 'ending') {
    parts.push(
      `<text class="name" x="${num(at.x)}" y="${num(at.y + 4.5)}" text-anchor="middle">${escapeXml(node.id)}</text>`,
    );
  } else {
    shape.lines.forEach((line, i) => {
      const ly = y + 24 + (i === 0 ? 0 : 18 + 15 * (i - 1));
      parts.push(
        `<text class="${i === 0 ? 'name' : 'about'}" x="${num(at.x)}" y="${num(ly)}" text-anchor="middle">${escapeXml(line)}</text>`,
      );
    });
  }
  if (visits > 1 || (visits > 0 && node.kind !== 'ending')) {
    const bx = x + shape.width - 4;
    parts.push(
      `<g class="badge"><title>${visits} visit${visits === 1 ? '' : 's'}</title><circle cx="${num(bx)}" cy="${num(y + 4)}" r="9"/><text x="${num(bx)}" y="${num(y + 7.5)}" text-anchor="middle">×${visits}</text></g>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}
