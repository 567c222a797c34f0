// The neural-network primitives and scan as ONNX nodes. Convolutions and poolings found by
// patterns.ts become Conv, MaxPool and AveragePool (NCHW, between two Transposes); any other window is spelled
// out as what it means — the padded image read at each of the kernel's KH·KW offsets with the
// stride, stacked — and exports exactly as the IR computes it. Gather keeps the IR's rule that an out-of-range row
// reads zeros (ONNX's Gather rejects such an index). Scan becomes ONNX Scan, its body a subgraph
// that reads the loop's constants (the weights) from the enclosing graph by name.
import { padAfterOf, type Fn, type Node } from "../../ir/ir.ts";
import type { Shape } from "../../ir/shape.ts";
import { castTo, elemType as elem, GraphBuilder, OnnxExportError } from "./graph.ts";

export function lowerWindow(n: Extract<Node, { op: "window" }>, g: GraphBuilder, x: string, image: Shape, hint: string): string {
  const [, oh, ow, kh, kw] = n.shape as [unknown, number, number, number, number];
  // Padding after the image may be negative (the last windows stop short of the end): the slices' ends then stop early.
  const after = padAfterOf(n, image).map((p) => Math.max(0, p));
  const padded =
    n.padBefore.some((p) => p > 0) || after.some((p) => p > 0)
      ? g.op("Pad", [x, g.int64s([0, n.padBefore[0], n.padBefore[1], 0, 0, after[0]!, after[1]!, 0]), g.constant(elem(n.dtype), [], [n.fill], "fill")], `${hint}_pad`)
      : x;
  const rows: string[] = [];
  for (let i = 0; i < kh; i++) {
    const cols: string[] = [];
    for (let j = 0; j < kw; j++) {
      const start = [i * n.dilation[0], j * n.dilation[1]];
      const end = [start[0]! + (oh - 1) * n.stride[0] + 1, start[1]! + (ow - 1) * n.stride[1] + 1];
      const tap = g.op("Slice", [padded, g.int64s(start), g.int64s(end), g.int64s([1, 2]), g.int64s([n.stride[0], n.stride[1]])], `${hint}_tap${i}${j}`);
      cols.push(g.op("Unsqueeze", [tap, g.int64s([3, 4])], `${hint}_tap${i}${j}`));
    }
    rows.push(cols.length === 1 ? cols[0]! : g.op("Concat", cols, `${hint}_row${i}`, [{ name: "axis", i: 4 }]));
  }
  return rows.length === 1 ? g.op("Identity", rows, hint) : g.op("Concat", rows, hint, [{ name: "axis", i: 3 }]);
}

export function lowerGather(n: Extract<Node, { op: "gather" }>, g: GraphBuilder, table: string, indices: string, tableShape: Shape, hint: string): string {
  const rows = tableShape[0]!;
  const count = typeof rows === "number" ? g.constant("int32", [], [rows], "rows") : g.op("Cast", [g.op("Squeeze", [g.size(rows)], `${hint}_rows`)], `${hint}_rows`, [castTo("int32")]);
  const zero = g.constant("int32", [], [0], "zero");
  const valid = g.op("And", [g.op("GreaterOrEqual", [indices, zero], `${hint}_ge0`), g.op("Less", [indices, count], `${hint}_inrange`)], `${hint}_valid`);
  const safe = g.op("Where", [valid, indices, zero], `${hint}_index`);
  const gathered = g.op("Gather", [table, safe], `${hint}_rows`, [{ name: "axis", i: 0 }]);
  const rowRank = tableShape.length - 1;
  const indexRank = n.shape.length - rowRank;
  const mask = rowRank === 0 ? valid : g.op("Unsqueeze", [valid, g.int64s(Array.from({ length: rowRank }, (_, k) => indexRank + k))], `${hint}_mask`);
  return g.op("Where", [mask, gathered, g.constant(elem(n.dtype), [], [0], "zero")], hint);
}

type LowerFn = (fn: Fn, g: GraphBuilder, args: readonly string[]) => string[];

export function lowerScan(n: Extract<Node, { op: "scan" }>, g: GraphBuilder, x: string[], hint: string, lowerFn: LowerFn): string {
  const body = new GraphBuilder(`${hint}_body`, g.names, g.shapes);
  const [carry, step, ...consts] = n.body.args;
  if (!carry || !step) throw new OnnxExportError(`scan %${n.id}: its body takes no carry or sequence step`);
  const carryIn = g.names.fresh(`${hint}_carry`);
  const stepIn = g.names.fresh(`${hint}_step`);
  body.input({ name: carryIn, type: elem(carry.dtype), shape: carry.shape });
  body.input({ name: stepIn, type: elem(step.dtype), shape: step.shape });
  // The constants are read from the enclosing graph by name (ONNX's outer-scope references).
  const [result] = lowerFn(n.body, body, [carryIn, stepIn, ...consts.map((_, i) => x[2 + i]!)]);
  const next = body.op("Identity", [result!], `${hint}_next`);
  const each = body.op("Identity", [result!], `${hint}_each`);
  const info = { type: elem(carry.dtype), shape: carry.shape };
  body.graph.outputs.push({ name: next, ...info }, { name: each, ...info });
  const direction = n.reverse ? 1 : 0;
  const last = g.names.fresh(`${hint}_last`);
  const stacked = g.names.fresh(hint);
  g.node("Scan", [x[0]!, x[1]!], [last, stacked], hint, [
    { name: "body", g: body.graph },
    { name: "num_scan_inputs", i: 1 },
    { name: "scan_input_axes", ints: [n.axis] },
    { name: "scan_input_directions", ints: [direction] },
    { name: "scan_output_axes", ints: [n.axis] },
    { name: "scan_output_directions", ints: [direction] },
  ]);
  return stacked;
}

