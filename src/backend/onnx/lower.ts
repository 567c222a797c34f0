// One IR function as ONNX nodes, primitive by primitive (opset 17). Elementwise ops, reductions
// and the structural ops map onto one ONNX operator each (plus a Cast where ONNX's comparisons
// give booleans); the neural-network primitives and scan are in lower-nn.ts, and convolutions,
// poolings and means (patterns.ts) become Conv, MaxPool, AveragePool and ReduceMean. The primitives only
// a training step uses (random draws, the adjoints unwindow and scatter_add) are refused: the
// export is of the inference forward, which has none of them.
import type { Fn, Node } from "../../ir/ir.ts";
import { addDim, subDim } from "../../ir/dim.ts";
import { BINARY, type BinaryOp, type UnaryOp } from "../../ir/ops.ts";
import { castTo, elemType, GraphBuilder, OnnxExportError } from "./graph.ts";
import { lowerAvgPool, lowerConvolution, lowerGather, lowerMaxPool, lowerScan, lowerWindow } from "./lower-nn.ts";
import { findPatterns, type Patterns } from "../../ir/patterns.ts";
import { nodeNames } from "./node-names.ts";

const UNARY_ONNX: Record<Exclude<UnaryOp, "nonfinite">, string> = {
  neg: "Neg",
  exp: "Exp",
  log: "Log",
  sqrt: "Sqrt",
  recip: "Reciprocal",
  tanh: "Tanh",
  sigmoid: "Sigmoid",
  relu: "Relu",
  abs: "Abs",
  sign: "Sign",
  erf: "Erf",
  sin: "Sin",
  cos: "Cos",
};

/** The arithmetic binary ops; the comparisons give ONNX booleans, cast back to the IR's 1 and 0. */
const BINARY_ONNX: Record<BinaryOp, { op: string; compare?: true }> = {
  add: { op: "Add" },
  sub: { op: "Sub" },
  mul: { op: "Mul" },
  div: { op: "Div" },
  max: { op: "Max" },
  min: { op: "Min" },
  pow: { op: "Pow" },
  cmplt: { op: "Less", compare: true },
  cmpeq: { op: "Equal", compare: true },
};

/**
 * Emits `fn`'s nodes into `g`; `args[i]` names the value of argument i. Returns the value of
 * each output of `fn`, in order.
 */
export function lowerFn(fn: Fn, g: GraphBuilder, args: readonly string[], argLayers: readonly (string | undefined)[] = []): string[] {
  const patterns = findPatterns(fn);
  const { names, layers } = nodeNames(fn, argLayers);
  const values: string[] = [];
  for (const n of fn.nodes) {
    const value = patterns.absorbed.has(n.id) ? "" : (lowerPattern(n, g, values, fn, patterns, names[n.id]!) ?? lowerNode(n, g, operands(n, fn, values), fn, args, names[n.id]!, n.inputs.map((i) => layers[i])));
    // What the peephole pass (peephole.ts) knows of the value's shape: the IR node's, which the ONNX value has.
    if (value !== "" && !g.shapes.has(value)) g.shapes.set(value, n.shape);
    values.push(value);
  }
  return fn.outputs.map((o) => values[o.id]!);
}

/**
 * The ONNX values `n` reads. ONNX's arithmetic and comparisons broadcast as numpy does, so an
 * operand the IR broadcast (same rank, each dim 1 or the result's) is read before its Expand
 * where the other operand has the result's whole shape — not both, or the result would be
 * smaller. The Expand, read by nothing else, goes in the peephole pass.
 */
function operands(n: Node, fn: Fn, values: readonly string[]): string[] {
  const x = n.inputs.map((i) => values[i]!);
  if (!(BINARY as readonly string[]).includes(n.op)) return x;
  const broadcast = n.inputs.map((i) => fn.nodes[i]!.op === "broadcast");
  const spread = broadcast[1] ? 1 : broadcast[0] ? 0 : -1;
  if (spread >= 0) x[spread] = values[fn.nodes[n.inputs[spread]!]!.inputs[0]!]!;
  return x;
}

/**
 * A convolution's matmul as Conv, a max pooling's reduce_max as MaxPool, an average pooling's div
 * as AveragePool, a mean's div as ReduceMean; undefined for any other node.
 */
function lowerPattern(n: Node, g: GraphBuilder, values: readonly string[], fn: Fn, patterns: Patterns, hint: string): string | undefined {
  const named = (op: string) => hint.replace(/[a-z_]+_(\d+)$/, `${op}_$1`);
  const imageOf = (w: { inputs: readonly number[] }) => [values[w.inputs[0]!]!, fn.nodes[w.inputs[0]!]!.shape] as const;
  const conv = patterns.convolutions.get(n.id);
  if (conv) return lowerConvolution(n, conv, g, ...imageOf(conv), values[n.inputs[1]!]!, named("conv"));
  const maxPool = patterns.maxPools.get(n.id);
  if (maxPool) return lowerMaxPool(maxPool, g, ...imageOf(maxPool), named("max_pool"));
  const avgPool = patterns.avgPools.get(n.id);
  if (avgPool) return lowerAvgPool(avgPool.window, avgPool.countIncludePad, g, ...imageOf(avgPool.window), named("avg_pool"));
  const axes = patterns.means.get(n.id);
  if (axes) return g.op("ReduceMean", [values[fn.nodes[n.inputs[0]!]!.inputs[0]!]!], named("mean"), [{ name: "axes", ints: axes }, { name: "keepdims", i: 0 }]);
  return undefined;
}

