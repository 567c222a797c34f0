// std.layers' recurrent layers against TensorFlow.js 4.22 (its pure-JS CPU backend, float32):
// SimpleRNN, LSTM and GRU, with return_sequences true and false, on the same seeded weights and
// sequences [N = 3, T = 4, d = 5] with 6 units. Compared are the outputs and the gradients of
// L = sum(y * R) (R a fixed random tensor shaped like y) with respect to the kernel, the
// recurrent kernel, the bias and the input sequence (backpropagation through time on both sides).
//
// GRU: tf.layers.gru supports only reset_after = false (GRUCell throws on resetAfter), so GRU's
// reset_after: false form is compared with it, and our default reset_after form (Keras's default)
// with Keras's GRUCell equations for reset_after = True transcribed with tfjs ops below and
// differentiated by tf.grads.
//
// tfjs's recurrent layers default to recurrentActivation "hardSigmoid" (old Keras); Keras 2.3+
// and ours use the sigmoid, so every tfjs layer here is given recurrentActivation: "sigmoid".
//
// Tolerance: |dnnc − tfjs| ≤ 2e-5·max|tfjs| + 1e-4·|tfjs| element-wise, as in layers-conv.test.ts:
// float32 rounding (6e-8 relative per operation) through 4 steps of matmuls of width ≤ 6 + 5 and
// the gates stays within a few hundred ulps of each value's scale; the measured errors use under
// 1 % of this (relative errors ≤ 8e-6; ORACLE_REPORT=1 prints them); a wrong gate order, a
// transposed kernel or a hard sigmoid is far beyond.
import { afterAll, beforeAll, describe, it } from "vitest";
import type * as TF from "@tensorflow/tfjs";
import { tfjs } from "./tfjs.ts";
import { compareLayer, reportMeasured, rng, runTfjsFunction, runTfjsLayer, uniform, type Tolerance, type WeightMap } from "./layer-oracle.ts";

const TOL: Tolerance = { rtol: 1e-4, aScale: 2e-5 };
const [N, T, D, U] = [3, 4, 5, 6];

let tf: typeof TF;
beforeAll(async () => {
  tf = await tfjs();
});
afterAll(() => reportMeasured("layers-rnn"));

const viaLayer = (make: () => TF.layers.Layer) => (x: Parameters<typeof runTfjsLayer>[2], w: WeightMap[], r: (s: number[]) => number[]) => runTfjsLayer(tf, make(), x, w, r);

/** A sequence and weights shaped [kernel [d, g·u], recurrent_kernel [u, g·u], bias [biasShape]] for g gates. */
function data(seed: number, gates: number, prefix: string, biasShape: number[]) {
  const next = rng(seed);
  const x = { values: uniform(next, [N, T, D]), shape: [N, T, D] };
  const weights: WeightMap[] = [
    { dnnc: `${prefix}.kernel`, shape: [D, gates * U], values: uniform(next, [D, gates * U], -0.6, 0.6) },
    { dnnc: `${prefix}.recurrent_kernel`, shape: [U, gates * U], values: uniform(next, [U, gates * U], -0.6, 0.6) },
    { dnnc: `${prefix}.bias`, shape: biasShape, values: uniform(next, biasShape, -0.5, 0.5) },
  ];
  return { x, weights };
}

const RETURN_SEQUENCES: [string, boolean][] = [
  ["return_sequences: false (the last state)", false],
  ["return_sequences: true (every state)", true],
];

describe("SimpleRNN against tf.layers.simpleRNN (tanh)", () => {
  it.each(RETURN_SEQUENCES)("%s", (_name, seqs) => {
    // Keras/tfjs SimpleRNN weights: [kernel [d, u], recurrent_kernel [u, u], bias [u]]; ours the same.
    const { x, weights } = data(61, 1, "simple_rnn", [U]);
    compareLayer({
      name: `SimpleRNN seq=${seqs}`,
      imports: ["SimpleRNN"],
      layer: `SimpleRNN(${U}, return_sequences: ${seqs})`,
      tfjs: viaLayer(() => tf.layers.simpleRNN({ units: U, activation: "tanh", returnSequences: seqs })),
      x,
      weights,
      seed: 62,
      tol: TOL,
    });
  });
});

