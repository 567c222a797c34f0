// A peephole pass over the lowered ONNX graph: nodes that the lowering writes one IR node at a
// time, and that say nothing once their neighbours are seen, are removed — each rewrite an
// identity of ONNX's operators, so the graph computes exactly what it did:
//   Transpose(Transpose(x, p), q) = Transpose(x, p∘q), and x itself when p∘q is the identity
//     (a Conv's NHWC → NCHW after the pooling before it went NCHW → NHWC);
//   Reshape(Reshape(x, s), t) = Reshape(x, t) (a reshape keeps the elements' order);
//   Reshape(x, t) = x when x's shape is t already, Identity(x) = x;
//   Add(a, Reshape(b, [1, 1, …b's shape])) = Add(a, b) where a's rank is the Reshape's or more
//     (and every other numpy-broadcasting operator likewise);
//   a node whose outputs nothing reads, and an initializer nothing reads, is dropped.
// A value a graph outputs keeps its node (its name is the .dnn output's); a subgraph (a Scan's
// body) reads values of the graph around it by name, which count as uses there.
import type { Dim } from "../../ir/shape.ts";
import type { OnnxGraph, OnnxNode } from "./onnx-proto.ts";

/** Simplifies `graph` and its subgraphs in place; `shapes` holds what the lowering knows of each value's shape. */
export function simplifyGraph(graph: OnnxGraph, shapes: ReadonlyMap<string, readonly Dim[]>): void {
  const alias = new Map<string, string>();
  const resolve = (name: string) => alias.get(name) ?? name;
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const producer = new Map<string, OnnxNode>();
  const kept: OnnxNode[] = [];
  // Whether `node` hands on its first input unchanged.
  const changesNothing = (node: OnnxNode) =>
    node.opType === "Identity" ||
    (node.opType === "Transpose" && perm(node).every((p, i) => p === i)) ||
    (node.opType === "Reshape" && sameShape(shapes.get(node.inputs[0]!), shapes.get(node.outputs[0]!)));
  for (const original of graph.nodes) {
    let node: OnnxNode = { ...original, inputs: original.inputs.map(resolve) };
    const from = node.inputs[0] === undefined ? undefined : producer.get(node.inputs[0]);
    // A Reshape to the shape its input has goes before it would fuse with the Reshape that made that input.
    if (!changesNothing(node) && from?.opType === node.opType) {
      if (node.opType === "Transpose") {
        const p = perm(from);
        node = { ...node, inputs: [from.inputs[0]!], attributes: [{ name: "perm", ints: perm(node).map((i) => p[i]!) }] };
      } else if (node.opType === "Reshape") node = { ...node, inputs: [from.inputs[0]!, node.inputs[1]!] };
    }
    const y = node.outputs[0]!;
    if (changesNothing(node) && !outputs.has(y)) {
      alias.set(y, node.inputs[0]!);
      continue;
    }
    kept.push(node);
    for (const out of node.outputs) producer.set(out, node);
  }
  graph.nodes = kept;
  // The subgraphs read the outer graph's values by name: they read the survivors now.
  for (const node of kept) for (const a of node.attributes) if ("g" in a) renameOuter(a.g, resolve);
  dropUnread(graph); // the Expands the lowering no longer reads (lower.ts) would count as readers below
  readUnreshaped(graph, shapes); // renames none of the values a subgraph reads
  for (const node of graph.nodes) for (const a of node.attributes) if ("g" in a) simplifyGraph(a.g, shapes);
  dropUnread(graph);
}

const perm = (n: OnnxNode): readonly number[] => {
  const a = n.attributes.find((t) => t.name === "perm");
  return a && "ints" in a ? a.ints : [];
};

/** Both known, with the same dims: a symbolic one ("B", "32*B") by its name, which is its value. */
const sameShape = (a: readonly Dim[] | undefined, b: readonly Dim[] | undefined) => a !== undefined && b !== undefined && a.length === b.length && a.every((d, i) => d === b[i]);

