// ONNX's LSTM and GRU → std.layers' LSTM and GRU. ONNX orders an LSTM's gates i, o, f, c and
// keeps the input and recurrent biases apart; Keras (and dnnc) order them i, f, c, o with one
// bias, and hold the kernels transposed ([d, 4u], [u, 4u]). A GRU's gates are z, r, h in both;
// linear_before_reset = 1 (PyTorch's) is Keras's reset_after, with the two biases as rows. PyTorch's batch_first export wraps the node in
// Transpose and Squeeze nodes; those only change the layout the sequence is held in, so the
// generated model reads `x |> LSTM(32, return_sequences: true)` on [B, T, D] directly.
import type { Node } from "./decode.ts";
import { attr, dynamicInput, input, intAttr, intsAttr, knownFloats, knownInput, knownInts, NotTranslatable, setDynamic, stringAttr, type Ctx } from "./context.ts";
import type { Weight } from "./program.ts";
import { comment } from "./layers.ts";
import { operand, pipe, relayoutStages, type Dim, type Dynamic, type Known } from "./values.ts";

/** ONNX's gate block of each Keras gate: an LSTM's i, f, c, o; a GRU's z, r, h (the same order). */
const LSTM_GATES = [0, 2, 3, 1];
const GRU_GATES = [0, 1, 2];

/** The checks and weights both recurrences share: the input sequence, W, R and B as flat arrays. */
function recurrence(ctx: Ctx, node: Node, gates: number, allowedActivations: string) {
  const x = dynamicInput(ctx, node, 0);
  const units = intAttr(node, "hidden_size", 0);
  if (units <= 0) throw new NotTranslatable("hidden_size is missing");
  const direction = stringAttr(node, "direction", "forward");
  if (direction !== "forward" && direction !== "bidirectional") throw new NotTranslatable(`direction ${direction} is not supported (forward and bidirectional are)`);
  const directions = direction === "bidirectional" ? 2 : 1;
  const activations = attr(node, "activations");
  if (activations && (activations.kind !== "strings" || activations.strings.join() !== allowedActivations)) throw new NotTranslatable(`only the default activations (${allowedActivations.replace(/,/g, ", ")}) are supported`);
  if (attr(node, "clip")) throw new NotTranslatable("clip is not supported");
  if (input(ctx, node, 4)) throw new NotTranslatable("sequence_lens (sequences of different lengths) is not supported");
  for (const i of gates === 4 ? [5, 6] : [5]) {
    const init = input(ctx, node, i);
    if (init && !isZero(init)) throw new NotTranslatable(`its initial ${i === 5 ? "h" : "c"} is not zero`);
  }
  const batchFirst = intAttr(node, "layout", 0) === 1;
  if (x.shape.length !== 3) throw new NotTranslatable("its input should have rank 3");
  const d = x.shape[2];
  if (typeof d !== "number") throw new NotTranslatable("its input's feature size must be a number");
  const w = knownFloats(knownInput(ctx, node, 1, "weight W"), "weight W");
  const r = knownFloats(knownInput(ctx, node, 2, "weight R"), "weight R");
  const b = input(ctx, node, 3) ? knownFloats(knownInput(ctx, node, 3, "bias B"), "bias B") : new Float32Array(directions * 2 * gates * units);
  if (w.length !== directions * gates * units * d || r.length !== directions * gates * units * units || b.length !== directions * 2 * gates * units) throw new NotTranslatable("its weights' sizes do not match hidden_size and the input");
  // One direction's W, R and B (ONNX stacks the directions on the first axis).
  const of = (i: number) => ({ w: w.subarray(i * gates * units * d, (i + 1) * gates * units * d), r: r.subarray(i * gates * units * units, (i + 1) * gates * units * units), b: b.subarray(i * 2 * gates * units, (i + 1) * 2 * gates * units) });
  return { x, units, d, batchFirst, directions: Array.from({ length: directions }, (_, i) => of(i)) };
}

