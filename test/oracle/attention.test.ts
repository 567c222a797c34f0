// std.attention against TensorFlow.js 4.22, as layers-*.test.ts check std.layers (same harness,
// same tolerance and its reasoning): MultiHeadAttention against Keras's computation written out
// with tfjs ops (attention-reference.ts; tfjs has no attention layer), which is itself checked
// against plain loops and a case worked by hand; PositionalEmbedding against its table added by
// tfjs; the sinusoidal encoding against sin/cos values computed here. Compared are the output at
// inference and while training and the gradients of L = sum(y * R) with respect to every weight
// and the input. Parameter counts are checked against Keras's formula.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as TF from "@tensorflow/tfjs";
import { tfjs } from "./tfjs.ts";
import { compareLayer, expectCloseScaled, reportMeasured, rng, runDnncLayer, runTfjsFunction, uniform, type Tolerance, type WeightMap } from "./layer-oracle.ts";
import { kerasAttentionParams, loopAttention, tfjsAttention, type AttentionShape, type AttentionWeights } from "./attention-reference.ts";
import { compileModel, run } from "../stdlib/harness.ts";

const TOL: Tolerance = { rtol: 1e-4, aScale: 2e-5 };

let tf: typeof TF;
beforeAll(async () => {
  tf = await tfjs();
});
afterAll(() => reportMeasured("attention"));

const KEYS: (keyof AttentionWeights)[] = ["wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo"];
const DNNC_NAMES: Record<keyof AttentionWeights, string> = {
  wq: "query_kernel",
  bq: "query_bias",
  wk: "key_kernel",
  bk: "key_bias",
  wv: "value_kernel",
  bv: "value_bias",
  wo: "output_kernel",
  bo: "output_bias",
};

/** Seeded weights in Keras's shapes and order for query width d and context width dc. */
function attentionWeights(next: ReturnType<typeof rng>, d: number, dc: number, s: AttentionShape, instance = "multi_head_attention"): WeightMap[] {
  const { heads: h, keyDim: k, valueDim: v } = s;
  const shapes: Record<keyof AttentionWeights, number[]> = { wq: [d, h, k], bq: [h, k], wk: [dc, h, k], bk: [h, k], wv: [dc, h, v], bv: [h, v], wo: [h, v, d], bo: [d] };
  return KEYS.filter((key) => s.useBias || !key.startsWith("b")).map((key) => ({ dnnc: `${instance}.${DNNC_NAMES[key]}`, shape: shapes[key], values: uniform(next, shapes[key], -0.7, 0.7) }));
}

/** The weight tensors by Keras's key, from runTfjsFunction's positional weights (biases only when used). */
function byKey(s: AttentionShape, ws: TF.Tensor[]): Record<keyof AttentionWeights, TF.Tensor | undefined> {
  const keys = KEYS.filter((key) => s.useBias || !key.startsWith("b"));
  return Object.fromEntries(KEYS.map((key) => [key, keys.includes(key) ? ws[keys.indexOf(key)] : undefined])) as Record<keyof AttentionWeights, TF.Tensor | undefined>;
}

const asLoopWeights = (s: AttentionShape, w: WeightMap[]): AttentionWeights => {
  const keys = KEYS.filter((key) => s.useBias || !key.startsWith("b"));
  return Object.fromEntries(keys.map((key, i) => [key, w[i]!.values])) as unknown as AttentionWeights;
};

/** The constructor call for a configuration, in the language. */
const call = (s: AttentionShape, extra = ""): string =>
  `MultiHeadAttention(${s.heads}, ${s.keyDim}${s.valueDim !== s.keyDim ? `, value_dim: ${s.valueDim}` : ""}${s.causal ? ", causal: true" : ""}${s.useBias ? "" : ", use_bias: false"}${extra})`;

