// The stdlib in the code users run: the activations, losses and initializers compiled by the
// TypeScript backend into a standalone module (Float32Array tensors), run at the same extreme
// points as the float64 interpreter tests. The expectations are the plain-JS float64 formulas
// of Keras's definitions, evaluated at the float32-rounded inputs; the tolerances are float32's.
// What this adds to the interpreter tests: nothing overflows or cancels to NaN/Inf in float32
// (e^90, 1 − 1e-7, log of a clipped 0, …) where Keras's own float32 version stays finite.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitModule } from "../helpers/targets.ts";
import { compileModels } from "./harness.ts";
import { erf } from "./erf.ts";

const f32 = Math.fround;
const XS = [-1000, -100, -88, -20, -5, -1, -0.3, -1e-8, 0, 1e-8, 0.3, 1, 5, 20, 88, 100, 1000].map(f32);

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const elu = (x: number, alpha = 1) => (x > 0 ? x : alpha * Math.expm1(x));
const C = Math.sqrt(2 / Math.PI);
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

const ACTIVATIONS: Record<string, (x: number) => number> = {
  leaky_relu: (x) => (x > 0 ? x : 0.2 * x),
  softplus,
  elu: (x) => elu(x),
  selu: (x) => SELU_SCALE * elu(x, SELU_ALPHA),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  gelu_tanh: (x) => 0.5 * x * (1 + Math.tanh(C * (x + 0.044715 * x ** 3))),
  silu: (x) => x * sigmoid(x),
  relu6: (x) => Math.min(Math.max(x, 0), 6),
  hard_sigmoid: (x) => Math.min(Math.max(x / 6 + 0.5, 0), 1),
  softsign: (x) => x / (1 + Math.abs(x)),
  mish: (x) => x * Math.tanh(softplus(x)),
  swish: (x) => x * sigmoid(x),
  log_sigmoid: (x) => -softplus(-x),
  hard_silu: (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6,
};

const N = 3;
const LOGITS = [1000, 0, -1000, -1000, 1000, 0, 88, 89, 90, 0, 2, -1].map(f32);
const PROB = [0, 1, 0.5, 0.9, 0.1, 1e-9, 1, 0, 0.999999999, 0.2, 0.6, 0.2].map(f32);
const BIN = [1, 0, 1, 1, 0, 1, 0, 1, 0, 0.25, 0.5, 1];
const LABELS = [2, 0, 1, 2];
const EPS = 1e-7;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rows = (xs: number[]) => Array.from({ length: xs.length / N }, (_, i) => xs.slice(i * N, i * N + N));
const logSoftmax = (r: number[]) => {
  const m = Math.max(...r);
  const lse = Math.log(r.reduce((s, x) => s + Math.exp(x - m), 0));
  return r.map((x) => x - m - lse);
};
// Keras clips to [ε, 1 − ε] in float32, where 1 − 1e-7 rounds to 1 − 2^−23.
const clip = (p: number) => Math.min(Math.max(p, f32(EPS)), f32(1 - EPS));

const LOSSES: Record<string, () => number> = {
  bce_logits: () => mean(LOGITS.map((z, i) => softplus(z) - z * BIN[i]!)),
  bce: () => mean(PROB.map((p, i) => -(BIN[i]! * Math.log(clip(p)) + (1 - BIN[i]!) * Math.log(1 - clip(p))))),
  sparse_ce: () => mean(rows(LOGITS).map((r, i) => -logSoftmax(r)[LABELS[i]!]!)),
  nll: () => mean(rows(LOGITS).map((r, i) => -logSoftmax(r)[LABELS[i]!]!)),
  // log(cosh(e)) = |e| − log 2 + log1p(e^−2|e|), finite where cosh overflows.
  log_cosh: () => mean(LOGITS.map((z, i) => Math.abs(z - BIN[i]!) - Math.LN2 + Math.log1p(Math.exp(-2 * Math.abs(z - BIN[i]!))))),
  rmsle: () => Math.sqrt(mean(PROB.map((p, i) => (Math.log(Math.max(p, EPS) + 1) - Math.log(BIN[i]! + 1)) ** 2))),
};

const SOURCE = `import std.activations.{${Object.keys(ACTIVATIONS).join(", ")}, softmax, log_softmax}
import std.losses.{binary_cross_entropy, binary_cross_entropy_from_logits, sparse_cross_entropy, nll, rmsle, log_cosh}
import std.initializers.{glorot_normal, he_normal, truncated_normal}

model Activations {
  input x: f32[N]
${Object.keys(ACTIVATIONS).map((n) => `  output ${n}_y: f32[N]`).join("\n")}
${Object.keys(ACTIVATIONS).map((n) => `  ${n}_y = ${n}(x)`).join("\n")}
}

model Losses {
  input z: f32[B, ${N}]
  input p: f32[B, ${N}]
  input y: f32[B, ${N}]
  input l: i32[B]
  output sm: f32[B, ${N}]
  output lsm: f32[B, ${N}]
  output bce_logits_v: f32[]
  output bce_v: f32[]
  output sparse_ce_v: f32[]
  output nll_v: f32[]
  output rmsle_v: f32[]
  output log_cosh_v: f32[]
  sm = softmax(z)
  lsm = log_softmax(z)
  bce_logits_v = binary_cross_entropy(z, y, from_logits: true)
  bce_v = binary_cross_entropy(p, y)
  sparse_ce_v = sparse_cross_entropy(z, l)
  nll_v = nll(log_softmax(z), l)
  rmsle_v = rmsle(p, y)
  log_cosh_v = log_cosh(z, y)
}

model Inits {
  input x: f32[B, 256]
  output out: f32[B, 256]
  param g: f32[256, 256] = glorot_normal()
  param h: f32[256, 256] = he_normal()
  param t: f32[256, 256] = truncated_normal(stddev: 1.0)
  out = x @ (g + h + t)
}
`;

interface Model {
  forward(inputs: Record<string, Float32Array>): Record<string, Float32Array>;
  getParameter(name: string): Float32Array;
}
type ModelClass = { create(options?: { seed?: number }): Model };

let dir = "";
let mod: Record<string, ModelClass> = {};

beforeAll(async () => {
  const text = emitModule("ts", compileModels(SOURCE), "stdlib_float32.dnn").module;
  dir = mkdtempSync(join(tmpdir(), "dnnc-stdlib-f32-"));
  const file = join(dir, "stdlib_float32.ts");
  writeFileSync(file, text);
  mod = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Record<string, ModelClass>;
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Finite where expected is, and |a − e| ≤ rtol·(|e| + 1). */
function expectNear(what: string, actual: ArrayLike<number>, expected: number[], rtol = 1e-5): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!Number.isFinite(e)) expect.fail(`${what}[${i}]: the expectation ${e} is not finite`);
    if (!Number.isFinite(a)) expect.fail(`${what}[${i}] = ${a}, expected ${e}`);
    if (!(Math.abs(a - e) <= rtol * (Math.abs(e) + 1))) expect.fail(`${what}[${i}] = ${a}, expected ${e}`);
  }
}

