// The textbook triple loop in float64, reading its operands as the runtimes' products do: an m×k
// op(A) at A[ao…] (stored k×m when `ta`), a k×n op(B) at B[bo…] (n×k when `tb`).
export function naiveMatmul(A: Float32Array, ao: number, ta: boolean, B: Float32Array, bo: number, tb: boolean, m: number, n: number, k: number): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[ao + (ta ? p * m + i : i * k + p)]! * B[bo + (tb ? j * k + p : p * n + j)]!;
      C[i * n + j] = s;
    }
  return C;
}
