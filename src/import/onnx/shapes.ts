// The ONNX operators that move elements rather than compute them: Flatten, Reshape, Transpose,
// Squeeze, Unsqueeze, Gather, Concat; and the shape arithmetic PyTorch exports around them
// (Shape, Gather, Concat, ConstantOfShape…), evaluated at import time with symbolic sizes, so
// `x.view(x.size(0), -1)` is a Flatten like any other. A transpose changes only the layout a
// value is held in: no code is written until an operator needs ONNX's order.
import type { Node } from "./decode.ts";
import { axis, dynamicInput, input, intAttr, intsAttr, knownInput, knownInts, NotTranslatable, setDynamic, weight, type Ctx } from "./context.ts";
import { comment } from "./layers.ts";
import { dimText, identityLayout, inverse, NHWC, operand, pipe, relayoutStages, sameLayout, type Dim, type Known } from "./values.ts";

/** Axes from opset 13's input or older opsets' attribute. */
function axesOf(ctx: Ctx, node: Node, rank: number): number[] | undefined {
  const fromInput = input(ctx, node, 1);
  const raw = fromInput ? knownInts(knownInput(ctx, node, 1, "axes"), "axes") : intsAttr(node, "axes");
  return raw?.map((a) => axis(Number(a), rank));
}

export function flatten(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  if (axis(intAttr(node, "axis", 1), x.shape.length + 1) !== 1) throw new NotTranslatable("only a Flatten at axis 1 (keeping the batch axis) is supported");
  flattenFromAxis1(ctx, node, x);
}

function flattenFromAxis1(ctx: Ctx, node: Node, x: ReturnType<typeof dynamicInput>): void {
  const rest = x.shape.slice(1);
  const size: Dim = rest.every((d) => typeof d === "number") ? (rest as number[]).reduce((a, b) => a * b, 1) : rest.join(" * ");
  const shape = [x.shape[0]!, size];
  ctx.prog.use("std.layers", "Flatten");
  const dnnRank = x.layout.perm.length;
  // Unit axes and their places do not change the order of the elements: a GlobalAvgPool2D's [N, C] is already flat.
  if (x.layout.perm.every((a, i) => a === i)) {
    setDynamic(ctx, node, 0, { p: dnnRank > 2 ? pipe(ctx.prog, x, { call: "Flatten", args: [] }) : pipe(ctx.prog, x), shape, layout: identityLayout(2) });
    return;
  }
  // NHWC features flattened for a Dense alone: flatten them as they are and reorder the Dense's kernel rows.
  const readers = ctx.readers.get(node.outputs[0]!) ?? [];
  if (sameLayout(x.layout, NHWC) && readers.length === 1 && (readers[0]!.opType === "Gemm" || readers[0]!.opType === "MatMul") && rest.every((d) => typeof d === "number")) {
    const [c, h, w] = rest as number[];
    const order = new Int32Array(c! * h! * w!);
    let k = 0;
    for (let i = 0; i < h!; i++) for (let j = 0; j < w!; j++) for (let ch = 0; ch < c!; ch++) order[k++] = ch * h! * w! + i * w! + j;
    const out = setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, { call: "Flatten", args: [], comment: "NHWC order: the next Dense's kernel rows are permuted to match" }), shape, layout: identityLayout(2) });
    out.rowOrder = order;
    return;
  }
  setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, ...relayoutStages(x, identityLayout(x.shape.length)), { call: "Flatten", args: [] }), shape, layout: identityLayout(2) });
}

export function reshape(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  const target = knownInts(knownInput(ctx, node, 1, "shape"), "shape");
  const dims = target.map((d, i) => (d === 0 && intAttr(node, "allowzero", 0) === 0 ? x.shape[i]! : d));
  // [N, -1] (or [N, the rest]) is a Flatten.
  const rest = x.shape.slice(1);
  if (dims.length === 2 && dims[0] === x.shape[0] && (dims[1] === -1 || (rest.every((d) => typeof d === "number") && dims[1] === (rest as number[]).reduce((a, b) => a * b, 1)))) {
    flattenFromAxis1(ctx, node, x);
    return;
  }
  const shape = resolveShape(x.shape, dims);
  const identity = identityLayout(x.shape.length);
  const stage = { call: "reshape", args: [`[${dims.map((d) => (d === -1 ? "-1" : dimText(d))).join(", ")}]`] };
  setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, ...relayoutStages(x, identity), stage), shape, layout: identityLayout(shape.length) });
}

