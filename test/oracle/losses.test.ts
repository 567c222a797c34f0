// std.losses against TensorFlow.js 4.22 (pure-JS CPU backend, float32): every loss's value and its
// gradient with respect to the prediction. Ours come from the float64 reference interpreter (the
// forward function for the value; the compiled training step, read by the CAPTURE optimizer, for
// the gradient); tfjs's from its own loss functions differentiated with tf.grad:
//   - tf.losses.* (tfjs-core): meanSquaredError, absoluteDifference, huberLoss, sigmoidCrossEntropy,
//     softmaxCrossEntropy. Their default reduction, SUM_BY_NONZERO_WEIGHTS with no weights, divides
//     the sum by the number of elements: Keras's "sum_over_batch_size" mean, as ours.
//   - tfjs-layers' losses (the Keras port, deep-imported: only some are re-exported as tf.metrics):
//     meanSquaredLogarithmicError, logcosh, poisson, kullbackLeiblerDivergence, binaryCrossentropy,
//     categoricalCrossentropy. They reduce the last axis only (the per-example loss, as Keras's
//     functions); tf.mean over the rest is Keras's default reduction.
//   - where tfjs has no such loss (rmse, rmsle, nll; KL with zero targets, see there) Keras's (or
//     PyTorch's) formula is written in tfjs ops and differentiated by tfjs, as said at each case.
// Inputs are float32 numbers (Math.fround), so both sides see the same values; the hard ones are
// logits of ±1e4 and probabilities of exactly 0 and 1 where the losses clip.
//
// Tolerances. tfjs computes in float32 (unit roundoff 2^-24 ≈ 6e-8), we in float64. Each loss is a
// few elementwise operations and a mean over 12 elements, so a well-conditioned result is off by
// some tens of roundoffs at most, ~1e-6 relative: RTOL = 1e-5 leaves a tenfold margin. A gradient
// entry that is a difference of larger terms (softmax − y, 1 − t/p, …) has its float32 error
// relative to those terms, not to itself; ATOL = 1e-6 times the largest entry of that gradient (its
// scale) allows for it. Values get ATOL = 1e-6 absolute, for terms near 0 that a float32 clip bound
// moves: 1 − 1e-7 is 1 − 1.19e-7 in float32, so binary cross-entropy's −log(p) at p = y = 1 is
// 1.19e-7 in tfjs and 1.0e-7 in ours. (Where that bound meets −log(1 − p), at p = 1 and y = 0, the
// difference is 1%, and has its own test below.)
import { beforeAll, describe, expect, it } from "vitest";
import type { Tensor } from "@tensorflow/tfjs";
import * as keras from "@tensorflow/tfjs-layers/dist/losses.js";
import { tfjs } from "./tfjs.ts";
import { compileModel, lossGrad, lossValue, run } from "../stdlib/harness.ts";
import { errorReport, expectNear } from "./near.ts";

type Tf = Awaited<ReturnType<typeof tfjs>>;
let tf: Tf;
beforeAll(async () => {
  tf = await tfjs();
});

const f32 = (xs: number[]) => xs.map(Math.fround);
const B = 4;
const N = 3;
const RTOL = 1e-5;
const ATOL_VALUE = 1e-6;
const ATOL_GRAD = 1e-6; // times the gradient's largest entry

// [B, N] row-major. Regression data (no ties: at p = t tfjs's Abs gradient is step(x, −1) = −1, TF's
// and ours sign(0) = 0; any subgradient is right there, and the stdlib tests pin ours), the same with
// errors of ±1e4, probabilities with exact 0 and 1, rates and counts, logits of ±1e4, binary,
// one-hot and soft targets, labels.
const PRED = f32([0.5, -1.25, 2, 3.5, 0.1, -0.4, 10, -7, 0.3, 0.25, 1e-3, 4]);
const TGT = f32([0.25, 1, 2.5, -1, 0.3, 0.2, 9, -2, 0.7, 0, 5, 4.5]);
const PRED_BIG = f32([1e4, -1e4, 2, 3.5, 0.1, -0.4, 10, -7, 0.3, 0.25, -3e3, 4]);
const PROB = f32([0, 1, 0.5, 0.9, 0.1, 1e-9, 0.3, 0.7, 1, 0.2, 0.6, 0.2]);
// Binary targets for PROB: p = 1 only with y = 1 (p = 1 with y < 1 is the float32 clip bound, below).
const BIN_P = f32([1, 1, 1, 1, 0, 1, 0, 1, 1, 0.25, 0.5, 0]);
const COUNTS = f32([0, 3, 1, 2, 0, 1, 0, 5, 2, 1, 1, 0]);
const LOGITS = f32([1e4, 0, -1e4, -1e4, 1e4, 0, 0, 0, 0, 2, -1, 0.5]);
const BIN_Z = f32([0, 1, 1, 1, 0, 0.5, 0, 1, 0, 0.25, 0.5, 1]);
const ONEHOT = f32([0, 0, 1, 1, 0, 0, 0, 1, 0, 0.2, 0.3, 0.5]); // the last row is a soft target
const SOFT = f32([0.1, 0.2, 0.7, 0.5, 0.25, 0.25, 0.3, 0.3, 0.4, 0.05, 0.9, 0.05]); // no zeros
const LABELS = [2, 0, 1, 2];
// log(SOFT) with −∞ at two entries off the labels (rows 0 and 1), which nll never reads.
const LOGP = f32(SOFT.map((v, k) => (k === 0 || k === 5 ? -Infinity : Math.log(v))));

