// std.optimizers against TensorFlow.js 4.22's optimizers (tf.train.*, pure-JS CPU backend, float32).
// One small classifier, x (8 × 5) → tanh(x @ w1 + b1) (4 units) → @ w2 + b2 (3 logits), with a
// softmax cross-entropy against integer labels, starts from the same explicit weights on both sides
// and trains for 10 steps on one fixed batch: ours through the compiled training step in the float64
// reference interpreter (parameters, optimizer states and the step number t = 1…10 fed back in),
// tfjs's with tf.variables, tf.variableGrads over tf.losses.softmaxCrossEntropy, and the
// optimizer's applyGradients. After every step the loss and every parameter are compared.
//
// Mapping of the update rules (ours follow Keras; tfjs differs in form, not in the numbers, except
// where said):
//   - sgd(lr, momentum, nesterov) with momentum > 0 ↔ tf.train.momentum(lr, momentum, nesterov):
//     tfjs accumulates a = m·a + g and steps p ← p − lr·a (nesterov p ← p − lr·(g + m·a)); Keras's
//     v = m·v − lr·g is v = −lr·a for a constant lr, so p ← p + v (p + m·v − lr·g) is the same.
//     Plain sgd ↔ tf.train.sgd. momentum(…) is sgd with momentum 0.9 unless given.
//   - adagrad ↔ tf.train.adagrad(lr, initial accumulator): a ← a + g², p ← p − lr·g/sqrt(a + ε),
//     with tfjs's ε the backend's epsilon(), 1e-7, Keras's default (checked below).
//   - rmsprop ↔ tf.train.rmsprop(lr, decay = rho, momentum, ε, centered): the same recurrences; but
//     tfjs's centered form divides by sqrt(ms − (mg² + ε)), subtracting ε where Keras (and TF's
//     ApplyCenteredRMSProp) add it, so centered cases pass tfjs −ε to get Keras's ms − mg² + ε.
//   - adam ↔ tf.train.adam: tfjs divides the bias-corrected moments, lr·m̂/(sqrt(v̂) + ε_tfjs);
//     Keras (and ours) fold the corrections into the step, lr·sqrt(1 − β₂ᵗ)/(1 − β₁ᵗ)·m/(sqrt(v) + ε),
//     which is tfjs's with ε_tfjs = ε/sqrt(1 − β₂ᵗ), a value that changes every step. Besides, tfjs
//     keeps βᵗ as a float32 running product and forms 1 − β₂ᵗ in float32, where it cancels: 0.999 is
//     0.999 + 1.3e-8 in float32, so 1 − β₂ is off by 1.3e-5 relative, and each product rounds by up to
//     6e-8 against a difference of ~1e-3·t: over these ten steps tfjs's 1 − β₂ᵗ is 1.3e-5 to 2.7e-5
//     too small, which shrinks every Adam step by up to 1.3e-5 of its size (measured: 2.2e-6 absolute
//     after 10 steps at lr 0.01, ~2e-4 relative on the smaller weights, against ATOL = 1e-6):
//     float32 bookkeeping of two scalars, not the update rule. So before each step tfjs's epsilon and
//     learning rate (protected fields, read at each applyGradients) are set from its own float32
//     corrections so that its step is Keras's with exact ones (adamKeras below); what is compared is
//     the per-element arithmetic.
//   - adamw: tfjs has no AdamW. Keras's AdamW is Adam after Optimizer._apply_weight_decay, which
//     runs before the update with the gradient already taken: p ← p − p·weight_decay·lr. The tfjs
//     loop does exactly that to every variable (biases too, as Keras and ours) between
//     tf.variableGrads and applyGradients.
//
// Tolerances: tfjs keeps parameters, states and gradients in float32, we in float64. A gradient
// entry then differs by ~1e-7 relative to the largest terms it sums (measured up to 4e-6 relative to
// itself for the smaller entries), and storing parameters in float32 rounds them by 6e-8 relative
// per step: over ten steps every parameter of size O(0.1–1) stays within ~1e-6 relative, hence
// RTOL = 1e-5 (a tenfold margin). ATOL = 1e-6 is for the entries near zero, and comes from the
// normalised optimizers (adagrad, rmsprop, adam): each step moves an entry by up to ~lr whatever the
// size of its gradient, so a relative gradient error of up to ~1e-5 (a small gradient that is a
// difference of larger terms) costs lr·1e-5 per step, 10 steps · 0.01 · 1e-5 = 1e-6 at the lr used.
// Losses (one float32 forward pass) are compared with the same tolerances. Where a mapping above is
// wrong the difference is far larger: a tfjs nesterov flag off, tfjs's centered ε sign left as is,
// or Adam without the epsilon/bias-correction mapping each fail (checked when writing this test).
import { beforeAll, describe, expect, it } from "vitest";
import type { Tensor, Variable, Optimizer } from "@tensorflow/tfjs";
import { tfjs } from "./tfjs.ts";
import { compileModel, run, runInit } from "../stdlib/harness.ts";
import { errorReport, expectNear, NONE, worst } from "./near.ts";