describe("the written-out reference", () => {
  it("gives a case worked by hand: one head of width 1, every weight 1, x = [1, 2]", () => {
    // q = k = v = x; scores x_i·x_j: row 0 [1, 2], row 1 [2, 4]; y_i = Σ_j softmax_j · x_j.
    const e = Math.E;
    const want = [(1 + 2 * e) / (1 + e), (1 + 2 * e * e) / (1 + e * e)];
    const wantCausal = [1, want[1]!];
    const s: AttentionShape = { heads: 1, keyDim: 1, valueDim: 1, causal: false, useBias: true };
    const w: AttentionWeights = { wq: [1], bq: [0], wk: [1], bk: [0], wv: [1], bv: [0], wo: [1], bo: [0] };
    const x = { values: [1, 2], shape: [1, 2, 1] };
    for (const [causal, expected] of [[false, want], [true, wantCausal]] as const) {
      const shape = { ...s, causal };
      const loops = loopAttention(shape, x, x, w);
      const written = tf.tidy(() => {
        const xt = tf.tensor(x.values, x.shape);
        const ws = KEYS.map((key) => tf.tensor(w[key]!, key === "wq" || key === "wk" || key === "wv" ? [1, 1, 1] : key === "wo" ? [1, 1, 1] : key === "bo" ? [1] : [1, 1]));
        return [...tfjsAttention(tf, shape, xt, xt, byKey(shape, ws)).dataSync()];
      });
      const dnnc = runDnncLayer({
        imports: ["MultiHeadAttention"],
        module: "attention",
        layer: call(shape),
        inShape: [1, 2, 1],
        outShape: [1, 2, 1],
        x: x.values,
        r: [1, 1],
        weights: Object.fromEntries(KEYS.map((key) => [`multi_head_attention.${DNNC_NAMES[key]}`, w[key]!])),
      }).y;
      for (const [what, got, tol] of [["loops", loops, 1e-12], ["tfjs", written, 1e-6], ["dnnc", dnnc, 1e-12]] as const)
        got.forEach((g, i) => expect(Math.abs(g - expected[i]!), `${what} causal=${causal} [${i}]: ${g} vs ${expected[i]}`).toBeLessThan(tol));
    }
  });
});

const CASES: [string, AttentionShape][] = [
  ["self-attention, 2 heads, key_dim 3", { heads: 2, keyDim: 3, valueDim: 3, causal: false, useBias: true }],
  ["causal: true", { heads: 2, keyDim: 3, valueDim: 3, causal: true, useBias: true }],
  ["value_dim 5 ≠ key_dim 3, 3 heads", { heads: 3, keyDim: 3, valueDim: 5, causal: false, useBias: true }],
  ["use_bias: false, causal", { heads: 2, keyDim: 4, valueDim: 2, causal: true, useBias: false }],
];

describe("MultiHeadAttention (self-attention) against Keras's computation in tfjs ops, x [2, 5, 4]", () => {
  it.each(CASES)("%s", (name, s) => {
    const next = rng(91);
    const inShape = [2, 5, 4];
    const x = { values: uniform(next, inShape), shape: inShape };
    const weights = attentionWeights(next, 4, 4, s);
    // The tfjs form against the loops first, on these very weights.
    const written = tf.tidy(() => {
      const xt = tf.tensor(x.values, inShape);
      return [...tfjsAttention(tf, s, xt, xt, byKey(s, weights.map((w) => tf.tensor(w.values, w.shape)))).dataSync()];
    });
    expectCloseScaled(`${name}: tfjs ops against loops`, written, loopAttention(s, x, x, asLoopWeights(s, weights)), TOL.rtol, TOL.aScale);
    const { dnnc } = compareLayer({
      name,
      imports: ["MultiHeadAttention"],
      module: "attention",
      layer: call(s),
      tfjs: (xs, w, r) => runTfjsFunction(tf, (xt, ...ws) => tfjsAttention(tf, s, xt, xt, byKey(s, ws)), xs, w, r),
      x,
      weights,
      seed: 92,
      tol: TOL,
      // q·(k + b) − q·k = q·b is the same for every key, which softmax does not see.
      zeroGradients: s.useBias ? ["multi_head_attention.key_bias"] : [],
    });
    // Keras's parameter count, and the brief formula for value_dim = key_dim with biases.
    const count = weights.reduce((n, w) => n + w.values.length, 0);
    expect(count).toBe(kerasAttentionParams(4, 4, s));
    if (s.useBias && s.valueDim === s.keyDim) expect(count).toBe(3 * (4 * s.heads * s.keyDim + s.heads * s.keyDim) + s.heads * s.keyDim * 4 + 4);
    expect(dnnc.paramNames).toEqual(weights.map((w) => w.dnnc));
  });

  it("causal: the output at position 0 does not depend on later positions (dL/dx is zero there)", () => {
    // With R zero except at position 0, dL/dx is zero at every later position.
    const s = CASES[1]![1];
    const next = rng(93);
    const x = uniform(next, [1, 4, 4]);
    const weights = Object.fromEntries(attentionWeights(next, 4, 4, s).map((w) => [w.dnnc, w.values]));
    const r = [1, -1, 0.5, 2, ...new Array<number>(12).fill(0)];
    const { grads } = runDnncLayer({ imports: ["MultiHeadAttention"], module: "attention", layer: call(s), inShape: [1, 4, 4], outShape: [1, 4, 4], x, r, weights });
    expect(grads["x"]!.slice(4).every((g) => g === 0)).toBe(true);
    expect(grads["x"]!.slice(0, 4).some((g) => g !== 0)).toBe(true);
  });
});

