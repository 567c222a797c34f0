// A convolution's windows read by the product from the image (backend/wasm/windowed.ts) against the
// same product over the stored windows (im2col): the forward product (windows · kernel) and the
// filter gradient (windowsᵀ · gradient), channel counts that do and do not fill a vector, strides,
// odd sizes that leave partial tiles, on one thread and on three — bit for bit, since every sum
// runs over the same values in the same order.
import * as workerThreads from "node:worker_threads";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileSample } from "../../helpers/compile-sample.ts";
import { wasmKernelsBinary } from "../../../src/backend/wasm/target.ts";
import { MR, NR } from "../../../src/backend/wasm/gemm.ts";
import { WasmKernels } from "../../../src/runtime/wasm/kernels.ts";
import { base64 } from "../../../src/runtime/wasm/binary.ts";
import type { WorkerThreads } from "../../../src/runtime/cpu/threads.ts";

const binary = base64(wasmKernelsBinary());
const single = new WasmKernels(binary, binary, MR, NR);
const threaded = new WasmKernels(binary, binary, MR, NR);
threaded.createSeed("windowed.test", { threads: 3, workerThreads: workerThreads as unknown as WorkerThreads });

const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(seed * 3.1 + i * 0.77)));

interface Case {
  N: number;
  H: number;
  W: number;
  C: number;
  KH: number;
  KW: number;
  sh: number;
  sw: number;
  n: number;
}

/** The windows [N·OH·OW, KH·KW·C] of an NHWC image, stored (im2col), and the geometry the product takes. */
function im2col({ N, H, W, C, KH, KW, sh, sw }: Case, image: Float32Array): { windows: Float32Array; geometry: number[]; rows: number; features: number } {
  const OH = Math.floor((H - KH) / sh) + 1;
  const OW = Math.floor((W - KW) / sw) + 1;
  const features = KH * KW * C;
  const rows = N * OH * OW;
  const windows = new Float32Array(rows * features);
  for (let b = 0; b < N; b++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let kh = 0; kh < KH; kh++)
          for (let kw = 0; kw < KW; kw++)
            for (let c = 0; c < C; c++) windows[((b * OH + oh) * OW + ow) * features + (kh * KW + kw) * C + c] = image[((b * H + oh * sh + kh) * W + ow * sw + kw) * C + c]!;
  return { windows, geometry: [H, W, C, OH, OW, KH, KW, sh, sw], rows, features };
}

function check(kernels: WasmKernels, c: Case): void {
  const image = values(c.N * c.H * c.W * c.C, c.H + c.C);
  const { windows, geometry, rows, features } = im2col(c, image);
  // Forward: windows · kernel.
  const kernel = values(features * c.n, c.n);
  const [stored, read] = [new Float32Array(rows * c.n), new Float32Array(rows * c.n)];
  single.product(windows, 0, false, kernel, 0, false, stored, 0, rows, c.n, features);
  kernels.product(image, 0, false, kernel, 0, false, read, 0, rows, c.n, features, geometry);
  expect(read).toEqual(stored);
  // Filter gradient: windowsᵀ · gradient.
  const gradient = values(rows * c.n, c.KW);
  const [dStored, dRead] = [new Float32Array(features * c.n), new Float32Array(features * c.n)];
  single.product(windows, 0, true, gradient, 0, false, dStored, 0, features, c.n, rows);
  kernels.product(image, 0, true, gradient, 0, false, dRead, 0, features, c.n, rows, geometry);
  expect(dRead).toEqual(dStored);
}

describe("products reading a convolution's windows from the image", () => {
  const cases: Case[] = [
    { N: 2, H: 28, W: 28, C: 1, KH: 3, KW: 3, sh: 1, sw: 1, n: 32 }, // the first convolution of the MNIST CNN
    { N: 3, H: 13, W: 13, C: 32, KH: 3, KW: 3, sh: 1, sw: 1, n: 64 }, // its second
    { N: 1, H: 9, W: 11, C: 6, KH: 2, KW: 3, sh: 2, sw: 3, n: 5 }, // strides, channels that straddle vectors
    { N: 4, H: 5, W: 5, C: 4, KH: 5, KW: 5, sh: 1, sw: 1, n: 9 }, // one window per image
  ];
  it.each(cases)("$H×$W×$C, $KH×$KW kernel, stride $sh×$sw: the stored windows' product, bit for bit, on one thread and three", (c) => {
    check(single, c);
    check(threaded, c);
  });

  it("random geometries", () => {
    fc.assert(
      fc.property(
        fc.record({ N: fc.integer({ min: 1, max: 3 }), H: fc.integer({ min: 1, max: 12 }), W: fc.integer({ min: 1, max: 12 }), C: fc.integer({ min: 1, max: 9 }), KH: fc.integer({ min: 1, max: 4 }), KW: fc.integer({ min: 1, max: 4 }), sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }), n: fc.integer({ min: 1, max: 20 }) }),
        (c) => {
          fc.pre(c.KH <= c.H && c.KW <= c.W);
          check(single, c);
        },
      ),
      { numRuns: 150, seed: 18 },
    );
  });
});

