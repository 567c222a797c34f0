// std.losses against Keras's definitions (keras.losses, with the default "sum_over_batch_size"
// reduction: the mean over every element of the per-example losses) written out in float64
// JavaScript, at ordinary and extreme inputs. Gradients come from the compiled training step
// (reverse-mode autodiff), read exactly by an optimizer that stores g, and are compared with
// derivatives worked out by hand.
import { describe, expect, it } from "vitest";
import { compileModel, expectClose, LOSS_IMPORTS as IMPORT, lossGrad as lossGradOf, lossValue as lossValueOf, run } from "./harness.ts";

const B = 4;
const N = 3;
const EPS = 1e-7;

// Predictions and targets, [B, N] row-major. Regression data, probabilities (with exact 0 and 1),
// logits (with ±1000 and 0), soft targets and labels.
const PRED = [0.5, -1.25, 2, 3.5, 0.1, -0.4, 10, -7, 0.3, 0, 1e-3, 4];
const TGT = [0.25, 1, 2, -1, 0.3, 0.2, 9, -2, 0.7, 0, 5, 4.5];
const PROB = [0, 1, 0.5, 0.9, 0.1, 1e-9, 0.3, 0.7, 0.999999999, 0.2, 0.6, 0.2];
const BIN = [1, 0, 1, 1, 0, 1, 0, 1, 0, 0.25, 0.5, 1];
const LOGITS = [1000, 0, -1000, -1000, 1000, 0, 0, 0, 0, 2, -1, 0.5];
const ONEHOT = [0, 0, 1, 1, 0, 0, 0, 1, 0, 0.2, 0.3, 0.5]; // the last row is a soft target
const LABELS = [2, 0, 1, 2];
const COUNTS = [0, 3, 1, 2, 0, 1, 0, 5, 2, 1, 1, 0];

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rows = (xs: number[]) => Array.from({ length: xs.length / N }, (_, i) => xs.slice(i * N, i * N + N));
const zip = (a: number[], b: number[]) => a.map((x, i) => [x, b[i]!] as const);
const clip = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
/** log(1 + e^z) without overflow. */
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
/** log softmax of a row: (x_i − m) − log Σ_j e^(x_j − m) with m the row maximum. */
const logSoftmax = (r: number[]) => {
  const m = Math.max(...r);
  const lse = Math.log(r.reduce((s, x) => s + Math.exp(x - m), 0));
  return r.map((x) => x - m - lse);
};
const softmax = (r: number[]) => r.map((xi) => 1 / r.reduce((s, xj) => s + Math.exp(xj - xi), 0));
const oneHot = (labels: number[]) => labels.flatMap((l) => Array.from({ length: N }, (_, j) => (j === l ? 1 : 0)));

/** Keras's formulas, one per loss. */
const KERAS = {
  mse: (p: number[], t: number[]) => mean(zip(p, t).map(([a, b]) => (a - b) ** 2)),
  rmse: (p: number[], t: number[]) => Math.sqrt(mean(zip(p, t).map(([a, b]) => (a - b) ** 2))),
  mae: (p: number[], t: number[]) => mean(zip(p, t).map(([a, b]) => Math.abs(a - b))),
  // keras.losses.mean_squared_logarithmic_error: log(max(x, ε) + 1) on both sides.
  msle: (p: number[], t: number[]) => mean(zip(p, t).map(([a, b]) => (Math.log(Math.max(a, EPS) + 1) - Math.log(Math.max(b, EPS) + 1)) ** 2)),
  rmsle: (p: number[], t: number[]) => Math.sqrt(KERAS.msle(p, t)),
  // keras.losses.huber: ½e² for |e| ≤ δ, δ|e| − ½δ² beyond.
  huber: (p: number[], t: number[], d = 1) =>
    mean(zip(p, t).map(([a, b]) => (Math.abs(a - b) <= d ? 0.5 * (a - b) ** 2 : d * Math.abs(a - b) - 0.5 * d * d))),
  // keras.losses.log_cosh, written directly as log(cosh(e)) (finite for the errors used here).
  log_cosh: (p: number[], t: number[]) => mean(zip(p, t).map(([a, b]) => Math.log(Math.cosh(a - b)))),
  // keras.losses.poisson: y_pred − y_true·log(y_pred + ε).
  poisson: (p: number[], t: number[]) => mean(zip(p, t).map(([a, b]) => a - b * Math.log(a + EPS))),
  // keras.losses.kl_divergence: both clipped to [ε, 1], Σ y·log(y/p) over the last axis, mean over rows.
  kl: (p: number[], t: number[]) => {
    const c = (v: number) => Math.min(Math.max(v, EPS), 1);
    return mean(rows(p).map((r, i) => r.reduce((acc, v, j) => acc + c(rows(t)[i]![j]!) * Math.log(c(rows(t)[i]![j]!) / c(v)), 0)));
  },
  half_sse: (p: number[], t: number[]) => 0.5 * zip(p, t).reduce((s, [a, b]) => s + (b - a) ** 2, 0),
  // keras.losses.binary_crossentropy: clip to [ε, 1 − ε], then −(y log p + (1 − y) log(1 − p)).
  bce: (p: number[], y: number[]) => mean(zip(p, y).map(([a, b]) => -(b * Math.log(clip(a)) + (1 - b) * Math.log(1 - clip(a))))),
  // from logits (tf.nn.sigmoid_cross_entropy_with_logits): log(1 + e^z) − z·y.
  bceLogits: (z: number[], y: number[]) => mean(zip(z, y).map(([a, b]) => softplus(a) - a * b)),
  cce: (logits: number[], y: number[]) => mean(rows(logits).map((r, i) => -logSoftmax(r).reduce((s, v, j) => s + rows(y)[i]![j]! * v, 0))),
  // from probabilities (keras.backend categorical_crossentropy): p / Σp, clip, log.
  cceProbs: (p: number[], y: number[]) =>
    mean(
      rows(p).map((r, i) => {
        const s = r.reduce((a, b) => a + b, 0);
        return -r.reduce((acc, v, j) => acc + rows(y)[i]![j]! * Math.log(clip(v / s)), 0);
      }),
    ),
};

