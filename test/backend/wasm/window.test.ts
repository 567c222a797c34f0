// Sliding windows and their adjoint in WebAssembly (backend/wasm/window.ts) against windowsOf
// (runtime/cpu/nn.ts), the reference, bit for bit: the MNIST CNN's convolutions and poolings,
// padding, stride, dilation, channel counts that are not a multiple of four, windows wholly
// outside the image, and random small shapes (fast-check). The data spans many binary orders
// of magnitude, so the adjoint's float32 sums agree only when added in the same order.
// Both regions sit at addresses that are not multiples of 16 between guard floats, which must
// stay untouched, as must the input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { windowFuncs } from "../../../src/backend/wasm/window.ts";
import { encodeModule } from "../../../src/backend/wasm/encode.ts";
import { printModule } from "../../../src/backend/wasm/print.ts";
import { windowsOf } from "../../../src/runtime/cpu/nn.ts";
import { expectGolden } from "../../golden/goldens.ts";
import { wasmApi } from "../../helpers/wasm.ts";
import { wasmKernelsBinary } from "../../../src/backend/wasm/target.ts";
import { MR, NR } from "../../../src/backend/wasm/gemm.ts";
import { WasmKernels } from "../../../src/runtime/wasm/kernels.ts";
import { base64 } from "../../../src/runtime/wasm/binary.ts";

const PAGES = 64;
const bytes = encodeModule({ funcs: windowFuncs(), memoryPages: PAGES });
const memory = new wasmApi.Memory({ initial: PAGES, maximum: 65536 });
const exports = new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } }).exports as {
  window: (win: number, img: number, ...sizes: number[]) => void;
  unwindow: (img: number, win: number, ...sizes: number[]) => void;
};

interface Shape {
  N: number; H: number; W: number; C: number;
  KH: number; KW: number;
  sh: number; sw: number; dh: number; dw: number;
  ph: number; pw: number;
  /** Padding after the image, which decides OH and OW. */
  padAfter: [number, number];
  fill: number;
}

const outSize = (size: number, k: number, s: number, d: number, before: number, after: number) => Math.max(1, Math.floor((size + before + after - (k - 1) * d - 1) / s) + 1);

const shape = (p: Partial<Shape> & Pick<Shape, "H" | "W" | "C" | "KH" | "KW">): Shape => ({ N: 2, sh: 1, sw: 1, dh: 1, dw: 1, ph: 0, pw: 0, padAfter: [p.ph ?? 0, p.pw ?? 0], fill: 0, ...p });

/** A deterministic generator of floats from 2⁻²⁰ to 2²⁰ in size, of either sign, some −0. */
function randomFloats(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Float32Array.from({ length: n }, () => {
    const r = next();
    if (r < 0.01) return -0;
    return Math.fround((next() < 0.5 ? -1 : 1) * (1 + next()) * 2 ** Math.floor(next() * 41 - 20));
  });
}

const GUARD = 5;
const SENTINEL = 1234.5;