describe("the MNIST CNN on the wasm target", () => {
  it("stores the windows of no convolution but the first (rows of 3 floats), nor their gradients: the products read and add them in the image", async () => {
    const sample = await compileSample("samples/mnist_cnn.dnn", "wasm");
    try {
      expect(sample.code).toBe(0);
      const text = readFileSync(sample.file, "utf8");
      // Windows stored: the first convolution's (28×28×1, filled with 0), max pooling's (−∞); the adjoints apart.
      const stored = [...text.matchAll(/wasmKernels\.windows\(\w+, \w+, (\[[^\]]*\]), .*, (\S+), false\);/g)].map((m) => `${m[1]} ${m[2]}`);
      expect(new Set(stored)).toEqual(new Set(["[u_B, 28, 28, 1] 0", "[u_B, 11, 11, 64] -Infinity"]));
      // The second and third convolutions: forward (training step and inference) and filter gradient read in place.
      expect(text.match(/wasmKernels\.productWith\(.*\[13, 13, 32, 11, 11, 3, 3, 1, 1\]\);/g)?.length).toBeGreaterThanOrEqual(2);
      expect(text.match(/wasmKernels\.product\(\w+, 0, true, .*\[13, 13, 32, 11, 11, 3, 3, 1, 1\]\);/g)?.length).toBe(1);
      expect(text.match(/wasmKernels\.product\(\w+, 0, true, .*\[5, 5, 64, 3, 3, 3, 3, 1, 1\]\);/g)?.length).toBe(1);
      // The second and third convolutions' input gradients are added into the image block by
      // block; the adjoints left store nothing but max pooling's gradient (2×2, stride 2).
      expect(text.match(/wasmKernels\.productUnwindow\(/g)?.length).toBe(2);
      const adjoints = [...text.matchAll(/wasmKernels\.windows\(.*, (\[\d+, \d+\]), \[1, 1\], \[0, 0\], 0, true\);/g)].map((m) => m[1]);
      expect(new Set(adjoints)).toEqual(new Set(["[2, 2]"]));
    } finally {
      sample.cleanup();
    }
  }, 120_000);
});

describe("a convolution's input gradient added into the image block by block", () => {
  // dX = unwindow(dY·Wᵀ): the product's rows for a few images at a time go into scratch and are
  // added into those images at once — the same sums in the same order as storing the product.
  const cases: (Case & { ph: number; pw: number; dh: number })[] = [
    { N: 5, H: 13, W: 13, C: 32, KH: 3, KW: 3, sh: 1, sw: 1, n: 64, ph: 0, pw: 0, dh: 1 },
    { N: 3, H: 9, W: 11, C: 6, KH: 2, KW: 3, sh: 2, sw: 3, n: 5, ph: 1, pw: 2, dh: 1 },
    { N: 70, H: 6, W: 6, C: 4, KH: 3, KW: 3, sh: 1, sw: 1, n: 8, ph: 1, pw: 1, dh: 2 },
  ];
  it.each(cases)("$N images $H×$W×$C, $KH×$KW kernel, stride $sh×$sw, padding $ph×$pw, dilation $dh: bit for bit, one thread and three", (c) => {
    const OH = Math.floor((c.H + 2 * c.ph - c.dh * (c.KH - 1) - 1) / c.sh) + 1;
    const OW = Math.floor((c.W + 2 * c.pw - c.dh * (c.KW - 1) - 1) / c.sw) + 1;
    const [rows, features] = [c.N * OH * OW, c.KH * c.KW * c.C];
    const dY = values(rows * c.n, c.n);
    const weights = values(features * c.n, c.C);
    const image = [c.N, c.H, c.W, c.C];
    const shape = [c.N, OH, OW, c.KH, c.KW, c.C];
    const stored = new Float32Array(rows * features);
    single.product(dY, 0, false, weights, 0, true, stored, 0, rows, features, c.n);
    const want = new Float32Array(c.N * c.H * c.W * c.C).fill(7);
    single.windows(stored, want, image, shape, [c.sh, c.sw], [c.dh, c.dh], [c.ph, c.pw], 0, true);
    for (const kernels of [single, threaded]) {
      const got = new Float32Array(want.length).fill(-3);
      kernels.productUnwindow(dY, weights, true, features, c.n, got, image, shape, [c.sh, c.sw], [c.dh, c.dh], [c.ph, c.pw]);
      expect(got).toEqual(want);
    }
  });
});
