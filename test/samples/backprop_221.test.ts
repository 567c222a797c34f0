// samples/backprop_221.dnn against the textbook worked example of backpropagation through a
// 2-2-1 sigmoid network. Every expected number is derived below, in float64, from the
// definitions alone — nothing here calls the compiler to compute an expectation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSample, importGenerated, importLines, tscCheck, type CompiledSample } from "../helpers/compile-sample.ts";

const TIMEOUT = 60_000;
const TOL = 1e-6;

// ---- the worked example, by hand ------------------------------------------------------------

const sigma = (z: number): number => 1 / (1 + Math.exp(-z));
/** σ'(z) written through the activation a = σ(z): σ'(z) = a(1 − a). */
const sigmaPrimeOfA = (a: number): number => a * (1 - a);

const LR = 0.5; // sgd(lr: 0.5) in the sample

// Sample and target.
const x = [1, 0] as const;
const y = 1;

// Parameters as the sample writes them (row i = input i, column j = hidden unit j).
const W_h = [
  [0.3, -0.1],
  [0.5, 0.2],
] as const;
const b_h = [0.4, -0.3] as const;
const W_o = [0.2, -0.4] as const; // the 2×1 column [[0.2], [-0.4]]
const b_o = 0.1;

// Forward pass.
// z_h = x·W_h + b_h = [1·0.3 + 0·0.5 + 0.4, 1·(−0.1) + 0·0.2 − 0.3] = [0.7, −0.4]
const z_h = [0, 1].map((j) => x[0] * W_h[0][j]! + x[1] * W_h[1][j]! + b_h[j]!);
// a_h = σ(z_h) ≈ [0.668188, 0.401312]
const a_h = z_h.map(sigma);
// z_o = a_h·W_o + b_o = 0.668188·0.2 + 0.401312·(−0.4) + 0.1 ≈ 0.0731126
const z_o = a_h[0]! * W_o[0] + a_h[1]! * W_o[1] + b_o;
// a_o = σ(z_o) ≈ 0.518270
const a_o = sigma(z_o);
// J = ½ (y − a_o)² ≈ 0.116032
const J = 0.5 * (y - a_o) ** 2;

// Backward pass.
// δ_o = ∂J/∂z_o = (a_o − y)·σ'(z_o) ≈ −0.120272
const delta_o = (a_o - y) * sigmaPrimeOfA(a_o);
// ∂J/∂W_o = a_hᵀ·δ_o ≈ [−0.0803641, −0.0482665]
const dW_o = a_h.map((a) => a * delta_o);
// ∂J/∂b_o = δ_o
const db_o = delta_o;
// δ_h = (δ_o·W_oᵀ) ⊙ σ'(z_h) ≈ [−0.00533316, 0.0115586]
const delta_h = [0, 1].map((j) => delta_o * W_o[j]! * sigmaPrimeOfA(a_h[j]!));
// ∂J/∂W_h = xᵀ·δ_h: row i = x_i·δ_h, so the row of the zero input is zero.
const dW_h = [0, 1].map((i) => [0, 1].map((j) => x[i]! * delta_h[j]!));
// ∂J/∂b_h = δ_h
const db_h = delta_h;

// One SGD step: w ← w − lr·∂J/∂w.
const W_h_new = [0, 1].map((i) => [0, 1].map((j) => W_h[i]![j]! - LR * dW_h[i]![j]!));
const b_h_new = [0, 1].map((j) => b_h[j]! - LR * db_h[j]!);
const W_o_new = [0, 1].map((j) => W_o[j]! - LR * dW_o[j]!);
const b_o_new = b_o - LR * db_o;

