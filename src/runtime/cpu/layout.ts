// CPU runtime: data-movement loops (strides, strided copies for transposes and slices,
// zero-padding) and the sigmoid. Each writes into memory it is given and allocates nothing.
// dnnc:helpers-begin

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** out (dense, shape `to`) ← src read with `srcStrides` from `offset`: permutes and slices. */
export function stridedCopy(out: Float32Array, src: Float32Array, srcStrides: readonly number[], offset: number, to: readonly number[]): void {
  const rank = to.length;
  if (rank === 0) {
    out[0] = src[offset]!;
    return;
  }
  const n = out.length;
  const idx = new Array<number>(rank).fill(0);
  const inner = to[rank - 1]!;
  const innerStride = srcStrides[rank - 1]!;
  let base = offset;
  for (let o = 0; o < n; o += inner) {
    for (let j = 0, s = base; j < inner; j++, s += innerStride) out[o + j] = src[s]!;
    for (let ax = rank - 2; ax >= 0; ax--) {
      base += srcStrides[ax]!;
      if (++idx[ax]! < to[ax]!) break;
      base -= srcStrides[ax]! * to[ax]!;
      idx[ax] = 0;
    }
  }
}

/** out ← src zero-padded: src lands at `before` inside `to`. */
export function padInto(out: Float32Array, src: Float32Array, from: readonly number[], before: readonly number[], to: readonly number[]): void {
  out.fill(0);
  const dst = stridesOf(to);
  const offset = before.reduce((a, b, i) => a + b * dst[i]!, 0);
  // Writing the source densely into the padded region is a strided copy run backwards.
  const rank = from.length;
  if (rank === 0) {
    out[offset] = src[0]!;
    return;
  }
  const idx = new Array<number>(rank).fill(0);
  const inner = from[rank - 1]!;
  let base = offset;
  for (let i = 0; i < src.length; i += inner) {
    for (let j = 0; j < inner; j++) out[base + j * dst[rank - 1]!] = src[i + j]!;
    for (let ax = rank - 2; ax >= 0; ax--) {
      base += dst[ax]!;
      if (++idx[ax]! < from[ax]!) break;
      base -= dst[ax]! * from[ax]!;
      idx[ax] = 0;
    }
  }
}

/** Logistic sigmoid without overflow: e^x is only ever taken of a non-positive x. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

// dnnc:helpers-end
