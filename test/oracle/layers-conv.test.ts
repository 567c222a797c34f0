// std.layers' feed-forward layers against TensorFlow.js 4.22's tf.layers (its pure-JS CPU backend,
// float32): Dense, Conv2D, MaxPool2D, AvgPool2D, BatchNorm and Embedding. Each configuration runs
// on the same seeded weights and inputs on both sides; compared are the output at inference and
// while training, the gradients of L = sum(y * R) (R a fixed random tensor shaped like y) with
// respect to every trainable weight and to the input, and BatchNorm's moving statistics after one
// step. dnnc's side runs in the float64 reference interpreter (see layer-oracle.ts). Two tfjs
// gradients cannot serve: a dilated conv2d has none, and "same" average pooling's is wrong at the
// edges (see avgPoolSame); there the gradients come from tf.grads of the operation written out
// with other tfjs ops, whose output is first checked against the tfjs layer's.
//
// Tolerance: |dnnc − tfjs| ≤ 2e-5·max|tfjs| + 1e-4·|tfjs| element-wise. TensorFlow.js rounds
// every operation to float32 (unit roundoff 6e-8); an output or gradient here is a sum of at most
// a few hundred products of float32-exact numbers of magnitude ≤ 1, so its error is at most a few
// hundred ulps of the sum of the |terms|: relative 1e-4 for elements of the tensor's own scale,
// and an absolute floor tied to that scale for elements that cancel to near zero. The errors
// measured use under 1 % of this (relative errors ≤ 3e-6; ORACLE_REPORT=1 prints them); a real
// mistake (a transposed kernel, an off-by-one window, a wrong momentum or epsilon) is far beyond.
import { afterAll, beforeAll, describe, it } from "vitest";
import type * as TF from "@tensorflow/tfjs";
import { tfjs } from "./tfjs.ts";
import { compareLayer, expectCloseScaled, reportMeasured, rng, runTfjsFunction, runTfjsLayer, spreadKernel, tfjsLayerForward, uniform, type Tolerance, type WeightMap } from "./layer-oracle.ts";

const TOL: Tolerance = { rtol: 1e-4, aScale: 2e-5 };

let tf: typeof TF;
beforeAll(async () => {
  tf = await tfjs();
});
afterAll(() => reportMeasured("layers-conv"));

/** A tfjs layer as compareLayer's TensorFlow.js side. */
const viaLayer = (make: () => TF.layers.Layer) => (x: Parameters<typeof runTfjsLayer>[2], w: WeightMap[], r: (s: number[]) => number[]) => runTfjsLayer(tf, make(), x, w, r);

describe("Dense against tf.layers.dense", () => {
  it.each([
    ["rank-2 input [4, 6] → 5 units, tanh", [4, 6]],
    ["rank-3 input [2, 3, 6] → 5 units, tanh (applied to the last axis)", [2, 3, 6]],
  ])("%s", (_name, inShape) => {
    const next = rng(11);
    const x = { values: uniform(next, inShape), shape: inShape };
    compareLayer({
      name: `Dense ${inShape.join("x")}`,
      imports: ["Dense"],
      layer: "Dense(5, activation: tanh)",
      tfjs: viaLayer(() => tf.layers.dense({ units: 5, activation: "tanh" })),
      x,
      // Keras/tfjs Dense weights: [kernel [in, units], bias [units]]; ours the same layout.
      weights: [
        { dnnc: "dense.kernel", shape: [6, 5], values: uniform(next, [6, 5], -0.6, 0.6) },
        { dnnc: "dense.bias", shape: [5], values: uniform(next, [5], -0.5, 0.5) },
      ],
      seed: 12,
      tol: TOL,
    });
  });
});

