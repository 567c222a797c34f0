// The ONNX operators that become stdlib layers: Gemm and MatMul(+Add) → Dense, Conv → Conv2D (or
// the conv2d primitive), BatchNormalization → BatchNorm, the poolings. Each converts its weights
// to dnnc's layouts (dense kernels [in, out], convolution kernels [KH, KW, C_in, C_out]) and keeps
// images NHWC, whatever order the graph around it has them in.
import type { Node } from "./decode.ts";
import { dynamicInput, floatAttr, floatText, input, intAttr, intsAttr, knownFloats, knownInput, NotTranslatable, numeric, setDynamic, stringAttr, weight, type Ctx } from "./context.ts";
import type { Stage, Weight } from "./program.ts";
import { identityLayout, NHWC, pipe, relayoutStages, type Dim, type Dynamic } from "./values.ts";

export const LAYERS = "std.layers";

/** Gemm: y = alpha·A·B' + beta·C, B' = B or Bᵀ; a Dense whose kernel is alpha·B' ([in, out]). */
export function gemm(ctx: Ctx, node: Node): void {
  const a = dynamicInput(ctx, node, 0);
  if (intAttr(node, "transA", 0) !== 0) throw new NotTranslatable("transA = 1 (a transposed input) has no Dense equivalent");
  const b = knownInput(ctx, node, 1, "weight B");
  if (b.shape.length !== 2) throw new NotTranslatable("its weight B should be a matrix");
  const alpha = floatAttr(node, "alpha", 1);
  const beta = floatAttr(node, "beta", 1);
  let kernel = weight(b, "weight B", intAttr(node, "transB", 0) ? [1, 0] : undefined);
  if (alpha !== 1) kernel = { shape: kernel.shape, data: kernel.data.map((x) => x * alpha) };
  const c = input(ctx, node, 2);
  if (c && c.kind !== "known") throw new NotTranslatable("its bias C should be a weight of the file");
  dense(ctx, node, a, kernel, c ? biasVector(knownFloats(c, "bias C"), c.shape, kernel.shape[1]!, beta) : undefined);
}

/** MatMul by a weight matrix: a Dense, with the bias of an Add that alone reads it. */
export function matmul(ctx: Ctx, node: Node): boolean {
  const w = input(ctx, node, 1);
  if (!w || w.kind !== "known" || w.shape.length !== 2) return false;
  const a = dynamicInput(ctx, node, 0);
  const kernel = weight(w, "weight");
  const readers = ctx.readers.get(node.outputs[0]!) ?? [];
  const add = readers.length === 1 && readers[0]!.opType === "Add" ? readers[0]! : undefined;
  const other = add ? add.inputs.find((n) => n !== node.outputs[0]) : undefined;
  const bias = other !== undefined ? ctx.values.get(other) : undefined;
  if (add && bias?.kind === "known" && bias.floats && bias.shape.reduce((x, y) => x * y, 1) === kernel.shape[1]) {
    ctx.absorbed.add(add);
    dense(ctx, node, a, kernel, Float32Array.from(bias.floats), add);
  } else dense(ctx, node, a, kernel, undefined);
  return true;
}

function biasVector(c: Float32Array, shape: number[], units: number, beta: number): Float32Array {
  const size = shape.reduce((x, y) => x * y, 1);
  if (size !== units && size !== 1) throw new NotTranslatable(`its bias C of shape [${shape.join(", ")}] is not one value per output unit`);
  return Float32Array.from({ length: units }, (_, i) => c[size === 1 ? 0 : i]! * beta);
}

function dense(ctx: Ctx, node: Node, a: Dynamic, kernel: Weight, bias: Float32Array | undefined, outNode: Node = node): void {
  const [rows, units] = kernel.shape as [number, number];
  const inner = a.shape[a.shape.length - 1];
  if (inner !== rows) throw new NotTranslatable(`its weight has ${rows} rows for ${String(inner)} input features`);
  // A Flatten of NHWC features reads them in dnnc's order: the kernel's rows are put in the same order instead.
  if (a.rowOrder) kernel = { shape: kernel.shape, data: permuteRows(kernel.data, a.rowOrder, units) };
  const weights = new Map<string, Weight>([["kernel", kernel]]);
  if (bias) weights.set("bias", { shape: [units], data: bias });
  const stage: Stage = { call: "Dense", args: [String(units), ...(bias ? [] : ["use_bias: false"])], layer: { base: "dense", weights }, comment: comment(node) };
  ctx.prog.use(LAYERS, "Dense");
  const identity = identityLayout(a.shape.length);
  setDynamic(ctx, outNode, 0, { p: pipe(ctx.prog, a, ...relayoutStages(a, identity), stage), shape: [...a.shape.slice(0, -1), units], layout: identity });
}

