// std.layers' sequence layers, Conv1D, MaxPool1D, AvgPool1D and GlobalAvgPool1D, against
// TensorFlow.js 4.22's tf.layers, as layers-conv.test.ts checks the 2-D ones: the same seeded
// weights and inputs on both sides; compared are the output at inference and while training and
// the gradients of L = sum(y * R) with respect to every trainable weight and the input. As in
// 2-D, two tfjs gradients cannot serve (a dilated conv has none; "same" average pooling's is
// wrong at the edges): there the gradients come from tf.grads of the operation written out with
// other tfjs ops, whose output is first checked against the tfjs layer's. Parameter counts are
// checked against Keras's formula (k·cin·filters, + filters with a bias) and tfjs's countParams().
// Tolerance as in layers-conv.test.ts (and for the same reasons).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as TF from "@tensorflow/tfjs";
import { tfjs } from "./tfjs.ts";
import { compareLayer, expectCloseScaled, reportMeasured, rng, runTfjsFunction, runTfjsLayer, tfjsLayerForward, uniform, type Tolerance, type WeightMap } from "./layer-oracle.ts";

const TOL: Tolerance = { rtol: 1e-4, aScale: 2e-5 };

let tf: typeof TF;
beforeAll(async () => {
  tf = await tfjs();
});
afterAll(() => reportMeasured("layers-1d"));

type Written = (x: TF.Tensor, ...w: TF.Tensor[]) => TF.Tensor;

/** compareLayer against a tfjs layer, or against `written` after checking its output against the layer's. */
function compare1d(opts: { name: string; kind: string; layer: string; make: () => TF.layers.Layer; written?: Written; inShape: number[]; weights: WeightMap[]; kerasParams: number }) {
  const next = rng(71);
  const x = { values: uniform(next, opts.inShape), shape: opts.inShape };
  const layer = opts.make();
  if (opts.written) {
    const fromWritten = tf.tidy(() => [...opts.written!(tf.tensor(x.values, opts.inShape), ...opts.weights.map((w) => tf.tensor(w.values, w.shape))).dataSync()]);
    expectCloseScaled(`${opts.name}: written out against the tfjs layer`, fromWritten, tfjsLayerForward(tf, opts.make(), x, opts.weights), TOL.rtol, TOL.aScale);
  }
  compareLayer({
    name: opts.name,
    imports: [opts.kind],
    layer: opts.layer,
    tfjs: opts.written ? (xs, w, r) => runTfjsFunction(tf, opts.written!, xs, w, r) : (xs, w, r) => runTfjsLayer(tf, layer, xs, w, r),
    x,
    weights: opts.weights,
    seed: 72,
    tol: TOL,
  });
  if (!opts.written) expect(layer.countParams(), `${opts.name}: tfjs's parameter count against Keras's formula`).toBe(opts.kerasParams);
  expect(opts.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0), `${opts.name}: dnnc's parameter count against Keras's formula`).toBe(opts.kerasParams);
}

/** A dilated 1-D kernel [k, cin, f] spread out with rate − 1 zero taps between taps. */
function spreadKernel(k: TF.Tensor, rate: number): TF.Tensor {
  const taps = tf.unstack(k, 0);
  const gap = tf.zerosLike(taps[0]!);
  return tf.stack(taps.flatMap((tap, i) => (i === taps.length - 1 ? [tap] : [tap, ...Array<TF.Tensor>(rate - 1).fill(gap)])), 0);
}

