// ONNX's LSTM → std.layers' LSTM. ONNX orders the gates i, o, f, c and keeps the input and
// recurrent biases apart; Keras (and dnnc) order them i, f, c, o with one bias, and hold the
// kernels transposed ([d, 4u], [u, 4u]). PyTorch's batch_first export wraps the node in
// Transpose and Squeeze nodes; those only change the layout the sequence is held in, so the
// generated model reads `x |> LSTM(32, return_sequences: true)` on [B, T, D] directly.
import type { Node } from "./decode.ts";
import { attr, dynamicInput, input, intAttr, knownFloats, knownInput, NotTranslatable, setDynamic, stringAttr, type Ctx } from "./context.ts";
import type { Weight } from "./program.ts";
import { comment } from "./layers.ts";
import { operand, pipe, relayoutStages, type Known } from "./values.ts";

/** ONNX gate block of each Keras gate (i, f, c, o). */
const ONNX_GATE = [0, 2, 3, 1];

export function lstm(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  const units = intAttr(node, "hidden_size", 0);
  if (units <= 0) throw new NotTranslatable("hidden_size is missing");
  const direction = stringAttr(node, "direction", "forward");
  if (direction !== "forward") throw new NotTranslatable(`direction ${direction} is not supported (only forward)`);
  const activations = attr(node, "activations");
  if (activations && (activations.kind !== "strings" || activations.strings.join() !== "Sigmoid,Tanh,Tanh")) throw new NotTranslatable("only the default activations (Sigmoid, Tanh, Tanh) are supported");
  if (attr(node, "clip")) throw new NotTranslatable("clip is not supported");
  if (intAttr(node, "input_forget", 0) !== 0) throw new NotTranslatable("input_forget is not supported");
  if (input(ctx, node, 4)) throw new NotTranslatable("sequence_lens (sequences of different lengths) is not supported");
  if (input(ctx, node, 7)) throw new NotTranslatable("peephole weights P are not supported");
  for (const i of [5, 6]) {
    const init = input(ctx, node, i);
    if (init && !isZero(init)) throw new NotTranslatable(`its initial ${i === 5 ? "h" : "c"} is not zero`);
  }
  const batchFirst = intAttr(node, "layout", 0) === 1;
  if (x.shape.length !== 3) throw new NotTranslatable("its input should have rank 3");
  const d = x.shape[2];
  if (typeof d !== "number") throw new NotTranslatable("its input's feature size must be a number");

  const w = knownFloats(knownInput(ctx, node, 1, "weight W"), "weight W");
  const r = knownFloats(knownInput(ctx, node, 2, "weight R"), "weight R");
  const b = input(ctx, node, 3) ? knownFloats(knownInput(ctx, node, 3, "bias B"), "bias B") : new Float32Array(8 * units);
  if (w.length !== 4 * units * d || r.length !== 4 * units * units || b.length !== 8 * units) throw new NotTranslatable("its weights' sizes do not match hidden_size and the input");
  const weights = new Map<string, Weight>([
    ["kernel", gateKernel(w, d, units)],
    ["recurrent_kernel", gateKernel(r, units, units)],
    ["bias", { shape: [4 * units], data: Float32Array.from({ length: 4 * units }, (_, k) => { const g = Math.floor(k / units), j = k % units, o = ONNX_GATE[g]! * units + j; return b[o]! + b[4 * units + o]!; }) }],
  ]);

  const [yName, hName, cName] = node.outputs;
  const reads = (name: string | undefined) => (name ? (ctx.readers.get(name)?.length ?? 0) : 0);
  if (reads(cName) > 0) throw new NotTranslatable("its last cell state Y_c is read, which std.layers' LSTM does not return");
  const sequences = reads(yName) > 0;
  ctx.prog.use("std.layers", "LSTM");
  // dnnc's LSTM reads [B, T, D]: ONNX's [T, B, D] (layout 0) is that transposed.
  const seqLayout = batchFirst ? { drop: [], perm: [0, 1, 2] } : { drop: [], perm: [1, 0, 2] };
  const stage = { call: "LSTM", args: [String(units), ...(sequences ? ["return_sequences: true"] : [])], layer: { base: "lstm", weights }, comment: comment(node) };
  const p = pipe(ctx.prog, x, ...relayoutStages(x, seqLayout), stage);
  const [t, n] = batchFirst ? [x.shape[1]!, x.shape[0]!] : [x.shape[0]!, x.shape[1]!];
  if (sequences) {
    // Y is [T, 1, B, H] ([B, T, 1, H] batch-first) in ONNX; dnnc's [B, T, H].
    const y = setDynamic(ctx, node, 0, { p, shape: batchFirst ? [n, t, 1, units] : [t, 1, n, units], layout: batchFirst ? { drop: [2], perm: [0, 1, 2] } : { drop: [1], perm: [1, 0, 2] } });
    if (reads(hName) > 0) {
      y.readers += 1;
      const last = operand(ctx.prog, y);
      setDynamic(ctx, node, 1, { p: { head: `${last}[:, -1, :]`, atomic: true, stages: [] }, shape: [1, n, units], layout: { drop: [0], perm: [0, 1] } });
    }
  } else if (reads(hName) > 0) setDynamic(ctx, node, 1, { p, shape: [1, n, units], layout: { drop: [0], perm: [0, 1] } });
}

function isZero(v: ReturnType<typeof input>): boolean {
  if (!v || v.kind !== "known") return false;
  const k = v as Known;
  if (k.fill) return k.fill.value === 0;
  return (k.floats ?? Float32Array.from((k.ints ?? []).map(Number))).every((x) => x === 0);
}

/** ONNX's [1, 4u, rows] (gates i, o, f, c) as Keras's [rows, 4u] (gates i, f, c, o). */
function gateKernel(w: Float32Array, rows: number, units: number): Weight {
  const out = new Float32Array(rows * 4 * units);
  for (let g = 0; g < 4; g++)
    for (let j = 0; j < units; j++) {
      const src = (ONNX_GATE[g]! * units + j) * rows;
      for (let i = 0; i < rows; i++) out[i * 4 * units + g * units + j] = w[src + i]!;
    }
  return { shape: [rows, 4 * units], data: out };
}
