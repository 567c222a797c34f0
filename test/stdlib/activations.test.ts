// std.activations against the formulas Keras documents (keras.activations / keras.ops), written
// out in plain float64 JavaScript. Each activation is compiled in a small model, run by the
// reference interpreter at ordinary and extreme points, and its gradient (from the compiled
// training step's reverse-mode autodiff, captured by an optimizer that stores g) is compared with
// the derivative worked out by hand.
import { describe, expect, it } from "vitest";
import { compileModel, expectClose, run } from "./harness.ts";
import { erf } from "./erf.ts";
import { CAPTURE } from "../helpers/capture.ts";

const XS = [-1000, -50, -20, -5, -1.5, -1, -0.3, -1e-8, 0, 1e-8, 0.3, 1, 1.5, 5, 20, 50, 1000];

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
const elu = (x: number, alpha = 1) => (x > 0 ? x : alpha * Math.expm1(x));
const C = Math.sqrt(2 / Math.PI);
const gtU = (x: number) => C * (x + 0.044715 * x ** 3);

interface Case {
  /** The expression applied to `x` in .dnn. */
  dnn: string;
  f: (x: number) => number;
  df: (x: number) => number;
  /** Points where the derivative is a convention (a kink); the value is still checked there. */
  kinks?: number[];
  rtol?: number;
  /** Where to check it (default XS). */
  points?: number[];
  /** Absolute tolerance of the derivative (by default none beyond rtol). */
  datol?: number;
}

const CASES: Record<string, Case> = {
  identity: { dnn: "identity(x)", f: (x) => x, df: () => 1 },
  linear: { dnn: "linear(x)", f: (x) => x, df: () => 1 },
  // keras.activations.leaky_relu: negative_slope = 0.2 by default.
  leaky_relu: { dnn: "leaky_relu(x)", f: (x) => (x > 0 ? x : 0.2 * x), df: (x) => (x > 0 ? 1 : 0.2) },
  leaky_relu_01: { dnn: "leaky_relu(x, alpha: 0.1)", f: (x) => (x > 0 ? x : 0.1 * x), df: (x) => (x > 0 ? 1 : 0.1) },
  softplus: { dnn: "softplus(x)", f: softplus, df: sigmoid },
  elu: { dnn: "elu(x)", f: (x) => elu(x), df: (x) => (x > 0 ? 1 : Math.exp(x)), kinks: [0], datol: 1e-16 },
  elu_alpha: { dnn: "elu(x, alpha: 0.5)", f: (x) => elu(x, 0.5), df: (x) => (x > 0 ? 1 : 0.5 * Math.exp(x)), kinks: [0], datol: 1e-16 },
  selu: {
    dnn: "selu(x)",
    f: (x) => SELU_SCALE * elu(x, SELU_ALPHA),
    df: (x) => SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x)),
    kinks: [0],
    datol: 1e-16,
  },
  gelu: {
    dnn: "gelu(x)",
    f: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
    // Φ(x) + x·φ(x)
    df: (x) => 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI),
    rtol: 1e-9,
  },
  gelu_tanh: {
    dnn: "gelu_tanh(x)",
    f: (x) => 0.5 * x * (1 + Math.tanh(gtU(x))),
    df: (x) => {
      const t = Math.tanh(gtU(x));
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * C * (1 + 3 * 0.044715 * x * x);
    },
  },
  silu: { dnn: "silu(x)", f: (x) => x * sigmoid(x), df: (x) => sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x)) },
  swish: { dnn: "swish(x)", f: (x) => x * sigmoid(x), df: (x) => sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x)) },
  // keras.activations.log_sigmoid: log(1 / (1 + e^−x)); derivative 1 − sigmoid(x) = sigmoid(−x).
  log_sigmoid: { dnn: "log_sigmoid(x)", f: (x) => -softplus(-x), df: (x) => sigmoid(-x) },
  // keras.activations.hard_silu: x · relu6(x + 3) / 6; derivative (2x + 3)/6 inside (−3, 3), 0 below, 1 above.
  hard_silu: {
    dnn: "hard_silu(x)",
    f: (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6,
    df: (x) => (x <= -3 ? 0 : x >= 3 ? 1 : (2 * x + 3) / 6),
    kinks: [-3, 3],
    points: [...XS, -3, 3, -2.5, 2.5],
  },
  // TensorFlow's Relu6Grad: g where 0 < x < 6, so 0 at both kinks.
  relu6: { dnn: "relu6(x)", f: (x) => Math.min(Math.max(x, 0), 6), df: (x) => (x > 0 && x < 6 ? 1 : 0), points: [...XS, 6, 5.999, 6.001] },
  hard_sigmoid: { dnn: "hard_sigmoid(x)", f: (x) => Math.min(Math.max(x / 6 + 0.5, 0), 1), df: (x) => (x > -3 && x < 3 ? 1 / 6 : 0), points: [...XS, -3, 3] },
  softsign: { dnn: "softsign(x)", f: (x) => x / (1 + Math.abs(x)), df: (x) => 1 / (1 + Math.abs(x)) ** 2 },
  log1p: {
    dnn: "log1p(x)",
    f: Math.log1p,
    df: (x) => 1 / (1 + x),
    points: [-0.999, -0.5, -1e-5, -1e-10, -1e-20, 0, 1e-20, 1e-17, 1e-10, 3e-8, 1e-5, 0.01, 0.5, 1, 100, 1e10],
    rtol: 1e-14,
  },
  mish: {
    dnn: "mish(x)",
    f: (x) => x * Math.tanh(softplus(x)),
    df: (x) => {
      const t = Math.tanh(softplus(x));
      return t + x * (1 - t * t) * sigmoid(x);
    },
  },
};

