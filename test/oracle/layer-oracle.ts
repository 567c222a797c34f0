// Shared by the layer oracle tests (layers-*.test.ts): runs one stdlib layer through dnnc's
// float64 reference interpreter and returns what TensorFlow.js is compared with: the forward
// output at inference, the output while training, the gradients of L = sum(y * R) with respect
// to every trainable parameter and to the input, and the states after one training step.
import { expect } from "vitest";
import type * as TF from "@tensorflow/tfjs";
import { CAPTURE } from "../helpers/capture.ts";
import { mulberry32 } from "../../src/runtime/random-order.ts";
import { compileModel, run } from "../stdlib/harness.ts";

// ---- seeded data ----------------------------------------------------------------------------

/** Seeded uniform numbers on [lo, hi) (mulberry32), so every run sees the same numbers. */
export function rng(seed: number): (lo?: number, hi?: number) => number {
  const next = mulberry32(seed);
  // Rounded to float32, so TensorFlow.js (float32) and dnnc (float64) start from identical values.
  return (lo = -1, hi = 1) => Math.fround(lo + (hi - lo) * next());
}

export const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** `count(shape)` values uniform on [lo, hi), float32-exact. */
export function uniform(next: ReturnType<typeof rng>, shape: readonly number[], lo = -1, hi = 1): number[] {
  return Array.from({ length: count(shape) }, () => next(lo, hi));
}

// ---- dnnc ----------------------------------------------------------------------------------

export interface DnncLayerRun {
  /** The forward function's output (training = false). */
  y: number[];
  /** The output inside the training step (training = true), read as the gradient of L with respect to R. */
  yTrain: number[];
  /** dL/dp by dnnc parameter name, and dL/dx under "x" (f32 inputs only). */
  grads: Record<string, number[]>;
  /** Every layer parameter and state after one training step (the capture optimizer leaves parameters alone). */
  after: Record<string, number[]>;
  /** The layer's trainable parameters and its states, as the compiled model declares them. */
  paramNames: string[];
  stateNames: string[];
}

/**
 * A model argument beside x that the layer call names (`mask: m`, `context: c`): an input, or
 * a param, whose dL/d name is then returned with the others.
 */
export interface ExtraArg {
  name: string;
  role: "input" | "param";
  /** Its type in the language, `f32[2, 3, 6]`. */
  type: string;
  values: number[];
}

/**
 * Compiles `x |> <layer>` for a fixed input shape and output shape, and runs its forward and one
 * training step with L = sum(y * R). The input x and R are declared `param`s rather than input and
 * target, so the capture optimizer (test/helpers/capture.ts) returns dL/dx and dL/dR = y as well;
 * an i32 input (Embedding) stays an input.
 */
export function runDnncLayer(opts: {
  imports: string[];
  /** The stdlib module the imports come from: "layers" (std.layers) unless given. */
  module?: string;
  layer: string;
  inShape: number[];
  outShape: number[];
  x: number[];
  r: number[];
  /** Values of the layer's parameters and states by dnnc name: every one must be given. */
  weights: Record<string, number[]>;
  intInput?: boolean;
  extra?: ExtraArg[];
}): DnncLayerRun {
  const { inShape, outShape } = opts;
  const extra = opts.extra ?? [];
  const extraDecls = extra.map((e) => `\n  ${e.role} ${e.name}: ${e.type}${e.role === "param" ? " = 0.0" : ""}`).join("");
  const xDecl = opts.intInput ? `input x: i32[${inShape.join(", ")}]` : `param x: f32[${inShape.join(", ")}] = 0.0`;
  const m = compileModel(`import std.${opts.module ?? "layers"}.{${opts.imports.join(", ")}}
${CAPTURE}
model LayerOracle {
  ${xDecl}
  param r: f32[${outShape.join(", ")}] = 0.0${extraDecls}
  output y: f32[${outShape.join(", ")}]
  y = x |> ${opts.layer}
}
train LayerOracle {
  loss = sum(y * r)
  optimizer = capture()
}`);
  const train = m.train!.fn;
  const notLayers = new Set(["x", "r", ...extra.map((e) => e.name)]);
  const layerArgs = m.forward.args.filter((a) => a.role === "param" && !notLayers.has(a.name)).map((a) => a.name);
  const trainable = new Set(train.args.filter((a) => a.name.endsWith("/capture.grad")).map((a) => a.name.slice(0, -"/capture.grad".length)));
  const paramNames = layerArgs.filter((n) => trainable.has(n));
  const stateNames = layerArgs.filter((n) => !trainable.has(n));
  expect(Object.keys(opts.weights).sort(), "the test gives exactly the layer's parameters and states").toEqual([...layerArgs].sort());
  for (const a of m.forward.args)
    if (a.name in opts.weights) expect(opts.weights[a.name]!.length, `${a.name}: values for f32[${a.shape.join(", ")}]`).toBe(count(a.shape as number[]));
  const byName: Record<string, number[]> = { ...opts.weights, ...Object.fromEntries(extra.map((e) => [e.name, e.values])), x: opts.x, r: opts.r, step: [1] };
  for (const a of train.args) if (a.name.endsWith("/capture.grad")) byName[a.name] = new Array<number>(count(a.shape as number[])).fill(0);
  const pick = (fn: typeof train) => Object.fromEntries(fn.args.map((a) => [a.name, byName[a.name]!]));
  const y = run(m.forward, pick(m.forward))["y"]!;
  const out = run(train, pick(train));
  const grads: Record<string, number[]> = {};
  for (const p of paramNames) grads[p] = out[`${p}/capture.grad`]!;
  if (!opts.intInput) grads["x"] = out["x/capture.grad"]!;
  for (const e of extra) if (e.role === "param") grads[e.name] = out[`${e.name}/capture.grad`]!;
  const after = Object.fromEntries(layerArgs.map((n) => [n, out[n]!]));
  return { y, yTrain: out["r/capture.grad"]!, grads, after, paramNames, stateNames };
}