describe("std.activations in generated float32 code", () => {
  it.each(Object.keys(ACTIVATIONS))("%s is finite and matches Keras's formula at ±1000, ±100, ±88", (name) => {
    const out = mod["Activations"]!.create().forward({ x: Float32Array.from(XS) });
    expectNear(name, out[`${name}_y`]!, XS.map(ACTIVATIONS[name]!));
  });
});

describe("std.losses in generated float32 code", () => {
  const run = () =>
    mod["Losses"]!.create().forward({
      z: Float32Array.from(LOGITS),
      p: Float32Array.from(PROB),
      y: Float32Array.from(BIN),
      l: Int32Array.from(LABELS) as unknown as Float32Array,
    });

  it("softmax and log_softmax stay finite where e^90 overflows float32", () => {
    const out = run();
    expectNear("softmax", out["sm"]!, rows(LOGITS).flatMap((r) => logSoftmax(r).map(Math.exp)));
    expectNear("log_softmax", out["lsm"]!, rows(LOGITS).flatMap(logSoftmax));
  });

  it.each(Object.keys(LOSSES))("%s is finite and matches Keras's formula at logits ±1000 and probabilities 0 and 1", (name) => {
    expectNear(name, [run()[`${name}_v`]![0]!], [LOSSES[name]!()]);
  });
});

describe("std.initializers in generated float32 code", () => {
  let inits: Model | undefined;
  // Truncated normals must respect their ±2·stddev bounds after float32 rounding of every step.
  it.each([
    ["g", Math.sqrt(2 / 512) / 0.87962566103423978],
    ["h", Math.sqrt(2 / 256) / 0.87962566103423978],
    ["t", 1],
  ] as const)("parameter %s (pre-truncation stddev %f) stays within 2 stddev and fills it", (name, sd) => {
    inits ??= mod["Inits"]!.create({ seed: 3 });
    const w = inits.getParameter(name);
    let lo = Infinity;
    let hi = -Infinity;
    let sq = 0;
    for (const v of w) (lo = Math.min(lo, v)), (hi = Math.max(hi, v)), (sq += v * v);
    expect(w.every(Number.isFinite)).toBe(true);
    expect(lo).toBeGreaterThanOrEqual(-2 * sd * (1 + 1e-6));
    expect(hi).toBeLessThanOrEqual(2 * sd * (1 + 1e-6));
    expect(Math.min(-lo, hi)).toBeGreaterThan(1.95 * sd);
    // The truncated normal's standard deviation is 0.8796… of the stddev before truncation.
    expect(Math.abs(Math.sqrt(sq / w.length) / (0.87962566103423978 * sd) - 1)).toBeLessThan(0.015);
  });
});
