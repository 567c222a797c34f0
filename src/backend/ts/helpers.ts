// Loops the generated TypeScript calls for the primitives that move data between shapes.
// This file is real, type-checked code: the emitter copies it verbatim (minus `export`) into
// every generated module, so the output depends on nothing. Elementwise ops are emitted inline.
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

/** Copies `src` (shape `from`, strides `srcStrides` possibly 0 for broadcast axes) into a new dense tensor of shape `to`. */
export function gather(src: Float32Array, srcStrides: readonly number[], offset: number, to: readonly number[]): Float32Array {
  const n = to.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const rank = to.length;
  if (rank === 0) {
    out[0] = src[offset]!;
    return out;
  }
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
  return out;
}

export function broadcastTo(src: Float32Array, from: readonly number[], to: readonly number[]): Float32Array {
  const st = stridesOf(from).map((s, i) => (from[i] === 1 && to[i] !== 1 ? 0 : s));
  return gather(src, st, 0, to);
}

export function permute(src: Float32Array, from: readonly number[], perm: readonly number[]): Float32Array {
  const st = stridesOf(from);
  return gather(src, perm.map((p) => st[p]!), 0, perm.map((p) => from[p]!));
}

export function slice(src: Float32Array, from: readonly number[], starts: readonly number[], to: readonly number[]): Float32Array {
  const st = stridesOf(from);
  return gather(src, st, starts.reduce((a, s, i) => a + s * st[i]!, 0), to);
}

/** Zero padding: the inverse of slice. */
export function pad(src: Float32Array, from: readonly number[], before: readonly number[], to: readonly number[]): Float32Array {
  const out = new Float32Array(to.reduce((a, b) => a * b, 1));
  const dst = stridesOf(to);
  const st = stridesOf(from);
  const n = src.length;
  for (let i = 0; i < n; i++) {
    let o = 0;
    for (let ax = 0; ax < from.length; ax++) o += (Math.floor(i / st[ax]!) % from[ax]! + before[ax]!) * dst[ax]!;
    out[o] = src[i]!;
  }
  return out;
}

/** Sum or max over `axes` (which disappear from the result). */
export function reduce(src: Float32Array, from: readonly number[], axes: readonly number[], max: boolean): Float32Array {
  const keep = from.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Float32Array(keep.reduce((a, b) => a * b, 1)).fill(max ? -Infinity : 0);
  const st = stridesOf(from);
  const ost = stridesOf(keep).map((s, i) => (axes.includes(i) ? 0 : s));
  const n = src.length;
  const rank = from.length;
  for (let i = 0; i < n; i++) {
    let o = 0;
    for (let ax = 0; ax < rank; ax++) o += (Math.floor(i / st[ax]!) % from[ax]!) * ost[ax]!;
    const v = src[i]!;
    if (max) {
      if (v > out[o]! || Number.isNaN(v)) out[o] = v;
    } else out[o] = out[o]! + v;
  }
  return out;
}

/** [batch, m, k] @ [batch, k, n], i-k-j order so the inner loop streams rows of b and out. */
export function matmul(a: Float32Array, b: Float32Array, batch: number, m: number, k: number, n: number): Float32Array {
  const out = new Float32Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const ao = t * m * k;
    const bo = t * k * n;
    const oo = t * m * n;
    for (let i = 0; i < m; i++) {
      const orow = oo + i * n;
      for (let p = 0; p < k; p++) {
        const av = a[ao + i * k + p]!;
        const brow = bo + p * n;
        for (let j = 0; j < n; j++) out[orow + j] = out[orow + j]! + av * b[brow + j]!;
      }
    }
  }
  return out;
}

export function iota(shape: readonly number[], axis: number): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const stride = stridesOf(shape)[axis]!;
  const dim = shape[axis]!;
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(i / stride) % dim;
  return out;
}

/** Logistic sigmoid without overflow: e^x is only ever taken of a non-positive x. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

// Counter-based random numbers: element i of stream s under seed k is a pure function of
// (k, s, i), so results never depend on evaluation order, and a GPU can produce the same bits.
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

export function randomBits(seed: number, stream: number, i: number): number {
  return mix32(mix32(mix32(seed >>> 0) ^ stream) ^ i);
}

export function random(seed: number, stream: number, n: number, normal: boolean): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (!normal) {
      out[i] = (randomBits(seed, stream, i) >>> 8) / 16777216;
      continue;
    }
    // Box–Muller; u1 is in (0, 1] so the log is finite.
    const u1 = ((randomBits(seed, stream, 2 * i) >>> 8) + 1) / 16777216;
    const u2 = (randomBits(seed, stream, 2 * i + 1) >>> 8) / 16777216;
    out[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return out;
}
/** A short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name} of ${(v as Float32Array).length} values`;
  if (Array.isArray(v)) return `an array of ${v.length} values`;
  return typeof v;
}
// dnnc:helpers-end