// ---- TensorFlow.js --------------------------------------------------------------------------

let xCounter = 0; // names the input variables, which tfjs keeps in a global registry

export interface TfjsLayerRun {
  yInference: number[];
  yTrain: number[];
  shape: number[];
  /** dL/dw for each of the layer's trainable weights, in getWeights() order, and dL/dx. */
  weightGrads: number[][];
  xGrad: number[] | undefined;
  /** getWeights() after one training-mode application (BatchNorm's moving statistics move). */
  weightsAfter: number[][];
}

/**
 * Builds `layer` on `x`, sets its weights (getWeights() order), and returns its inference output
 * (first, before anything moves), the gradients of sum(y * R) with training: true through
 * tf.variableGrads, the weights after that one training application, and the training output.
 * `r` is generated by the caller once the output shape is known, so it is a function of that shape.
 */
export function runTfjsLayer(
  tf: typeof TF,
  layer: TF.layers.Layer,
  x: { values: number[]; shape: number[]; dtype?: "float32" | "int32" },
  weights: { values: number[]; shape: number[] }[],
  r: (outShape: number[]) => number[],
): TfjsLayerRun & { r: number[] } {
  return tf.tidy(() => {
    const xt = tf.tensor(x.values, x.shape, x.dtype ?? "float32");
    layer.apply(xt); // builds the weights (inference: BatchNorm's statistics do not move)
    layer.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)));
    const yInf = layer.apply(xt, { training: false }) as TF.Tensor;
    const shape = yInf.shape as number[];
    const rValues = r(shape);
    const R = tf.tensor(rValues, shape);
    const xVar = x.dtype === "int32" ? undefined : tf.variable(xt, true, `layer_oracle_x_${++xCounter}`);
    const trainables = layer.trainableWeights.map((w) => w.read() as TF.Variable);
    const vars = xVar ? [...trainables, xVar] : trainables;
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(xVar ?? xt, { training: true }) as TF.Tensor, R)) as TF.Scalar, vars);
    const weightsAfter = layer.getWeights().map((w) => [...w.dataSync()]);
    const yTrain = layer.apply(xVar ?? xt, { training: true }) as TF.Tensor;
    const result = {
      yInference: [...yInf.dataSync()],
      yTrain: [...yTrain.dataSync()],
      shape,
      weightGrads: trainables.map((v) => [...grads[v.name]!.dataSync()]),
      xGrad: xVar ? [...grads[xVar.name]!.dataSync()] : undefined,
      weightsAfter,
      r: rValues,
    };
    xVar?.dispose();
    return result;
  });
}

/** A tfjs layer's inference output on `x` with `weights` (no gradients). */
export function tfjsLayerForward(tf: typeof TF, layer: TF.layers.Layer, x: { values: number[]; shape: number[] }, weights: { values: number[]; shape: number[] }[]): number[] {
  return tf.tidy(() => {
    const xt = tf.tensor(x.values, x.shape);
    layer.apply(xt);
    layer.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)));
    return [...(layer.apply(xt) as TF.Tensor).dataSync()];
  });
}

/**
 * The same as runTfjsLayer for a layer written out with TensorFlow.js ops: `f(x, ...weights)`
 * gives y, and tf.grads differentiates sum(y * R) with respect to every weight and x.
 */