interface Inputs {
  p: number[];
  t: number[];
  labels?: number[];
}
/** A tfjs loss over p ([B, N]), t ([B, N]) and labels ([B], int32), returning a scalar. */
type TfLoss = (p: Tensor, t: Tensor, labels: Tensor) => Tensor;

/** tfjs's value of `loss` and its gradient with respect to p, by tf.grad. */
function tfValueAndGrad(loss: TfLoss, { p, t, labels = LABELS }: Inputs): { value: number; grad: number[] } {
  return tf.tidy(() => {
    const P = tf.tensor2d(p, [p.length / N, N]);
    const T = tf.tensor2d(t, [t.length / N, N]);
    const L = tf.tensor1d(labels, "int32");
    const value = loss(P, T, L);
    expect(value.shape, "tfjs loss is a scalar").toEqual([]);
    const grad = tf.grad((q: Tensor) => loss(q, T, L))(P);
    return { value: value.dataSync()[0]!, grad: [...grad.dataSync()] };
  });
}

const report = errorReport("std.losses against tfjs: largest relative error (entries above the atol) and absolute error");

/** Ours against tfjs: value and gradient. */
function check(name: string, expr: string, loss: TfLoss, inputs: Inputs): void {
  const { p, t, labels = LABELS } = inputs;
  const ours = { value: lossValue(expr, p, t, labels, N), grad: lossGrad(expr, p, t, labels, N) };
  const theirs = tfValueAndGrad(loss, inputs);
  const scale = Math.max(...theirs.grad.map(Math.abs));
  // A gradient that is zero throughout would compare nothing.
  expect(scale, `${name}: tfjs gradient`).toBeGreaterThan(0);
  const value = expectNear(`${name} value`, [ours.value], [theirs.value], RTOL, ATOL_VALUE);
  const grad = expectNear(`${name} d/dp`, ours.grad, theirs.grad, RTOL, ATOL_GRAD * scale);
  report(name, { value, grad });
}

// ---- the tfjs side ----------------------------------------------------------------------------

/** Keras's reduction over the per-example losses tfjs-layers returns: the mean. */
const perExample = (f: (t: Tensor, p: Tensor) => Tensor): TfLoss => (p, t) => tf.mean(f(t, p));
const oneHot = (labels: Tensor) => tf.oneHot(labels as Parameters<Tf["oneHot"]>[0], N);
const EPS = 1e-7;