describe("PositionalEmbedding against the table added in tfjs", () => {
  it.each([[5], [8]])("x [2, %i, 3], sequence_length 8", (T) => {
    const next = rng(101);
    const inShape = [2, T, 3];
    const x = { values: uniform(next, inShape), shape: inShape };
    const table = uniform(next, [8, 3], -0.5, 0.5);
    const { dnnc } = compareLayer({
      name: `PositionalEmbedding T=${T}`,
      imports: ["PositionalEmbedding"],
      module: "attention",
      layer: "PositionalEmbedding(8, 3)",
      tfjs: (xs, w, r) => runTfjsFunction(tf, (xt, e) => tf.add(xt, tf.slice(e!, [0, 0], [T, 3])), xs, w, r),
      x,
      weights: [{ dnnc: "positional_embedding.embeddings", shape: [8, 3], values: table }],
      seed: 102,
      tol: TOL,
    });
    // By hand: y[b, t, c] = x[b, t, c] + table[t, c].
    expect(dnnc.y).toEqual(x.values.map((v, i) => v + table[i % (T * 3)]!));
    // keras_hub's count: sequence_length · width.
    expect(dnnc.paramNames).toEqual(["positional_embedding.embeddings"]);
  });
});

/** sin/cos by the definition: column 2i is sin(t / w^(2i / depth)), column 2i + 1 its cos. */
const sinusoid = (length: number, depth: number, w = 10000): number[] =>
  Array.from({ length: length * depth }, (_, n) => {
    const [t, j] = [Math.floor(n / depth), n % depth];
    const angle = t / Math.pow(w, (2 * Math.floor(j / 2)) / depth);
    return j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
  });

describe("the sinusoidal encoding", () => {
  const m = compileModel(`import std.attention.{sinusoidal_encoding, SinusoidalPositionEncoding}
model Positions {
  input  x: f32[B, T, 6]
  output even: f32[4, 4]
  output odd: f32[3, 5]
  output wide: f32[3, 6]
  output added: f32[B, T, 6]
  even = sinusoidal_encoding(4, 4)
  odd = sinusoidal_encoding(3, 5)
  wide = sinusoidal_encoding(3, 6, max_wavelength: 100.0)
  added = x |> SinusoidalPositionEncoding()
}`);
  const x = uniform(rng(111), [2, 7, 6]);
  const out = run(m.forward, { x }, { B: 2, T: 7 });

  it("position 1 of depth 4 is [sin 1, cos 1, sin 0.01, cos 0.01] (10000^(2/4) = 100), position 0 is [0, 1, 0, 1]", () => {
    const row = (k: number) => out["even"]!.slice(4 * k, 4 * k + 4);
    expect(row(0)).toEqual([0, 1, 0, 1]);
    row(1).forEach((v, i) => expect(v).toBeCloseTo([Math.sin(1), Math.cos(1), Math.sin(0.01), Math.cos(0.01)][i]!, 14));
  });
  it("equals the definition for an even and an odd depth and another max_wavelength", () => {
    out["even"]!.forEach((v, i) => expect(v).toBeCloseTo(sinusoid(4, 4)[i]!, 12));
    out["odd"]!.forEach((v, i) => expect(v).toBeCloseTo(sinusoid(3, 5)[i]!, 12));
    out["wide"]!.forEach((v, i) => expect(v).toBeCloseTo(sinusoid(3, 6, 100)[i]!, 12));
  });
  it("SinusoidalPositionEncoding adds it over a symbolic length T, with no parameters", () => {
    const table = sinusoid(7, 6);
    out["added"]!.forEach((v, i) => expect(v).toBeCloseTo(x[i]! + table[i % 42]!, 12));
    expect(m.params).toEqual([]);
  });
});
