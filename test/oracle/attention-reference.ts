// Keras's MultiHeadAttention written out twice, as the oracle for std.attention: with
// TensorFlow.js ops (tfjs 4.22 has no attention layer), differentiated by tf.grads; and as plain
// loops straight from the formula, which checks the tfjs form. Keras's computation
// (keras/src/layers/attention/multi_head_attention.py): q = x·Wq + bq, k = c·Wk + bk,
// v = c·Wv + bv per head (EinsumDense "abc,cde->abde"), q scaled by 1/sqrt(key_dim), scores
// q·kᵀ, hidden scores set to −1e9 (Softmax with a mask), softmax over the keys, the weighted
// values, then y = Σ_heads o·Wo + bo (EinsumDense "abcd,cde->abe").
import type * as TF from "@tensorflow/tfjs";

export interface AttentionShape {
  heads: number;
  keyDim: number;
  valueDim: number;
  causal: boolean;
  useBias: boolean;
}

/** Keras's weights in its order: kernels, each followed by its bias when there are biases. */
export interface AttentionWeights {
  wq: number[];
  bq?: number[];
  wk: number[];
  bk?: number[];
  wv: number[];
  bv?: number[];
  wo: number[];
  bo?: number[];
}

/** Keras's parameter count of a MultiHeadAttention with query width d and context width dc. */
export function kerasAttentionParams(d: number, dc: number, s: AttentionShape): number {
  const { heads: h, keyDim: k, valueDim: v } = s;
  const biases = s.useBias ? 2 * h * k + h * v + d : 0;
  return d * h * k + dc * h * k + dc * h * v + h * v * d + biases;
}

/**
 * The written-out layer with tfjs ops: x [B, T, d], context [B, S, dc], weights as Keras's
 * shapes, keep (nonzero keeps: Keras casts its masks to bool) broadcasting to [B, T, S], or undefined.
 */
export function tfjsAttention(tf: typeof TF, s: AttentionShape, x: TF.Tensor, context: TF.Tensor, w: Record<keyof AttentionWeights, TF.Tensor | undefined>, keep?: TF.Tensor): TF.Tensor {
  const [b, t, d] = x.shape as [number, number, number];
  const [, len, dc] = context.shape as [number, number, number];
  const { heads: h, keyDim: k, valueDim: v } = s;
  const project = (input: TF.Tensor, rows: number, width: number, kernel: TF.Tensor, bias: TF.Tensor | undefined, size: number) => {
    const flat = tf.matMul(tf.reshape(input, [b * rows, width]), tf.reshape(kernel, [width, h * size]));
    const y = tf.reshape(flat, [b, rows, h, size]);
    return tf.transpose(bias ? tf.add(y, bias) : y, [0, 2, 1, 3]);
  };
  const q = tf.mul(project(x, t, d, w.wq!, w.bq, k), 1 / Math.sqrt(k));
  const kk = project(context, len, dc, w.wk!, w.bk, k);
  const vv = project(context, len, dc, w.wv!, w.bv, v);
  let scores = tf.matMul(q, kk, false, true); // [B, h, T, S]
  let mask: TF.Tensor | undefined = keep && tf.reshape(tf.broadcastTo(keep, [b, t, len]), [b, 1, t, len]);
  if (s.causal) {
    const causal = tf.reshape(tf.linalg.bandPart(tf.ones([t, len]), -1, 0), [1, 1, t, len]);
    mask = mask ? tf.mul(mask, causal) : causal;
  }
  if (mask) scores = tf.where(tf.notEqual(tf.broadcastTo(mask, scores.shape), 0), scores, tf.fill(scores.shape, -1e9));
  const weights = tf.softmax(scores);
  const heads = tf.reshape(tf.transpose(tf.matMul(weights, vv), [0, 2, 1, 3]), [b * t, h * v]);
  const y = tf.reshape(tf.matMul(heads, tf.reshape(w.wo!, [h * v, d])), [b, t, d]);
  return w.bo ? tf.add(y, w.bo) : y;
}

/** The same computation in plain float64 loops, index by index from the formula. */
export function loopAttention(
  s: AttentionShape,
  x: { values: number[]; shape: number[] },
  context: { values: number[]; shape: number[] },
  w: AttentionWeights,
  keep?: (b: number, i: number, j: number) => number,
): number[] {
  const [B, T, d] = x.shape as [number, number, number];
  const [, S, dc] = context.shape as [number, number, number];
  const { heads: H, keyDim: K, valueDim: V } = s;
  const at3 = (a: number[], n1: number, n2: number) => (i: number, j: number, l: number) => a[(i * n1 + j) * n2 + l]!;
  const X = at3(x.values, T, d);
  const C = at3(context.values, S, dc);
  // p[b][pos][h][e] = Σ_c in[b][pos][c]·W[c][h][e] + bias[h][e]
  const proj = (inp: (b: number, p: number, c: number) => number, rows: number, width: number, kern: number[], bias: number[] | undefined, size: number) => {
    const W = at3(kern, H, size);
    return (b: number, p: number, h: number, e: number) => {
      let acc = bias ? bias[h * size + e]! : 0;
      for (let c = 0; c < width; c++) acc += inp(b, p, c) * W(c, h, e);
      return acc;
    };
  };
  const Q = proj(X, T, d, w.wq, w.bq, K);
  const KK = proj(C, S, dc, w.wk, w.bk, K);
  const VV = proj(C, S, dc, w.wv, w.bv, V);
  const Wo = at3(w.wo, V, d);
  const out: number[] = [];
  for (let b = 0; b < B; b++)
    for (let i = 0; i < T; i++) {
      const y = Array.from({ length: d }, (_, o) => (w.bo ? w.bo[o]! : 0));
      for (let h = 0; h < H; h++) {
        const scores: number[] = [];
        for (let j = 0; j < S; j++) {
          let dot = 0;
          for (let e = 0; e < K; e++) dot += (Q(b, i, h, e) / Math.sqrt(K)) * KK(b, j, h, e);
          const kept = (keep ? keep(b, i, j) : 1) !== 0 && (!s.causal || j <= i);
          scores.push(kept ? dot : -1e9);
        }
        const top = Math.max(...scores);
        const ex = scores.map((z) => Math.exp(z - top));
        const total = ex.reduce((a, z) => a + z, 0);
        for (let e = 0; e < V; e++) {
          let o = 0;
          for (let j = 0; j < S; j++) o += (ex[j]! / total) * VV(b, j, h, e);
          for (let c = 0; c < d; c++) y[c] = y[c]! + o * Wo(h, e, c);
        }
      }
      out.push(...y);
    }
  return out;
}