/** A Reshape's result shape, its -1 worked out where the sizes are numbers or the same symbols. */
function resolveShape(from: readonly Dim[], dims: readonly Dim[]): Dim[] {
  const hole = dims.indexOf(-1);
  if (hole < 0) return [...dims];
  const left = [...from];
  let known = 1;
  for (const d of dims) {
    if (d === -1) continue;
    if (typeof d === "number") known *= d;
    else if (left.includes(d)) left.splice(left.indexOf(d), 1);
    else throw new NotTranslatable(`its target shape has a size ${d} the input does not have`);
  }
  if (left.some((d) => typeof d !== "number")) {
    const symbols = left.filter((d) => typeof d !== "number");
    if (known !== 1 || symbols.length !== 1 || left.length !== 1) throw new NotTranslatable("its -1 size cannot be worked out from symbolic sizes");
    return dims.map((d) => (d === -1 ? symbols[0]! : d));
  }
  const total = (left as number[]).reduce((a, b) => a * b, 1);
  if (total % known !== 0) throw new NotTranslatable("its target shape does not hold the input's elements");
  return dims.map((d) => (d === -1 ? total / known : d));
}

export function transpose(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  const rank = x.shape.length;
  const perm = intsAttr(node, "perm") ?? [...Array(rank).keys()].reverse();
  const shape = perm.map((a) => x.shape[a]!);
  if (x.layout.drop.length > 0) {
    const identity = identityLayout(rank);
    setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, ...relayoutStages(x, identity), { call: "transpose", args: [`[${perm.join(", ")}]`] }), shape, layout: identity });
    return;
  }
  // Only the layout changes: ONNX's new axis i is its old axis perm[i].
  const back = inverse(perm);
  setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x), shape, layout: { drop: [], perm: x.layout.perm.map((a) => back[a]!) } });
}

export function squeeze(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  const rank = x.shape.length;
  const axes = axesOf(ctx, node, rank) ?? x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  if (axes.some((a) => x.shape[a] !== 1)) throw new NotTranslatable("it squeezes an axis whose size is not 1");
  const shape = x.shape.filter((_, i) => !axes.includes(i));
  const renumber = (a: number) => a - axes.filter((s) => s < a).length;
  if (axes.every((a) => x.layout.drop.includes(a))) {
    // Axes the .dnn value never had: only the layout's bookkeeping changes.
    setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x), shape, layout: { drop: x.layout.drop.filter((a) => !axes.includes(a)).map(renumber), perm: x.layout.perm } });
    return;
  }
  const identity = identityLayout(rank);
  setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, ...relayoutStages(x, identity), { call: "reshape", args: [`[${shape.map(dimText).join(", ")}]`] }), shape, layout: identityLayout(shape.length) });
}

export function unsqueeze(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  const rank = x.shape.length;
  const axes = (axesOf(ctx, node, rank + (input(ctx, node, 1) ? knownInts(knownInput(ctx, node, 1, "axes"), "axes").length : (intsAttr(node, "axes") ?? []).length)) ?? []).sort((a, b) => a - b);
  const shape: Dim[] = [...x.shape];
  for (const a of axes) shape.splice(a, 0, 1);
  // The new unit axes are only bookkeeping: the .dnn value keeps its shape.
  const oldAxes = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x), shape, layout: { drop: [...x.layout.drop.map((a) => oldAxes[a]!), ...axes].sort((a, b) => a - b), perm: x.layout.perm } });
}