describe("Conv1D against tf.layers.conv1d (kernel 3, 3 → 4 channels, 9 steps)", () => {
  const cases: [string, { strides: number; padding: "valid" | "same"; dilation: number; bias: boolean }][] = [
    ["valid, stride 1", { strides: 1, padding: "valid", dilation: 1, bias: true }],
    ["valid, stride 2", { strides: 2, padding: "valid", dilation: 1, bias: true }],
    ["same, stride 2", { strides: 2, padding: "same", dilation: 1, bias: true }],
    ["same, stride 1, use_bias: false", { strides: 1, padding: "same", dilation: 1, bias: false }],
    ["valid, dilation 2 (gradients through a zero-spread kernel)", { strides: 1, padding: "valid", dilation: 2, bias: true }],
    ["same, dilation 2 (gradients through a zero-spread kernel)", { strides: 1, padding: "same", dilation: 2, bias: true }],
  ];
  it.each(cases)("%s", (_name, c) => {
    const next = rng(73);
    // Keras/tfjs Conv1D weights: [kernel [k, cin, filters], bias [filters]]; ours the same layout.
    const weights: WeightMap[] = [{ dnnc: "conv1d.kernel", shape: [3, 3, 4], values: uniform(next, [3, 3, 4], -0.5, 0.5) }];
    if (c.bias) weights.push({ dnnc: "conv1d.bias", shape: [4], values: uniform(next, [4], -0.5, 0.5) });
    const dilated: Written = (x, k, b) => tf.add(tf.conv1d(x as TF.Tensor3D, spreadKernel(k!, c.dilation) as TF.Tensor3D, c.strides, c.padding), b!);
    compare1d({
      name: `Conv1D ${c.padding} s${c.strides} d${c.dilation}${c.bias ? "" : " no bias"}`,
      kind: "Conv1D",
      layer: `Conv1D(4, 3, strides: ${c.strides}, padding: "${c.padding}", dilation_rate: ${c.dilation}, use_bias: ${c.bias})`,
      make: () => tf.layers.conv1d({ filters: 4, kernelSize: 3, strides: c.strides, padding: c.padding, dilationRate: c.dilation, useBias: c.bias }),
      written: c.dilation > 1 ? dilated : undefined,
      inShape: [2, 9, 3],
      weights,
      kerasParams: 3 * 3 * 4 + (c.bias ? 4 : 0),
    });
  });
});

/** Keras's "same" 1-D average written out: the valid average of the zero-padded input over that of a padded mask of ones. */
function avgPoolSame1d(x: TF.Tensor, pool: number, stride: number): TF.Tensor {
  const t = x.shape[1]!;
  const total = Math.max((Math.ceil(t / stride) - 1) * stride + pool - t, 0);
  const padding: [number, number][] = [[0, 0], [Math.floor(total / 2), total - Math.floor(total / 2)], [0, 0]];
  const avg = (v: TF.Tensor) => tf.avgPool(tf.expandDims(tf.pad(v, padding), 2) as TF.Tensor4D, [pool, 1], [stride, 1], "valid").squeeze([2]);
  return tf.div(avg(x), avg(tf.onesLike(x)));
}

describe("1-D pooling against tf.layers.maxPooling1d, averagePooling1d, globalAveragePooling1d (9 steps, 3 channels; dL/dx only)", () => {
  const cases: [string, string, { pool: number; strides: number; padding: "valid" | "same" }][] = [
    ["MaxPool1D pool 2, stride 2, valid", "MaxPool1D", { pool: 2, strides: 2, padding: "valid" }],
    ["MaxPool1D pool 3, stride 2, same", "MaxPool1D", { pool: 3, strides: 2, padding: "same" }],
    ["AvgPool1D pool 2, stride 2, valid", "AvgPool1D", { pool: 2, strides: 2, padding: "valid" }],
    ["AvgPool1D pool 3, stride 1, valid", "AvgPool1D", { pool: 3, strides: 1, padding: "valid" }],
    ["AvgPool1D pool 3, stride 2, same (edge windows average only their inside cells)", "AvgPool1D", { pool: 3, strides: 2, padding: "same" }],
  ];
  it.each(cases)("%s", (_name, kind, c) => {
    const options = { poolSize: c.pool, strides: c.strides, padding: c.padding };
    compare1d({
      name: `${kind} pool ${c.pool} s${c.strides} ${c.padding}`,
      kind,
      layer: `${kind}(${c.pool}, strides: ${c.strides}, padding: "${c.padding}")`,
      make: () => (kind === "MaxPool1D" ? tf.layers.maxPooling1d(options) : tf.layers.averagePooling1d(options)),
      written: kind === "AvgPool1D" && c.padding === "same" ? (x) => avgPoolSame1d(x, c.pool, c.strides) : undefined,
      inShape: [2, 9, 3],
      weights: [],
      kerasParams: 0,
    });
  });

  it("GlobalAvgPool1D", () => {
    compare1d({ name: "GlobalAvgPool1D", kind: "GlobalAvgPool1D", layer: "GlobalAvgPool1D()", make: () => tf.layers.globalAveragePooling1d({}), inShape: [2, 9, 3], weights: [], kerasParams: 0 });
  });
});
