// CPU runtime: the blocked matrix product. Self-contained, so worker threads run its source
// text (threads.ts); pasted into generated modules like every runtime part.
import { memoryStats } from "./stats.ts";
// dnnc:helpers-begin

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
            C[o]! += c00; C[o + 1]! += c01; C[o + 2]! += c02; C[o + 3]! += c03; o += n;
            C[o]! += c10; C[o + 1]! += c11; C[o + 2]! += c12; C[o + 3]! += c13; o += n;
            C[o]! += c20; C[o + 1]! += c21; C[o + 2]! += c22; C[o + 3]! += c23; o += n;
            C[o]! += c30; C[o + 1]! += c31; C[o + 2]! += c32; C[o + 3]! += c33;
          } else {
            if (k0 === 0) for (let r = 0; r < rows; r++) C.fill(0, o + r * n, o + r * n + cols);
            for (let r = 0; r < rows; r++, o += n) {
              const t0 = r === 0 ? c00 : r === 1 ? c10 : r === 2 ? c20 : c30;
              const t1 = r === 0 ? c01 : r === 1 ? c11 : r === 2 ? c21 : c31;
              const t2 = r === 0 ? c02 : r === 1 ? c12 : r === 2 ? c22 : c32;
              const t3 = r === 0 ? c03 : r === 1 ? c13 : r === 2 ? c23 : c33;
              C[o]! += t0;
              if (cols > 1) C[o + 1]! += t1;
              if (cols > 2) C[o + 2]! += t2;
              if (cols > 3) C[o + 3]! += t3;
            }
          }
        }
    }
  }
}

// dnnc:helpers-end
