// Runtime of the generated TypeScript: memory planning at run time, the blocked matmul, the
// counter-based random numbers and small data-movement loops. This file is real, type-checked
// code: the emitter copies it verbatim (minus `export`) into every generated module, so the
// output depends on nothing. Every helper writes into memory it is given and allocates nothing
// (the matmul's packing panels grow once, counted like the arenas).
import { placeBuffers } from "../../schedule/place.ts";
import { newFloat32 } from "./helpers-threads.ts";
// dnnc:helpers-begin

/**
 * Memory the generated code has allocated: every allocation and its bytes (arenas, packing
 * panels, scratch), and the arenas' bytes alone. Steady-state training adds none.
 */
export const memoryStats = { allocations: 0, bytes: 0, arenaBytes: 0 };

/** A function's planned memory: one view per buffer, sub-workspaces of scan bodies, scratch. */
export interface Workspace {
  b: Float32Array[];
  sub: Workspace[];
  scratch: Float32Array[];
  out: Float32Array[];
}

export function allocate(n: number): Float32Array {
  memoryStats.allocations++;
  memoryStats.bytes += 4 * n;
  return newFloat32(n);
}

/** A copy of `a` in memory of the module's own (shared once threads have started). */
export function copyOf(a: Float32Array): Float32Array {
  const c = allocate(a.length);
  c.set(a);
  return c;
}

/** One arena for all buffers of a function, and a view of it per buffer. */
export function arenaViews(sizes: readonly number[], first: readonly number[], last: readonly number[]): Float32Array[] {
  const { offsets, total } = placeBuffers(sizes, first, last);
  const arena = allocate(total);
  memoryStats.arenaBytes += 4 * total;
  return sizes.map((n, i) => arena.subarray(offsets[i]!, offsets[i]! + n));
}

/** Packing panels of the matmul, grown on demand (float64: the products accumulate in doubles). */
export interface GemmScratch {
  a: Float64Array;
  b: Float64Array;
  stats: { allocations: number; bytes: number };
}
export const gemmScratch: GemmScratch = { a: new Float64Array(0), b: new Float64Array(0), stats: memoryStats };

/**
 * C = op(A) @ op(B) for an m×k op(A) and a k×n op(B), C row-major m×n at `co`. A is read
 * row-major at `ao` with rows `lda` apart, or, when `ta` (A transposed), as its k×m transpose
 * with rows `lda` apart; B k×n at `bo`, or n×k when `tb`. Blocked for the cache (k in panels of
 * KC, m in MC rows) with a 4×4 register tile: each step of the inner loop loads 8 numbers for 16
 * multiply-adds. Self-contained (no free variables), so worker threads can run its source.
 */
