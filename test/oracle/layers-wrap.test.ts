// The layers that branch on a string argument, against TensorFlow.js 4.22 as layers-conv-more.test.ts
// checks the others (same harness, tolerance and reasoning): UpSampling2D(interpolation:
// "bilinear"), Conv2DTranspose(padding: "same"), and std.layers' Bidirectional over LSTM and GRU
// with every merge mode. Compared are the inference and training outputs and the gradients of
// L = sum(y * R) with respect to every trainable weight and to the input; the parameter counts
// against Keras's formulas and tfjs's countParams().
//
// Bilinear upsampling: Keras (tf.image.resize in TensorFlow 2, and Keras 3's ops.image.resize)
// samples at half-pixel centres; tf.layers.upSampling2d of tfjs calls tf.image.resizeBilinear with
// halfPixelCenters false, the older grid, so it differs from Keras and is not the reference. The
// reference is tf.image.resizeBilinear(x, size, false, true), and since tfjs's gradients of its
// resize kernels are not to be trusted (see layers-conv-more.test.ts: the nearest one is wrong),
// dL/dx comes from tf.grads of the same upsampling written out as two interpolation matrices (built
// here from TensorFlow's formula), whose output is checked against that resize first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as TF from "@tensorflow/tfjs";
import { tfjs } from "./tfjs.ts";
import { compareLayer, expectCloseScaled, reportMeasured, rng, runTfjsFunction, runTfjsLayer, uniform, type Tolerance, type WeightMap } from "./layer-oracle.ts";

const TOL: Tolerance = { rtol: 1e-4, aScale: 2e-5 };

let tf: typeof TF;
beforeAll(async () => {
  tf = await tfjs();
});
afterAll(() => reportMeasured("layers-wrap"));

const viaLayer = (make: () => TF.layers.Layer) => (x: Parameters<typeof runTfjsLayer>[2], w: WeightMap[], r: (s: number[]) => number[]) => runTfjsLayer(tf, make(), x, w, r);

/**
 * TensorFlow's bilinear resize weights along one axis of length n upsampled by s, half-pixel
 * centres (tensorflow/core/kernels/image/resize_bilinear_op.cc, compute_interpolation_weights):
 * output o reads in = (o + 0.5)/s − 0.5, lower = max(⌊in⌋, 0), upper = min(⌈in⌉, n − 1), and
 * blends them by in − ⌊in⌋. As a matrix [n·s, n].
 */
function interpolationMatrix(n: number, s: number): number[][] {
  return Array.from({ length: n * s }, (_, o) => {
    const at = (o + 0.5) / s - 0.5;
    const lerp = at - Math.floor(at);
    const row = new Array<number>(n).fill(0);
    row[Math.max(Math.floor(at), 0)]! += 1 - lerp;
    row[Math.min(Math.ceil(at), n - 1)]! += lerp;
    return row;
  });
}

/** Bilinear upsampling of [N, H, W, C] by s as two matrix products: rows, then columns. */
function upsampleBilinear(x: TF.Tensor, s: number): TF.Tensor {
  const [n, h, w, c] = x.shape as number[];
  const rows = tf.matMul(tf.tensor2d(interpolationMatrix(h!, s)), tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [h!, n! * w! * c!])); // [h·s, n·w·c]
  const byColumn = tf.reshape(tf.transpose(tf.reshape(rows, [h! * s, n!, w!, c!]), [2, 1, 0, 3]), [w!, n! * h! * s * c!]);
  const cols = tf.matMul(tf.tensor2d(interpolationMatrix(w!, s)), byColumn); // [w·s, n·h·s·c]
  return tf.transpose(tf.reshape(cols, [w! * s, n!, h! * s, c!]), [1, 2, 0, 3]);
}

describe("UpSampling2D(interpolation: \"bilinear\") against tf.image.resizeBilinear with half-pixel centres (Keras's; 3×4 input, 2 channels; dL/dx only)", () => {
  it.each([[2], [3]])("size %i", (size) => {
    const next = rng(111);
    const inShape = [2, 3, 4, 2];
    const x = { values: uniform(next, inShape), shape: inShape };
    const written = (xt: TF.Tensor) => upsampleBilinear(xt, size);
    const outSize: [number, number] = [3 * size, 4 * size];
    const resized = tf.tidy(() => [...tf.image.resizeBilinear(tf.tensor4d(x.values, inShape as [number, number, number, number]), outSize, false, true).dataSync()]);
    const fromWritten = tf.tidy(() => [...written(tf.tensor(x.values, inShape)).dataSync()]);
    expectCloseScaled(`UpSampling2D bilinear ${size}: written-out against tf.image.resizeBilinear (half-pixel centres)`, fromWritten, resized, TOL.rtol, TOL.aScale);
    // tfjs's layer uses the corner-aligned grid: it is not Keras's, and that is why it is not the reference.
    const fromLayer = tf.tidy(() => [...tf.image.resizeBilinear(tf.tensor4d(x.values, inShape as [number, number, number, number]), outSize).dataSync()]);
    expect(Math.max(...fromLayer.map((v, i) => Math.abs(v - resized[i]!)))).toBeGreaterThan(0.01);
    const { tfjs: t } = compareLayer({
      name: `UpSampling2D bilinear ${size}`,
      imports: ["UpSampling2D"],
      module: "conv_layers",
      layer: `UpSampling2D(${size}, interpolation: "bilinear")`,
      tfjs: (xs, w, r) => runTfjsFunction(tf, written, xs, w, r),
      x,
      weights: [],
      seed: 112,
      tol: TOL,
    });
    expect(t.shape).toEqual([2, 3 * size, 4 * size, 2]);
  });
});