const IMPORT = `import std.activations.{identity, linear, log1p, softmax, log_softmax, leaky_relu, softplus, elu, selu, gelu,
  gelu_tanh, silu, swish, log_sigmoid, relu6, hard_sigmoid, hard_silu, softsign, mish}`;


/** Values of one activation (by CASES key) at `xs`, from its own compiled model. */
function values(name: string, xs: number[] = XS): number[] {
  const model = compileModel(`${IMPORT}
model Activation {
  input x: f32[N]
  output y: f32[N]
  y = ${CASES[name]!.dnn}
}`);
  return run(model.forward, { x: xs }, { N: xs.length })["y"]!;
}

describe("std.activations: values", () => {
  it.each(Object.keys(CASES))("%s matches Keras's formula, finite at ±1000 (or over its domain)", (name) => {
    const c = CASES[name]!;
    const xs = c.points ?? XS;
    expectClose(name, values(name, xs), xs.map(c.f), c.rtol ?? 1e-12, 1e-300);
  });

  it("pins a few values a reader can check against Keras", () => {
    const at = (name: string, x: number) => values(name, [x])[0]!;
    // keras.activations.elu(-1.0) = e^-1 − 1; selu(-1.0) = −1.1113307378125625;
    // gelu(1.0) = 0.8413447460685429 (exact) and 0.8411919906082768 (approximate=True).
    expect(at("elu", -1)).toBeCloseTo(Math.exp(-1) - 1, 14);
    expect(at("selu", -1)).toBeCloseTo(-1.1113307378125625, 14);
    expect(at("gelu_tanh", 1)).toBeCloseTo(0.8411919906082768, 14);
    expect(at("hard_sigmoid", 1)).toBeCloseTo(4 / 6, 14);
    // keras.ops.leaky_relu([-1., 0., 1.]) = [-0.2, 0., 1.] (its documented example).
    expect(values("leaky_relu", [-1, 0, 1])).toEqual([-0.2, 0, 1]);
    // elu keeps its precision near 0 (e^x − 1 is not computed by subtraction).
    expectClose("elu(-1e-8)", [at("elu", -1e-8)], [Math.expm1(-1e-8)], 1e-14, 0);
  });

  it("pins gelu(1.0) = 0.8413447460685429 (keras.activations.gelu, approximate=False)", () => {
    expect(values("gelu", [1])[0]).toBeCloseTo(0.8413447460685429, 9);
  });
});

