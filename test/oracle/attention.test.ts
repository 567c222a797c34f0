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
import { compareLayer, expectCloseScaled, reportMeasured, rng, runDnncLayer, runTfjsFunction, uniform, type ExtraArg, type Tolerance, type WeightMap } from "./layer-oracle.ts";
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

/** A mask case: its values, its shape in the language, and how it reads at (b, query i, key j). */
interface MaskCase {
  kind: "padding" | "attention";
  dtype: "f32" | "i32";
  shape: number[];
  values: number[];
}

const maskAt = (m: MaskCase) => (b: number, i: number, j: number): number => {
  const [, rows, cols] = m.kind === "padding" ? [0, 1, m.shape[1]!] : m.shape;
  return m.values[(b * rows! + (m.kind === "padding" ? 0 : i)) * cols! + j]!;
};

// Padding masks over 5 keys: batch 0 sees keys 0-2; batch 1 none (every row fully masked), or
// keys 1-4 (with causal: true its first row sees nothing).
const PAD_NONE: MaskCase = { kind: "padding", dtype: "f32", shape: [2, 5], values: [1, 1, 1, 0, 0, 0, 0, 0, 0, 0] };
const PAD_FIRST: MaskCase = { kind: "padding", dtype: "i32", shape: [2, 5], values: [1, 1, 1, 0, 0, 0, 1, 1, 1, 1] };
// An attention mask [2, 5, 5] with query row 2 of batch 0 and row 4 of batch 1 fully masked.
const ATTENTION: MaskCase = {
  kind: "attention",
  dtype: "f32",
  shape: [2, 5, 5],
  values: Array.from({ length: 50 }, (_, n) => ((n >= 10 && n < 15) || n >= 45 ? 0 : (n * 7) % 3 === 0 ? 0 : 1)),
};
// Padding of a context of 3 positions: batch 0 sees 2 of them, batch 1 all 3.
const PAD_CONTEXT: MaskCase = { kind: "padding", dtype: "f32", shape: [2, 3], values: [1, 0, 1, 1, 1, 1] };

const MASKED: [string, AttentionShape, MaskCase | undefined, number][] = [
  ["padding mask [B, S], batch 1 fully masked", { heads: 2, keyDim: 3, valueDim: 3, causal: false, useBias: true }, PAD_NONE, 5],
  ["i32 padding mask and causal: true, one row fully masked", { heads: 2, keyDim: 3, valueDim: 3, causal: true, useBias: true }, PAD_FIRST, 5],
  ["attention mask [B, T, S] with fully masked rows, causal", { heads: 2, keyDim: 3, valueDim: 2, causal: true, useBias: true }, ATTENTION, 5],
  ["cross-attention: context [2, 3, 6], value_dim 5", { heads: 2, keyDim: 3, valueDim: 5, causal: false, useBias: true }, undefined, 3],
  ["cross-attention with a padding mask of the context and causal: true", { heads: 3, keyDim: 2, valueDim: 4, causal: true, useBias: false }, PAD_CONTEXT, 3],
];

