// `dnnc graph`, second pass: positions for the diagram's boxes and edges, by dagre's layered
// layout (decision 0018): data flows top to bottom, a layer that applies inner layers is a
// cluster around them, and every edge label gets room of its own so types never sit on boxes.
import dagre, { type EdgeLabel, type NodeLabel } from "@dagrejs/dagre";
import type { Diagram, DiagramEdge, DiagramNode } from "./dataflow.ts";

export interface Box {
  x: number; // centre
  y: number;
  width: number;
  height: number;
}

export interface LaidOutEdge {
  edge: DiagramEdge;
  points: { x: number; y: number }[];
  label: { x: number; y: number };
}

export interface LaidOutDiagram {
  diagram: Diagram;
  width: number;
  height: number;
  boxes: Map<string, Box>;
  edges: LaidOutEdge[];
}

/** Font metrics the renderer uses: an estimate of a character's width, so boxes fit their text
 * without measuring it (the SVG is drawn without a browser). */
export const FONT_SIZE = 12;
export const CHAR_WIDTH = 7.2;
export const LINE_HEIGHT = 16;
const PAD = 10;

/** The lines written in a node's box. */
export function nodeLines(n: DiagramNode): string[] {
  switch (n.kind) {
    case "input": return [`input ${n.label}`, n.type];
    case "output": return [`output ${n.label}`, n.type];
    case "merge":
    case "op": return [n.label];
    case "layer": {
      const params = n.reused ? "shared, reused" : `${(n.params ?? 0).toLocaleString("en-US")} params${n.frozen ? " · frozen" : n.trainable !== undefined && n.params !== undefined && n.trainable < n.params ? ` (${(n.params - n.trainable).toLocaleString("en-US")} not trained)` : ""}`;
      // A group's title is one line (the gap above its first inner layer) and no wider than
      // needed: how much of it is not trained or frozen, its inner layers and its style say.
      return n.group ? [`${n.label} (${n.layer}) · ${n.reused ? "shared, reused" : `${(n.params ?? 0).toLocaleString("en-US")} params`}`] : [`${n.label} (${n.layer})`, params];
    }
  }
}

export const textWidth = (s: string) => s.length * CHAR_WIDTH;

/** A leaf node's box, [width, height], as drawn. */
export function boxSize(n: DiagramNode): [number, number] {
  const lines = nodeLines(n);
  return n.kind === "merge" || n.kind === "op" ? [Math.max(textWidth(n.label) + PAD * 2, 44), 28] : [Math.max(...lines.map(textWidth)) + PAD * 2, lines.length * LINE_HEIGHT + PAD];
}

/** `reserve`: room to keep free around a node's box, by node id (the kernels drawn around it by
 * `--kernels`): dagre lays the node out that much larger, the box is drawn at its own size, and
 * its edges are cut back to it, so the rings sit in space no other box or edge label takes.
 * `lanes`: more room to keep free on each side of it, beyond the reserve (a training step's
 * backward and update kernels, drawn beside it). */
export function layoutDiagram(diagram: Diagram, reserve: ReadonlyMap<string, number> = new Map(), lanes: ReadonlyMap<string, number> = new Map()): LaidOutDiagram {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 48, edgesep: 12, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of diagram.nodes) {
    if (n.group) {
      // A cluster: dagre sizes it around its children, leaving half a rank's gap above the
      // first, where its one-line title goes (ranksep is chosen to fit it).
      g.setNode(n.id, {});
    } else {
      const [width, height] = boxSize(n);
      const r = reserve.get(n.id) ?? 0;
      g.setNode(n.id, { width: width + 2 * r + 2 * (lanes.get(n.id) ?? 0), height: height + 2 * r });
    }
  }
  for (const n of diagram.nodes) if (n.parent) g.setParent(n.id, n.parent);
  for (const e of diagram.edges) g.setEdge(e.from, e.to, { width: textWidth(e.label) + 6, height: LINE_HEIGHT, labelpos: "r", labeloffset: 6 });
  dagre.layout(g);
  const boxes = new Map<string, Box>();
  for (const n of diagram.nodes) {
    const b = g.node(n.id) as NodeLabel & Box;
    const r = n.group ? 0 : (reserve.get(n.id) ?? 0);
    const lane = n.group ? 0 : (lanes.get(n.id) ?? 0);
    boxes.set(n.id, { x: b.x, y: b.y, width: b.width - 2 * r - 2 * lane, height: b.height - 2 * r });
  }
  const edges = diagram.edges.map((edge) => {
    const e = g.edge(edge.from, edge.to) as EdgeLabel;
    const points = (e.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y }));
    // dagre ends an edge at the reserved room's border: it is drawn on to the box itself.
    if (points.length >= 2 && (reserve.size > 0 || lanes.size > 0)) {
      points[0] = borderPoint(boxes.get(edge.from)!, points[1]!);
      points[points.length - 1] = borderPoint(boxes.get(edge.to)!, points[points.length - 2]!);
    }
    return { edge, points, label: { x: e.x ?? 0, y: e.y ?? 0 } };
  });
  const graph = g.graph();
  return { diagram, width: graph.width ?? 0, height: graph.height ?? 0, boxes, edges };
}

/** Where the line from the centre of `b` towards `p` leaves the box (dagre's own intersectRect). */
function borderPoint(b: Box, p: { x: number; y: number }): { x: number; y: number } {
  const dx = p.x - b.x;
  const dy = p.y - b.y;
  if (dx === 0 && dy === 0) return { x: b.x, y: b.y };
  const [w, h] = [b.width / 2, b.height / 2];
  return Math.abs(dy) * w > Math.abs(dx) * h ? { x: b.x + (h * dx) / Math.abs(dy), y: b.y + Math.sign(dy) * h } : { x: b.x + Math.sign(dx) * w, y: b.y + (w * dy) / Math.abs(dx) };
}