/**
 * The image (NCHW) and Conv's or MaxPool's attributes for window `w` over it. Padding after the
 * image that is negative (the last windows stop short of its end) cannot be an ONNX pad: the
 * rows and columns no window reads are sliced off instead.
 */
function pooled(w: Extract<Node, { op: "window" }>, g: GraphBuilder, image: string, imageShape: Shape, hint: string) {
  const after = padAfterOf(w, imageShape);
  const [h, v] = [imageShape[1] as number, imageShape[2] as number];
  const cropped = after.some((p) => p < 0) ? g.op("Slice", [image, g.int64s([0, 0]), g.int64s([h + Math.min(0, after[0]), v + Math.min(0, after[1])]), g.int64s([1, 2])], `${hint}_crop`) : image;
  const attributes = [
    { name: "kernel_shape", ints: [w.kernel[0], w.kernel[1]] },
    { name: "strides", ints: [w.stride[0], w.stride[1]] },
    { name: "dilations", ints: [w.dilation[0], w.dilation[1]] },
    { name: "pads", ints: [w.padBefore[0], w.padBefore[1], Math.max(0, after[0]), Math.max(0, after[1])] },
  ];
  return { nchw: toNchw(g, cropped, hint), attributes };
}

/** ONNX's Conv and pools take NCHW; dnnc's images are NHWC. */
const toNchw = (g: GraphBuilder, x: string, hint: string) => g.op("Transpose", [x], `${hint}_nchw`, [{ name: "perm", ints: [0, 3, 1, 2] }]);
const toNhwc = (g: GraphBuilder, x: string, hint: string) => g.op("Transpose", [x], `${hint}_nhwc`, [{ name: "perm", ints: [0, 2, 3, 1] }]);

/**
 * A convolution (window, reshape, matmul: patterns.ts) as Conv. `kernel` is the matmul's right
 * operand, [KH·KW·C, F]; the result has the matmul's shape, [N·OH·OW, F].
 */
export function lowerConvolution(n: Node, w: Extract<Node, { op: "window" }>, g: GraphBuilder, image: string, imageShape: Shape, kernel: string, hint: string): string {
  const [kh, kw] = w.kernel;
  const channels = w.shape[5] as number;
  const features = n.shape[1] as number;
  const hwio = g.op("Reshape", [kernel, g.int64s([kh, kw, channels, features])], `${hint}_kernel`);
  g.shapes.set(hwio, [kh, kw, channels, features]);
  const oihw = g.op("Transpose", [hwio], `${hint}_kernel_oihw`, [{ name: "perm", ints: [3, 2, 0, 1] }]);
  const { nchw, attributes } = pooled(w, g, image, imageShape, hint);
  const conv = g.op("Conv", [nchw, oihw], `${hint}_conv`, attributes);
  const nhwc = toNhwc(g, conv, hint);
  g.shapes.set(nhwc, [w.shape[0]!, w.shape[1]!, w.shape[2]!, features]);
  return g.op("Reshape", [nhwc, g.sizes(n.shape)], hint);
}

/** A max pooling (window with fill −∞, reduce_max over the kernel axes: patterns.ts) as MaxPool, whose padding reads as −∞ too. */
export function lowerMaxPool(w: Extract<Node, { op: "window" }>, g: GraphBuilder, image: string, imageShape: Shape, hint: string): string {
  const { nchw, attributes } = pooled(w, g, image, imageShape, hint);
  return toNhwc(g, g.op("MaxPool", [nchw], `${hint}_pool`, attributes), hint);
}

/**
 * An average pooling (window with fill 0, sum over the kernel axes, div by the counts: patterns.ts)
 * as AveragePool, padding with zeros; `countIncludePad` 0 divides each window by its positions
 * inside the image, as Keras's "same" padding does. Opset 17's AveragePool has no dilations
 * (patterns.ts matches undilated windows only).
 */
export function lowerAvgPool(w: Extract<Node, { op: "window" }>, countIncludePad: 0 | 1, g: GraphBuilder, image: string, imageShape: Shape, hint: string): string {
  const { nchw, attributes } = pooled(w, g, image, imageShape, hint);
  const pool = g.op("AveragePool", [nchw], `${hint}_pool`, [...attributes.filter((a) => a.name !== "dilations"), { name: "count_include_pad", i: countIncludePad }]);
  return toNhwc(g, pool, hint);
}
