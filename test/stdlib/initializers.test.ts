// std.initializers, statistically: each initializer fills 256×256 parameters (and a 128×512 one,
// where fan_in ≠ fan_out) through the compiled init function in the reference interpreter, and
// the draws are compared with the distribution Keras documents: mean, standard deviation,
// bounds, and the whole empirical CDF (Kolmogorov–Smirnov distance). With n = 65,536 draws the
// DKW inequality puts the KS distance above 0.01 with probability below 2·e^(−13); the other
// tolerances are five or more standard errors wide. Seeds are fixed, so the test is deterministic.
import { describe, expect, it } from "vitest";
import { compileModel, expectClose, run, runInit } from "./harness.ts";
import { erf } from "./erf.ts";

const Phi = (z: number) => 0.5 * (1 + erf(z / Math.SQRT2));
/** Keras's truncated-normal correction: the standard deviation of N(0, 1) truncated to [−2, 2]. */
const TRUNC = 0.87962566103423978;

/** CDF of N(mean, sd²) truncated to mean ± 2sd. */
const truncatedCdf = (mean: number, sd: number) => (x: number) => {
  const z = Math.min(Math.max((x - mean) / sd, -2), 2);
  return (Phi(z) - Phi(-2)) / (Phi(2) - Phi(-2));
};
const normalCdf = (mean: number, sd: number) => (x: number) => Phi((x - mean) / sd);
const uniformCdf = (lo: number, hi: number) => (x: number) => Math.min(Math.max((x - lo) / (hi - lo), 0), 1);

function stats(v: number[]) {
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) (min = Math.min(min, x)), (max = Math.max(max, x));
  return { n, mean, sd, min, max };
}

/** sup |F_n(x) − F(x)| over the sample. */
function ksDistance(v: number[], cdf: (x: number) => number): number {
  const s = [...v].sort((a, b) => a - b);
  let d = 0;
  s.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, Math.abs((i + 1) / s.length - f), Math.abs(i / s.length - f));
  });
  return d;
}

interface Expectation {
  init: string;
  shape: [number, number];
  mean: number;
  sd: number; // of the distribution actually drawn
  cdf: (x: number) => number;
  /** Closed bounds the draws must respect, and approach within 2.5 % of the range. */
  bounds?: [number, number];
}

