// std.conv_layers against TensorFlow.js 4.22's tf.layers, as layers-conv.test.ts does for
// std.layers (same harness, same tolerance and its reasoning): UpSampling2D, DepthwiseConv2D,
// SeparableConv2D and Conv2DTranspose; and std.layers' Conv2D with `groups`, which tfjs's conv2d
// layer lacks.
// Compared are the inference and training outputs and the gradients of L = sum(y * R) with
// respect to every trainable weight and to the input. tfjs has no gradient for a dilated
// depthwise convolution, so there it comes from a zero-spread kernel, as for Conv2D.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as TF from "@tensorflow/tfjs";
import { tfjs } from "./tfjs.ts";
import { compareLayer, expectCloseScaled, reportMeasured, rng, runTfjsFunction, runTfjsLayer, spreadKernel, tfjsLayerForward, uniform, type Tolerance, type WeightMap } from "./layer-oracle.ts";

const TOL: Tolerance = { rtol: 1e-4, aScale: 2e-5 };

let tf: typeof TF;
beforeAll(async () => {
  tf = await tfjs();
});
afterAll(() => reportMeasured("layers-conv-more"));

const viaLayer = (make: () => TF.layers.Layer) => (x: Parameters<typeof runTfjsLayer>[2], w: WeightMap[], r: (s: number[]) => number[]) => runTfjsLayer(tf, make(), x, w, r);

/**
 * Nearest upsampling written out (every pixel tiled over a size × size block). Needed for the
 * gradient: tf.layers.upSampling2d's dL/dx (tfjs-backend-cpu's ResizeNearestNeighborGrad) is not
 * the block sum of R for these shapes (measured: 2.68 where dnnc and this give −1.84 at size 3,
 * element 24), so dL/dx comes from tf.grads of this, and
 * its output is first checked against tf.layers.upSampling2d's.
 */
function upsampleNearest(x: TF.Tensor, size: number): TF.Tensor {
  const [n, h, w, c] = x.shape as number[];
  // Rows, then columns, each a rank-4 tile (tfjs has the tile gradient only up to rank 5).
  const rows = tf.tile(tf.reshape(x, [n!, h!, 1, w! * c!]), [1, 1, size, 1]);
  return tf.reshape(tf.tile(tf.reshape(rows, [n! * h! * size, w!, 1, c!]), [1, 1, size, 1]), [n!, h! * size, w! * size, c!]);
}

describe("UpSampling2D against tf.layers.upSampling2d (nearest; 3×4 input, 2 channels; no weights, dL/dx only)", () => {
  it.each([[2], [3]])("size %i", (size) => {
    const next = rng(61);
    const inShape = [2, 3, 4, 2];
    const x = { values: uniform(next, inShape), shape: inShape };
    const written = (xt: TF.Tensor) => upsampleNearest(xt, size);
    const fromLayer = tfjsLayerForward(tf, tf.layers.upSampling2d({ size: [size, size], interpolation: "nearest" }), x, []);
    const fromWritten = tf.tidy(() => [...written(tf.tensor(x.values, inShape)).dataSync()]);
    expectCloseScaled(`UpSampling2D ${size}: written-out upsampling against tf.layers.upSampling2d`, fromWritten, fromLayer, TOL.rtol, TOL.aScale);
    const { tfjs: t } = compareLayer({
      name: `UpSampling2D ${size}`,
      imports: ["UpSampling2D"],
      module: "conv_layers",
      layer: `UpSampling2D(${size})`,
      tfjs: (xs, w, r) => runTfjsFunction(tf, written, xs, w, r),
      x,
      weights: [],
      seed: 62,
      tol: TOL,
    });
    expect(t.shape).toEqual([2, 3 * size, 4 * size, 2]);
  });
});