// The same numbers as literal decimals (computed independently with python3 in float64), so a
// reader can compare them with a textbook; the first test checks the derivation above against them.
const PINNED = {
  z_h: [0.7, -0.4],
  a_h: [0.6681877721681662, 0.401312339887548],
  z_o: 0.07311261847861403,
  a_o: 0.518270016881896,
  J: 0.11603188831748439,
  delta_o: -0.1202716974342818,
  dW_o: [-0.0803640775634965, -0.048266516319598836],
  db_o: -0.1202716974342818,
  delta_h: [-0.005333156722798813, 0.011558627086864042],
  dW_h: [
    [-0.005333156722798813, 0.011558627086864042],
    [0, 0],
  ],
  db_h: [-0.005333156722798813, 0.011558627086864042],
  W_h_new: [
    [0.3026665783613994, -0.10577931354343202],
    [0.5, 0.2],
  ],
  b_h_new: [0.4026665783613994, -0.305779313543432],
  W_o_new: [0.24018203878174826, -0.3758667418402006],
  b_o_new: 0.1601358487171409,
};

// ---- the compiled model ---------------------------------------------------------------------

interface Net221Model {
  forward(inputs: { x: Float32Array }): { h: Float32Array; a: Float32Array };
  trainStep(batch: { x: Float32Array; y: Float32Array }): number;
  getParameter(name: string): Float32Array;
  setParameter(name: string, values: ArrayLike<number>): void;
  readonly steps: number;
}
interface Net221Class {
  create(options?: { seed?: number }): Net221Model;
  readonly parameters: readonly { name: string; dtype: string; shape: readonly (number | string)[] }[];
}

/** Element-wise |actual − expected| ≤ tol, with a message naming the quantity and index. */
function expectClose(what: string, actual: ArrayLike<number>, expected: readonly number[], tol = TOL): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    expect(d, `${what}[${i}] = ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`).toBeLessThanOrEqual(tol);
  }
}

let sample: CompiledSample;
let Net221: Net221Class;

beforeAll(async () => {
  sample = await compileSample("samples/backprop_221.dnn");
  if (sample.code !== 0) throw new Error(`dnnc compile failed with exit code ${sample.code}:\n${sample.stderr}${sample.stdout}`);
  Net221 = (await importGenerated<{ Net221: Net221Class }>(sample.file)).Net221;
}, TIMEOUT);

afterAll(() => sample?.cleanup());

describe("the worked example, by hand", () => {
  it("the derivation in float64 agrees with the pinned decimals", () => {
    const T = 1e-12;
    expectClose("z_h", z_h, PINNED.z_h, T);
    expectClose("a_h", a_h, PINNED.a_h, T);
    expectClose("z_o", [z_o], [PINNED.z_o], T);
    expectClose("a_o", [a_o], [PINNED.a_o], T);
    expectClose("J", [J], [PINNED.J], T);
    expectClose("delta_o", [delta_o], [PINNED.delta_o], T);
    expectClose("dW_o", dW_o, PINNED.dW_o, T);
    expectClose("db_o", [db_o], [PINNED.db_o], T);
    expectClose("delta_h", delta_h, PINNED.delta_h, T);
    expectClose("dW_h", dW_h.flat(), PINNED.dW_h.flat(), T);
    expectClose("db_h", db_h, PINNED.db_h, T);
    expectClose("W_h_new", W_h_new.flat(), PINNED.W_h_new.flat(), T);
    expectClose("b_h_new", b_h_new, PINNED.b_h_new, T);
    expectClose("W_o_new", W_o_new, PINNED.W_o_new, T);
    expectClose("b_o_new", [b_o_new], [PINNED.b_o_new], T);
    // The textbook's rounded values.
    expect(a_h[0]).toBeCloseTo(0.668188, 6);
    expect(a_h[1]).toBeCloseTo(0.401312, 6);
  });
});

describe("compiling samples/backprop_221.dnn", () => {
  it("main() exits 0 and writes a standalone module that typechecks alone", () => {
    expect(sample.code).toBe(0);
    expect(sample.stdout).toBe("");
    expect(sample.stderr.split("\n")[0]).toBe(`wrote ${sample.file} (Net221)`);
    expect(sample.stderr).not.toMatch(/error|warning/);
    expect(importLines(sample.file)).toEqual([]);
    const r = tscCheck(sample.file);
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  }, TIMEOUT);

  it("the literal parameters are the sample's (as float32)", () => {
    const m = Net221.create();
    expect(Net221.parameters.map((p) => [p.name, p.shape])).toEqual([
      ["W_h", [2, 2]],
      ["b_h", [2]],
      ["W_o", [2, 1]],
      ["b_o", [1]],
    ]);
    expect(m.getParameter("W_h")).toEqual(Float32Array.from(W_h.flat()));
    expect(m.getParameter("b_h")).toEqual(Float32Array.from(b_h));
    expect(m.getParameter("W_o")).toEqual(Float32Array.from(W_o));
    expect(m.getParameter("b_o")).toEqual(Float32Array.of(b_o));
  });
});