describe("Conv2DTranspose(padding: \"same\") against tf.layers.conv2dTranspose (3 → 4 filters)", () => {
  const cases: [string, { kernel: number; strides: number; h: number; w: number }][] = [
    ["kernel 3, stride 1, 5×4 input", { kernel: 3, strides: 1, h: 5, w: 4 }],
    ["kernel 4, stride 1, 4×3 input (even kernel: one more row cropped after than before)", { kernel: 4, strides: 1, h: 4, w: 3 }],
    ["kernel 3, stride 2, 4×3 input", { kernel: 3, strides: 2, h: 4, w: 3 }],
    ["kernel 4, stride 2, 3×5 input", { kernel: 4, strides: 2, h: 3, w: 5 }],
    ["kernel 5, stride 2, 3×4 input", { kernel: 5, strides: 2, h: 3, w: 4 }],
    ["kernel 2, stride 3, 3×2 input (no overlap, nothing cropped)", { kernel: 2, strides: 3, h: 3, w: 2 }],
  ];
  it.each(cases)("%s", (_name, c) => {
    const next = rng(121);
    const inShape = [2, c.h, c.w, 3];
    const x = { values: uniform(next, inShape), shape: inShape };
    const k = c.kernel;
    // Keras/tfjs Conv2DTranspose weights: [kernel [kh, kw, filters, cin], bias [filters]]; ours the same.
    const weights: WeightMap[] = [
      { dnnc: "conv2d_transpose.kernel", shape: [k, k, 4, 3], values: uniform(next, [k, k, 4, 3], -0.5, 0.5) },
      { dnnc: "conv2d_transpose.bias", shape: [4], values: uniform(next, [4], -0.5, 0.5) },
    ];
    const make = () => tf.layers.conv2dTranspose({ filters: 4, kernelSize: k, strides: c.strides, padding: "same", activation: "tanh" });
    const { tfjs: t } = compareLayer({
      name: `Conv2DTranspose same k${k} s${c.strides}`,
      imports: ["Conv2DTranspose"],
      module: "conv_layers",
      layer: `Conv2DTranspose(4, ${k}, strides: ${c.strides}, padding: "same", activation: tanh)`,
      tfjs: viaLayer(make),
      x,
      weights,
      seed: 122,
      tol: TOL,
    });
    // Keras's output size with "same": H·strides; the parameter count kernel_size²·filters·channels + filters.
    expect(t.shape).toEqual([2, c.h * c.strides, c.w * c.strides, 4]);
    const layer = make();
    layer.apply(tf.input({ shape: inShape.slice(1) }));
    expect(layer.countParams()).toBe(k * k * 4 * 3 + 4);
  });
});

describe("Bidirectional against tf.layers.bidirectional (sequences [3, 4, 5], 6 units; sigmoid gates)", () => {
  const [N, T, D, U] = [3, 4, 5, 6];
  const MODES = ["concat", "sum", "mul", "ave"] as const;
  const cases: [string, "LSTM" | "GRU", (typeof MODES)[number], boolean][] = [];
  for (const rnn of ["LSTM", "GRU"] as const) for (const mode of MODES) for (const seqs of [false, true]) cases.push([`${rnn}, ${mode}, return_sequences: ${seqs}`, rnn, mode, seqs]);

  it.each(cases)("%s", (_name, rnn, mode, seqs) => {
    const next = rng(131);
    const x = { values: uniform(next, [N, T, D]), shape: [N, T, D] };
    // tfjs's GRU is Keras's reset_after = False (one bias; ours then [1, 3u], the same values).
    const gates = rnn === "LSTM" ? 4 : 3;
    const prefix = rnn.toLowerCase();
    // Keras/tfjs Bidirectional weights: the forward layer's [kernel, recurrent_kernel, bias], then
    // the backward layer's; ours are the instances lstm and lstm_1 (gru, gru_1), in that order.
    const weights: WeightMap[] = [prefix, `${prefix}_1`].flatMap((p) => [
      { dnnc: `${p}.kernel`, shape: [D, gates * U], values: uniform(next, [D, gates * U], -0.6, 0.6) },
      { dnnc: `${p}.recurrent_kernel`, shape: [U, gates * U], values: uniform(next, [U, gates * U], -0.6, 0.6) },
      { dnnc: `${p}.bias`, shape: [gates * U], values: uniform(next, [gates * U], -0.5, 0.5) },
    ]);
    const inner = rnn === "LSTM" ? `LSTM(${U}, return_sequences: ${seqs})` : `GRU(${U}, return_sequences: ${seqs}, reset_after: false)`;
    const make = () =>
      tf.layers.bidirectional({
        layer: (rnn === "LSTM" ? tf.layers.lstm : tf.layers.gru)({ units: U, returnSequences: seqs, recurrentActivation: "sigmoid" }) as TF.RNN,
        mergeMode: mode,
      });
    const { tfjs: t } = compareLayer({
      name: `Bidirectional ${rnn} ${mode} seq=${seqs}`,
      imports: ["Bidirectional", rnn],
      layer: `Bidirectional(${inner}, merge_mode: "${mode}")`,
      tfjs: viaLayer(make),
      x,
      weights,
      seed: 132,
      tol: TOL,
    });
    const width = mode === "concat" ? 2 * U : U;
    expect(t.shape).toEqual(seqs ? [N, T, width] : [N, width]);
    // Keras's count: twice the wrapped layer's, gates·(units·(d + units) + units) each.
    const kerasParams = 2 * gates * (U * (D + U) + U);
    expect(weights.reduce((n, w) => n + w.values.length, 0)).toBe(kerasParams);
    const layer = make();
    layer.apply(tf.input({ shape: [T, D] }));
    expect(layer.countParams()).toBe(kerasParams);
  });
});