export function lstm(ctx: Ctx, node: Node): void {
  if (intAttr(node, "input_forget", 0) !== 0) throw new NotTranslatable("input_forget is not supported");
  if (input(ctx, node, 7)) throw new NotTranslatable("peephole weights P are not supported");
  const { x, units, d, batchFirst, directions } = recurrence(ctx, node, 4, "Sigmoid,Tanh,Tanh");
  if (reads(ctx, node.outputs[2]) > 0) throw new NotTranslatable("its last cell state Y_c is read, which std.layers' LSTM does not return");
  const weights = directions.map(({ w, r, b }) => new Map<string, Weight>([
    ["kernel", gateKernel(w, d, units, LSTM_GATES)],
    ["recurrent_kernel", gateKernel(r, units, units, LSTM_GATES)],
    ["bias", { shape: [4 * units], data: Float32Array.from({ length: 4 * units }, (_, k) => { const g = Math.floor(k / units), j = k % units, o = LSTM_GATES[g]! * units + j; return b[o]! + b[4 * units + o]!; }) }],
  ]));
  emit(ctx, node, x, "LSTM", "lstm", units, [], weights, batchFirst);
}

export function gru(ctx: Ctx, node: Node): void {
  const { x, units, d, batchFirst, directions } = recurrence(ctx, node, 3, "Sigmoid,Tanh");
  const resetAfter = intAttr(node, "linear_before_reset", 0) === 1;
  // reset_after keeps the biases apart ([2, 3u]: input, recurrent); the original form adds them
  // (ONNX adds Rb outside the reset gate there too), one row of [1, 3u].
  const weights = directions.map(({ w, r, b }) => new Map<string, Weight>([
    ["kernel", gateKernel(w, d, units, GRU_GATES)],
    ["recurrent_kernel", gateKernel(r, units, units, GRU_GATES)],
    ["bias", resetAfter ? { shape: [2, 3 * units], data: Float32Array.from(b) } : { shape: [1, 3 * units], data: Float32Array.from({ length: 3 * units }, (_, k) => b[k]! + b[3 * units + k]!) }],
  ]));
  emit(ctx, node, x, "GRU", "gru", units, resetAfter ? [] : ["reset_after: false"], weights, batchFirst);
}

const reads = (ctx: Ctx, name: string | undefined): number => (name ? (ctx.readers.get(name)?.length ?? 0) : 0);

/** The layer's stage, and the node's outputs Y (every step) and Y_h (the last) as they are read. */
function emit(ctx: Ctx, node: Node, x: Dynamic, layer: string, base: string, units: number, args: string[], weights: Map<string, Weight>[], batchFirst: boolean): void {
  const [yName, hName] = node.outputs;
  const sequences = reads(ctx, yName) > 0;
  ctx.prog.use("std.layers", layer);
  // dnnc's recurrent layers read [B, T, D]: ONNX's [T, B, D] (layout 0) is that transposed.
  const seqLayout = batchFirst ? { drop: [], perm: [0, 1, 2] } : { drop: [], perm: [1, 0, 2] };
  const [t, n] = batchFirst ? [x.shape[1]!, x.shape[0]!] : [x.shape[0]!, x.shape[1]!];
  const layerArgs = [String(units), ...(sequences ? ["return_sequences: true"] : []), ...args];
  if (weights.length === 2) return bidirectional(ctx, node, x, seqLayout, { layer, base, args: layerArgs, weights, units, t, n });
  const stage = { call: layer, args: layerArgs, layer: { base, weights: weights[0]! }, comment: comment(node) };
  const p = pipe(ctx.prog, x, ...relayoutStages(x, seqLayout), stage);
  if (sequences) {
    // Y is [T, 1, B, H] ([B, T, 1, H] batch-first) in ONNX; dnnc's [B, T, H].
    const y = setDynamic(ctx, node, 0, { p, shape: batchFirst ? [n, t, 1, units] : [t, 1, n, units], layout: batchFirst ? { drop: [2], perm: [0, 1, 2] } : { drop: [1], perm: [1, 0, 2] } });
    if (reads(ctx, hName) > 0) {
      y.readers += 1;
      const last = operand(ctx.prog, y);
      setDynamic(ctx, node, 1, { p: { head: `${last}[:, -1, :]`, atomic: true, stages: [] }, shape: [1, n, units], layout: { drop: [0], perm: [0, 1] } });
    }
  } else if (reads(ctx, hName) > 0) setDynamic(ctx, node, 1, { p, shape: [1, n, units], layout: { drop: [0], perm: [0, 1] } });
}