describe("DepthwiseConv2D against tf.layers.depthwiseConv2d (kernel 3, 3 channels, non-square 7×6 input)", () => {
  const cases: [string, { strides: number; padding: "valid" | "same"; multiplier: number; dilation?: number }][] = [
    ["valid, stride 1, depth_multiplier 1", { strides: 1, padding: "valid", multiplier: 1 }],
    ["same, stride 1, depth_multiplier 2", { strides: 1, padding: "same", multiplier: 2 }],
    ["valid, stride 2, depth_multiplier 2", { strides: 2, padding: "valid", multiplier: 2 }],
    ["same, stride 2, depth_multiplier 3", { strides: 2, padding: "same", multiplier: 3 }],
    ["same, dilation 2, depth_multiplier 2 (gradients through a zero-spread kernel)", { strides: 1, padding: "same", multiplier: 2, dilation: 2 }],
    ["valid, dilation 2, depth_multiplier 1 (gradients through a zero-spread kernel)", { strides: 1, padding: "valid", multiplier: 1, dilation: 2 }],
  ];
  it.each(cases)("%s", (_name, c) => {
    const d = c.dilation ?? 1;
    const next = rng(71);
    const inShape = [2, 7, 6, 3];
    const x = { values: uniform(next, inShape), shape: inShape };
    const m = c.multiplier;
    // Keras/tfjs DepthwiseConv2D weights: [depthwise_kernel [kh, kw, cin, multiplier], bias [cin·multiplier]]; ours the same.
    const weights: WeightMap[] = [
      { dnnc: "depthwise_conv2d.depthwise_kernel", shape: [3, 3, 3, m], values: uniform(next, [3, 3, 3, m], -0.5, 0.5) },
      { dnnc: "depthwise_conv2d.bias", shape: [3 * m], values: uniform(next, [3 * m], -0.5, 0.5) },
    ];
    // Keras's parameter count: kernel_size² · channels · depth_multiplier + channels · depth_multiplier.
    expect(weights.reduce((n, w) => n + w.values.length, 0)).toBe(3 * 3 * 3 * m + 3 * m);
    const name = `DepthwiseConv2D ${c.padding} s${c.strides} m${m} d${d}`;
    const make = () => tf.layers.depthwiseConv2d({ kernelSize: 3, strides: c.strides, padding: c.padding, depthMultiplier: m, dilationRate: d });
    const dilated = (xt: TF.Tensor, k: TF.Tensor, b: TF.Tensor) => tf.add(tf.depthwiseConv2d(xt as TF.Tensor4D, spreadKernel(tf, k, d) as TF.Tensor4D, c.strides, c.padding), b);
    if (d > 1) {
      // Checked against the tf.depthwiseConv2d op with `dilations`: tf.layers.depthwiseConv2d of
      // tfjs 4.22 ignores dilationRate (its output has the undilated shape).
      const op = (xt: TF.Tensor, k: TF.Tensor, b: TF.Tensor) => tf.add(tf.depthwiseConv2d(xt as TF.Tensor4D, k as TF.Tensor4D, c.strides, c.padding, "NHWC", d), b);
      const fromOp = tf.tidy(() => [...op(tf.tensor(x.values, inShape), tf.tensor(weights[0]!.values, weights[0]!.shape), tf.tensor(weights[1]!.values, [3 * m])).dataSync()]);
      const fromSpread = tf.tidy(() => [...dilated(tf.tensor(x.values, inShape), tf.tensor(weights[0]!.values, weights[0]!.shape), tf.tensor(weights[1]!.values, [3 * m])).dataSync()]);
      expectCloseScaled(`${name}: zero-spread kernel against tf.depthwiseConv2d with dilations`, fromSpread, fromOp, TOL.rtol, TOL.aScale);
    }
    compareLayer({
      name,
      imports: ["DepthwiseConv2D"],
      module: "conv_layers",
      layer: `DepthwiseConv2D(3, strides: ${c.strides}, padding: "${c.padding}", depth_multiplier: ${m}, dilation_rate: ${d})`,
      tfjs: d > 1 ? (xs, w, r) => runTfjsFunction(tf, dilated as (x: TF.Tensor, ...w: TF.Tensor[]) => TF.Tensor, xs, w, r) : viaLayer(make),
      x,
      weights,
      seed: 72,
      tol: TOL,
    });
  });
});