/** The first index where two arrays differ in bits, or −1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length), y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return Math.min(x.length, y.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** Runs both directions in WebAssembly and in windowsOf; fails at the first differing float. */
function check(p: Shape, seed = 1): void {
  const { N, H, W, C, KH, KW, sh, sw, dh, dw, ph, pw, fill } = p;
  const OH = outSize(H, KH, sh, dh, ph, p.padAfter[0]), OW = outSize(W, KW, sw, dw, pw, p.padAfter[1]);
  const image = [N, H, W, C], windows = [N, OH, OW, KH, KW, C];
  const imgN = N * H * W * C, winN = windows.reduce((a, b) => a * b, 1);
  // Byte addresses 4 mod 16 and 8 mod 16, each region between guards.
  const imgAt = 4 * (1 + GUARD), winAt = imgAt + 4 * (imgN + 2 * GUARD + 1);
  expect(winAt + 4 * (winN + GUARD)).toBeLessThanOrEqual(PAGES * 65536);
  const f32 = new Float32Array(memory.buffer);
  const region = (at: number, n: number) => f32.subarray(at / 4, at / 4 + n);
  const guardsIntact = (at: number, n: number) => [...f32.subarray(at / 4 - GUARD, at / 4), ...f32.subarray(at / 4 + n, at / 4 + n + GUARD)].every((v) => v === SENTINEL);
  const sizes = [N, H, W, C, OH, OW, KH, KW, sh, sw, dh, dw, ph, pw];
  const what = `${JSON.stringify(p)} → [${windows}]`;

  // window
  const img = randomFloats(imgN, seed);
  f32.fill(SENTINEL, 0, winAt / 4 + winN + GUARD);
  region(imgAt, imgN).set(img);
  exports.window(winAt, imgAt, ...sizes, fill);
  const want = new Float32Array(winN);
  windowsOf(want, img, image, windows, [sh, sw], [dh, dw], [ph, pw], fill, false);
  const at = firstDifference(region(winAt, winN), want);
  if (at >= 0) expect.fail(`window ${what}: element ${at} is ${region(winAt, winN)[at]}, want ${want[at]}`);
  expect(firstDifference(region(imgAt, imgN), img), "window wrote into the image").toBe(-1);
  expect(guardsIntact(winAt, winN) && guardsIntact(imgAt, imgN), "window wrote outside its output").toBe(true);

  // unwindow: the image starts as garbage, which it must not add to.
  const win = randomFloats(winN, seed + 7);
  f32.fill(SENTINEL, 0, winAt / 4 + winN + GUARD);
  region(winAt, winN).set(win);
  exports.unwindow(imgAt, winAt, ...sizes);
  const sums = new Float32Array(imgN).fill(SENTINEL);
  windowsOf(win, sums, image, windows, [sh, sw], [dh, dw], [ph, pw], 0, true);
  const at2 = firstDifference(region(imgAt, imgN), sums);
  if (at2 >= 0) expect.fail(`unwindow ${what}: pixel ${at2} is ${region(imgAt, imgN)[at2]}, want ${sums[at2]}`);
  expect(firstDifference(region(winAt, winN), win), "unwindow wrote into the windows").toBe(-1);
  expect(guardsIntact(winAt, winN) && guardsIntact(imgAt, imgN), "unwindow wrote outside its output").toBe(true);
}

