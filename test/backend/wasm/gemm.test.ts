// The WebAssembly matrix product (backend/wasm/gemm.ts, run by runtime/wasm/kernels.ts) against a
// float64 triple loop: every tile edge, both transposes, offsets into larger arrays, k = 0, and
// random shapes (fast-check); memory grown only when a product needs more than any before. Both
// binaries: plain SIMD128, and relaxed SIMD's fused multiply-add (V8's flag turned on here: Node
// 20 ships relaxed SIMD behind it, Node 22 and Chrome ≥ 114 without).
import { setFlagsFromString } from "node:v8";
import * as workerThreads from "node:worker_threads";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { wasmFmaProductBinary, wasmKernelsBinary } from "../../../src/backend/wasm/target.ts";
import { gemmFuncs, MR, NR } from "../../../src/backend/wasm/gemm.ts";
import { encodeModule } from "../../../src/backend/wasm/encode.ts";
import { WasmKernels } from "../../../src/runtime/wasm/kernels.ts";
import { base64, base64Bytes } from "../../../src/runtime/wasm/binary.ts";
import { memoryStats } from "../../../src/runtime/cpu/stats.ts";
import { threadStats, type WorkerThreads } from "../../../src/runtime/cpu/threads.ts";
import { wasmApi } from "../../helpers/wasm.ts";
import { naiveMatmul } from "../../helpers/naive-matmul.ts";

const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(seed * 7.1 + i * 1.37)));

const plain = base64(wasmKernelsBinary());
// Given the plain binary as its "fused" one too, the runtime runs the plain product on any engine.
let kernels = new WasmKernels(plain, plain, MR, NR);

function check(m: number, n: number, k: number, ta: boolean, tb: boolean, offsets = [0, 0, 0]): void {
  const [ao, bo, co] = offsets as [number, number, number];
  const A = values(ao + m * k + 3, m + k);
  const B = values(bo + k * n + 5, n - k);
  const C = new Float32Array(co + m * n + 7).fill(-99);
  kernels.product(A, ao, ta, B, bo, tb, C, co, m, n, k);
  const want = naiveMatmul(A, ao, ta, B, bo, tb, m, n, k);
  for (let i = 0; i < m * n; i++) if (!(Math.abs(C[co + i]! - want[i]!) <= 1e-5 * (1 + k))) expect.fail(`${m}×${k}·${k}×${n} ta=${ta} tb=${tb}: C[${i}] = ${C[co + i]}, want ${want[i]}`);
  // Nothing outside C is written.
  expect(C.subarray(0, co).every((v) => v === -99) && C.subarray(co + m * n).every((v) => v === -99)).toBe(true);
}