const glorotNormalSd = (fanIn: number, fanOut: number) => Math.sqrt(2 / (fanIn + fanOut));
const CASES: Record<string, Expectation> = {
  glorot_normal: { init: "glorot_normal()", shape: [256, 256], mean: 0, sd: glorotNormalSd(256, 256), cdf: truncatedCdf(0, glorotNormalSd(256, 256) / TRUNC), bounds: [-2 * glorotNormalSd(256, 256) / TRUNC, 2 * glorotNormalSd(256, 256) / TRUNC] },
  glorot_normal_128x512: { init: "glorot_normal()", shape: [128, 512], mean: 0, sd: glorotNormalSd(128, 512), cdf: truncatedCdf(0, glorotNormalSd(128, 512) / TRUNC), bounds: [-2 * glorotNormalSd(128, 512) / TRUNC, 2 * glorotNormalSd(128, 512) / TRUNC] },
  he_normal: { init: "he_normal()", shape: [256, 256], mean: 0, sd: Math.sqrt(2 / 256), cdf: truncatedCdf(0, Math.sqrt(2 / 256) / TRUNC), bounds: [-2 * Math.sqrt(2 / 256) / TRUNC, 2 * Math.sqrt(2 / 256) / TRUNC] },
  he_normal_128x512: { init: "he_normal()", shape: [128, 512], mean: 0, sd: Math.sqrt(2 / 128), cdf: truncatedCdf(0, Math.sqrt(2 / 128) / TRUNC), bounds: [-2 * Math.sqrt(2 / 128) / TRUNC, 2 * Math.sqrt(2 / 128) / TRUNC] },
  lecun_normal: { init: "lecun_normal()", shape: [256, 256], mean: 0, sd: Math.sqrt(1 / 256), cdf: truncatedCdf(0, Math.sqrt(1 / 256) / TRUNC), bounds: [-2 * Math.sqrt(1 / 256) / TRUNC, 2 * Math.sqrt(1 / 256) / TRUNC] },
  // keras.initializers.TruncatedNormal(mean=0.0, stddev=0.05): stddev before truncation.
  truncated_normal: { init: "truncated_normal()", shape: [256, 256], mean: 0, sd: 0.05 * TRUNC, cdf: truncatedCdf(0, 0.05), bounds: [-0.1, 0.1] },
  truncated_normal_shifted: { init: "truncated_normal(mean: 1.5, stddev: 0.2)", shape: [256, 256], mean: 1.5, sd: 0.2 * TRUNC, cdf: truncatedCdf(1.5, 0.2), bounds: [1.1, 1.9] },
  glorot_uniform: { init: "glorot_uniform()", shape: [256, 256], mean: 0, sd: Math.sqrt(6 / 512) / Math.sqrt(3), cdf: uniformCdf(-Math.sqrt(6 / 512), Math.sqrt(6 / 512)), bounds: [-Math.sqrt(6 / 512), Math.sqrt(6 / 512)] },
  glorot_uniform_128x512: { init: "glorot_uniform()", shape: [128, 512], mean: 0, sd: Math.sqrt(6 / 640) / Math.sqrt(3), cdf: uniformCdf(-Math.sqrt(6 / 640), Math.sqrt(6 / 640)), bounds: [-Math.sqrt(6 / 640), Math.sqrt(6 / 640)] },
  he_uniform: { init: "he_uniform()", shape: [128, 512], mean: 0, sd: Math.sqrt(6 / 128) / Math.sqrt(3), cdf: uniformCdf(-Math.sqrt(6 / 128), Math.sqrt(6 / 128)), bounds: [-Math.sqrt(6 / 128), Math.sqrt(6 / 128)] },
  lecun_uniform: { init: "lecun_uniform()", shape: [128, 512], mean: 0, sd: Math.sqrt(3 / 128) / Math.sqrt(3), cdf: uniformCdf(-Math.sqrt(3 / 128), Math.sqrt(3 / 128)), bounds: [-Math.sqrt(3 / 128), Math.sqrt(3 / 128)] },
  uniform: { init: "uniform()", shape: [256, 256], mean: 0, sd: 0.1 / Math.sqrt(12), cdf: uniformCdf(-0.05, 0.05), bounds: [-0.05, 0.05] },
  uniform_range: { init: "uniform(minval: 2.0, maxval: 5.0)", shape: [256, 256], mean: 3.5, sd: 3 / Math.sqrt(12), cdf: uniformCdf(2, 5), bounds: [2, 5] },
  normal: { init: "normal()", shape: [256, 256], mean: 0, sd: 0.05, cdf: normalCdf(0, 0.05) },
  normal_shifted: { init: "normal(mean: -1.0, stddev: 0.3)", shape: [256, 256], mean: -1, sd: 0.3, cdf: normalCdf(-1, 0.3) },
};

const IMPORT = "import std.initializers.{zeros, ones, constant, uniform, normal, truncated_normal, glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal, erfinv}";

/** The values one initializer gives a parameter of `shape`. */
function draw(init: string, shape: [number, number], seed = 12345): number[] {
  const m = compileModel(`${IMPORT}
model Init {
  input x: f32[B, ${shape[0]}]
  output y: f32[B, ${shape[1]}]
  param w: f32[${shape[0]}, ${shape[1]}] = ${init}
  y = x @ w
}`);
  return runInit(m, seed)["w"]!;
}

