// `dnnc graph`, first pass: the model as a diagram's nodes and edges, from what elaboration
// recorded — the summary's layer rows (type, parameter counts, nesting, and the forward
// builder's nodes each application made) and the unsimplified forward function — not from the
// source text. Operations between layers (a residual `+`, a concat) that combine two branches
// become merge nodes; other operations between layers (x / 16.0, a reshape) are folded into the
// edge they sit on, unless the caller asks to see them (`shown`: an operation a fused kernel
// computes on its own, which `--kernels` must have a box to draw over).
import type { Fn } from "../ir/ir.ts";
import { showShape, type Shape } from "../ir/shape.ts";
import type { LayerRow, SummaryRow } from "../check/context.ts";

export type DiagramNodeKind = "input" | "layer" | "merge" | "op" | "output";

export interface DiagramNode {
  id: string;
  kind: DiagramNodeKind;
  /** An instance name (dense_1), an input or output name, or a merge's or op's operation (add). */
  label: string;
  /** The layer's type (Dense), for a layer. */
  layer?: string;
  /** The tensor type it produces, written as `check --shapes` writes it (f32[B, 10]). */
  type: string;
  params?: number;
  trainable?: number;
  /** A layer whose parameters are not trained (frozen(…)); a reused shared layer has none of its own. */
  frozen?: boolean;
  reused?: boolean;
  /** The layer whose forward applies this one (a group drawn around its inner layers). */
  parent?: string;
  /** A layer that applies other layers: drawn as a box around them. */
  group?: boolean;
}

export interface DiagramEdge {
  from: string;
  to: string;
  /** The tensor type flowing along it: the type its source produces. */
  label: string;
}

export interface Diagram {
  model: string;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  /** The train block's loss and optimizer, as lines of a caption; empty without one. */
  caption: string[];
}

const typeString = (dtype: string, shape: Shape) => `${dtype}${showShape(shape)}`;

/** Merge nodes are named by what they do; an unknown op keeps its IR name. */
const MERGE_NAMES: Record<string, string> = { add: "add", sub: "subtract", mul: "multiply", div: "divide", concat: "concat", matmul: "matmul", max: "maximum", min: "minimum" };

/** `shown`: IR nodes of `forward` between layers to draw as "op" boxes of their own rather than
 * fold into an edge (graph/kernels.ts names those a kernel computes alone). */
export function buildDiagram(model: string, rows: readonly SummaryRow[], forward: Fn, caption: string[] = [], shown: ReadonlySet<number> = new Set()): Diagram {
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  const edgeKeys = new Set<string>();
  const addEdge = (from: string, to: string) => {
    const key = `${from}\u0000${to}`;
    if (from === to || edgeKeys.has(key)) return;
    edgeKeys.add(key);
    edges.push({ from, to, label: byId.get(from)!.type });
  };
  const byId = new Map<string, DiagramNode>();
  const add = (n: DiagramNode) => (nodes.push(n), byId.set(n.id, n), n);

  // Layers: each row a node; a row directly followed by a deeper one applies inner layers.
  const layers: { row: LayerRow; node: DiagramNode }[] = [];
  const stack: { depth: number; id: string }[] = [];
  rows.forEach((row, i) => {
    if (row.kind !== "layer") return;
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= row.depth) stack.pop();
    const next = rows[i + 1];
    const node = add({
      id: `layer${layers.length}`,
      kind: "layer",
      label: row.instance,
      layer: row.layer,
      type: typeString(row.dtype, row.shape),
      ...(row.shared === "again" ? { reused: true } : { params: row.params, trainable: row.trainable }),
      ...(row.params > 0 && row.trainable === 0 ? { frozen: true } : {}),
      ...(stack.length > 0 ? { parent: stack[stack.length - 1]!.id } : {}),
      ...(next?.kind === "layer" && next.depth > row.depth ? { group: true } : {}),
    });
    layers.push({ row, node });
    stack.push({ depth: row.depth, id: node.id });
  });

  // Which drawn node each IR node belongs to: a leaf layer's nodes are all its own; a group's
  // nodes outside its inner layers (a residual add) are resolved through their inputs below.
  const ownerOf = new Map<number, string>();
  const groupsOf: { start: number; end: number; id: string }[] = [];
  for (const { row, node } of layers) {
    if (!row.nodes) continue;
    if (node.group) groupsOf.push({ start: row.nodes.start, end: row.nodes.end, id: node.id });
    else for (let i = row.nodes.start; i < row.nodes.end; i++) ownerOf.set(i, node.id);
  }
  for (const [index, arg] of forward.args.entries()) {
    if (arg.role !== "input") continue;
    const id = `input:${arg.name}`;
    add({ id, kind: "input", label: arg.name, type: typeString(arg.dtype, arg.shape) });
    const argNode = forward.nodes.find((n) => n.op === "arg" && n.index === index);
    if (argNode) ownerOf.set(argNode.id, id);
  }
  const innermostGroup = (nodeId: number) => {
    let best: (typeof groupsOf)[number] | undefined;
    for (const g of groupsOf) if (nodeId >= g.start && nodeId < g.end && (!best || g.start >= best.start)) best = g;
    return best?.id;
  };

  // The drawn nodes an IR node's value comes from: its owner, or the union of its inputs' —
  // where two branches meet, a merge node.
  const sources = new Map<number, string[]>();
  const resolve = (start: number): string[] => {
    // Iterative post-order: a deep network's chain of operations would overflow the stack.
    const work = [start];
    while (work.length > 0) {
      const id = work[work.length - 1]!;
      if (sources.has(id)) { work.pop(); continue; }
      const owner = ownerOf.get(id);
      const n = forward.nodes[id]!;
      if (owner !== undefined || n.op === "arg" || (n.inputs.length === 0 && !shown.has(id))) {
        sources.set(id, owner !== undefined ? [owner] : []);
        work.pop();
        continue;
      }
      const pending = n.inputs.filter((i) => !sources.has(i));
      if (pending.length > 0) { work.push(...pending); continue; }
      work.pop();
      const from = [...new Set(n.inputs.flatMap((i) => sources.get(i)!))];
      if (from.length < 2 && !shown.has(id)) { sources.set(id, from); continue; }
      const parent = innermostGroup(id);
      const kind = from.length < 2 ? "op" : "merge";
      const merge = add({ id: `${kind}${id}`, kind, label: MERGE_NAMES[n.op] ?? n.op, type: typeString(n.dtype, n.shape), ...(parent ? { parent } : {}) });
      for (const f of from) addEdge(f, merge.id);
      sources.set(id, [merge.id]);
    }
    return sources.get(start)!;
  };

  // A leaf layer's inputs: the values its nodes read from before it began. A layer that hands
  // on its input unchanged (Dropout at inference) made no nodes: its input is its result, and
  // the layers after it read that value through it.
  for (const { row, node } of layers) {
    if (node.group || !row.nodes) continue;
    const { start, end, out } = row.nodes;
    for (let i = start; i < end; i++) for (const input of forward.nodes[i]!.inputs) if (input < start) for (const f of resolve(input)) addEdge(f, node.id);
    if (out !== undefined && out < start) {
      for (const f of resolve(out)) addEdge(f, node.id);
      sources.set(out, [node.id]);
    }
  }
  for (const o of forward.outputs) {
    const n = forward.nodes[o.id]!;
    const id = `output:${o.name}`;
    add({ id, kind: "output", label: o.name, type: typeString(n.dtype, n.shape) });
    for (const f of resolve(o.id)) addEdge(f, id);
  }
  return { model, nodes, edges, caption };
}