describe("Conv2D against tf.layers.conv2d (kernel 3, 3 → 4 channels, non-square 7×6 input)", () => {
  const cases: [string, { strides: number; padding: "valid" | "same"; dilation: number }][] = [
    ["valid, stride 1", { strides: 1, padding: "valid", dilation: 1 }],
    ["valid, stride 2", { strides: 2, padding: "valid", dilation: 1 }],
    ["same, stride 1", { strides: 1, padding: "same", dilation: 1 }],
    ["same, stride 2", { strides: 2, padding: "same", dilation: 1 }],
    ["valid, dilation 2 (tfjs: dilation only with stride 1; gradients through a zero-spread kernel)", { strides: 1, padding: "valid", dilation: 2 }],
    ["same, dilation 2 (gradients through a zero-spread kernel)", { strides: 1, padding: "same", dilation: 2 }],
  ];
  it.each(cases)("%s", (_name, c) => {
    const next = rng(21);
    const inShape = [2, 7, 6, 3];
    const x = { values: uniform(next, inShape), shape: inShape };
    const make = () => tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: c.strides, padding: c.padding, dilationRate: c.dilation });
    // Keras/tfjs Conv2D weights: [kernel [kh, kw, cin, cout], bias [cout]]; ours the same layout.
    const weights: WeightMap[] = [
      { dnnc: "conv2d.kernel", shape: [3, 3, 3, 4], values: uniform(next, [3, 3, 3, 4], -0.5, 0.5) },
      { dnnc: "conv2d.bias", shape: [4], values: uniform(next, [4], -0.5, 0.5) },
    ];
    const name = `Conv2D ${c.padding} s${c.strides} d${c.dilation}`;
    const dilated = (xt: TF.Tensor, k: TF.Tensor, b: TF.Tensor) => tf.add(tf.conv2d(xt as TF.Tensor4D, spreadKernel(tf, k, c.dilation) as TF.Tensor4D, c.strides, c.padding), b);
    if (c.dilation > 1) {
      const fromLayer = tfjsLayerForward(tf, make(), x, weights);
      const fromSpread = tf.tidy(() => [...dilated(tf.tensor(x.values, inShape), tf.tensor(weights[0]!.values, weights[0]!.shape), tf.tensor(weights[1]!.values, [4])).dataSync()]);
      expectCloseScaled(`${name}: zero-spread kernel against tf.layers.conv2d`, fromSpread, fromLayer, TOL.rtol, TOL.aScale);
    }
    compareLayer({
      name,
      imports: ["Conv2D"],
      layer: `Conv2D(4, 3, strides: ${c.strides}, padding: "${c.padding}", dilation_rate: ${c.dilation})`,
      tfjs: c.dilation > 1 ? (xs, w, r) => runTfjsFunction(tf, dilated as (x: TF.Tensor, ...w: TF.Tensor[]) => TF.Tensor, xs, w, r) : viaLayer(make),
      x,
      weights,
      seed: 22,
      tol: TOL,
    });
  });
});

/**
 * Keras's "same" average pooling written out: the valid average of the zero-padded input divided
 * by the valid average of a zero-padded mask of ones, so each window is the mean of its cells
 * inside the input. Needed for the gradient: tfjs-backend-cpu's AvgPoolGrad multiplies by
 * 1 / (pool·pool) at every window (AvgPoolGrad.js, `avgMultiplier`), inconsistent with its own
 * forward, which divides edge windows by their inside count; its dL/dx is wrong at the edges
 * (e.g. R/9 instead of R/6 at a corner window with 6 inside cells). The forward is checked
 * against tf.layers.averagePooling2d's first.
 */
function avgPoolSame(x: TF.Tensor, pool: number, stride: number): TF.Tensor {
  const [, h, w] = x.shape as number[];
  const pads = [h!, w!].map((n) => {
    const total = Math.max((Math.ceil(n / stride) - 1) * stride + pool - n, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)] as [number, number];
  });
  const padding: [number, number][] = [[0, 0], pads[0]!, pads[1]!, [0, 0]];
  const avg = (t: TF.Tensor) => tf.avgPool(tf.pad(t, padding) as TF.Tensor4D, pool, stride, "valid");
  return tf.div(avg(x), avg(tf.onesLike(x)));
}