/** One loss expression's value over p and t (both f32[B, N]) and labels l (i32[B]). */
const lossValue = (expr: string, p: number[], t: number[], labels: number[] = LABELS): number => lossValueOf(expr, p, t, labels, N);

/** Its gradient with respect to p, at p, with t and l fixed. */
const lossGrad = (expr: string, p: number[], t: number[], labels: number[] = LABELS): number[] => lossGradOf(expr, p, t, labels, N);

describe("std.losses: values against Keras's formulas", () => {
  const cases: [string, string, () => number][] = [
    ["mse", "mse(p, t)", () => KERAS.mse(PRED, TGT)],
    ["rmse", "rmse(p, t)", () => KERAS.rmse(PRED, TGT)],
    ["mae", "mae(p, t)", () => KERAS.mae(PRED, TGT)],
    ["msle (negative values clamped at 1e-7)", "msle(p, t)", () => KERAS.msle(PRED, TGT)],
    ["rmsle (negative values clamped at 1e-7)", "rmsle(p, t)", () => KERAS.rmsle(PRED, TGT)],
    ["huber, delta 1", "huber(p, t)", () => KERAS.huber(PRED, TGT)],
    ["huber, delta 2.5", "huber(p, t, delta: 2.5)", () => KERAS.huber(PRED, TGT, 2.5)],
    ["half_sse", "half_sse(p, t)", () => KERAS.half_sse(PRED, TGT)],
    ["log_cosh", "log_cosh(p, t)", () => KERAS.log_cosh(PRED, TGT)],
    ["poisson (rates with 0, counts)", "poisson(p, t)", () => KERAS.poisson(PROB, COUNTS)],
    ["kl_divergence (probabilities with 0 and 1, soft targets)", "kl_divergence(p, t)", () => KERAS.kl(PROB, ONEHOT)],
    ["binary_cross_entropy on probabilities 0 and 1 (clipped)", "binary_cross_entropy(p, t)", () => KERAS.bce(PROB, BIN)],
    ["binary_cross_entropy_from_logits at ±1000", "binary_cross_entropy_from_logits(p, t)", () => KERAS.bceLogits(LOGITS, BIN)],
    ["binary_cross_entropy(from_logits: true)", "binary_cross_entropy(p, t, from_logits: true)", () => KERAS.bceLogits(LOGITS, BIN)],
    ["cross_entropy at ±1000", "cross_entropy(p, t)", () => KERAS.cce(LOGITS, ONEHOT)],
    ["cross_entropy(from_logits: false)", "cross_entropy(p, t, from_logits: false)", () => KERAS.cceProbs(PROB, ONEHOT)],
    ["sparse_cross_entropy at ±1000", "sparse_cross_entropy(p, l)", () => KERAS.cce(LOGITS, oneHot(LABELS))],
    ["sparse_cross_entropy(from_logits: false)", "sparse_cross_entropy(p, l, from_logits: false)", () => KERAS.cceProbs(PROB, oneHot(LABELS))],
    ["nll of log_softmax", "nll(log_softmax(p), l)", () => KERAS.cce(LOGITS, oneHot(LABELS))],
  ];
  const inputsFor = (expr: string): [number[], number[]] =>
    expr.startsWith("binary_cross_entropy(p, t)") ? [PROB, BIN]
    : expr.startsWith("poisson") ? [PROB, COUNTS]
    : expr.startsWith("kl_divergence") ? [PROB, ONEHOT]
    : expr.includes("from_logits: false") ? [PROB, ONEHOT]
    : expr.startsWith("binary") ? [LOGITS, BIN]
    : /cross_entropy|nll/.test(expr) ? [LOGITS, ONEHOT]
    : [PRED, TGT];

  it.each(cases)("%s", (_name, expr, expected) => {
    const [p, t] = inputsFor(expr);
    const v = lossValue(expr, p, t);
    const e = expected();
    expect(Number.isFinite(e)).toBe(true);
    expectClose(expr, [v], [e], 1e-12, 1e-15);
  });

  it("pins values by hand at the extremes", () => {
    // One example each: z = 1000 with y = 0 costs 1000; z = −1000 with y = 1 costs 1000; z = 0 costs log 2.
    expect(lossValue("binary_cross_entropy_from_logits(p, t)", [1000, -1000, 0], [0, 1, 1], [0])).toBeCloseTo((1000 + 1000 + Math.LN2) / 3, 10);
    // Logits [1000, 0, −1000] with the label on the last class: −log_softmax = 2000.
    expect(lossValue("sparse_cross_entropy(p, l)", [1000, 0, -1000], [0, 0, 0], [2])).toBeCloseTo(2000, 10);
    // A probability of exactly 0 for the true class is clipped to 1e-7: −log(1e-7) per element, like Keras.
    expect(lossValue("binary_cross_entropy(p, t)", [0, 0, 0], [1, 1, 1], [0])).toBeCloseTo(-Math.log(1e-7), 6);
  });

  it("nll never reads the entries other than the label, so −∞ there is harmless", () => {
    const logp = [Math.log(0.2), -Infinity, Math.log(0.8), -Infinity, 0, -Infinity];
    expectClose("nll", [lossValue("nll(p, l)", logp, logp.map(() => 0), [0, 1])], [-(Math.log(0.2) + 0) / 2], 1e-15, 0);
    const g = lossGrad("nll(p, l)", logp, logp.map(() => 0), [0, 1]);
    expectClose("d nll", g, [-0.5, 0, 0, 0, -0.5, 0], 0, 0);
  });

  it("sparse_cross_entropy and nll take any leading axes: a sequence [B, T, V] with labels [B, T] is the mean over B·T", () => {
    const m = compileModel(`${IMPORT}
model Seq {
  input z: f32[B, T, ${N}]
  input l: i32[B, T]
  output a: f32[]
  output b: f32[]
  a = sparse_cross_entropy(z, l)
  b = nll(log_softmax(z), l)
}`);
    // The four rows of LOGITS as B = 2 sequences of T = 2 steps.
    const out = run(m.forward, { z: LOGITS, l: LABELS }, { B: 2, T: 2 });
    const expected = KERAS.cce(LOGITS, oneHot(LABELS));
    expectClose("sparse_cross_entropy [B, T, V]", out["a"]!, [expected], 1e-12, 1e-15);
    expectClose("nll [B, T, V]", out["b"]!, [expected], 1e-12, 1e-15);
  });

  it("log_probabilities gives log-softmax of logits and the clipped log of normalised probabilities", () => {
    const m = compileModel(`${IMPORT}
model L {
  input p: f32[B, ${N}]
  output a: f32[B, ${N}]
  output b: f32[B, ${N}]
  a = log_probabilities(p)
  b = log_probabilities(p, from_logits: false)
}`);
    const outL = run(m.forward, { p: LOGITS }, { B })["a"]!;
    expectClose("log_probabilities(logits)", outL, rows(LOGITS).flatMap(logSoftmax), 1e-12, 1e-12);
    const outP = run(m.forward, { p: PROB }, { B })["b"]!;
    const expected = rows(PROB).flatMap((r) => r.map((v) => Math.log(clip(v / r.reduce((a, c) => a + c, 0)))));
    expectClose("log_probabilities(probs, false)", outP, expected, 1e-12, 1e-15);
  });
});