function permuteRows(data: Float32Array, order: Int32Array, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  order.forEach((src, row) => out.set(data.subarray(src * cols, src * cols + cols), row * cols));
  return out;
}

/** Where a layer came from: PyTorch's module path (`/layer1/conv1/Conv` → `layer1.conv1`), else the node's name. */
export function comment(node: Node): string {
  const path = node.name.split("/").filter(Boolean);
  return path.length > 1 ? `${path.slice(0, -1).join(".")} (${node.opType})` : `${node.name || node.outputs[0]} (${node.opType})`;
}

export interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** "valid", "same", or equal zero padding on every side first (then valid). */
  padding: "valid" | "same" | number;
  out: [number, number];
}

/** A convolution's or pooling's window attributes, and which padding of dnnc's they are. */
export function windowOf(node: Node, hw: [number, number], kernel: [number, number]): Window {
  const strides = (intsAttr(node, "strides") ?? [1, 1]) as [number, number];
  const dilations = (intsAttr(node, "dilations") ?? [1, 1]) as [number, number];
  const autoPad = stringAttr(node, "auto_pad", "NOTSET");
  const same = [0, 1].map((i) => {
    const out = Math.ceil(hw[i]! / strides[i]!);
    const total = Math.max((out - 1) * strides[i]! + dilations[i]! * (kernel[i]! - 1) + 1 - hw[i]!, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
  let pads = intsAttr(node, "pads") ?? [0, 0, 0, 0];
  if (autoPad === "SAME_UPPER") pads = [same[0]![0]!, same[1]![0]!, same[0]![1]!, same[1]![1]!];
  else if (autoPad === "VALID") pads = [0, 0, 0, 0];
  else if (autoPad !== "NOTSET") throw new NotTranslatable(`auto_pad ${autoPad} is not supported (SAME_UPPER, VALID and explicit pads are)`);
  if (pads.length !== 4 || strides.length !== 2 || dilations.length !== 2) throw new NotTranslatable("only 2-D windows (images) are supported");
  const out = [0, 1].map((i) => Math.floor((hw[i]! + pads[i]! + pads[i + 2]! - dilations[i]! * (kernel[i]! - 1) - 1) / strides[i]!) + 1) as [number, number];
  let padding: Window["padding"];
  if (pads.every((p) => p === 0)) padding = "valid";
  else if ([0, 1].every((i) => pads[i] === same[i]![0] && pads[i + 2] === same[i]![1])) padding = "same";
  else if (pads.every((p) => p === pads[0])) padding = pads[0]!;
  else throw new NotTranslatable(`its padding [${pads.join(", ")}] is neither symmetric nor TensorFlow's "same"`);
  return { kernel, strides, dilations, padding, out };
}

export const pair = (p: [number, number]): string => (p[0] === p[1] ? String(p[0]) : `[${p[0]}, ${p[1]}]`);

/** An NCHW image input of a window operator, in NHWC, and its spatial size. */
export function image(ctx: Ctx, node: Node): { x: Dynamic; n: Dim; c: number; hw: [number, number] } {
  const x = dynamicInput(ctx, node, 0);
  if (x.shape.length !== 4) throw new NotTranslatable(`only 2-D images ([N, C, H, W]) are supported, its input has rank ${x.shape.length}`);
  const [n, c, h, w] = x.shape;
  const [cc, hh, ww] = numeric([c!, h!, w!], "the channels, height and width");
  return { x, n: n!, c: cc!, hw: [hh!, ww!] };
}

export function conv(ctx: Ctx, node: Node): void {
  if (dynamicInput(ctx, node, 0).shape.length === 3) return conv1d(ctx, node);
  const { x, n, c, hw } = image(ctx, node);
  const w = knownInput(ctx, node, 1, "weight");
  if (w.shape.length !== 4) throw new NotTranslatable("only 2-D convolutions are supported");
  const [filters, perGroup, kh, kw] = w.shape as [number, number, number, number];
  const groups = intAttr(node, "group", 1);
  if (perGroup * groups !== c) throw new NotTranslatable(`its weight expects ${perGroup * groups} input channels, the image has ${c}`);
  const win = windowOf(node, hw, [kh, kw]);
  const bias = input(ctx, node, 2);
  if (bias && bias.kind !== "known") throw new NotTranslatable("its bias should be a weight of the file");
  const kernel = weight(w, "weight", [2, 3, 1, 0]); // OIHW → [KH, KW, C_in, C_out]
  const stages: Stage[] = [...relayoutStages(x, NHWC)];
  const square = kh === kw && win.strides[0] === win.strides[1] && win.dilations[0] === win.dilations[1];
  if (typeof win.padding === "number") {
    if (!square) throw new NotTranslatable(`its padding [${win.padding}] with a non-square window is not supported`);
    ctx.prog.use(LAYERS, "ZeroPadding2D");
    stages.push({ call: "ZeroPadding2D", args: [String(win.padding)] });
  }
  const padding = typeof win.padding === "number" ? "valid" : win.padding;
  let out;
  if (square) {
    const weights = new Map<string, Weight>([["kernel", kernel]]);
    if (bias) weights.set("bias", { shape: [filters], data: knownFloats(bias, "bias") });
    const args = [String(filters), String(kh)];
    if (win.strides[0] !== 1) args.push(`strides: ${win.strides[0]}`);
    if (padding !== "valid") args.push(`padding: "${padding}"`);
    if (win.dilations[0] !== 1) args.push(`dilation_rate: ${win.dilations[0]}`);
    if (groups !== 1) args.push(`groups: ${groups}`);
    if (!bias) args.push("use_bias: false");
    ctx.prog.use(LAYERS, "Conv2D");
    stages.push({ call: "Conv2D", args, layer: { base: "conv2d", weights }, comment: comment(node) });
    out = pipe(ctx.prog, x, ...stages);
  } else {
    // A window Conv2D cannot describe (non-square): the primitive, its weights model parameters.
    if (groups !== 1) throw new NotTranslatable("a grouped convolution with a non-square window is not supported");
    const base = identifierOf(node);
    const k = ctx.prog.param(`${base}_kernel`, kernel, `${comment(node)}: kernel [KH, KW, C_in, C_out]`);
    const args = [k, `stride: ${pair(win.strides)}`, `padding: "${padding}"`, `dilation: ${pair(win.dilations)}`];
    out = pipe(ctx.prog, x, ...stages, { call: "conv2d", args, comment: comment(node) });
    if (bias) {
      const b = ctx.prog.param(`${base}_bias`, { shape: [filters], data: knownFloats(bias, "bias") }, `${comment(node)}: bias`);
      ctx.prog.bind(out, base);
      out = { head: `${out.head} + ${b}`, atomic: false, stages: [] };
    }
  }
  setDynamic(ctx, node, 0, { p: out, shape: [n, filters, ...win.out], layout: NHWC });
}

/** Conv over [N, C, L] sequences → Conv1D over [N, L, C] ("valid" or "same" padding; the kernel [k, C_in, C_out]). */
function conv1d(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  const [n, c, l] = x.shape;
  const w = knownInput(ctx, node, 1, "weight");
  const [filters, channels, k] = w.shape as [number, number, number];
  if (w.shape.length !== 3 || channels !== c || typeof l !== "number") throw new NotTranslatable("its weight does not fit a [N, C, L] input with L a number");
  if (intAttr(node, "group", 1) !== 1) throw new NotTranslatable("a grouped 1-D convolution is not supported");
  const stride = (intsAttr(node, "strides") ?? [1])[0]!;
  const dilation = (intsAttr(node, "dilations") ?? [1])[0]!;
  const pads = intsAttr(node, "pads") ?? [0, 0];
  const span = dilation * (k - 1) + 1;
  const total = Math.max((Math.ceil(l / stride) - 1) * stride + span - l, 0);
  const same = pads[0] === Math.floor(total / 2) && pads[1] === total - Math.floor(total / 2);
  if (!pads.every((p) => p === 0) && !same) throw new NotTranslatable(`its padding [${pads.join(", ")}] is neither none nor TensorFlow's "same"`);
  const bias = input(ctx, node, 2);
  if (bias && bias.kind !== "known") throw new NotTranslatable("its bias should be a weight of the file");
  const weights = new Map<string, Weight>([["kernel", weight(w, "weight", [2, 1, 0])]]); // [F, C, k] → [k, C, F]
  if (bias) weights.set("bias", { shape: [filters], data: knownFloats(bias, "bias") });
  const padded = same && total > 0;
  const args = [String(filters), String(k), ...(stride !== 1 ? [`strides: ${stride}`] : []), ...(padded ? ['padding: "same"'] : []), ...(dilation !== 1 ? [`dilation_rate: ${dilation}`] : []), ...(bias ? [] : ["use_bias: false"])];
  ctx.prog.use(LAYERS, "Conv1D");
  const nwc = { drop: [], perm: [0, 2, 1] };
  const stage: Stage = { call: "Conv1D", args, layer: { base: "conv1d", weights }, comment: comment(node) };
  const length = padded ? Math.ceil(l / stride) : Math.floor((l - span) / stride) + 1;
  setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, ...relayoutStages(x, nwc), stage), shape: [n!, filters, length], layout: nwc });
}