type Tf = Awaited<ReturnType<typeof tfjs>>;
let tf: Tf;
beforeAll(async () => {
  tf = await tfjs();
});

const RTOL = 1e-5;
const ATOL = 1e-6;
const STEPS = 10;
const B = 8;
const D = 5;
const H = 4;
const C = 3;

/** Deterministic values in (−scale, scale), float32-representable: the same bits on both sides. */
function values(n: number, seed: number, scale: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.fround(scale * (2 * (s / 2147483648) - 1));
  });
}

const X = values(B * D, 7, 2);
const Y = [0, 1, 2, 1, 0, 2, 2, 1];
const INIT: Record<string, { shape: number[]; value: number[] }> = {
  w1: { shape: [D, H], value: values(D * H, 11, 0.8) },
  b1: { shape: [H], value: values(H, 13, 0.3) },
  w2: { shape: [H, C], value: values(H * C, 17, 0.8) },
  b2: { shape: [C], value: values(C, 19, 0.3) },
};
const PARAMS = Object.keys(INIT);

function source(opt: string): string {
  return `import std.losses.{sparse_cross_entropy}
import std.optimizers.{sgd, momentum, adagrad, rmsprop, adam, adamw}

model Net {
  input x: f32[B, ${D}]
  output logits: f32[B, ${C}]
  param w1: f32[${D}, ${H}] = 0.0
  param b1: f32[${H}] = 0.0
  param w2: f32[${H}, ${C}] = 0.0
  param b2: f32[${C}] = 0.0
  logits = tanh(x @ w1 + b1) @ w2 + b2
}

train Net {
  target y: i32[B]
  loss = sparse_cross_entropy(logits, y)
  optimizer = ${opt}
}`;
}

/** Ours: the loss before each step, and every parameter after it. */
function trainOurs(opt: string): { losses: number[]; params: Record<string, number[]>[] } {
  const model = compileModel(source(opt));
  const fn = model.train!.fn;
  // Optimizer states start from the init function (adagrad's accumulator at its initial value);
  // the parameters from INIT, replacing the init function's zeros.
  const values: Record<string, number[]> = runInit(model, 1);
  for (const p of PARAMS) values[p] = [...INIT[p]!.value];
  const losses: number[] = [];
  const params: Record<string, number[]>[] = [];
  for (let t = 1; t <= STEPS; t++) {
    const out = run(fn, { ...values, x: X, y: Y, step: [t] }, { B });
    for (const o of fn.outputs) if (o.name !== "loss") values[o.name] = out[o.name]!;
    losses.push(out["loss"]![0]!);
    params.push(Object.fromEntries(PARAMS.map((p) => [p, out[p]!])));
  }
  return { losses, params };
}