describe("MultiHeadAttention with masks and a context, against the same reference (x [2, 5, 4])", () => {
  it.each(MASKED)("%s", (name, s, mask, contextLength) => {
    const next = rng(121);
    const inShape = [2, 5, 4];
    const x = { values: uniform(next, inShape), shape: inShape };
    const cross = contextLength !== 5;
    const ctxShape = [2, contextLength, cross ? 6 : 4];
    const context = cross ? { values: uniform(next, ctxShape), shape: ctxShape } : x;
    const weights = attentionWeights(next, 4, ctxShape[2]!, s);
    const keepOf = () => mask && tf.tensor(mask.values, mask.kind === "padding" ? [2, 1, mask.shape[1]!] : mask.shape);
    const written = tf.tidy(() => {
      const xt = tf.tensor(x.values, inShape);
      const ct = cross ? tf.tensor(context.values, ctxShape) : xt;
      return [...tfjsAttention(tf, s, xt, ct, byKey(s, weights.map((w) => tf.tensor(w.values, w.shape))), keepOf()).dataSync()];
    });
    const loops = loopAttention(s, x, context, asLoopWeights(s, weights), mask && maskAt(mask));
    expectCloseScaled(`${name}: tfjs ops against loops`, written, loops, TOL.rtol, TOL.aScale);
    const extra: ExtraArg[] = [];
    if (mask) extra.push({ name: "m", role: "input", type: `${mask.dtype}[${mask.shape.join(", ")}]`, values: mask.values });
    if (cross) extra.push({ name: "c", role: "param", type: `f32[${ctxShape.join(", ")}]`, values: context.values });
    let contextGrad: number[] = [];
    const { dnnc } = compareLayer({
      name,
      imports: ["MultiHeadAttention"],
      module: "attention",
      layer: call(s, `${mask ? ", mask: m" : ""}${cross ? ", context: c" : ""}`),
      tfjs: (xs, w, r) => {
        const ctxWeight = cross ? [{ values: context.values, shape: ctxShape }] : [];
        const f = (xt: TF.Tensor, ...ws: TF.Tensor[]) => tfjsAttention(tf, s, xt, cross ? ws[ws.length - 1]! : xt, byKey(s, cross ? ws.slice(0, -1) : ws), keepOf());
        const out = runTfjsFunction(tf, f, xs, [...w, ...ctxWeight], r);
        if (cross) contextGrad = out.weightGrads.pop()!;
        return out;
      },
      x,
      weights,
      seed: 122,
      tol: TOL,
      zeroGradients: s.useBias ? ["multi_head_attention.key_bias"] : [],
      extra,
    });
    if (cross) expectCloseScaled(`${name}: dL/d context`, dnnc.grads["c"]!, contextGrad, TOL.rtol, TOL.aScale);
    expect(dnnc.paramNames.length).toBe(weights.length);
    expect(weights.reduce((n, w) => n + w.values.length, 0)).toBe(kerasAttentionParams(4, ctxShape[2]!, s));
  });

  it("a fully masked row attends to every key equally: every row of a batch element that sees no key has one y", () => {
    // Batch 1 of PAD_NONE sees no key, so each of its rows is the output projection of the
    // values' mean (Keras), finite and the same for every query.
    const s = MASKED[0]![1];
    const next = rng(131);
    const x = { values: uniform(next, [2, 5, 4]), shape: [2, 5, 4] };
    const weights = attentionWeights(next, 4, 4, s);
    const y = runDnncLayer({
      imports: ["MultiHeadAttention"],
      module: "attention",
      layer: call(s, ", mask: m"),
      inShape: [2, 5, 4],
      outShape: [2, 5, 4],
      x: x.values,
      r: new Array<number>(40).fill(1),
      weights: Object.fromEntries(weights.map((w) => [w.dnnc, w.values])),
      extra: [{ name: "m", role: "input", type: "f32[2, 5]", values: PAD_NONE.values }],
    }).y;
    const rows = y.slice(20);
    for (let t = 1; t < 5; t++) rows.slice(4 * t, 4 * t + 4).forEach((v, c) => expect(v).toBeCloseTo(rows[c]!, 12));
    expect(y.every(Number.isFinite)).toBe(true);
  });
});

describe("MultiHeadAttention's gradients against finite differences (float64 interpreter)", () => {
  it("dL/dx and dL/d query_kernel with a padding mask and causal: true, at a fully masked row too", () => {
    const s = MASKED[1]![1];
    const next = rng(141);
    const x = uniform(next, [2, 5, 4]);
    const weights = Object.fromEntries(attentionWeights(next, 4, 4, s).map((w) => [w.dnnc, w.values]));
    const r = uniform(next, [2, 5, 4]);
    const runAt = (xs: number[], ws: Record<string, number[]>) =>
      runDnncLayer({
        imports: ["MultiHeadAttention"],
        module: "attention",
        layer: call(s, ", mask: m"),
        inShape: [2, 5, 4],
        outShape: [2, 5, 4],
        x: xs,
        r,
        weights: ws,
        extra: [{ name: "m", role: "input", type: "i32[2, 5]", values: PAD_FIRST.values }],
      });
    const loss = (xs: number[], ws: Record<string, number[]>) => runAt(xs, ws).y.reduce((a, y, i) => a + y * r[i]!, 0);
    const { grads } = runAt(x, weights);
    const h = 1e-6;
    // x[1, 0, 2] is in batch 1's first row, which sees no key; x[0, 3, 1] in a padded position.
    for (const i of [20 + 2, 12 + 1, 4 * 4 + 3, 20 + 4 * 4]) {
      const up = x.map((v, j) => (j === i ? v + h : v));
      const down = x.map((v, j) => (j === i ? v - h : v));
      expect(grads["x"]![i]!).toBeCloseTo((loss(up, weights) - loss(down, weights)) / (2 * h), 6);
    }
    const kq = "multi_head_attention.query_kernel";
    for (const i of [0, 7, 23]) {
      const shift = (dv: number) => ({ ...weights, [kq]: weights[kq]!.map((v, j) => (j === i ? v + dv : v)) });
      expect(grads[kq]![i]!).toBeCloseTo((loss(x, shift(h)) - loss(x, shift(-h))) / (2 * h), 6);
    }
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