describe("std.losses: gradients against derivatives by hand", () => {
  const n = PRED.length;
  it("mse: 2(p − t)/n", () => {
    expectClose("d mse", lossGrad("mse(p, t)", PRED, TGT), zip(PRED, TGT).map(([a, b]) => (2 * (a - b)) / n), 1e-12, 1e-15);
  });

  it("rmse: (p − t)/(n·rmse)", () => {
    const r = KERAS.rmse(PRED, TGT);
    expectClose("d rmse", lossGrad("rmse(p, t)", PRED, TGT), zip(PRED, TGT).map(([a, b]) => (a - b) / (n * r)), 1e-12, 1e-15);
  });

  it("mae: sign(p − t)/n (0 at a tie, as TensorFlow)", () => {
    expectClose("d mae", lossGrad("mae(p, t)", PRED, TGT), zip(PRED, TGT).map(([a, b]) => Math.sign(a - b) / n), 1e-12, 1e-15);
  });

  it("msle: 2(log(1 + p) − log(1 + t))/((1 + p)·n), 0 where p is clamped", () => {
    const expected = zip(PRED, TGT).map(([a, b]) => (a > EPS ? (2 * (Math.log(a + 1) - Math.log(Math.max(b, EPS) + 1))) / ((a + 1) * n) : 0));
    expectClose("d msle", lossGrad("msle(p, t)", PRED, TGT), expected, 1e-12, 1e-15);
  });

  it("huber: e inside delta, delta·sign(e) beyond, over n", () => {
    const expected = zip(PRED, TGT).map(([a, b]) => (Math.abs(a - b) <= 1 ? a - b : Math.sign(a - b)) / n);
    expectClose("d huber", lossGrad("huber(p, t)", PRED, TGT), expected, 1e-12, 1e-15);
  });

  it("log_cosh: tanh(p − t)/n, finite for an error of ±1000", () => {
    const p = [...PRED.slice(0, 10), 1000, -1000];
    const t = [...TGT.slice(0, 10), 0, 0];
    expectClose("d log_cosh", lossGrad("log_cosh(p, t)", p, t), zip(p, t).map(([a, b]) => Math.tanh(a - b) / n), 1e-12, 1e-15);
    // log(cosh(±1000)) = 1000 − log 2, where cosh itself overflows.
    expectClose("log_cosh at ±1000", [lossValue("log_cosh(p, t)", [1000, -1000, 0], [0, 0, 0], [0])], [(2 * (1000 - Math.LN2)) / 3], 1e-15, 0);
  });

  it("poisson: (1 − t/(p + ε))/n", () => {
    expectClose("d poisson", lossGrad("poisson(p, t)", PROB, COUNTS), zip(PROB, COUNTS).map(([a, b]) => (1 - b / (a + EPS)) / n), 1e-12, 1e-15);
  });

  it("kl_divergence: −t/(p·B) inside the clip range [ε, 1] (ends included, as TensorFlow's clip_by_value), 0 outside", () => {
    const expected = zip(PROB, ONEHOT).map(([p, t]) => (p >= EPS && p <= 1 ? -Math.min(Math.max(t, EPS), 1) / p / B : 0));
    expectClose("d kl_divergence", lossGrad("kl_divergence(p, t)", PROB, ONEHOT), expected, 1e-9, 1e-12);
  });

  it("binary_cross_entropy_from_logits: (sigmoid(z) − y)/n, finite at ±1000 and 0.5 − y at z = 0", () => {
    const expected = zip(LOGITS, BIN).map(([z, y]) => (sigmoid(z) - y) / n);
    expectClose("d bce logits", lossGrad("binary_cross_entropy_from_logits(p, t)", LOGITS, BIN), expected, 1e-12, 1e-15);
    expectClose("d bce from_logits: true", lossGrad("binary_cross_entropy(p, t, from_logits: true)", LOGITS, BIN), expected, 1e-12, 1e-15);
  });

  it("binary_cross_entropy: (−y/p + (1 − y)/(1 − p))/n inside the clip range, 0 where clipped", () => {
    const expected = zip(PROB, BIN).map(([p, y]) => (p > EPS && p < 1 - EPS ? (-y / p + (1 - y) / (1 - p)) / n : 0));
    expectClose("d bce", lossGrad("binary_cross_entropy(p, t)", PROB, BIN), expected, 1e-9, 1e-12);
  });

  it("cross_entropy: (softmax(z)·Σy − y)/B, finite at ±1000", () => {
    const expected = rows(LOGITS).flatMap((r, i) => {
      const y = rows(ONEHOT)[i]!;
      const total = y.reduce((a, c) => a + c, 0);
      return softmax(r).map((s, j) => (s * total - y[j]!) / B);
    });
    expectClose("d cross_entropy", lossGrad("cross_entropy(p, t)", LOGITS, ONEHOT), expected, 1e-12, 1e-15);
  });

  it("sparse_cross_entropy: (softmax(z) − one_hot(label))/B", () => {
    const y = oneHot(LABELS);
    const expected = rows(LOGITS).flatMap((r, i) => softmax(r).map((s, j) => (s - y[i * N + j]!) / B));
    expectClose("d sparse_cross_entropy", lossGrad("sparse_cross_entropy(p, l)", LOGITS, ONEHOT), expected, 1e-12, 1e-15);
  });
});