function identifierOf(node: Node): string {
  const s = (node.name || node.outputs[0] || "conv").replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "").toLowerCase();
  return /^[0-9]/.test(s) || s === "" ? `w_${s}` : s;
}

/** BatchNormalization in inference form → BatchNorm over the channel axis, which dnnc keeps last. */
export function batchNorm(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  if (intAttr(node, "training_mode", 0) !== 0) throw new NotTranslatable("training_mode = 1 (batch statistics in the graph) is not supported");
  if (node.outputs.filter(Boolean).length > 1) throw new NotTranslatable("its running-statistics outputs are read, which only training mode has");
  const rank = x.shape.length;
  const layout = rank === 4 ? NHWC : rank === 2 ? identityLayout(2) : rank === 3 ? { drop: [], perm: [0, 2, 1] } : undefined;
  if (!layout) throw new NotTranslatable(`an input of rank ${rank} is not supported`);
  const names = ["gamma", "beta", "moving_mean", "moving_variance"];
  const weights = new Map<string, Weight>(names.map((name, i) => [name, weight(knownInput(ctx, node, i + 1, name), name)]));
  const epsilon = floatAttr(node, "epsilon", 1e-5);
  const momentum = floatAttr(node, "momentum", 0.9);
  const args = [`momentum: ${floatText(momentum)}`, `epsilon: ${floatText(epsilon)}`];
  ctx.prog.use(LAYERS, "BatchNorm");
  const stage: Stage = { call: "BatchNorm", args, layer: { base: "batch_norm", weights }, comment: comment(node) };
  setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, ...relayoutStages(x, layout), stage), shape: x.shape, layout });
}