/** `inputLayers`: the .dnn layer each input belongs to, if any (node-names.ts), for a scan body's names. */
function lowerNode(n: Node, g: GraphBuilder, x: string[], fn: Fn, args: readonly string[], hint: string, inputLayers: readonly (string | undefined)[]): string {
  const inShape = (i: number) => fn.nodes[n.inputs[i]!]!.shape;
  switch (n.op) {
    case "arg": return args[n.index]!;
    case "const": return g.constant(elemType(n.dtype), [], [n.value], hint);
    case "literal": return g.constant("float", n.shape as number[], n.data, hint);
    case "select": return g.op("Where", [g.op("Cast", [x[0]!], `${hint}_cond`, [castTo("bool")]), x[1]!, x[2]!], hint);
    case "cast": return g.op("Cast", [x[0]!], hint, [castTo(elemType(n.dtype))]);
    case "sum":
      if (n.axes.length === 0) return g.op("Identity", [x[0]!], hint);
      return g.op("ReduceSum", [x[0]!, g.int64s(n.axes)], hint, [{ name: "keepdims", i: 0 }]);
    case "reduce_max":
      if (n.axes.length === 0) return g.op("Identity", [x[0]!], hint);
      return g.op("ReduceMax", [x[0]!], hint, [{ name: "axes", ints: n.axes }, { name: "keepdims", i: 0 }]);
    case "reshape": return g.op("Reshape", [x[0]!, g.sizes(n.shape)], hint);
    case "permute": return g.op("Transpose", [x[0]!], hint, [{ name: "perm", ints: n.perm }]);
    case "broadcast": {
      // Expand broadcasts the input against this shape: 1 keeps an axis, so only the axes that grow need their size.
      const from = inShape(0);
      return g.op("Expand", [x[0]!, g.sizes(n.shape.map((d, i) => (from[i] === d ? 1 : d)))], hint);
    }
    case "slice": {
      const from = inShape(0);
      const axes = n.shape.flatMap((d, i) => (n.starts[i] === 0 && d === from[i] ? [] : [i]));
      if (axes.length === 0) return g.op("Identity", [x[0]!], hint);
      const starts = g.sizes(axes.map((i) => n.starts[i]!));
      const ends = g.sizes(axes.map((i) => addDim(n.starts[i]!, n.shape[i]!)));
      return g.op("Slice", [x[0]!, starts, ends, g.int64s(axes)], hint);
    }
    case "pad": {
      const from = inShape(0);
      const after = n.shape.map((d, i) => subDim(subDim(d, from[i]!), n.before[i]!));
      return g.op("Pad", [x[0]!, g.sizes([...n.before, ...after]), g.constant(elemType(n.dtype), [], [0], "zero")], hint);
    }
    case "matmul": return g.op("MatMul", [x[0]!, x[1]!], hint);
    case "iota": {
      // Range along the axis, shaped [1, …, n, …, 1] and expanded to the whole shape.
      const range = g.op("Range", [g.constant("int64", [], [0], "zero"), g.op("Squeeze", [g.size(n.shape[n.axis]!)], `${hint}_n`), g.constant("int64", [], [1], "one")], `${hint}_range`);
      const line = g.op("Reshape", [range, g.int64s(n.shape.map((_, i) => (i === n.axis ? -1 : 1)))], `${hint}_line`);
      const full = g.op("Expand", [line, g.sizes(n.shape.map((d, i) => (i === n.axis ? 1 : d)))], `${hint}_full`);
      return g.op("Cast", [full], hint, [castTo(elemType(n.dtype))]);
    }
    case "window": return lowerWindow(n, g, x[0]!, inShape(0), hint);
    case "gather": return lowerGather(n, g, x[0]!, x[1]!, inShape(0), hint);
    case "scan": return lowerScan(n, g, x, hint, (body, bodyGraph, bodyArgs) => lowerFn(body, bodyGraph, bodyArgs, [undefined, undefined, ...inputLayers.slice(2)]));
    case "random":
    case "unwindow":
    case "scatter_add":
      throw new OnnxExportError(`the IR primitive ${n.op} (%${n.id}) belongs to training, not to an inference graph`);
    default: {
      // Every other primitive has its case above: tsc rejects this line while one lacks it.
      const op: UnaryOp | BinaryOp = n.op;
      return lowerElementwise(op, g, x, n, hint);
    }
  }
}

function lowerElementwise(op: UnaryOp | BinaryOp, g: GraphBuilder, x: string[], n: Node, hint: string): string {
  if (op === "nonfinite") {
    const bad = g.op("Or", [g.op("IsNaN", [x[0]!], `${hint}_nan`), g.op("IsInf", [x[0]!], `${hint}_inf`)], `${hint}_or`);
    return g.op("Cast", [bad], hint, [castTo(elemType(n.dtype))]);
  }
  if (op in UNARY_ONNX) return g.op(UNARY_ONNX[op as keyof typeof UNARY_ONNX], [x[0]!], hint);
  const b = BINARY_ONNX[op as BinaryOp];
  if (!b.compare) return g.op(b.op, [x[0]!, x[1]!], hint);
  return g.op("Cast", [g.op(b.op, [x[0]!, x[1]!], `${hint}_bool`)], hint, [castTo(elemType(n.dtype))]);
}
