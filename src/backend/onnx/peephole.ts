// A peephole pass over the lowered ONNX graph: nodes that the lowering writes one IR node at a
// time, and that say nothing once their neighbours are seen, are removed — each rewrite an
// identity of ONNX's operators, so the graph computes exactly what it did:
//   Transpose(Transpose(x, p), q) = Transpose(x, p∘q), and x itself when p∘q is the identity
//     (a Conv's NHWC → NCHW after the pooling before it went NCHW → NHWC);
//   Reshape(Reshape(x, s), t) = Reshape(x, t) (a reshape keeps the elements' order);
//   Reshape(x, t) = x when x's shape is t already, Identity(x) = x;
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
  for (const node of kept) for (const a of node.attributes) if ("g" in a) simplifyGraph(a.g, shapes);
  dropUnread(graph);
}

const perm = (n: OnnxNode): readonly number[] => {
  const a = n.attributes.find((t) => t.name === "perm");
  return a && "ints" in a ? a.ints : [];
};

/** Both known, with the same dims: a symbolic one ("B", "32*B") by its name, which is its value. */
const sameShape = (a: readonly Dim[] | undefined, b: readonly Dim[] | undefined) => a !== undefined && b !== undefined && a.length === b.length && a.every((d, i) => d === b[i]);

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