/** The operators that broadcast their two operands as numpy does: right-aligned, a missing leading axis as one of size 1. */
const BROADCASTING = new Set(["Add", "Sub", "Mul", "Div", "Max", "Min", "Pow", "Less", "Equal"]);

/**
 * A Reshape that only puts axes of size 1 in front ([F] → [1, 1, 1, F], how the IR lays out a
 * bias) changes nothing for an operator that broadcasts it against an operand of its rank or more:
 * numpy's rule right-aligns the shapes and reads a missing axis as 1. Its readers, when they are
 * all such, read its input instead (the Reshape, read by nothing now, goes with the unread nodes).
 */
function readUnreshaped(graph: OnnxGraph, shapes: ReadonlyMap<string, readonly Dim[]>): void {
  const readers = new Map<string, OnnxNode[]>();
  for (const n of graph.nodes) for (const i of n.inputs) readers.set(i, [...(readers.get(i) ?? []), n]);
  const kept = new Set([...graph.outputs.map((o) => o.name), ...graph.nodes.flatMap((n) => n.attributes.flatMap((a) => ("g" in a ? [...reads(a.g)] : [])))]);
  const renamed = new Map<string, string>();
  for (const n of graph.nodes) {
    const [x, y] = [n.inputs[0]!, n.outputs[0]!];
    const [from, to] = [shapes.get(x), shapes.get(y)];
    if (n.opType !== "Reshape" || !from || !to || kept.has(y) || to.length <= from.length) continue;
    const lead = to.length - from.length;
    if (!to.slice(0, lead).every((d) => d === 1) || !sameShape(to.slice(lead), from)) continue;
    const broadcastOnly = (readers.get(y) ?? []).every((r) => {
      const other = r.inputs[0] === y ? r.inputs[1] : r.inputs[0];
      const otherShape = other === undefined || other === y ? undefined : shapes.get(other);
      return BROADCASTING.has(r.opType) && r.inputs.length === 2 && otherShape !== undefined && otherShape.length >= to.length;
    });
    if (broadcastOnly) renamed.set(y, x);
  }
  graph.nodes = graph.nodes.map((n) => ({ ...n, inputs: n.inputs.map((i) => renamed.get(i) ?? i) }));
}

/** Renames the values `graph` and its subgraphs read from outside themselves. */
function renameOuter(graph: OnnxGraph, resolve: (name: string) => string): void {
  const own = new Set([...graph.inputs.map((i) => i.name), ...graph.initializers.map((t) => t.name), ...graph.nodes.flatMap((n) => n.outputs)]);
  graph.nodes = graph.nodes.map((n) => ({ ...n, inputs: n.inputs.map((i) => (own.has(i) ? i : resolve(i))) }));
  for (const n of graph.nodes) for (const a of n.attributes) if ("g" in a) renameOuter(a.g, (i) => (own.has(i) ? i : resolve(i)));
}

/** Every name `graph`'s nodes read, its subgraphs' included. */
function reads(graph: OnnxGraph, into = new Set<string>()): Set<string> {
  for (const n of graph.nodes) {
    for (const i of n.inputs) into.add(i);
    for (const a of n.attributes) if ("g" in a) reads(a.g, into);
  }
  for (const o of graph.outputs) into.add(o.name);
  return into;
}

/** Drops the nodes none of whose outputs is read, until none is left (a chain goes link by link), then the unread initializers. */
function dropUnread(graph: OnnxGraph): void {
  for (let before = -1; before !== graph.nodes.length; ) {
    before = graph.nodes.length;
    const read = reads(graph);
    graph.nodes = graph.nodes.filter((n) => n.outputs.some((o) => read.has(o)));
  }
  const read = reads(graph);
  graph.initializers = graph.initializers.filter((t) => read.has(t.name));
}
