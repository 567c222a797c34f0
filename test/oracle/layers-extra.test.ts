// std.layers' use_bias: false (Dense, Conv2D), GlobalMaxPool2D, ZeroPadding2D and Cropping2D
// against TensorFlow.js 4.22's tf.layers, as layers-conv.test.ts checks the others: the same
// seeded weights and inputs on both sides; compared are the output at inference and while
// training and the gradients of L = sum(y * R) with respect to every trainable weight and the
// input. Each layer's parameter count is checked three ways: Keras's formula, tfjs's
// countParams(), and the weights dnnc creates (compareLayer requires dnnc's trainable
// parameters to be exactly the weights listed, so without use_bias there is no `bias`).
// Tolerance as in layers-conv.test.ts (and for the same reasons).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as TF from "@tensorflow/tfjs";
import { tfjs } from "./tfjs.ts";
import { compareLayer, reportMeasured, rng, runTfjsLayer, uniform, type Tolerance, type WeightMap } from "./layer-oracle.ts";

const TOL: Tolerance = { rtol: 1e-4, aScale: 2e-5 };

let tf: typeof TF;
beforeAll(async () => {
  tf = await tfjs();
});
afterAll(() => reportMeasured("layers-extra"));

/** compareLayer against a tfjs layer, then its parameter count against Keras's formula and dnnc's weights. */
function compareWithCount(opts: Omit<Parameters<typeof compareLayer>[0], "tfjs"> & { make: () => TF.layers.Layer; kerasParams: number }) {
  const layer = opts.make();
  compareLayer({ ...opts, tfjs: (x, w, r) => runTfjsLayer(tf, layer, x, w, r) });
  const dnncCount = opts.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  expect(layer.countParams(), `${opts.name}: tfjs's parameter count against Keras's formula`).toBe(opts.kerasParams);
  expect(dnncCount, `${opts.name}: dnnc's parameter count against Keras's formula`).toBe(opts.kerasParams);
}

describe("use_bias: false against tf.layers with useBias: false", () => {
  it.each([[[4, 6]], [[2, 3, 6]]])("Dense(5, activation: tanh, use_bias: false), input %j: no bias, in·units parameters", (inShape) => {
    const next = rng(51);
    compareWithCount({
      name: `Dense no bias ${inShape.join("x")}`,
      imports: ["Dense"],
      layer: "Dense(5, activation: tanh, use_bias: false)",
      make: () => tf.layers.dense({ units: 5, activation: "tanh", useBias: false }),
      x: { values: uniform(next, inShape), shape: inShape },
      weights: [{ dnnc: "dense.kernel", shape: [6, 5], values: uniform(next, [6, 5], -0.6, 0.6) }],
      kerasParams: 6 * 5,
      seed: 52,
      tol: TOL,
    });
  });

  it.each([
    ["valid", 1],
    ["same", 2],
  ] as const)("Conv2D(4, 3, padding: %s, strides: %d, use_bias: false): no bias, k·k·cin·filters parameters", (padding, strides) => {
    const next = rng(53);
    const inShape = [2, 7, 6, 3];
    compareWithCount({
      name: `Conv2D no bias ${padding} s${strides}`,
      imports: ["Conv2D"],
      layer: `Conv2D(4, 3, strides: ${strides}, padding: "${padding}", activation: relu, use_bias: false)`,
      make: () => tf.layers.conv2d({ filters: 4, kernelSize: 3, strides, padding, activation: "relu", useBias: false }),
      x: { values: uniform(next, inShape), shape: inShape },
      weights: [{ dnnc: "conv2d.kernel", shape: [3, 3, 3, 4], values: uniform(next, [3, 3, 3, 4], -0.5, 0.5) }],
      kerasParams: 3 * 3 * 3 * 4,
      seed: 54,
      tol: TOL,
    });
  });
});

describe("shape layers against tf.layers (7×6 input, 3 channels; no weights, dL/dx only)", () => {
  const cases: [string, string, () => TF.layers.Layer][] = [
    ["GlobalMaxPool2D", "GlobalMaxPool2D()", () => tf.layers.globalMaxPooling2d({})],
    ["ZeroPadding2D", "ZeroPadding2D(2)", () => tf.layers.zeroPadding2d({ padding: 2 })],
    ["ZeroPadding2D", "ZeroPadding2D()", () => tf.layers.zeroPadding2d({})],
    ["ZeroPadding2D", "ZeroPadding2D(0)", () => tf.layers.zeroPadding2d({ padding: 0 })],
    ["Cropping2D", "Cropping2D(2)", () => tf.layers.cropping2D({ cropping: 2 })],
    ["Cropping2D", "Cropping2D(0)", () => tf.layers.cropping2D({ cropping: 0 })],
  ];
  it.each(cases)("%s: %s", (kind, layer, make) => {
    const next = rng(61);
    const inShape = [2, 7, 6, 3];
    compareWithCount({
      name: layer,
      imports: [kind],
      layer,
      make,
      x: { values: uniform(next, inShape), shape: inShape },
      weights: [],
      kerasParams: 0,
      seed: 62,
      tol: TOL,
    });
  });
});