export function runTfjsFunction(
  tf: typeof TF,
  f: (x: TF.Tensor, ...weights: TF.Tensor[]) => TF.Tensor,
  x: { values: number[]; shape: number[] },
  weights: { values: number[]; shape: number[] }[],
  r: (outShape: number[]) => number[],
): TfjsLayerRun & { r: number[] } {
  return tf.tidy(() => {
    const xt = tf.tensor(x.values, x.shape);
    const ws = weights.map((w) => tf.tensor(w.values, w.shape));
    const y = f(xt, ...ws);
    const shape = y.shape as number[];
    const rValues = r(shape);
    const R = tf.tensor(rValues, shape);
    const g = tf.grads((...args: TF.Tensor[]) => tf.sum(tf.mul(f(args[0]!, ...args.slice(1)), R)))([xt, ...ws]);
    const yValues = [...y.dataSync()];
    return {
      yInference: yValues,
      yTrain: yValues,
      shape,
      weightGrads: g.slice(1).map((t) => [...t.dataSync()]),
      xGrad: [...g[0]!.dataSync()],
      weightsAfter: weights.map((w) => w.values),
      r: rValues,
    };
  });
}

/**
 * A dilated convolution (or depthwise convolution) written as an undilated one whose kernel is spread out with zeros
 * (rate − 1 between taps): TensorFlow.js has no gradient for a dilated conv2d ("dilation rates
 * greater than 1 are not yet supported in gradients"), so with dilation its gradients come from
 * tf.grads of this, and its output is checked against tf.layers.conv2d's first.
 */
export function spreadKernel(tf: typeof TF, k: TF.Tensor, rate: number): TF.Tensor {
  const spread = (t: TF.Tensor, axis: number) => {
    const taps = tf.unstack(t, axis);
    const gap = tf.zerosLike(taps[0]!);
    return tf.stack(taps.flatMap((tap, i) => (i === taps.length - 1 ? [tap] : [tap, ...Array<TF.Tensor>(rate - 1).fill(gap)])), axis);
  };
  return spread(spread(k, 0), 1);
}

// ---- comparison -----------------------------------------------------------------------------

/** Per comparison: the largest relative error and fraction of the tolerance used (printed when ORACLE_REPORT is set). */
export const measured = new Map<string, { rel: number; used: number }>();

/**
 * |actual − expected| ≤ atol + rtol·|expected| element-wise, with atol = aScale · max|expected|:
 * the tolerance for an element near zero is relative to the tensor's scale, since TensorFlow.js's
 * float32 rounding of a sum is relative to its terms, not to its (possibly cancelling) result.
 * Fails on a length mismatch, on a non-finite value, and on an expected tensor that is all zeros
 * (a comparison that could not fail). Records under `what` the largest relative error |a − e| / |e| among the elements with |e| ≥ 1 % of
 * max|e|, and the largest fraction of the tolerance used.
 */
export function expectCloseScaled(what: string, actual: readonly number[], expected: readonly number[], rtol: number, aScale: number): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  expect(expected.length, `${what}: nothing to compare`).toBeGreaterThan(0);
  const scale = Math.max(...expected.map(Math.abs));
  expect(scale, `${what}: the expected values are all zero, so the comparison proves nothing`).toBeGreaterThan(1e-6);
  const atol = aScale * scale;
  let worst = 0;
  let used = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Number.isFinite(a) && Number.isFinite(e))) expect.fail(`${what}[${i}]: ${a} vs ${e}`);
    const diff = Math.abs(a - e);
    if (Math.abs(e) >= 1e-2 * scale) worst = Math.max(worst, diff / Math.abs(e));
    used = Math.max(used, diff / (atol + rtol * Math.abs(e)));
    if (!(diff <= atol + rtol * Math.abs(e))) expect.fail(`${what}[${i}] = ${a}, expected ${e} (|diff| = ${diff}, rtol ${rtol}, atol ${atol})`);
  }
  const before = measured.get(what) ?? { rel: 0, used: 0 };
  measured.set(what, { rel: Math.max(before.rel, worst), used: Math.max(before.used, used) });
}

/** Prints the max relative errors by comparison (ORACLE_REPORT=1 npx vitest run test/oracle/layers). */
export function reportMeasured(title: string): void {
  if (!process.env["ORACLE_REPORT"]) return;
  const lines = [...measured].map(([k, v]) => `  ${v.rel.toExponential(2)}  ${v.used.toFixed(3)}  ${k}`);
  console.log(`${title}: max |a − e| / |e| (where |e| ≥ 1 % of max|e|), max fraction of the tolerance used\n${lines.join("\n")}`);
}