describe("LSTM against tf.layers.lstm (sigmoid gates)", () => {
  it.each(RETURN_SEQUENCES)("%s", (_name, seqs) => {
    // Keras/tfjs LSTM weights: [kernel [d, 4u], recurrent_kernel [u, 4u], bias [4u]], the 4u
    // columns in gate order i, f, c, o; ours the same layout and order (lstm_cell).
    const { x, weights } = data(71, 4, "lstm", [4 * U]);
    compareLayer({
      name: `LSTM seq=${seqs}`,
      imports: ["LSTM"],
      layer: `LSTM(${U}, return_sequences: ${seqs})`,
      tfjs: viaLayer(() => tf.layers.lstm({ units: U, returnSequences: seqs, recurrentActivation: "sigmoid" })),
      x,
      weights,
      seed: 72,
      tol: TOL,
    });
  });
});

describe("GRU(reset_after: false) against tf.layers.gru (sigmoid gates)", () => {
  it.each(RETURN_SEQUENCES)("%s", (_name, seqs) => {
    // Keras/tfjs GRU (reset_after = False) weights: [kernel [d, 3u], recurrent_kernel [u, 3u],
    // bias [3u]], columns in gate order z, r, h. Ours: the same kernels and order; the bias is
    // [1, 3u] (bias[0]; a param's rank cannot depend on reset_after), the same values row-major.
    const { x, weights } = data(81, 3, "gru", [3 * U]);
    compareLayer({
      name: `GRU reset_after=false seq=${seqs}`,
      imports: ["GRU"],
      layer: `GRU(${U}, return_sequences: ${seqs}, reset_after: false)`,
      tfjs: viaLayer(() => tf.layers.gru({ units: U, returnSequences: seqs, recurrentActivation: "sigmoid" })),
      x,
      weights,
      seed: 82,
      tol: TOL,
    });
  });
});

/**
 * Keras's GRU with reset_after = True (keras.layers.GRUCell.call, its default), transcribed with
 * tfjs ops: with bias = [input_bias; recurrent_bias],
 *   x_z, x_r, x_h = split(x_t @ kernel + input_bias)
 *   r_z, r_r, r_h = split(h @ recurrent_kernel + recurrent_bias)
 *   z = σ(x_z + r_z),  r = σ(x_r + r_r),  hh = tanh(x_h + r · r_h),  h' = z · h + (1 − z) · hh
 * from h = 0; the last h, or every h stacked on axis 1.
 */
function kerasGruResetAfter(returnSequences: boolean) {
  return (x: TF.Tensor, kernel: TF.Tensor, recurrentKernel: TF.Tensor, bias: TF.Tensor): TF.Tensor => {
    const [inputBias, recurrentBias] = tf.unstack(bias, 0);
    let h: TF.Tensor = tf.zeros([x.shape[0]!, U]);
    const hs: TF.Tensor[] = [];
    for (const xt of tf.unstack(x, 1)) {
      const [xz, xr, xh] = tf.split(tf.add(tf.matMul(xt as TF.Tensor2D, kernel as TF.Tensor2D), inputBias!), 3, -1);
      const [rz, rr, rh] = tf.split(tf.add(tf.matMul(h as TF.Tensor2D, recurrentKernel as TF.Tensor2D), recurrentBias!), 3, -1);
      const z = tf.sigmoid(tf.add(xz!, rz!));
      const r = tf.sigmoid(tf.add(xr!, rr!));
      const hh = tf.tanh(tf.add(xh!, tf.mul(r, rh!)));
      h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
      hs.push(h);
    }
    return returnSequences ? tf.stack(hs, 1) : h;
  };
}

describe("GRU (reset_after, the default) against Keras's GRUCell equations in tfjs ops", () => {
  it.each(RETURN_SEQUENCES)("%s", (_name, seqs) => {
    // Keras GRU (reset_after = True) weights: [kernel [d, 3u], recurrent_kernel [u, 3u],
    // bias [2, 3u]] (row 0 the input bias, row 1 the recurrent bias), gate order z, r, h; ours the same.
    const { x, weights } = data(91, 3, "gru", [2, 3 * U]);
    compareLayer({
      name: `GRU reset_after=true seq=${seqs}`,
      imports: ["GRU"],
      layer: `GRU(${U}, return_sequences: ${seqs})`,
      tfjs: (xs, w, r) => runTfjsFunction(tf, kerasGruResetAfter(seqs) as (x: TF.Tensor, ...w: TF.Tensor[]) => TF.Tensor, xs, w, r),
      x,
      weights,
      seed: 92,
      tol: TOL,
    });
  });
});