describe("pooling against tf.layers.maxPooling2d and averagePooling2d (7×6 input, 3 channels; no weights, dL/dx only)", () => {
  const cases: [string, "MaxPool2D" | "AvgPool2D", { pool: number; strides: number; padding: "valid" | "same" }][] = [
    ["MaxPool2D pool 2, stride 2, valid", "MaxPool2D", { pool: 2, strides: 2, padding: "valid" }],
    ["MaxPool2D pool 3, stride 2, same", "MaxPool2D", { pool: 3, strides: 2, padding: "same" }],
    ["MaxPool2D pool 2, stride 2, same (odd height: a padded last row)", "MaxPool2D", { pool: 2, strides: 2, padding: "same" }],
    ["AvgPool2D pool 2, stride 2, valid", "AvgPool2D", { pool: 2, strides: 2, padding: "valid" }],
    // Keras's "same" average divides by the cells inside the input only (padding excluded), and so does ours.
    ["AvgPool2D pool 3, stride 2, same (edge windows average only their inside cells)", "AvgPool2D", { pool: 3, strides: 2, padding: "same" }],
    ["AvgPool2D pool 3, stride 1, same", "AvgPool2D", { pool: 3, strides: 1, padding: "same" }],
  ];
  it.each(cases)("%s", (_name, kind, c) => {
    const next = rng(31);
    const inShape = [2, 7, 6, 3];
    const x = { values: uniform(next, inShape), shape: inShape };
    const options = { poolSize: c.pool, strides: c.strides, padding: c.padding };
    const make = () => (kind === "MaxPool2D" ? tf.layers.maxPooling2d(options) : tf.layers.averagePooling2d(options));
    const name = `${kind} pool ${c.pool} s${c.strides} ${c.padding}`;
    const sameAvg = kind === "AvgPool2D" && c.padding === "same";
    const written = (xt: TF.Tensor) => avgPoolSame(xt, c.pool, c.strides);
    if (sameAvg) {
      const fromWritten = tf.tidy(() => [...written(tf.tensor(x.values, inShape)).dataSync()]);
      expectCloseScaled(`${name}: written-out same average against tf.layers.averagePooling2d`, fromWritten, tfjsLayerForward(tf, make(), x, []), TOL.rtol, TOL.aScale);
    }
    compareLayer({
      name,
      imports: [kind],
      layer: `${kind}(${c.pool}, strides: ${c.strides}, padding: "${c.padding}")`,
      tfjs: sameAvg ? (xs, w, r) => runTfjsFunction(tf, written, xs, w, r) : viaLayer(make),
      x,
      weights: [],
      seed: 32,
      tol: TOL,
    });
  });
});

describe("BatchNorm against tf.layers.batchNormalization", () => {
  // Both use Keras's convention: moving ← momentum·moving + (1 − momentum)·batch statistic
  // (tfjs writes it moving − (moving − batch)·(1 − momentum)), with the biased batch variance.
  it.each([
    ["NHWC input [3, 4, 2, 5] (statistics over N, H, W), momentum 0.9", [3, 4, 2, 5], 0.9],
    ["rank-2 input [6, 5], default momentum 0.99", [6, 5], 0.99],
  ])("%s: training output, dL/d gamma, beta and x, moving statistics after one step; inference output", (_name, inShape, momentum) => {
    const next = rng(41);
    // Inputs off-centre and not unit-scaled, so normalising does something.
    const x = { values: uniform(next, inShape, -1.5, 2.5), shape: inShape };
    compareLayer({
      name: `BatchNorm ${inShape.join("x")}`,
      imports: ["BatchNorm"],
      layer: `BatchNorm(momentum: ${momentum}, epsilon: 0.001)`,
      tfjs: viaLayer(() => tf.layers.batchNormalization({ axis: -1, momentum, epsilon: 0.001 })),
      x,
      // Keras/tfjs BatchNormalization weights: [gamma, beta, moving_mean, moving_variance], all [c];
      // ours the same, the last two `state`s (not trained).
      weights: [
        { dnnc: "batch_norm.gamma", shape: [5], values: uniform(next, [5], 0.5, 1.5) },
        { dnnc: "batch_norm.beta", shape: [5], values: uniform(next, [5], -0.5, 0.5) },
        { dnnc: "batch_norm.moving_mean", shape: [5], values: uniform(next, [5], -0.5, 0.5) },
        { dnnc: "batch_norm.moving_variance", shape: [5], values: uniform(next, [5], 0.5, 2) },
      ],
      trainable: 2,
      states: true,
      seed: 42,
      tol: TOL,
    });
  });
});

describe("Embedding against tf.layers.embedding", () => {
  it("ids [3, 5] with repeats into a 7 × 4 table: output and dL/d embeddings (repeated rows add up)", () => {
    const next = rng(51);
    const ids = [0, 3, 3, 6, 1, 2, 3, 0, 5, 5, 6, 6, 4, 3, 1];
    compareLayer({
      name: "Embedding",
      imports: ["Embedding"],
      layer: "Embedding(7, 4)",
      tfjs: viaLayer(() => tf.layers.embedding({ inputDim: 7, outputDim: 4 })),
      x: { values: ids, shape: [3, 5], dtype: "int32" },
      // Keras/tfjs Embedding weights: [embeddings [input_dim, output_dim]]; ours the same layout.
      weights: [{ dnnc: "embedding.embeddings", shape: [7, 4], values: uniform(next, [7, 4]) }],
      seed: 52,
      tol: TOL,
    });
  });
});