interface TfOptimizer {
  make: () => Optimizer;
  /** Adjusts the optimizer before step t (adam's epsilon). */
  before?: (opt: Optimizer, t: number) => void;
  /** Keras's decoupled weight decay, weight_decay·lr, applied before each update (AdamW). */
  decay?: number;
}

let unique = 0;
/** tfjs: the same loop with tf.variables and tf.train's optimizer. */
function trainTfjs(spec: TfOptimizer): { losses: number[]; params: Record<string, number[]>[] } {
  const prefix = `opt${unique++}`;
  const vars: Record<string, Variable> = Object.fromEntries(
    PARAMS.map((p) => [p, tf.variable(tf.tensor(INIT[p]!.value, INIT[p]!.shape), true, `${prefix}/${p}`)]),
  );
  const varList = PARAMS.map((p) => vars[p]!);
  const x = tf.tensor2d(X, [B, D]);
  const y = tf.oneHot(tf.tensor1d(Y, "int32"), C);
  const loss = (): Tensor => {
    const hidden = tf.tanh(tf.add(tf.matMul(x, vars["w1"]!), vars["b1"]!));
    return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(hidden, vars["w2"]!), vars["b2"]!));
  };
  const opt = spec.make();
  const losses: number[] = [];
  const params: Record<string, number[]>[] = [];
  try {
    for (let t = 1; t <= STEPS; t++) {
      const { value, grads } = tf.variableGrads(loss as () => ReturnType<Tf["scalar"]>, varList);
      losses.push(value.dataSync()[0]!);
      if (spec.decay !== undefined) for (const v of varList) tf.tidy(() => v.assign(tf.sub(v, tf.mul(v, spec.decay!))));
      spec.before?.(opt, t);
      opt.applyGradients(grads);
      tf.dispose([value, ...Object.values(grads)]);
      params.push(Object.fromEntries(PARAMS.map((p) => [p, [...vars[p]!.dataSync()]])));
    }
  } finally {
    opt.dispose();
    tf.dispose([...varList, x, y]);
  }
  return { losses, params };
}

/**
 * tf.train.adam made to take Keras's step exactly (see above): before step t its epsilon becomes
 * ε/sqrt(c₂) and its learning rate lr·(c₁/ĉ₁)/sqrt(c₂/ĉ₂), where ĉᵢ = 1 − βᵢᵗ exactly and cᵢ is tfjs's
 * float32 1 − accBetaᵢ that its bias correction divides by. Then lr·(m/c₁)/(sqrt(v/c₂) + ε_tfjs) is
 * lr·sqrt(ĉ₂)/ĉ₁·m/(sqrt(v) + ε), Keras's form with exact corrections.
 */
function adamKeras(lr: number, beta1: number, beta2: number, eps: number, weightDecay?: number): TfOptimizer {
  return {
    make: () => tf.train.adam(lr, beta1, beta2, eps),
    before: (opt, t) => {
      const o = opt as unknown as { learningRate: number; epsilon: number; accBeta1: Variable; accBeta2: Variable };
      // tfjs's 1 − accBeta (a float32 subtraction); accBeta is βᵗ accumulated by float32 products.
      const c1 = Math.fround(1 - o.accBeta1.dataSync()[0]!);
      const c2 = Math.fround(1 - o.accBeta2.dataSync()[0]!);
      o.epsilon = eps / Math.sqrt(c2);
      o.learningRate = (lr * (c1 / (1 - beta1 ** t))) / Math.sqrt(c2 / (1 - beta2 ** t));
    },
    ...(weightDecay !== undefined ? { decay: weightDecay * lr } : {}),
  };
}