describe("Net221 reproduces the worked example", () => {
  const X = () => Float32Array.from(x);
  const Y = () => Float32Array.of(y);

  it("forward gives h = a_h and a = a_o", () => {
    const { h, a } = Net221.create().forward({ x: X() });
    expectClose("h", h, a_h);
    expectClose("a", a, [a_o]);
  });

  it("one SGD step: loss J before the update, the hand gradients, and the hand-updated weights", () => {
    const m = Net221.create();
    const names = ["W_h", "b_h", "W_o", "b_o"] as const;
    const before = Object.fromEntries(names.map((n) => [n, m.getParameter(n)]));

    const loss = m.trainStep({ x: X(), y: Y() });
    expect(Math.abs(loss - J), `loss ${loss}, expected J = ${J}`).toBeLessThanOrEqual(TOL);
    expect(m.steps).toBe(1);

    const after = Object.fromEntries(names.map((n) => [n, m.getParameter(n)]));

    // The updated weights themselves, against w − 0.5·∂J/∂w by hand.
    expectClose("W_h after", after["W_h"]!, W_h_new.flat());
    expectClose("b_h after", after["b_h"]!, b_h_new);
    expectClose("W_o after", after["W_o"]!, W_o_new);
    expectClose("b_o after", after["b_o"]!, [b_o_new]);

    // The gradient each parameter received, recovered as (before − after) / lr. `before` and
    // `after` are the model's own float32 values and the subtraction runs in float64, so it is
    // exact; the error left is the float32 rounding of `after` (½ ulp ≤ 2^-26 ≈ 1.5e-8 for
    // |w| < 0.5), doubled by the ÷0.5, plus float32 arithmetic inside the step (relative ~1e-7 of
    // gradients below 0.13) and float32 rounding of the literal weights: ≲ 5e-8 in all (3e-8
    // measured), so the 1e-6 tolerance holds for the gradients themselves, not just the weights.
    const grad = (n: (typeof names)[number]) => Array.from(before[n]!, (b, i) => (b - after[n]![i]!) / LR);
    expectClose("dJ/dW_h", grad("W_h"), dW_h.flat());
    expectClose("dJ/db_h", grad("b_h"), db_h);
    expectClose("dJ/dW_o", grad("W_o"), dW_o);
    expectClose("dJ/db_o", grad("b_o"), [db_o]);
    // The zero input contributes no gradient: row 1 of W_h is unchanged, bit for bit.
    expect(after["W_h"]!.subarray(2)).toEqual(before["W_h"]!.subarray(2));
  });

  it("a batch of the same sample twice gives the single-sample rows and loss 2·J (half_sse sums)", () => {
    const m = Net221.create();
    const x2 = Float32Array.of(x[0], x[1], x[0], x[1]);
    const { h, a } = m.forward({ x: x2 });
    expectClose("h (batch of 2)", h, [...a_h, ...a_h]);
    expectClose("a (batch of 2)", a, [a_o, a_o]);
    const loss = m.trainStep({ x: x2, y: Float32Array.of(y, y) });
    expect(Math.abs(loss - 2 * J), `loss ${loss}, expected 2·J = ${2 * J}`).toBeLessThanOrEqual(TOL);
    // The summed loss doubles the gradient: one step moves each weight by 2·lr·∂J/∂w.
    expectClose("W_o after a batch of 2", m.getParameter("W_o"), [0, 1].map((j) => W_o[j]! - 2 * LR * dW_o[j]!));
    expectClose("b_o after a batch of 2", m.getParameter("b_o"), [b_o - 2 * LR * db_o]);
  });
});