export function gemmRows(A: Float32Array, ao: number, ta: boolean, B: Float32Array, bo: number, tb: boolean, C: Float32Array, co: number, m: number, n: number, k: number, lda: number, scratch: GemmScratch): void {
  const KC = 256;
  const MC = 64;
  if (k === 0) C.fill(0, co, co + m * n);
  const n4 = (n + 3) & ~3;
  if (scratch.b.length < KC * n4) (scratch.stats.allocations++, (scratch.stats.bytes += 8 * KC * n4), (scratch.b = new Float64Array(KC * n4)));
  if (scratch.a.length < KC * MC) (scratch.stats.allocations++, (scratch.stats.bytes += 8 * KC * MC), (scratch.a = new Float64Array(KC * MC)));
  const Ap = scratch.a;
  const Bp = scratch.b;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = Math.min(KC, k - k0);
    // B[k0 : k0 + kc, :] as strips of 4 columns, k-major within a strip.
    for (let j4 = 0; j4 < n4; j4 += 4)
      for (let kk = 0, o = j4 * kc; kk < kc; kk++, o += 4)
        for (let jj = 0; jj < 4; jj++) {
          const j = j4 + jj;
          Bp[o + jj] = j >= n ? 0 : tb ? B[bo + j * k + k0 + kk]! : B[bo + (k0 + kk) * n + j]!;
        }
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc4 = (Math.min(MC, m - i0) + 3) & ~3;
      for (let i4 = 0; i4 < mc4; i4 += 4)
        for (let kk = 0, o = i4 * kc; kk < kc; kk++, o += 4)
          for (let ii = 0; ii < 4; ii++) {
            const i = i0 + i4 + ii;
            Ap[o + ii] = i >= m ? 0 : ta ? A[ao + (k0 + kk) * lda + i]! : A[ao + i * lda + k0 + kk]!;
          }
      for (let i4 = 0; i4 < mc4; i4 += 4)
        for (let j4 = 0; j4 < n4; j4 += 4) {
          let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
          let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
          for (let kk = 0, pa = i4 * kc, pb = j4 * kc; kk < kc; kk++, pa += 4, pb += 4) {
            const a0 = Ap[pa]!, a1 = Ap[pa + 1]!, a2 = Ap[pa + 2]!, a3 = Ap[pa + 3]!;
            const b0 = Bp[pb]!, b1 = Bp[pb + 1]!, b2 = Bp[pb + 2]!, b3 = Bp[pb + 3]!;
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
          }
          const i = i0 + i4;
          const rows = Math.min(4, m - i);
          const cols = Math.min(4, n - j4);
          let o = co + i * n + j4;
          if (rows === 4 && cols === 4 && k0 === 0) {
            // The first panel writes C; later ones accumulate (no separate pass to zero it).
            C[o] = c00; C[o + 1] = c01; C[o + 2] = c02; C[o + 3] = c03; o += n;
            C[o] = c10; C[o + 1] = c11; C[o + 2] = c12; C[o + 3] = c13; o += n;
            C[o] = c20; C[o + 1] = c21; C[o + 2] = c22; C[o + 3] = c23; o += n;
            C[o] = c30; C[o + 1] = c31; C[o + 2] = c32; C[o + 3] = c33;
          } else if (rows === 4 && cols === 4) {
            C[o] += c00; C[o + 1] += c01; C[o + 2] += c02; C[o + 3] += c03; o += n;
            C[o] += c10; C[o + 1] += c11; C[o + 2] += c12; C[o + 3] += c13; o += n;
            C[o] += c20; C[o + 1] += c21; C[o + 2] += c22; C[o + 3] += c23; o += n;
            C[o] += c30; C[o + 1] += c31; C[o + 2] += c32; C[o + 3] += c33;
          } else {
            if (k0 === 0) for (let r = 0; r < rows; r++) C.fill(0, o + r * n, o + r * n + cols);
            for (let r = 0; r < rows; r++, o += n) {
              const t0 = r === 0 ? c00 : r === 1 ? c10 : r === 2 ? c20 : c30;
              const t1 = r === 0 ? c01 : r === 1 ? c11 : r === 2 ? c21 : c31;
              const t2 = r === 0 ? c02 : r === 1 ? c12 : r === 2 ? c22 : c32;
              const t3 = r === 0 ? c03 : r === 1 ? c13 : r === 2 ? c23 : c33;
              C[o] += t0;
              if (cols > 1) C[o + 1] += t1;
              if (cols > 2) C[o + 2] += t2;
              if (cols > 3) C[o + 3] += t3;
            }
          }
        }
    }
  }
}

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

/** Uniform in [0, 1): the top 24 bits, so every value is a float32 exactly. */
export function uniformAt(seed: number, stream: number, i: number): number {
  return (randomBits(seed, stream, i) >>> 8) / 16777216;
}

/** Standard normal by Box–Muller from draws 2i and 2i + 1; u1 is in (0, 1] so the log is finite. */
export function normalAt(seed: number, stream: number, i: number): number {
  const u1 = ((randomBits(seed, stream, 2 * i) >>> 8) + 1) / 16777216;
  const u2 = (randomBits(seed, stream, 2 * i + 1) >>> 8) / 16777216;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

// dnnc:helpers-end