/** LayerNormalization over the last axis → LayerNorm(epsilon:), its scale and bias gamma and beta. */
export function layerNorm(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  const rank = x.shape.length;
  const ax = intAttr(node, "axis", -1);
  if ((ax < 0 ? ax + rank : ax) !== rank - 1) throw new NotTranslatable("only a normalization over the last axis is supported");
  if (node.outputs.slice(1).some((o) => o && (ctx.readers.get(o)?.length ?? 0) > 0)) throw new NotTranslatable("its mean and inverse standard deviation outputs are read");
  const c = x.shape[rank - 1];
  if (typeof c !== "number") throw new NotTranslatable("its last axis must have a known size");
  const gamma = weight(knownInput(ctx, node, 1, "scale"), "scale");
  const beta = input(ctx, node, 2) ? weight(knownInput(ctx, node, 2, "bias"), "bias") : { shape: [c], data: new Float32Array(c) };
  const weights = new Map<string, Weight>([["gamma", { shape: [c], data: gamma.data }], ["beta", { shape: [c], data: beta.data }]]);
  ctx.prog.use(LAYERS, "LayerNorm");
  const identity = identityLayout(rank);
  const stage: Stage = { call: "LayerNorm", args: [`epsilon: ${floatText(floatAttr(node, "epsilon", 1e-5))}`], layer: { base: "layer_norm", weights }, comment: comment(node) };
  setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, ...relayoutStages(x, identity), stage), shape: x.shape, layout: identity });
}
