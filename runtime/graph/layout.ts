import { createRequire } from 'node:module';
import type { EdgeLabel, Graph, GraphLabel, NodeLabel } from '@dagrejs/dagre';

const load = createRequire(import.meta.url);

/**
 * dagre, loaded on the first layout rather than when the package is imported: loading it takes about
 * 10 ms (measured on the 2-core machines here), which every `import 'baton-flow'` would otherwise pay
 * whether or not it draws anything. Node's module cache makes every later call a lookup.
 */
function loadDagre(): typeof import('@dagrejs/dagre') {
  return load('@dagrejs/dagre') as typeof import('@dagrejs/dagre');
}

/** A box to place: its id and size. */
export interface LayoutBox {
  readonly id: string;
  readonly width: number;
  readonly height: number;
}

/** An arrow to route: between two boxes, with the size of its label (0 × 0 for none). */
export interface LayoutArrow {
  readonly key: string;
  readonly from: string;
  readonly to: string;
  readonly labelWidth: number;
  readonly labelHeight: number;
  /** An arrow that only keeps a box in its rank: routed, but not drawn. */
  readonly hidden?: boolean;
}

/** A point of the drawing. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Where the layout put everything: the centre of each box, each arrow's points and label centre. */
export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly boxes: ReadonlyMap<string, Point>;
  readonly arrows: ReadonlyMap<string, { readonly points: readonly Point[]; readonly label: Point | null }>;
}

type DagreGraph = Graph<GraphLabel, NodeLabel, EdgeLabel>;

/** One run of dagre over the boxes and arrows. */
function place(boxes: readonly LayoutBox[], arrows: readonly LayoutArrow[]): DagreGraph {
  const { graphlib, layout } = loadDagre();
  const graph: DagreGraph = new graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 36, edgesep: 14, ranksep: 56, marginx: 16, marginy: 16 });
  for (const box of boxes) graph.setNode(box.id, { width: box.width, height: box.height });
  for (const arrow of arrows) {
    graph.setEdge(
      arrow.from,
      arrow.to,
      {
        width: arrow.labelWidth,
        height: arrow.labelHeight,
        labelpos: 'c',
        minlen: 1,
        weight: arrow.hidden ? 0 : 1,
      },
      arrow.key,
    );
  }
  layout(graph);
  return graph;
}

const yOf = (graph: DagreGraph, id: string) => graph.node(id)?.y ?? 0;

/**
 * Lays boxes and arrows out top to bottom in ranks (Sugiyama, by dagre), arrows routed around boxes.
 * `bottom` lists boxes that must stand in one row below all the others (in the order that crosses the
 * fewest arrows).
 */
export function layOut(
  boxes: readonly LayoutBox[],
  arrows: readonly LayoutArrow[],
  bottom: readonly string[] = [],
): Layout {
  let graph = place(boxes, arrows);
  const above = boxes.filter((box) => !bottom.includes(box.id));
  const lowest = above.reduce<string | null>(
    (low, box) => (low === null || yOf(graph, box.id) > yOf(graph, low) ? box.id : low),
    null,
  );
  const row = new Set(bottom.map((id) => yOf(graph, id)));
  if (lowest !== null && bottom.length > 0 && (row.size > 1 || [...row][0]! <= yOf(graph, lowest))) {
    // Hidden arrows from the lowest box push the bottom row below it, one rank down, so they add no
    // long detours for dagre to route around.
    const pushes = bottom
      .filter((id) => !arrows.some((arrow) => arrow.from === lowest && arrow.to === id))
      .map((id, i) => ({
        key: `bottom${i}`,
        from: lowest,
        to: id,
        labelWidth: 0,
        labelHeight: 0,
        hidden: true,
      }));
    graph = place(boxes, [...arrows, ...pushes]);
  }
  const placed = new Map<string, Point>();
  for (const box of boxes) placed.set(box.id, { x: graph.node(box.id)?.x ?? 0, y: yOf(graph, box.id) });
  const routed = new Map<string, { points: readonly Point[]; label: Point | null }>();
  for (const arrow of arrows) {
    const edge = graph.edge({ v: arrow.from, w: arrow.to, name: arrow.key }) as EdgeLabel | undefined;
    const label =
      arrow.labelWidth > 0 && edge?.x !== undefined && edge.y !== undefined ? { x: edge.x, y: edge.y } : null;
    routed.set(arrow.key, { points: (edge?.points ?? []).map((p: Point) => ({ x: p.x, y: p.y })), label });
  }
  const size = graph.graph();
  return { width: size.width ?? 0, height: size.height ?? 0, boxes: placed, arrows: routed };
}