const TF: Record<string, TfLoss> = {
  mse: (p, t) => tf.losses.meanSquaredError(t, p),
  // Keras has rmse only as the RootMeanSquaredError metric: sqrt of the mse.
  rmse: (p, t) => tf.sqrt(tf.losses.meanSquaredError(t, p)),
  mae: (p, t) => tf.losses.absoluteDifference(t, p),
  msle: perExample(keras.meanSquaredLogarithmicError),
  // No rmsle in Keras or tfjs: sqrt of tfjs-layers' msle.
  rmsle: (p, t) => tf.sqrt(tf.mean(keras.meanSquaredLogarithmicError(t, p))),
  huber: (p, t) => tf.losses.huberLoss(t, p),
  huber25: (p, t) => tf.losses.huberLoss(t, p, undefined, 2.5),
  log_cosh: perExample(keras.logcosh),
  poisson: perExample(keras.poisson),
  kl: perExample(keras.kullbackLeiblerDivergence),
  // Keras 3's kl_divergence multiplies by the clipped target, clip(t, ε, 1)·log(clip(t)/clip(p));
  // tfjs-layers (Keras 2's formula) by the unclipped t. They differ where t = 0 (by ε·log(ε/p) in the
  // value, ε/p in the gradient), so for targets with zeros this is Keras 3's formula in tfjs ops.
  klKeras3: (p, t) => {
    const tc = tf.clipByValue(t, EPS, 1);
    return tf.mean(tf.sum(tf.mul(tc, tf.log(tf.div(tc, tf.clipByValue(p, EPS, 1)))), -1));
  },
  // Half the summed squared error: tfjs's mse with reduction SUM, halved (Keras has no such loss).
  half_sse: (p, t) => tf.mul(0.5, tf.losses.meanSquaredError(t, p, undefined, tf.Reduction.SUM)),
  bce: perExample(keras.binaryCrossentropy),
  bceLogits: (p, t) => tf.losses.sigmoidCrossEntropy(t, p),
  // tf.losses.softmaxCrossEntropy is tf.nn.softmax_cross_entropy_with_logits (log-sum-exp), what
  // Keras 3 uses from logits. (tfjs-layers' categoricalCrossentropy(fromLogits) instead clips the
  // softmax to [ε, 1 − ε] before the log, capping the loss at −log ε ≈ 16.1: not Keras.)
  cce: (p, t) => tf.losses.softmaxCrossEntropy(t, p),
  cceProbs: perExample((t, p) => keras.categoricalCrossentropy(t, p, false)),
  // Sparse from logits is softmax cross-entropy against one_hot(labels) (Keras 3:
  // tf.nn.sparse_softmax_cross_entropy_with_logits). tfjs-layers' sparseCategoricalCrossentropy
  // clips its input to [ε, 1 − ε] even from logits, so it is not used for logits.
  sparse: (p, _t, l) => tf.losses.softmaxCrossEntropy(oneHot(l), p),
  // Ours from probabilities is cross_entropy's path on one_hot(labels) (normalise, clip, log), which
  // is tfjs-layers' categoricalCrossentropy on one_hot(labels).
  sparseProbs: (p, _t, l) => tf.mean(keras.categoricalCrossentropy(oneHot(l), p, false)),
  // tfjs-layers' sparseCategoricalCrossentropy(from probabilities) clips before normalising, as Keras 3's
  // sparse_categorical_crossentropy does (clip, log, log-softmax): the same wherever nothing clips.
  sparseProbsKeras: (p, _t, l) => tf.mean(keras.sparseCategoricalCrossentropy(tf.cast(l, "float32"), p, false)),
  // No NLL loss in tfjs or Keras: PyTorch's NLLLoss (mean reduction), −mean(log_probs[i, label_i]),
  // by gathering the labelled entries (flat index i·N + label_i).
  nll: (p, _t, l) => tf.neg(tf.mean(tf.gather(tf.reshape(p, [-1]), tf.add(tf.mul(tf.range(0, p.shape[0]!, 1, "int32"), tf.scalar(N, "int32")), l)))),
  nllLogSoftmax: (p, t, l) => TF["nll"]!(tf.logSoftmax(p), t, l),
};