/**
 * A bidirectional recurrence as std.layers' Bidirectional (instances `lstm` forward, `lstm_1`
 * backward, outputs concatenated, forward first). ONNX's Y is [T, 2, B, H]; the one form read is
 * PyTorch's: Transpose to [T, B, 2, H] and Reshape to [T, B, 2H], which is that concatenation.
 */
function bidirectional(ctx: Ctx, node: Node, x: Dynamic, seqLayout: Dynamic["layout"], l: { layer: string; base: string; args: string[]; weights: Map<string, Weight>[]; units: number; t: Dim; n: Dim }): void {
  const [yName, hName] = node.outputs;
  if (reads(ctx, hName) > 0) throw new NotTranslatable("a bidirectional recurrence's last states Y_h are read (only its outputs Y, concatenated, are supported)");
  const transpose = only(ctx, yName);
  const reshape = transpose?.opType === "Transpose" && intsAttr(transpose, "perm")?.join() === "0,2,1,3" ? only(ctx, transpose.outputs[0]) : undefined;
  const dims = reshape?.opType === "Reshape" ? shapeConstant(ctx, reshape.inputs[1]) : undefined;
  if (!reshape || !dims || dims.length !== 3 || !(dims[2] === -1 || dims[2] === 2 * l.units))
    throw new NotTranslatable("a bidirectional recurrence's outputs are read other than as PyTorch concatenates them (Transpose [0, 2, 1, 3], then Reshape to [T, B, 2·H])");
  ctx.prog.use("std.layers", "Bidirectional");
  ctx.absorbed.add(transpose!).add(reshape);
  const stage = { call: "Bidirectional", args: [`${l.layer}(${l.args.join(", ")})`], layer: { base: l.base, weights: l.weights[0]! }, also: [{ base: l.base, weights: l.weights[1]! }], comment: comment(node) };
  const p = pipe(ctx.prog, x, ...relayoutStages(x, seqLayout), stage);
  setDynamic(ctx, reshape, 0, { p, shape: [l.t, l.n, 2 * l.units], layout: seqLayout.perm[0] === 1 ? { drop: [], perm: [1, 0, 2] } : { drop: [], perm: [0, 1, 2] } });
}

/** A constant's integers: evaluated already, or a Constant node later in the graph (PyTorch writes a Reshape's shape just before it). */
function shapeConstant(ctx: Ctx, name: string | undefined): Dim[] | undefined {
  const v = name ? ctx.values.get(name) : undefined;
  if (v?.kind === "known") return knownInts(v, "shape");
  const value = name ? ctx.producers.get(name)?.attributes.get("value") : undefined;
  return ctx.producers.get(name ?? "")?.opType === "Constant" && value?.kind === "tensor" ? value.t.ints : undefined;
}

/** The one node reading `value`, if exactly one does. */
function only(ctx: Ctx, value: string | undefined): Node | undefined {
  const readers = value ? (ctx.readers.get(value) ?? []) : [];
  return readers.length === 1 ? readers[0] : undefined;
}

function isZero(v: ReturnType<typeof input>): boolean {
  if (!v || v.kind !== "known") return false;
  const k = v as Known;
  if (k.fill) return k.fill.value === 0;
  return (k.floats ?? Float32Array.from((k.ints ?? []).map(Number))).every((x) => x === 0);
}

/** ONNX's [1, gates·u, rows] as Keras's [rows, gates·u], its gate blocks in Keras's order. */
function gateKernel(w: Float32Array, rows: number, units: number, order: readonly number[]): Weight {
  const width = order.length * units;
  const out = new Float32Array(rows * width);
  order.forEach((onnxGate, g) => {
    for (let j = 0; j < units; j++) {
      const src = (onnxGate * units + j) * rows;
      for (let i = 0; i < rows; i++) out[i * width + g * units + j] = w[src + i]!;
    }
  });
  return { shape: [rows, width], data: out };
}