describe("std.activations: gradients", () => {
  it.each(Object.keys(CASES))("d/dx %s matches the derivative by hand, finite at ±1000 (or over its domain)", (name) => {
    const c = CASES[name]!;
    const pts = (c.points ?? XS).filter((x) => !(c.kinks ?? []).includes(x));
    const m = compileModel(`${IMPORT}
${CAPTURE}
model G {
  param x: f32[${pts.length}] = 0.0
  output y: f32[${pts.length}]
  y = ${c.dnn}
}
train G {
  loss = sum(y)
  optimizer = capture()
}`);
    const out = run(m.train!.fn, { x: pts, step: [1], "x/capture.grad": pts.map(() => 0) });
    expectClose(`d ${name}`, out["x/capture.grad"]!, pts.map(c.df), c.rtol ?? 1e-12, c.datol ?? 1e-300);
  });
});

describe("std.activations: softmax and log_softmax", () => {
  const ROWS = [
    [1, 2, 3],
    [-1, 0.5, 0.25],
    [1000, 0, -1000],
    [-1000, -1000, -1000],
    [1e-8, 0, -1e-8],
    [88, 89, 90], // e^90 overflows float32
  ];
  const model = compileModel(`${IMPORT}
model S {
  input x: f32[B, 3]
  output p: f32[B, 3]
  output lp: f32[B, 3]
  p = softmax(x)
  lp = log_softmax(x)
}`);
  const out = run(model.forward, { x: ROWS.flat() }, { B: ROWS.length });

  // softmax_i = 1 / Σ_j e^(x_j − x_i): a different route from the max-shift the stdlib takes.
  const softmax = (r: number[]) => r.map((xi) => 1 / r.reduce((s, xj) => s + Math.exp(xj - xi), 0));

  it("softmax is 1 / Σ_j e^(x_j − x_i) row by row, finite at ±1000", () => {
    expectClose("softmax", out["p"]!, ROWS.flatMap(softmax), 1e-12, 1e-300);
    expectClose("softmax [1000, 0, -1000]", out["p"]!.slice(6, 9), [1, 0, 0], 0, 0);
  });

  it("log_softmax is log(softmax) and stays finite where softmax underflows", () => {
    const moderate = [0, 1, 4, 5];
    for (const r of moderate) expectClose(`log_softmax row ${r}`, out["lp"]!.slice(3 * r, 3 * r + 3), softmax(ROWS[r]!).map(Math.log), 1e-12, 1e-15);
    // log_softmax([1000, 0, -1000]) = [−log(1 + e^−1000 + e^−2000), −1000 − log(1 + …), −2000 − …] = [0, −1000, −2000] in float64.
    expectClose("log_softmax [1000, 0, -1000]", out["lp"]!.slice(6, 9), [0, -1000, -2000], 1e-15, 1e-300);
    expectClose("log_softmax [-1000, -1000, -1000]", out["lp"]!.slice(9, 12), [-Math.log(3), -Math.log(3), -Math.log(3)], 1e-14, 0);
  });

  it("their gradients are finite at ±1000: d/dx Σ w·softmax and d/dx Σ w·log_softmax", () => {
    const W = [0.3, -1.2, 2];
    const m = compileModel(`${IMPORT}
${CAPTURE}
model G {
  param x: f32[${ROWS.length}, 3] = 0.0
  output p: f32[${ROWS.length}, 3]
  output lp: f32[${ROWS.length}, 3]
  p = softmax(x)
  lp = log_softmax(x)
}
train G {
  loss = sum(p * [${W}]) + sum(lp * [${W}])
  optimizer = capture()
}`);
    const g = run(m.train!.fn, { x: ROWS.flat(), step: [1], "x/capture.grad": ROWS.flat().map(() => 0) })["x/capture.grad"]!;
    // d/dx_k Σ_i w_i s_i = s_k (w_k − Σ_i w_i s_i);  d/dx_k Σ_i w_i log s_i = w_k − s_k Σ_i w_i.
    const expected = ROWS.flatMap((r) => {
      const s = softmax(r);
      const ws = s.reduce((a, si, i) => a + W[i]! * si, 0);
      const wsum = W.reduce((a, b) => a + b, 0);
      return s.map((sk, k) => sk * (W[k]! - ws) + (W[k]! - sk * wsum));
    });
    expectClose("softmax/log_softmax gradient", g, expected, 1e-10, 1e-12);
  });
});