describe("sliding windows in WebAssembly", () => {
  it("the module validates, and its text is pinned", () => {
    expect(wasmApi.validate(bytes)).toBe(true);
    expectGolden("test/golden/wasm/window.wat", printModule({ funcs: windowFuncs(), memoryPages: 1 }));
  });

  it.each([
    ["conv 28×28×1 k3", shape({ H: 28, W: 28, C: 1, KH: 3, KW: 3 })],
    ["max pool 26×26×32 2×2 s2", shape({ H: 26, W: 26, C: 32, KH: 2, KW: 2, sh: 2, sw: 2, fill: -Infinity })],
    ["conv 13×13×32 k3", shape({ H: 13, W: 13, C: 32, KH: 3, KW: 3 })],
    ["max pool 11×11×64 2×2 s2 (last row and column left out)", shape({ H: 11, W: 11, C: 64, KH: 2, KW: 2, sh: 2, sw: 2, fill: -Infinity })],
    ["conv 5×5×64 k3", shape({ H: 5, W: 5, C: 64, KH: 3, KW: 3 })],
  ])("the MNIST CNN's %s", (_, p) => check(p));

  it.each([
    ["same k3, C = 3", shape({ H: 7, W: 9, C: 3, KH: 3, KW: 3, ph: 1, pw: 1 })],
    ["same k5, C = 5", shape({ H: 8, W: 6, C: 5, KH: 5, KW: 5, ph: 2, pw: 2 })],
    ["same k5, C = 1", shape({ H: 9, W: 11, C: 1, KH: 5, KW: 5, ph: 2, pw: 2 })],
    ["stride 2, padded, C = 4", shape({ H: 9, W: 9, C: 4, KH: 3, KW: 3, sh: 2, sw: 2, ph: 1, pw: 1 })],
    ["dilation 2, padded, C = 3", shape({ H: 10, W: 10, C: 3, KH: 3, KW: 3, dh: 2, dw: 2, ph: 2, pw: 2 })],
    ["dilation (2, 3), stride (1, 2), C = 1", shape({ H: 11, W: 13, C: 1, KH: 3, KW: 3, dh: 2, dw: 3, sw: 2, ph: 1, pw: 3 })],
    ["dilation 2 with C = 6", shape({ H: 7, W: 8, C: 6, KH: 2, KW: 3, dh: 3, dw: 2, ph: 1, pw: 0, padAfter: [2, 3] })],
    ["max pool 3×3 s2 same, −∞ padding, C = 5", shape({ H: 7, W: 7, C: 5, KH: 3, KW: 3, sh: 2, sw: 2, ph: 1, pw: 1, fill: -Infinity })],
    ["windows wholly outside the image", shape({ H: 3, W: 1, C: 2, KH: 2, KW: 2, ph: 4, pw: 3, padAfter: [5, 4], fill: 0.5 })],
    ["kernel wider than the image", shape({ H: 2, W: 3, C: 7, KH: 4, KW: 6, ph: 1, pw: 2, padAfter: [1, 2] })],
    ["odd sizes, N = 3", shape({ N: 3, H: 5, W: 7, C: 9, KH: 2, KW: 3, sw: 2, pw: 1 })],
  ])("%s", (_, p) => check(p));

  it("the data makes the adjoint's sums depend on their order", () => {
    // Summing the CNN's 11×11 k3 windows back in reverse window order gives other bits: so
    // the bit-for-bit checks above pin the order, not only the values.
    const [N, H, W, C, K, O] = [1, 13, 13, 8, 3, 11];
    const win = randomFloats(N * O * O * K * K * C, 8);
    const inOrder = new Float32Array(N * H * W * C);
    windowsOf(win, inOrder, [N, H, W, C], [N, O, O, K, K, C], [1, 1], [1, 1], [0, 0], 0, true);
    const reversed = new Float32Array(N * H * W * C);
    for (let j = win.length - 1; j >= 0; j--) {
      const c = j % C, kw = Math.floor(j / C) % K, kh = Math.floor(j / (C * K)) % K, ow = Math.floor(j / (C * K * K)) % O, oh = Math.floor(j / (C * K * K * O));
      reversed[((oh + kh) * W + ow + kw) * C + c] += win[j]!;
    }
    expect(firstDifference(inOrder, reversed)).toBeGreaterThanOrEqual(0);
  });

  it("random small shapes (fast-check)", () => {
    const small = (max: number) => fc.integer({ min: 1, max });
    const pad = fc.integer({ min: 0, max: 3 });
    fc.assert(
      fc.property(
        fc.record({
          N: small(2), H: small(8), W: small(8), C: small(6), KH: small(4), KW: small(4),
          sh: small(3), sw: small(3), dh: small(3), dw: small(3), ph: pad, pw: pad,
          padAfter: fc.tuple(pad, pad), fill: fc.constantFrom(0, -Infinity, 2.5),
        }),
        fc.integer({ min: 1, max: 1000 }),
        (p, seed) => check(p, seed),
      ),
      { numRuns: 300 },
    );
  });
});

describe("the runtime's windows on arrays outside linear memory", () => {
  // A page without shared memory keeps its arrays in JavaScript memory: the runtime copies them
  // through its own. Arrays from elsewhere stand for them here.
  const binary = base64(wasmKernelsBinary());
  const kernels = new WasmKernels(binary, binary, MR, NR);

  it("window and unwindow copy in and out, and equal windowsOf", () => {
    const image = [2, 9, 8, 3], windows = [2, 5, 4, 3, 3, 3];
    const img = randomFloats(2 * 9 * 8 * 3, 3);
    const win = new Float32Array(2 * 5 * 4 * 27), want = new Float32Array(win.length);
    kernels.windows(win, img, image, windows, [2, 2], [1, 1], [1, 1], -Infinity, false);
    windowsOf(want, img, image, windows, [2, 2], [1, 1], [1, 1], -Infinity, false);
    expect(firstDifference(win, want)).toBe(-1);
    const back = new Float32Array(img.length), wantBack = new Float32Array(img.length);
    kernels.windows(want, back, image, windows, [2, 2], [1, 1], [1, 1], 0, true);
    windowsOf(want, wantBack, image, windows, [2, 2], [1, 1], [1, 1], 0, true);
    expect(firstDifference(back, wantBack)).toBe(-1);
    expect(kernels.copied).toBe(2 * (2 * 9 * 8 * 3) + 2 * (2 * 5 * 4 * 27));
  });
});