describe("SeparableConv2D against tf.layers.separableConv2d (kernel 3, 3 → 4 channels, non-square 7×6 input)", () => {
  const cases: [string, { strides: number; padding: "valid" | "same"; multiplier: number }][] = [
    ["valid, stride 1, depth_multiplier 1", { strides: 1, padding: "valid", multiplier: 1 }],
    ["same, stride 2, depth_multiplier 2", { strides: 2, padding: "same", multiplier: 2 }],
  ];
  it.each(cases)("%s", (_name, c) => {
    const next = rng(81);
    const inShape = [2, 7, 6, 3];
    const x = { values: uniform(next, inShape), shape: inShape };
    const m = c.multiplier;
    // Keras/tfjs SeparableConv2D weights: [depthwise_kernel [kh, kw, cin, multiplier],
    // pointwise_kernel [1, 1, cin·multiplier, filters], bias [filters]]; ours the same.
    const weights: WeightMap[] = [
      { dnnc: "separable_conv2d.depthwise_kernel", shape: [3, 3, 3, m], values: uniform(next, [3, 3, 3, m], -0.5, 0.5) },
      { dnnc: "separable_conv2d.pointwise_kernel", shape: [1, 1, 3 * m, 4], values: uniform(next, [1, 1, 3 * m, 4], -0.5, 0.5) },
      { dnnc: "separable_conv2d.bias", shape: [4], values: uniform(next, [4], -0.5, 0.5) },
    ];
    // Keras's parameter count: kernel_size² · channels · depth_multiplier + channels · depth_multiplier · filters + filters.
    expect(weights.reduce((n, w) => n + w.values.length, 0)).toBe(3 * 3 * 3 * m + 3 * m * 4 + 4);
    compareLayer({
      name: `SeparableConv2D ${c.padding} s${c.strides} m${m}`,
      imports: ["SeparableConv2D"],
      module: "conv_layers",
      layer: `SeparableConv2D(4, 3, strides: ${c.strides}, padding: "${c.padding}", depth_multiplier: ${m})`,
      tfjs: viaLayer(() => tf.layers.separableConv2d({ filters: 4, kernelSize: 3, strides: c.strides, padding: c.padding, depthMultiplier: m })),
      x,
      weights,
      seed: 82,
      tol: TOL,
    });
  });
});

/**
 * A grouped convolution written out with tfjs ops (tf.layers.conv2d of tfjs 4.22 has no
 * `groups`): the input channels and the kernel's filters split into `groups` blocks, one conv2d
 * per block, the results concatenated along the channels, plus bias, as Keras computes it.
 */
function groupedConv(x: TF.Tensor, kernel: TF.Tensor, bias: TF.Tensor, groups: number, strides: number, padding: "valid" | "same"): TF.Tensor {
  const xs = tf.split(x, groups, 3);
  const ks = tf.split(kernel, groups, 3);
  return tf.add(tf.concat(xs.map((xg, g) => tf.conv2d(xg as TF.Tensor4D, ks[g] as TF.Tensor4D, strides, padding)), 3), bias);
}

