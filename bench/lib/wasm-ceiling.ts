// The WebAssembly-SIMD ceiling of bench/train-speed.ts: TensorFlow.js's own matMul on its wasm
// backend, timed on the same shapes as the plain-JavaScript ceiling. For an unbatched product
// without transposes the backend calls XNNPACK's fully-connected operator (SIMD128 micro-kernels
// on the single-threaded SIMD binary; tfjs-backend-wasm's batch_mat_mul_impl.cc), which packs B
// when the operator is created and caches it on B's tensor, as it does for a layer's weights. Here
// B is created once per shape, so after the warm-up the timed calls are the multiply alone, plus
// TF.js's dispatch of one op (tens of µs, which is what holds the smallest products, the N = 10
// layers', to a few GFLOP/s): the best this kernel does, i.e. a ceiling. A training step's
// operands change every step, so a kernel that packs them on every call pays what this does not.
import type * as TF from "@tensorflow/tfjs";
import { randomOperands, type GemmKernel } from "./ceiling.ts";
import { naiveMatmul } from "./matmul.ts";

/** tf.matMul on the active backend (the wasm one, for this ceiling). Its kernels run when called, so nothing is read back. */
export function tfjsMatMulKernel(t: typeof TF): GemmKernel {
  return (g) => {
    const { A, B } = randomOperands(g);
    const a = t.tensor2d(A, [g.M, g.K]);
    const b = t.tensor2d(B, [g.K, g.N]);
    return {
      run: () => t.matMul(a, b).dispose(),
      dispose: () => {
        a.dispose();
        b.dispose();
      },
    };
  };
}

/**
 * Checks tf.matMul on the active backend against naiveMatmul() on awkward shapes (edges in every
 * dimension, a long K), so the ceiling times a product that is computed; throws on a mismatch.
 */
export function checkTfjsMatMul(t: typeof TF): void {
  for (const [M, K, N] of [[1, 1, 1], [5, 3, 7], [37, 53, 29], [8, 600, 6], [64, 784, 10], [131, 40, 9]] as const) {
    const { A, B } = randomOperands({ what: "check", M, K, N });
    const R = new Float32Array(M * N);
    naiveMatmul(A, B, R, M, K, N);
    const C = t.tidy(() => t.matMul(t.tensor2d(A, [M, K]), t.tensor2d(B, [K, N])).dataSync() as Float32Array);
    for (let i = 0; i < R.length; i++) {
      const tol = 1e-5 * Math.sqrt(K) + 1e-6;
      if (!(Math.abs(C[i]! - R[i]!) <= tol)) throw new Error(`tf.matMul ${M}×${K}·${K}×${N}: element ${i} is ${C[i]}, expected ${R[i]}`);
    }
  }
}
