// Pooling (MaxPool, AveragePool, their global forms) and Pad, on NCHW images held NHWC, and 1-D
// pooling on [N, C, L] sequences held [N, L, C]. dnnc's pooling pads "valid" or "same" only;
// PyTorch's symmetric padding (a ResNet stem's MaxPool2d(3, 2, padding=1)) is zero padding first
// where that is exact: always for an average that counts the padding (PyTorch's default), and for
// a maximum of values known to be ≥ 0 (after a relu), where a padded 0 never wins a window.
import type { Node } from "./decode.ts";
import { dynamicInput, input, intAttr, intsAttr, knownInput, knownInts, NotTranslatable, setDynamic, stringAttr, type Ctx } from "./context.ts";
import { image, LAYERS, pair, windowOf } from "./layers.ts";
import type { Stage } from "./program.ts";
import { pipe, relayoutStages, NHWC, type Dynamic } from "./values.ts";

/** How a [N, C, L] sequence is held: [N, L, C], as dnnc's 1-D layers read it. */
const NWC = { drop: [], perm: [0, 2, 1] };

export function pool(ctx: Ctx, node: Node): void {
  const kernel = intsAttr(node, "kernel_shape");
  if (kernel?.length === 1) return pool1d(ctx, node, kernel[0]!);
  const { x, n, c, hw } = image(ctx, node);
  if (!kernel || kernel.length !== 2) throw new NotTranslatable("only 1-D and 2-D pooling windows are supported");
  const win = windowOf(node, hw, kernel as [number, number]);
  const max = node.opType === "MaxPool";
  if (win.dilations.some((d) => d !== 1)) throw new NotTranslatable("dilated pooling is not supported");
  const pads = intsAttr(node, "pads") ?? [0, 0, 0, 0];
  if (intAttr(node, "ceil_mode", 0) === 1) {
    const ceil = [0, 1].map((i) => Math.ceil((hw[i]! + pads[i]! + pads[i + 2]! - kernel[i]!) / win.strides[i]!) + 1);
    if (ceil[0] !== win.out[0] || ceil[1] !== win.out[1]) throw new NotTranslatable("ceil_mode = 1 where it changes the output size is not supported");
  }
  const countsPadding = !max && intAttr(node, "count_include_pad", 0) === 1;
  const stages: Stage[] = [...relayoutStages(x, NHWC)];
  // An average that counts the padding is one over zero-padded rows and columns, "same" or not.
  let padding = countsPadding && win.padding === "same" && pads.every((p) => p === pads[0]) ? pads[0]! : win.padding;
  if (countsPadding && padding === "same") throw new NotTranslatable("count_include_pad = 1 with uneven padding is not supported");
  if (typeof padding === "number") {
    if (!countsPadding && !(max && x.nonNegative))
      throw new NotTranslatable(`padding of ${padding} on every side is not supported for ${max ? "a maximum of values that may be negative" : "an average that leaves the padding out"}`);
    ctx.prog.use(LAYERS, "ZeroPadding2D");
    stages.push({ call: "ZeroPadding2D", args: [String(padding)], comment: max ? "exact: the input is ≥ 0, a padded 0 never wins" : "exact: the average counts the padding (count_include_pad)" });
    padding = "valid";
  }
  if (kernel[0] === kernel[1] && win.strides[0] === win.strides[1]) {
    const args = [String(kernel[0])];
    if (win.strides[0] !== kernel[0]) args.push(`strides: ${win.strides[0]}`);
    if (padding !== "valid") args.push(`padding: "${padding}"`);
    const layer = max ? "MaxPool2D" : "AvgPool2D";
    ctx.prog.use(LAYERS, layer);
    stages.push({ call: layer, args });
  } else stages.push({ call: max ? "max_pool2d" : "avg_pool2d", args: [`pool: ${pair(kernel as [number, number])}`, `stride: ${pair(win.strides)}`, ...(padding === "valid" ? [] : [`padding: "${padding}"`])] });
  const out = setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, ...stages), shape: [n, c, ...win.out], layout: NHWC });
  if (x.nonNegative) out.nonNegative = true;
}