describe("Conv2D(groups:) against a grouped convolution written with tf.conv2d (kernel 3, 6 channels → 4 or 6 filters, 7×6 input)", () => {
  const cases: [string, { groups: number; filters: number; strides: number; padding: "valid" | "same" }][] = [
    ["groups 2, 4 filters, valid, stride 1", { groups: 2, filters: 4, strides: 1, padding: "valid" }],
    ["groups 3, 6 filters, same, stride 2", { groups: 3, filters: 6, strides: 2, padding: "same" }],
  ];
  it.each(cases)("%s", (_name, c) => {
    const next = rng(91);
    const inShape = [2, 7, 6, 6];
    const x = { values: uniform(next, inShape), shape: inShape };
    const kShape = [3, 3, 6 / c.groups, c.filters];
    // Keras's grouped Conv2D weights: [kernel [kh, kw, cin / groups, filters], bias [filters]]; ours the same.
    const weights: WeightMap[] = [
      { dnnc: "conv2d.kernel", shape: kShape, values: uniform(next, kShape, -0.5, 0.5) },
      { dnnc: "conv2d.bias", shape: [c.filters], values: uniform(next, [c.filters], -0.5, 0.5) },
    ];
    // Keras's parameter count: kernel_size² · (channels / groups) · filters + filters.
    expect(weights.reduce((n, w) => n + w.values.length, 0)).toBe(3 * 3 * (6 / c.groups) * c.filters + c.filters);
    const written = (xt: TF.Tensor, k: TF.Tensor, b: TF.Tensor) => groupedConv(xt, k, b, c.groups, c.strides, c.padding);
    // The written-out form agrees with tf.layers.conv2d at groups 1 (so tf.split/concat add nothing).
    const whole = { ...weights[0]!, shape: [3, 3, 6, c.filters], values: uniform(next, [3, 3, 6, c.filters], -0.5, 0.5) };
    const fromLayer = tfjsLayerForward(tf, tf.layers.conv2d({ filters: c.filters, kernelSize: 3, strides: c.strides, padding: c.padding }), x, [whole, weights[1]!]);
    const fromWritten = tf.tidy(() => [...groupedConv(tf.tensor(x.values, inShape), tf.tensor(whole.values, whole.shape), tf.tensor(weights[1]!.values, [c.filters]), 1, c.strides, c.padding).dataSync()]);
    expectCloseScaled(`Conv2D groups ${c.groups}: written-out at groups 1 against tf.layers.conv2d`, fromWritten, fromLayer, TOL.rtol, TOL.aScale);
    compareLayer({
      name: `Conv2D groups ${c.groups} ${c.padding} s${c.strides}`,
      imports: ["Conv2D"],
      layer: `Conv2D(${c.filters}, 3, strides: ${c.strides}, padding: "${c.padding}", groups: ${c.groups})`,
      tfjs: (xs, w, r) => runTfjsFunction(tf, written as (x: TF.Tensor, ...w: TF.Tensor[]) => TF.Tensor, xs, w, r),
      x,
      weights,
      seed: 92,
      tol: TOL,
    });
  });
});

describe("Conv2DTranspose against tf.layers.conv2dTranspose (padding valid; 3 → 4 filters, non-square 4×3 input)", () => {
  const cases: [string, { kernel: number; strides: number }][] = [
    ["kernel 3, stride 1", { kernel: 3, strides: 1 }],
    ["kernel 3, stride 2", { kernel: 3, strides: 2 }],
    ["kernel 2, stride 3 (gaps between the kernel's footprints)", { kernel: 2, strides: 3 }],
    ["kernel 1, stride 2", { kernel: 1, strides: 2 }],
  ];
  it.each(cases)("%s", (_name, c) => {
    const next = rng(101);
    const inShape = [2, 4, 3, 3];
    const x = { values: uniform(next, inShape), shape: inShape };
    const k = c.kernel;
    // Keras/tfjs Conv2DTranspose weights: [kernel [kh, kw, filters, cin], bias [filters]]; ours the same.
    const weights: WeightMap[] = [
      { dnnc: "conv2d_transpose.kernel", shape: [k, k, 4, 3], values: uniform(next, [k, k, 4, 3], -0.5, 0.5) },
      { dnnc: "conv2d_transpose.bias", shape: [4], values: uniform(next, [4], -0.5, 0.5) },
    ];
    // Keras's parameter count: kernel_size² · filters · channels + filters.
    expect(weights.reduce((n, w) => n + w.values.length, 0)).toBe(k * k * 4 * 3 + 4);
    const { tfjs: t } = compareLayer({
      name: `Conv2DTranspose k${k} s${c.strides}`,
      imports: ["Conv2DTranspose"],
      module: "conv_layers",
      layer: `Conv2DTranspose(4, ${k}, strides: ${c.strides})`,
      tfjs: viaLayer(() => tf.layers.conv2dTranspose({ filters: 4, kernelSize: k, strides: c.strides, padding: "valid" })),
      x,
      weights,
      seed: 102,
      tol: TOL,
    });
    // Keras's output size: H·strides + max(kernel_size − strides, 0).
    expect(t.shape).toEqual([2, 4 * c.strides + Math.max(k - c.strides, 0), 3 * c.strides + Math.max(k - c.strides, 0), 4]);
  });
});