describe("std.losses against TensorFlow.js: value and gradient with respect to the prediction", () => {
  const CASES: [string, string, TfLoss, Inputs][] = [
    ["mse", "mse(p, t)", TF["mse"]!, { p: PRED, t: TGT }],
    ["mse, errors of ±1e4", "mse(p, t)", TF["mse"]!, { p: PRED_BIG, t: TGT }],
    ["rmse", "rmse(p, t)", TF["rmse"]!, { p: PRED, t: TGT }],
    ["rmse, errors of ±1e4", "rmse(p, t)", TF["rmse"]!, { p: PRED_BIG, t: TGT }],
    ["mae", "mae(p, t)", TF["mae"]!, { p: PRED, t: TGT }],
    ["mae, errors of ±1e4", "mae(p, t)", TF["mae"]!, { p: PRED_BIG, t: TGT }],
    ["msle (negative values clamped at ε)", "msle(p, t)", TF["msle"]!, { p: PRED, t: TGT }],
    ["msle, ±1e4", "msle(p, t)", TF["msle"]!, { p: PRED_BIG, t: TGT }],
    ["rmsle", "rmsle(p, t)", TF["rmsle"]!, { p: PRED, t: TGT }],
    ["rmsle, ±1e4", "rmsle(p, t)", TF["rmsle"]!, { p: PRED_BIG, t: TGT }],
    ["huber, delta 1", "huber(p, t)", TF["huber"]!, { p: PRED, t: TGT }],
    ["huber, delta 2.5", "huber(p, t, delta: 2.5)", TF["huber25"]!, { p: PRED, t: TGT }],
    ["huber, errors of ±1e4", "huber(p, t)", TF["huber"]!, { p: PRED_BIG, t: TGT }],
    ["log_cosh", "log_cosh(p, t)", TF["log_cosh"]!, { p: PRED, t: TGT }],
    ["log_cosh, errors of ±1e4 (cosh overflows float32 and float64)", "log_cosh(p, t)", TF["log_cosh"]!, { p: PRED_BIG, t: TGT }],
    ["poisson (rates 0 and 1, counts)", "poisson(p, t)", TF["poisson"]!, { p: PROB, t: COUNTS }],
    ["kl_divergence (probabilities 0 and 1, targets without zeros)", "kl_divergence(p, t)", TF["kl"]!, { p: PROB, t: SOFT }],
    ["kl_divergence (one-hot targets; Keras 3's formula in tfjs ops)", "kl_divergence(p, t)", TF["klKeras3"]!, { p: PROB, t: ONEHOT }],
    ["half_sse", "half_sse(p, t)", TF["half_sse"]!, { p: PRED, t: TGT }],
    ["binary_cross_entropy (probabilities 0 and 1, clipped)", "binary_cross_entropy(p, t)", TF["bce"]!, { p: PROB, t: BIN_P }],
    ["binary_cross_entropy_from_logits at ±1e4", "binary_cross_entropy_from_logits(p, t)", TF["bceLogits"]!, { p: LOGITS, t: BIN_Z }],
    ["binary_cross_entropy(from_logits: true) at ±1e4", "binary_cross_entropy(p, t, from_logits: true)", TF["bceLogits"]!, { p: LOGITS, t: BIN_Z }],
    ["cross_entropy at ±1e4 (one-hot and soft targets)", "cross_entropy(p, t)", TF["cce"]!, { p: LOGITS, t: ONEHOT }],
    ["cross_entropy(from_logits: false) (probabilities 0 and 1)", "cross_entropy(p, t, from_logits: false)", TF["cceProbs"]!, { p: PROB, t: ONEHOT }],
    ["sparse_cross_entropy at ±1e4", "sparse_cross_entropy(p, l)", TF["sparse"]!, { p: LOGITS, t: ONEHOT }],
    ["sparse_cross_entropy(from_logits: false) (probabilities 0 and 1)", "sparse_cross_entropy(p, l, from_logits: false)", TF["sparseProbs"]!, { p: PROB, t: ONEHOT }],
    [
      "sparse_cross_entropy(from_logits: false) against tfjs-layers' sparse loss, nothing clipped",
      "sparse_cross_entropy(p, l, from_logits: false)",
      TF["sparseProbsKeras"]!,
      { p: SOFT, t: ONEHOT },
    ],
    ["nll of log_softmax at ±1e4", "nll(log_softmax(p), l)", TF["nllLogSoftmax"]!, { p: LOGITS, t: ONEHOT }],
    ["nll of log-probabilities, −∞ off the labels", "nll(p, l)", TF["nll"]!, { p: LOGP, t: ONEHOT }],
    // log_probabilities is a vector; its gradient is checked through the scalar Σ t·log_probabilities(p)
    // (a vector–Jacobian product with cotangent t): −B times the cross-entropies above, for
    // all of whose terms tfjs's log-softmax / tfjs-layers' normalise-clip-log are reused.
    ["Σ t·log_probabilities(logits)", "sum(t * log_probabilities(p))", (p, t) => tf.sum(tf.mul(t, tf.logSoftmax(p))), { p: LOGITS, t: SOFT }],
    [
      "Σ t·log_probabilities(probs, from_logits: false)",
      "sum(t * log_probabilities(p, from_logits: false))",
      (p, t) => tf.neg(tf.sum(keras.categoricalCrossentropy(t, p, false))),
      { p: PROB, t: SOFT },
    ],
  ];

  it.each(CASES)("%s", (name, expr, loss, inputs) => {
    check(name, expr, loss, inputs);
  });

  it("every std.losses definition is compared", () => {
    const exprs = CASES.map(([, e]) => e).join(" ");
    for (const name of ["mse", "rmse", "mae", "msle", "rmsle", "huber", "log_cosh", "poisson", "kl_divergence", "half_sse", "binary_cross_entropy",
      "binary_cross_entropy_from_logits", "cross_entropy", "sparse_cross_entropy", "nll", "log_probabilities"])
      expect(exprs, name).toMatch(new RegExp(`\\b${name}\\(`));
  });

  it("log_probabilities' values: tfjs's logSoftmax, and tfjs-layers' clipped log of normalised probabilities", () => {
    const m = compileModel(`import std.losses.{log_probabilities}
model L {
  input p: f32[B, ${N}]
  output a: f32[B, ${N}]
  output b: f32[B, ${N}]
  a = log_probabilities(p)
  b = log_probabilities(p, from_logits: false)
}`);
    const a = run(m.forward, { p: LOGITS }, { B })["a"]!;
    const b = run(m.forward, { p: PROB }, { B })["b"]!;
    const [ta, tb] = tf.tidy(() => {
      const la = tf.logSoftmax(tf.tensor2d(LOGITS, [B, N]));
      // Column j of the log-probabilities is minus tfjs-layers' categorical cross-entropy against the one-hot e_j.
      const P = tf.tensor2d(PROB, [B, N]);
      const cols = Array.from({ length: N }, (_, j) => tf.neg(keras.categoricalCrossentropy(tf.oneHot(tf.fill([B], j, "int32") as Parameters<Tf["oneHot"]>[0], N), P, false)));
      return [[...la.dataSync()], [...tf.stack(cols, 1).dataSync()]];
    });
    expectNear("log_probabilities(logits)", a, ta!, RTOL, ATOL_VALUE);
    expectNear("log_probabilities(probs, from_logits: false)", b, tb!, RTOL, ATOL_VALUE);
    expect(Math.min(...a), "logits of ±1e4 reach −2e4").toBeLessThan(-1.9e4);
  });

  it("sparse_cross_entropy(from_logits: false) normalises then clips (cross_entropy's path); Keras's sparse loss clips first: equal values, gradients differ only where p is clipped", () => {
    // Keras 3's sparse_categorical_crossentropy from probabilities is log_softmax(log(clip(p))) at the
    // label, as tfjs-layers' sparseCategoricalCrossentropy: an entry outside [ε, 1 − ε] is cut off
    // from the normalising sum's gradient. Ours is −log(clip(p_label / Σp)), whose derivative in a
    // non-label p_j is 1/(B·Σp) whether or not p_j is 0: the derivative of the unclipped formula.
    // The values agree to float32 precision (the clip moves them by ~1e-7 relative).
    const expr = "sparse_cross_entropy(p, l, from_logits: false)";
    const ours = { value: lossValue(expr, PROB, ONEHOT, LABELS, N), grad: lossGrad(expr, PROB, ONEHOT, LABELS, N) };
    const theirs = tfValueAndGrad(TF["sparseProbsKeras"]!, { p: PROB, t: ONEHOT });
    expectNear("value", [ours.value], [theirs.value], RTOL, ATOL_VALUE);
    const eps = Math.fround(EPS);
    const clipped = PROB.map((p) => p < eps || p > Math.fround(1 - EPS));
    expect(clipped.filter(Boolean).length, "probabilities outside [ε, 1 − ε]").toBe(4);
    const rowSums = Array.from({ length: B }, (_, i) => PROB.slice(i * N, i * N + N).reduce((a, c) => a + c, 0));
    PROB.forEach((_, k) => {
      if (!clipped[k]) expectNear(`d/dp[${k}]`, [ours.grad[k]!], [theirs.grad[k]!], RTOL, ATOL_GRAD);
      else {
        expect(theirs.grad[k], `tfjs d/dp[${k}] (clipped)`).toBe(0);
        expect(ours.grad[k]! * B * rowSums[Math.floor(k / N)]!, `ours d/dp[${k}]·B·Σp`).toBeCloseTo(1, 12);
      }
    });
  });

  it("binary_cross_entropy at p = 1, y = 0: float32 rounds the clip bound 1 − 1e-7 to 1 − 2^-23, so tfjs gives −log(2^-23)", () => {
    // The one place where float32 arithmetic, not the formula, separates the two: ours (float64) clips
    // at 1 − 1e-7 and pays −log(1e-7) ≈ 16.118; tfjs, as Keras in float32, at 1 − 2^-23 and pays
    // 23·log 2 ≈ 15.942. dnnc's generated float32 code does the same as tfjs (test/stdlib/float32.test.ts).
    const p = f32([1, 1, 1]);
    const t = f32([0, 0, 0]);
    const ours = lossValue("binary_cross_entropy(p, t)", p, t, [0], N);
    const theirs = tfValueAndGrad(TF["bce"]!, { p, t, labels: [0] }).value;
    expect(ours).toBeCloseTo(-Math.log(1e-7), 8);
    expect(Math.abs(theirs - 23 * Math.LN2)).toBeLessThan(1e-5);
    // Both clip: no gradient flows back to p.
    expect(lossGrad("binary_cross_entropy(p, t)", p, t, [0], N)).toEqual([0, 0, 0]);
  });
});