const CASES: [string, TfOptimizer][] = [
  ["sgd(lr: 0.1)", { make: () => tf.train.sgd(0.1) }],
  ["sgd()", { make: () => tf.train.sgd(0.01) }],
  ["sgd(lr: 0.1, momentum: 0.9)", { make: () => tf.train.momentum(0.1, 0.9) }],
  ["sgd(lr: 0.1, momentum: 0.9, nesterov: true)", { make: () => tf.train.momentum(0.1, 0.9, true) }],
  ["momentum()", { make: () => tf.train.momentum(0.01, 0.9) }],
  ["momentum(lr: 0.05, nesterov: true)", { make: () => tf.train.momentum(0.05, 0.9, true) }],
  ["momentum(lr: 0.1, momentum: 0.5)", { make: () => tf.train.momentum(0.1, 0.5) }],
  ["adagrad(lr: 0.1)", { make: () => tf.train.adagrad(0.1, 0.1) }],
  ["adagrad(lr: 0.1, initial_accumulator_value: 0.5)", { make: () => tf.train.adagrad(0.1, 0.5) }],
  ["rmsprop(lr: 0.01)", { make: () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7, false) }],
  ["rmsprop(lr: 0.01, rho: 0.8, epsilon: 1e-3)", { make: () => tf.train.rmsprop(0.01, 0.8, 0, 1e-3, false) }],
  ["rmsprop(lr: 0.01, momentum: 0.9)", { make: () => tf.train.rmsprop(0.01, 0.9, 0.9, 1e-7, false) }],
  // Centered: tfjs subtracts its epsilon (see above), so it is given −ε.
  ["rmsprop(lr: 0.01, centered: true)", { make: () => tf.train.rmsprop(0.01, 0.9, 0, -1e-7, true) }],
  ["rmsprop(lr: 0.01, momentum: 0.5, epsilon: 1e-3, centered: true)", { make: () => tf.train.rmsprop(0.01, 0.9, 0.5, -1e-3, true) }],
  ["adam(lr: 0.01)", adamKeras(0.01, 0.9, 0.999, 1e-7)],
  ["adam(lr: 0.02, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-3)", adamKeras(0.02, 0.8, 0.99, 1e-3)],
  ["adamw(lr: 0.01)", adamKeras(0.01, 0.9, 0.999, 1e-7, 0.004)],
  ["adamw(lr: 0.01, weight_decay: 0.5, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-3)", adamKeras(0.01, 0.8, 0.99, 1e-3, 0.5)],
];

const report = errorReport("std.optimizers against tfjs over 10 steps: largest relative error (entries above 0.1) and absolute error");

describe("std.optimizers against TensorFlow.js: 10 training steps of a tanh MLP from the same weights", () => {
  it("tfjs's backend epsilon (its adagrad ε, and rmsprop's/adam's default) is Keras's 1e-7", () => {
    expect(tf.backend().epsilon()).toBe(1e-7);
  });

  it.each(CASES)("%s", (opt, spec) => {
    const ours = trainOurs(opt);
    const theirs = trainTfjs(spec);
    expect(ours.params.length).toBe(STEPS);
    expect(theirs.params.length).toBe(STEPS);
    let loss = NONE;
    let params = NONE;
    for (let s = 0; s < STEPS; s++) {
      loss = worst(loss, expectNear(`loss before step ${s + 1}`, [ours.losses[s]!], [theirs.losses[s]!], RTOL, ATOL, 0.1));
      for (const p of PARAMS) params = worst(params, expectNear(`${p} after step ${s + 1}`, ours.params[s]![p]!, theirs.params[s]![p]!, RTOL, ATOL, 0.1));
    }
    report(opt, { loss, params });
    // The comparison is of trained weights: every parameter tensor moved, and the loss went down.
    for (const p of PARAMS) {
      const moved = Math.max(...ours.params[STEPS - 1]![p]!.map((v, i) => Math.abs(v - INIT[p]!.value[i]!)));
      expect(moved, `${p} moved`).toBeGreaterThan(1e-3);
    }
    expect(ours.losses[STEPS - 1]!).toBeLessThan(ours.losses[0]!);
  });
});