/** Gather of one position along an axis (`y[:, -1, :]`, PyTorch's last LSTM step), or of a weight table's rows by token ids (an Embedding). */
export function gather(ctx: Ctx, node: Node): void {
  const table = input(ctx, node, 0);
  if (table?.kind === "known") return embedding(ctx, node, table);
  const x = dynamicInput(ctx, node, 0);
  const indices = knownInput(ctx, node, 1, "indices");
  const ax = axis(intAttr(node, "axis", 0), x.shape.length);
  const index = knownInts(indices, "indices");
  if (indices.shape.length !== 0 || typeof index[0] !== "number") throw new NotTranslatable("only a Gather of one position (a scalar index) is supported");
  if (x.layout.drop.includes(ax)) {
    // The one position of a unit axis the .dnn value does not have (PyTorch's h_n[-1] of a one-layer LSTM): bookkeeping only.
    if (index[0] !== 0 && index[0] !== -1) throw new NotTranslatable(`position ${index[0]} of an axis of size 1`);
    const drop = x.layout.drop.filter((d) => d !== ax).map((d) => (d > ax ? d - 1 : d));
    setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x), shape: x.shape.filter((_, i) => i !== ax), layout: { drop, perm: x.layout.perm } });
    return;
  }
  const kept = ax - x.layout.drop.filter((d) => d < ax).length;
  const j = x.layout.perm.indexOf(kept);
  const shape = x.shape.filter((_, i) => i !== ax);
  const layout = { drop: x.layout.drop.map((d) => (d > ax ? d - 1 : d)), perm: x.layout.perm.filter((_, i) => i !== j).map((a) => (a > kept ? a - 1 : a)) };
  // The last step of a recurrence that returns every step, read by nothing else: the layer returns only the last.
  const last = x.p.stages[x.p.stages.length - 1];
  const lastStep = index[0] === -1 || index[0] === Number(x.shape[ax]) - 1;
  if (x.readers === 1 && j === 1 && lastStep && (last?.call === "LSTM" || last?.call === "GRU") && last.args?.includes("return_sequences: true")) {
    last.args = last.args.filter((a) => a !== "return_sequences: true");
    setDynamic(ctx, node, 0, { p: x.p, shape, layout });
    return;
  }
  const head = operand(ctx.prog, x);
  const at = x.layout.perm.map((_, i) => (i === j ? String(index[0]) : ":"));
  setDynamic(ctx, node, 0, { p: { head: `${head}[${at.join(", ")}]`, atomic: true, stages: [] }, shape, layout });
}

/** Concat of run-time tensors along an axis (in their shared layout), or of shape arithmetic. */
export function concat(ctx: Ctx, node: Node): void {
  const xs = node.inputs.map((_, i) => dynamicInput(ctx, node, i));
  const rank = xs[0]!.shape.length;
  const ax = axis(intAttr(node, "axis", 0), rank);
  const shared = xs.every((x) => sameLayout(x.layout, xs[0]!.layout)) && xs[0]!.layout.drop.length === 0 ? xs[0]!.layout : identityLayout(rank);
  const parts = xs.map((x) => {
    if (sameLayout(x.layout, shared)) return operand(ctx.prog, x);
    const p = pipe(ctx.prog, x, ...relayoutStages(x, shared));
    ctx.prog.bind(p, x.wanted);
    return p.head;
  });
  const size = xs.reduce<Dim>((n, x) => (typeof n === "number" && typeof x.shape[ax] === "number" ? n + (x.shape[ax] as number) : `${n} + ${x.shape[ax]}`), 0);
  const shape = xs[0]!.shape.map((d, i) => (i === ax ? size : d));
  setDynamic(ctx, node, 0, { p: { head: `concat([${parts.join(", ")}], axis: ${shared.perm.indexOf(ax)})`, atomic: true, stages: [] }, shape, layout: shared });
}

/** Identity, Dropout (at inference), Cast to float of a float tensor: the same value. */
export function passThrough(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  if (node.opType === "Cast" && intAttr(node, "to", 1) !== 1) throw new NotTranslatable("only casts to float of float tensors are supported");
  setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x), shape: x.shape, layout: x.layout, ...(x.nonNegative ? { nonNegative: true } : {}) });
}

/** Gather(table [V, d], ids) along axis 0 → Embedding(V, d), the table its `embeddings`. */
function embedding(ctx: Ctx, node: Node, table: Known): void {
  const ids = input(ctx, node, 1);
  if (!ids || ids.kind !== "dynamic" || !ids.ids) throw new NotTranslatable("only a Gather of a weight table's rows by the model's integer inputs (an Embedding) is supported");
  if (intAttr(node, "axis", 0) !== 0 || table.shape.length !== 2) throw new NotTranslatable("only a Gather of rows (axis 0) of a [V, d] table is supported");
  const [rows, width] = table.shape as [number, number];
  const weights = new Map([["embeddings", weight(table, "table")]]);
  ctx.prog.use("std.layers", "Embedding");
  const stage = { call: "Embedding", args: [String(rows), String(width)], layer: { base: "embedding", weights }, comment: comment(node) };
  const p = pipe(ctx.prog, ids, ...relayoutStages(ids, identityLayout(ids.shape.length)), stage);
  setDynamic(ctx, node, 0, { p, shape: [...ids.shape, width], layout: identityLayout(ids.shape.length + 1) });
}