describe.each(["SIMD128", "relaxed SIMD"])("WebAssembly %s product", (variant) => {
  beforeAll(() => {
    if (variant === "SIMD128") kernels = new WasmKernels(plain, plain, MR, NR);
    else {
      setFlagsFromString("--experimental-wasm-relaxed-simd");
      kernels = new WasmKernels(plain, base64(wasmFmaProductBinary()), MR, NR);
      kernels.product(new Float32Array(1), 0, false, new Float32Array(1), 0, false, new Float32Array(1), 0, 1, 1, 1);
      expect(kernels.fused).toBe(true);
    }
  });

  it("the binary validates and round-trips through base64", () => {
    const bytes = variant === "SIMD128" ? wasmKernelsBinary() : wasmFmaProductBinary();
    expect(wasmApi.validate(bytes)).toBe(true);
    expect(base64Bytes(base64(bytes))).toEqual(bytes);
    for (const n of [0, 1, 2, 3, 4, 5]) expect(base64Bytes(base64(bytes.subarray(0, n)))).toEqual(bytes.subarray(0, n));
    expect(base64(new TextEncoder().encode("dnnc!"))).toBe(btoa("dnnc!"));
  });

  it("every tile edge, both transposes, k = 0 and 1", () => {
    for (const m of [1, MR - 1, MR, MR + 1, 2 * MR + 3])
      for (const n of [1, NR - 1, NR, NR + 1, 3 * NR + 2])
        for (const k of [0, 1, 7])
          for (const ta of [false, true]) for (const tb of [false, true]) check(m, n, k, ta, tb);
  });

  it("operands and result at offsets into larger arrays", () => {
    check(13, 9, 17, false, false, [5, 11, 3]);
    check(13, 9, 17, true, true, [1, 2, 9]);
  });

  it("random shapes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 0, max: 300 }), fc.boolean(), fc.boolean(), (m, n, k, ta, tb) => check(m, n, k, ta, tb)),
      { numRuns: 60 },
    );
  });

  it("a model's shapes: 64×784·784×256 and the CNN's 43264×9·9×32", () => {
    check(64, 256, 784, false, false);
    check(784, 256, 64, true, false);
    check(2000, 32, 9, false, false);
  });

  it("a small C deep in k (the CNN's first filter gradient, 9×43264·43264×32) in blocks of k, at offsets too", () => {
    check(9, 32, 43264, true, false);
    check(9, 32, 5001, true, false, [3, 5, 7]);
    check(7, 13, 4099, false, false, [1, 2, 3]);
  });

  it("a product needing more than WebAssembly's 4 GiB is refused, not wrapped around", () => {
    const x = new Float32Array(4);
    expect(() => kernels.product(x, 0, false, x, 0, false, x, 0, 70_000, 70_000, 1000)).toThrow(/needs \d+ bytes of WebAssembly memory, more than the 4 GiB/);
  });

  it("a NaN in A reaches only its own row of C", () => {
    const A = values(5 * 3, 1);
    A[1 * 3 + 2] = NaN;
    const C = new Float32Array(5 * 4);
    kernels.product(A, 0, false, values(3 * 4, 2), 0, false, C, 0, 5, 4, 3);
    expect([...C].map((v, i) => Number.isNaN(v) === (Math.floor(i / 4) === 1)).every(Boolean)).toBe(true);
  });

  it("reads and writes arrays from its allocate() where they are in linear memory, copying nothing", () => {
    const fresh = new WasmKernels(plain, plain, MR, NR);
    const [m, n, k] = [37, 29, 41];
    const inMemory = (x: Float32Array) => {
      const y = fresh.allocate(x.length)!;
      y.set(x);
      return y;
    };
    const A = inMemory(values(3 + m * k, 1));
    const B = inMemory(values(5 + k * n, 2));
    const C = inMemory(new Float32Array(7 + m * n).fill(-99));
    fresh.product(A, 3, false, B, 5, true, C, 7, m, n, k);
    expect(fresh.copied).toBe(0);
    const want = naiveMatmul(A, 3, false, B, 5, true, m, n, k);
    for (let i = 0; i < m * n; i++) expect(Math.abs(C[7 + i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * (1 + k));
    expect(C.subarray(0, 7).every((v) => v === -99)).toBe(true);
    // An array from elsewhere is copied in (A), and the result out (C).
    const outside = new Float32Array(m * n);
    fresh.product(A.slice(3, 3 + m * k), 0, false, B, 5, true, outside, 0, m, n, k);
    expect(fresh.copied).toBe(m * k + m * n);
    expect(outside).toEqual(C.subarray(7, 7 + m * n));
  });

  it("scratch is made on the first product of a shape, never again for it or smaller ones", () => {
    const binary = base64(encodeModule({ funcs: gemmFuncs(variant !== "SIMD128"), memoryPages: 1 }));
    const fresh = new WasmKernels(binary, binary, MR, NR);
    const A = values(300 * 200, 3);
    const B = values(200 * 100, 4);
    const C = new Float32Array(300 * 100);
    const before = memoryStats.allocations;
    fresh.product(A, 0, false, B, 0, false, C, 0, 300, 100, 200);
    const grown = memoryStats.allocations;
    expect(grown).toBe(before + 1); // the scratch for the product's packing and copies
    for (let i = 0; i < 3; i++) fresh.product(A, 0, false, B, 0, false, C, 0, 300, 100, 200);
    fresh.product(A, 0, true, B, 0, true, C, 0, 100, 100, 100);
    expect(memoryStats.allocations).toBe(grown);
  });
});

describe("the WebAssembly product on three threads", () => {
  // Workers claim chunks of whole tiles — of rows, or of columns where a product alone has fewer
  // tiles of rows — and every element is summed as on one thread: the same bits. A small C deep
  // in k (1×17 over 20000) is summed in the same blocks of k however many threads take them.
  const single = new WasmKernels(plain, plain, MR, NR);
  const threaded = new WasmKernels(plain, plain, MR, NR);
  threaded.createSeed("gemm.test", { threads: 3, workerThreads: workerThreads as unknown as WorkerThreads });
  const shapes: [number, number, number][] = [[9, 64, 1000], [5, 203, 301], [301, 40, 50], [64, 64, 64], [1, 17, 20000], [130, 9, 700]];
  it.each(shapes)("%i×%i×%i, both transposes: bit-identical to one thread", (m, n, k) => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const A = values(m * k, m);
      const B = values(k * n, n);
      const [one, three] = [new Float32Array(m * n), new Float32Array(m * n)];
      single.product(A, 0, ta, B, 0, tb, one, 0, m, n, k);
      const before = threadStats.splitProducts;
      threaded.product(A, 0, ta, B, 0, tb, three, 0, m, n, k);
      expect(threadStats.splitProducts).toBe(before + 1);
      expect(three).toEqual(one);
    }
  });
});
