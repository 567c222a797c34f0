// The plain-JavaScript matmul ceiling: how fast can scalar JavaScript multiply two Float32Array
// matrices on one core? bench/train-speed.ts times this kernel on the shapes of each model's
// training step and compares dnnc's generated code with it.
//
// C[M×N] = A[M×K] · B[K×N], all row-major Float32Arrays. The classic cache-blocked layout
// (GotoBLAS): for each block of KC rows of B, pack it into contiguous KC×4 column strips; for each
// block of MC rows of A, pack it into groups of 4 interleaved rows; then a 4×4 micro-kernel keeps
// its sixteen accumulators in locals (registers) and reads both packed operands sequentially,
// 8 loads per 16 multiply-adds. The packed copies are Float64Arrays, so the
// inner loop does no float32 → float64 conversions (V8 computes in doubles either way); packing
// is O(MK + KN) against the O(MKN) multiply, and its cost is included in every timing.
//
// On the development machine (AMD EPYC, Node 20), tiles of 4×4, 2×4, 3×4, 4×3, 4×2, 2×6, 2×8 and
// 4×8 and K blocks of 128 to 1024 all landed within run-to-run noise of each other (1×8 was
// slower; V8 allocates 16 xmm registers on x64, so 4×8's 32 accumulators cannot all stay in them);
// this is the 4×4 one.

const MR = 4;
const NR = 4;
const KC_MAX = 256; // rows of B per block: a packed 4-column strip is KC·4 doubles (8 KiB, L1)
const MC = 64; // rows of A per block: the packed block is MC·KC doubles (128 KiB, L2)

const packedA = new Float64Array(MC * KC_MAX);
let packedB = new Float64Array(0);

/** C = A · B for row-major A (M×K), B (K×N), C (M×N). Overwrites C. */
export function matmul(A: Float32Array, B: Float32Array, C: Float32Array, M: number, K: number, N: number): void {
  if (A.length < M * K || B.length < K * N || C.length < M * N) throw new RangeError(`matmul: arrays too short for ${M}×${K} · ${K}×${N}`);
  C.fill(0, 0, M * N);
  if (K === 0) return;
  const panels = Math.ceil(N / NR);
  // K blocks of equal size (no short tail block): 784 → 4 × 196, not 3 × 256 + 16.
  const kb = Math.ceil(K / Math.ceil(K / KC_MAX));
  if (packedB.length < panels * NR * kb) packedB = new Float64Array(panels * NR * kb);
  const ap = packedA;
  const bp = packedB;
  for (let k0 = 0; k0 < K; k0 += kb) {
    const kc = Math.min(kb, K - k0);
    // Pack B[k0:k0+kc, :] as column strips: strip s holds columns 4s..4s+3, bp[s·4·kc + 4k + j]
    // (zero-padded past N).
    for (let s = 0; s < panels; s++) {
      const j0 = s * NR;
      const nr = Math.min(NR, N - j0);
      for (let k = 0, dst = s * NR * kc; k < kc; k++, dst += NR) {
        const src = (k0 + k) * N + j0;
        bp[dst] = B[src]!;
        bp[dst + 1] = nr > 1 ? B[src + 1]! : 0;
        bp[dst + 2] = nr > 2 ? B[src + 2]! : 0;
        bp[dst + 3] = nr > 3 ? B[src + 3]! : 0;
      }
    }
    for (let m0 = 0; m0 < M; m0 += MC) {
      const mc = Math.min(MC, M - m0);
      // Pack A[m0:m0+mc, k0:k0+kc]: group g holds rows 4g..4g+3 interleaved, ap[g·4·kc + 4k + r].
      for (let g0 = 0; g0 < mc; g0 += MR) {
        const base = g0 * kc;
        for (let r = 0; r < MR; r++) {
          const row = m0 + g0 + r;
          if (g0 + r < mc) {
            const src = row * K + k0;
            for (let k = 0; k < kc; k++) ap[base + k * MR + r] = A[src + k]!;
          } else for (let k = 0; k < kc; k++) ap[base + k * MR + r] = 0;
        }
      }
      for (let s = 0; s < panels; s++) {
        const j0 = s * NR;
        const nr = Math.min(NR, N - j0);
        const q0 = s * NR * kc;
        for (let g0 = 0; g0 < mc; g0 += MR) {
          let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
          let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
          let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
          let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
          for (let k = 0, p = g0 * kc, q = q0; k < kc; k++, p += MR, q += NR) {
            const b0 = bp[q]!, b1 = bp[q + 1]!, b2 = bp[q + 2]!, b3 = bp[q + 3]!;
            let a = ap[p]!;
            c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
            a = ap[p + 1]!;
            c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
            a = ap[p + 2]!;
            c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3;
            a = ap[p + 3]!;
            c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3;
          }
          const i0 = m0 + g0;
          const mr = Math.min(MR, mc - g0);
          let o = i0 * N + j0;
          if (nr === NR) {
            C[o] += c00; C[o + 1] += c01; C[o + 2] += c02; C[o + 3] += c03;
            if (mr > 1) { o += N; C[o] += c10; C[o + 1] += c11; C[o + 2] += c12; C[o + 3] += c13; }
            if (mr > 2) { o += N; C[o] += c20; C[o + 1] += c21; C[o + 2] += c22; C[o + 3] += c23; }
            if (mr > 3) { o += N; C[o] += c30; C[o + 1] += c31; C[o + 2] += c32; C[o + 3] += c33; }
          } else {
            const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
            for (let r = 0; r < mr; r++) for (let j = 0; j < nr; j++) C[(i0 + r) * N + j0 + j] += tile[r * NR + j]!;
          }
        }
      }
    }
  }
}

/** The textbook triple loop (i, k, j), accumulating in float64: the reference for checking matmul(). */
export function naiveMatmul(A: Float32Array, B: Float32Array, C: Float32Array, M: number, K: number, N: number): void {
  const acc = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    acc.fill(0);
    for (let k = 0; k < K; k++) {
      const a = A[i * K + k]!;
      const row = k * N;
      for (let j = 0; j < N; j++) acc[j] += a * B[row + j]!;
    }
    for (let j = 0; j < N; j++) C[i * N + j] = acc[j]!;
  }
}

/**
 * Checks matmul() against naiveMatmul() on awkward shapes (edges in every dimension, K split
 * into several blocks); throws on a mismatch. Cheap (a few ms).
 */
export function checkMatmul(): void {
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  for (const [M, K, N] of [[1, 1, 1], [5, 3, 7], [37, 53, 29], [8, 600, 6], [64, 784, 10], [131, 40, 9]] as const) {
    const A = Float32Array.from({ length: M * K }, rand);
    const B = Float32Array.from({ length: K * N }, rand);
    const C = new Float32Array(M * N).fill(NaN);
    const R = new Float32Array(M * N);
    matmul(A, B, C, M, K, N);
    naiveMatmul(A, B, R, M, K, N);
    for (let i = 0; i < R.length; i++) {
      const tol = 1e-5 * Math.sqrt(K) + 1e-6;
      if (!(Math.abs(C[i]! - R[i]!) <= tol)) throw new Error(`matmul ${M}×${K}·${K}×${N}: element ${i} is ${C[i]}, expected ${R[i]}`);
    }
  }
}
