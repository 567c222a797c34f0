// The runtime's blocked matmul against the textbook triple loop, over shapes that exercise
// every edge: sizes not multiples of the 4×4 tile, k past one panel (256), m past one block
// (64), both transposes, offsets into larger arrays, and overwriting what C held before.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gemm } from "../../../src/runtime/cpu/threads.ts";
import { naiveMatmul } from "../../helpers/naive-matmul.ts";

describe("gemm", () => {
  it("equals the triple loop on random shapes, transposes and offsets", () => {
    const dim = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 60, max: 70 }), fc.constantFrom(255, 256, 257, 300));
    fc.assert(
      fc.property(dim, dim, dim, fc.boolean(), fc.boolean(), fc.nat(5), (m, n, k, ta, tb, off) => {
        if (m * n * k > 3_000_000) return;
        const A = Float32Array.from({ length: off + m * k }, (_, i) => Math.fround(Math.sin(i * 1.7)));
        const B = Float32Array.from({ length: off + k * n }, (_, i) => Math.fround(Math.cos(i * 0.3)));
        const C = new Float32Array(off + m * n).fill(7); // stale values must be overwritten
        gemm(A, off, ta, B, off, tb, C, off, m, n, k);
        const want = naiveMatmul(A, off, ta, B, off, tb, m, n, k);
        for (let i = 0; i < off; i++) expect(C[i]).toBe(7); // nothing before the offset is touched
        for (let i = 0; i < m * n; i++) {
          const err = Math.abs(C[off + i]! - want[i]!);
          if (err > 1e-5 * Math.sqrt(k) * 4) throw new Error(`${m}×${k}×${n} ta=${ta} tb=${tb} off=${off}: C[${i}] = ${C[off + i]}, want ${want[i]}`);
        }
      }),
      { numRuns: 120, seed: 42 },
    );
  });
});