/** MaxPool / AveragePool over [N, C, L]: MaxPool1D, AvgPool1D ("valid" or "same" padding). */
function pool1d(ctx: Ctx, node: Node, k: number): void {
  const x = dynamicInput(ctx, node, 0);
  const [n, c, l] = x.shape;
  if (x.shape.length !== 3 || typeof l !== "number") throw new NotTranslatable("a 1-D pooling needs a [N, C, L] input with L a number");
  const stride = (intsAttr(node, "strides") ?? [1])[0]!;
  const pads = intsAttr(node, "pads") ?? [0, 0];
  const out = Math.ceil(l / stride);
  const total = Math.max((out - 1) * stride + k - l, 0);
  const same = pads[0] === Math.floor(total / 2) && pads[1] === total - Math.floor(total / 2);
  if (!pads.every((p) => p === 0) && !same) throw new NotTranslatable(`its padding [${pads.join(", ")}] is neither none nor TensorFlow's "same"`);
  if ((intsAttr(node, "dilations") ?? [1])[0] !== 1 || intAttr(node, "ceil_mode", 0) === 1) throw new NotTranslatable("dilated or ceil_mode 1-D pooling is not supported");
  const layer = node.opType === "MaxPool" ? "MaxPool1D" : "AvgPool1D";
  ctx.prog.use(LAYERS, layer);
  const args = [String(k), ...(stride !== k ? [`strides: ${stride}`] : []), ...(same && total > 0 ? [`padding: "same"`] : [])];
  const length = same && total > 0 ? out : Math.floor((l - k) / stride) + 1;
  setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, ...relayoutStages(x, NWC), { call: layer, args }), shape: [n!, c!, length], layout: NWC });
}

/** GlobalAveragePool / GlobalMaxPool: [N, C, H, W] → [N, C, 1, 1], held as dnnc's [N, C]. */
export function globalPool(ctx: Ctx, node: Node): void {
  const { x, n, c } = image(ctx, node);
  const layer = node.opType === "GlobalAveragePool" ? "GlobalAvgPool2D" : "GlobalMaxPool2D";
  ctx.prog.use(LAYERS, layer);
  setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, ...relayoutStages(x, NHWC), { call: layer, args: [] }), shape: [n, c, 1, 1], layout: { drop: [2, 3], perm: [0, 1] } });
}

/** Pad with zeros: nothing when every pad is 0, ZeroPadding2D for equal pads around an image's rows and columns. */
export function pad(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  const rank = x.shape.length;
  if (stringAttr(node, "mode", "constant") !== "constant") throw new NotTranslatable(`mode ${stringAttr(node, "mode", "constant")} is not supported (only constant)`);
  const value = input(ctx, node, 2);
  if (value && (value.kind !== "known" || (value.floats ?? Float32Array.from((value.ints ?? []).map(Number))).some((v) => v !== 0))) throw new NotTranslatable("only padding with zeros is supported");
  if (input(ctx, node, 3)) throw new NotTranslatable("its axes input is not supported");
  const pads = (input(ctx, node, 1) ? knownInts(knownInput(ctx, node, 1, "pads"), "pads") : (intsAttr(node, "pads") ?? [])).map(Number);
  if (pads.length !== 2 * rank) throw new NotTranslatable(`it has ${pads.length} pads for a tensor of rank ${rank}`);
  if (pads.every((p) => p === 0)) {
    setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x), shape: x.shape, layout: x.layout, ...nonNegative(x) });
    return;
  }
  const p = pads[2]!;
  if (rank !== 4 || pads.some((v, i) => (i % 4 < 2 ? v !== 0 : v !== p)) || p < 0) throw new NotTranslatable(`pads [${pads.join(", ")}] are not equal zero padding around an image's rows and columns`);
  const [n, c, h, w] = x.shape;
  ctx.prog.use(LAYERS, "ZeroPadding2D");
  const shape = [n!, c!, typeof h === "number" ? h + 2 * p : h!, typeof w === "number" ? w + 2 * p : w!];
  setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, ...relayoutStages(x, NHWC), { call: "ZeroPadding2D", args: [String(p)] }), shape, layout: NHWC, ...nonNegative(x) });
}

const nonNegative = (x: Dynamic): { nonNegative?: true } => (x.nonNegative ? { nonNegative: true } : {});