describe("std.initializers: distributions of 65,536 draws", () => {
  it.each(Object.keys(CASES))("%s", (name) => {
    const c = CASES[name]!;
    const v = draw(c.init, c.shape);
    const s = stats(v);
    expect(s.n).toBe(c.shape[0] * c.shape[1]);
    expect(Math.abs(s.mean - c.mean), `mean ${s.mean}, expected ${c.mean}`).toBeLessThan((5 * c.sd) / Math.sqrt(s.n));
    expect(Math.abs(s.sd / c.sd - 1), `stddev ${s.sd}, expected ${c.sd}`).toBeLessThan(0.015);
    const ks = ksDistance(v, c.cdf);
    expect(ks, `Kolmogorov–Smirnov distance to the expected distribution`).toBeLessThan(0.01);
    if (c.bounds) {
      const [lo, hi] = c.bounds;
      const slack = 1e-6 * (hi - lo); // draws are float32
      expect(s.min, `min ${s.min} ≥ ${lo}`).toBeGreaterThanOrEqual(lo - slack);
      expect(s.max, `max ${s.max} ≤ ${hi}`).toBeLessThanOrEqual(hi + slack);
      expect(s.min, "the lower bound is approached").toBeLessThan(lo + 0.025 * (hi - lo));
      expect(s.max, "the upper bound is approached").toBeGreaterThan(hi - 0.025 * (hi - lo));
    }
  });

  it("the truncated normals put 68.27 % / 95.45 % ≈ 71.52 % of their draws within one pre-truncation stddev", () => {
    const v = draw("truncated_normal(stddev: 1.0)", [256, 256]);
    const inside = v.filter((x) => Math.abs(x) < 1).length / v.length;
    expect(Math.abs(inside - (Phi(1) - Phi(-1)) / (Phi(2) - Phi(-2)))).toBeLessThan(0.01);
  });

  it("zeros, ones and constant fill exactly", () => {
    expect(new Set(draw("zeros()", [16, 16]))).toEqual(new Set([0]));
    expect(new Set(draw("ones()", [16, 16]))).toEqual(new Set([1]));
    expect(new Set(draw("constant(0.25)", [16, 16]))).toEqual(new Set([0.25]));
    // keras.initializers.Constant(value=0.0).
    expect(new Set(draw("constant()", [16, 16]))).toEqual(new Set([0]));
  });

  // Keras's _compute_fans for a kernel of rank > 2: receptive field = product of all but the last
  // two axes; fan_in = shape[-2]·receptive, fan_out = shape[-1]·receptive. For [5, 5, 16, 96]
  // that is fan_in 400 and fan_out 2400, so glorot and he give clearly different widths.
  it.each([
    ["glorot_uniform()", Math.sqrt(6 / 2800) / Math.sqrt(3), Math.sqrt(6 / 2800)],
    ["glorot_normal()", Math.sqrt(2 / 2800), (2 * Math.sqrt(2 / 2800)) / TRUNC],
    ["he_uniform()", Math.sqrt(6 / 400) / Math.sqrt(3), Math.sqrt(6 / 400)],
    ["he_normal()", Math.sqrt(2 / 400), (2 * Math.sqrt(2 / 400)) / TRUNC],
    ["lecun_normal()", Math.sqrt(1 / 400), (2 * Math.sqrt(1 / 400)) / TRUNC],
  ] as const)("%s on a 5×5×16×96 convolution kernel uses Keras's fans (400 in, 2400 out)", (init, sd, bound) => {
    const m = compileModel(`${IMPORT}
model Init {
  input x: f32[B, 400]
  output y: f32[B, 96]
  param w: f32[5, 5, 16, 96] = ${init}
  y = x @ reshape(w, [400, 96])
}`);
    const v = runInit(m, 7)["w"]!;
    const s = stats(v);
    expect(s.n).toBe(38400);
    expect(Math.abs(s.mean)).toBeLessThan((5 * sd) / Math.sqrt(s.n));
    expect(Math.abs(s.sd / sd - 1), `stddev ${s.sd}, expected ${sd}`).toBeLessThan(0.02);
    expect(Math.max(-s.min, s.max)).toBeLessThanOrEqual(bound * (1 + 1e-6));
    expect(Math.max(-s.min, s.max)).toBeGreaterThan(0.97 * bound);
  });

  it("another seed gives other draws from the same distribution", () => {
    const a = draw("glorot_normal()", [256, 256], 1);
    const b = draw("glorot_normal()", [256, 256], 2);
    expect(a.filter((x, i) => x === b[i]).length).toBeLessThan(100);
    expect(ksDistance(b, CASES["glorot_normal"]!.cdf)).toBeLessThan(0.01);
  });
});

describe("std.initializers: erfinv", () => {
  // Reference by bisection on the test's own erf.
  const erfinvRef = (y: number): number => {
    let lo = -7;
    let hi = 7;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (erf(mid) < y) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const YS = [...Array.from({ length: 199 }, (_, i) => -0.99 + i * 0.01), -0.999999, -0.9999, -0.995, 0.995, 0.9999, 0.999999, -1e-6, 1e-6, 1e-12, 0.9544997361036416];

  it("inverts erf to within 3e-7 (Giles' single-precision bound) on (−1, 1)", () => {
    const m = compileModel(`${IMPORT}
model E {
  input y: f32[N]
  output x: f32[N]
  x = erfinv(y)
}`);
    const x = run(m.forward, { y: YS }, { N: YS.length })["x"]!;
    expectClose("erfinv", x, YS.map(erfinvRef), 3e-7, 3e-7);
    // erfinv(erf(√2)) = √2: the truncation point of the truncated normals.
    expect(Math.abs(x[YS.length - 1]! - Math.SQRT2)).toBeLessThan(1e-6);
  });
});