// ---- one layer, both sides ------------------------------------------------------------------

/** A weight in TensorFlow.js's getWeights() order, with the dnnc parameter or state holding the same values. */
export interface WeightMap {
  dnnc: string;
  /** TensorFlow.js's shape; dnnc's layout has the same row-major values unless `toDnnc` says otherwise. */
  shape: number[];
  values: number[];
  /** Converts the TensorFlow.js values to dnnc's layout (identity when absent). */
  toDnnc?: (v: number[]) => number[];
}

export interface Tolerance {
  rtol: number;
  aScale: number;
}

/**
 * Runs one configuration on both sides and compares: the inference output, the training output,
 * dL/dw for every trainable weight (the first `trainable` entries of `weights`; the rest are
 * states), dL/dx, and the states after one training step. `name` prefixes every comparison.
 */
export function compareLayer(opts: {
  name: string;
  imports: string[];
  module?: string;
  layer: string;
  tfjs: (x: { values: number[]; shape: number[]; dtype?: "float32" | "int32" }, weights: WeightMap[], r: (shape: number[]) => number[]) => TfjsLayerRun & { r: number[] };
  x: { values: number[]; shape: number[]; dtype?: "float32" | "int32" };
  weights: WeightMap[];
  trainable?: number;
  seed: number;
  tol: Tolerance;
  /** Compare the states after one training step (BatchNorm's moving statistics). */
  states?: boolean;
  /**
   * Weights whose gradient is zero in exact arithmetic (attention's key bias: softmax does not
   * see a shift common to every key), so a relative comparison could not fail: both sides must
   * be zero to their precision instead, relative to the largest dL/dx.
   */
  zeroGradients?: string[];
  /** Further model arguments the layer call names (runDnncLayer's `extra`). */
  extra?: ExtraArg[];
}): { dnnc: DnncLayerRun; tfjs: TfjsLayerRun } {
  const { name, tol } = opts;
  const next = rng(opts.seed);
  const tfjs = opts.tfjs(opts.x, opts.weights, (shape) => uniform(next, shape));
  const conv = (w: WeightMap, v: number[]) => (w.toDnnc ? w.toDnnc(v) : v);
  const dnnc = runDnncLayer({
    imports: opts.imports,
    module: opts.module,
    layer: opts.layer,
    inShape: opts.x.shape,
    outShape: tfjs.shape,
    x: opts.x.values,
    r: tfjs.r,
    weights: Object.fromEntries(opts.weights.map((w) => [w.dnnc, conv(w, w.values)])),
    intInput: opts.x.dtype === "int32",
    extra: opts.extra,
  });
  const k = opts.trainable ?? opts.weights.length;
  expect(dnnc.paramNames, `${name}: dnnc's trainable parameters are the first ${k} weights`).toEqual(opts.weights.slice(0, k).map((w) => w.dnnc));
  expect(tfjs.weightGrads.length, `${name}: TensorFlow.js's trainable weights`).toBe(k);
  const close = (what: string, a: readonly number[], e: readonly number[]) => expectCloseScaled(`${name}: ${what}`, a, e, tol.rtol, tol.aScale);
  close("y (inference)", dnnc.y, tfjs.yInference);
  close("y (training)", dnnc.yTrain, tfjs.yTrain);
  const zero = new Set(opts.zeroGradients ?? []);
  const gradScale = Math.max(...(tfjs.xGrad ?? [1]).map(Math.abs));
  opts.weights.slice(0, k).forEach((w, j) => {
    if (!zero.has(w.dnnc)) return close(`dL/d ${w.dnnc}`, dnnc.grads[w.dnnc]!, conv(w, tfjs.weightGrads[j]!));
    for (const [side, g, eps] of [["dnnc", dnnc.grads[w.dnnc]!, 1e-12], ["tfjs", tfjs.weightGrads[j]!, 1e-5]] as const)
      expect(Math.max(...g.map(Math.abs)), `${name}: dL/d ${w.dnnc} is zero (${side})`).toBeLessThanOrEqual(eps * gradScale);
  });
  if (tfjs.xGrad) close("dL/dx", dnnc.grads["x"]!, tfjs.xGrad);
  if (opts.states) {
    expect(opts.weights.length, `${name}: states to compare`).toBeGreaterThan(k);
    opts.weights.slice(k).forEach((w, j) => close(`${w.dnnc} after one step`, dnnc.after[w.dnnc]!, conv(w, tfjs.weightsAfter[k + j]!)));
  }
  return { dnnc, tfjs };
}
