// windowsOf (runtime/cpu/nn.ts), im2col and its adjoint, against the definition: one loop over
// every window element (b, oh, ow, kh, kw, c), testing each source position. The fast paths —
// the in-image run found once per row, contiguous spans copied with copyWithin when both arrays
// share a buffer, dilated columns, the adjoint of windows that never overlap storing instead of
// adding — must give the very same bits, the adjoint's float32 sums included (they are added in
// the same order; a −0 is summed into +0).
import { describe, expect, it } from "vitest";
import { windowsOf } from "../../src/runtime/cpu/nn.ts";

/** The definition windowsOf must equal bit for bit. */
function windowsByDefinition(win: Float32Array, img: Float32Array, image: number[], shape: number[], stride: number[], dilation: number[], padBefore: number[], fill: number, add: boolean): void {
  const [N, H, W, C] = image as [number, number, number, number];
  const [, OH, OW, KH, KW] = shape as [number, number, number, number, number];
  if (add) img.fill(0);
  let w = 0;
  for (let b = 0; b < N; b++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let kh = 0; kh < KH; kh++)
          for (let kw = 0; kw < KW; kw++)
            for (let c = 0; c < C; c++, w++) {
              const h = oh * stride[0]! - padBefore[0]! + kh * dilation[0]!;
              const v = ow * stride[1]! - padBefore[1]! + kw * dilation[1]!;
              const inside = h >= 0 && h < H && v >= 0 && v < W;
              const at = ((b * H + h) * W + v) * C + c;
              if (add) {
                if (inside) img[at]! += win[w]!;
              } else win[w] = inside ? img[at]! : fill;
            }
}

interface Case {
  name: string;
  image: [number, number, number, number];
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  padBefore: [number, number];
  fill?: number;
}

/** The output extent along one axis when the window's far end may pass the image by `padAfter`. */
const extent = (size: number, k: number, s: number, d: number, before: number, after: number) => Math.floor((size + before + after - (k - 1) * d - 1) / s) + 1;

const CASES: Case[] = [
  { name: "C = 1, stride 1 (the first convolution)", image: [2, 7, 6, 1], kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padBefore: [0, 0] },
  { name: "C = 1, same padding", image: [2, 5, 5, 1], kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padBefore: [1, 1] },
  { name: "spans of 16 floats or more (copyWithin)", image: [2, 6, 7, 8], kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padBefore: [1, 1] },
  { name: "pooling: stride 2, -Infinity fill", image: [2, 6, 6, 32], kernel: [2, 2], stride: [2, 2], dilation: [1, 1], padBefore: [0, 0], fill: -Infinity },
  { name: "disjoint windows with gaps between them, padded", image: [1, 7, 7, 20], kernel: [2, 2], stride: [3, 3], dilation: [1, 1], padBefore: [1, 1] },
  { name: "disjoint dilated windows, C = 1", image: [1, 8, 9, 1], kernel: [2, 2], stride: [4, 5], dilation: [2, 3], padBefore: [0, 1] },
  { name: "pooling with padding", image: [1, 5, 5, 16], kernel: [3, 3], stride: [2, 2], dilation: [1, 1], padBefore: [1, 1], fill: -Infinity },
  { name: "dilation", image: [2, 7, 8, 3], kernel: [2, 3], stride: [2, 1], dilation: [2, 2], padBefore: [1, 2] },
  { name: "dilation, C = 1, large padding", image: [1, 4, 4, 1], kernel: [3, 3], stride: [1, 1], dilation: [3, 2], padBefore: [4, 3] },
  { name: "padding larger than the window (rows wholly outside)", image: [1, 3, 3, 20], kernel: [2, 2], stride: [1, 1], dilation: [1, 1], padBefore: [3, 3] },
  { name: "negative padding (cropping)", image: [1, 7, 6, 1], kernel: [2, 2], stride: [2, 2], dilation: [1, 1], padBefore: [-2, -1] },
  { name: "negative padding, contiguous spans", image: [1, 7, 6, 24], kernel: [2, 2], stride: [1, 3], dilation: [1, 1], padBefore: [-1, -2] },
];

/** Values with varied magnitudes (so sums round), float32-exact, and a −0. */
const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => (i === 3 ? -0 : Math.sin(12.9898 * (i + 1) + 78.233 * seed) * 10 ** ((i % 7) - 3)));

describe("windowsOf", () => {
  describe.each(CASES)("$name", ({ image, kernel, stride, dilation, padBefore, fill = 0 }) => {
    const [N, H, W, C] = image;
    const padAfter = padBefore.map((p) => Math.abs(p)) as [number, number];
    const OH = extent(H, kernel[0], stride[0], dilation[0], padBefore[0], padAfter[0]);
    const OW = extent(W, kernel[1], stride[1], dilation[1], padBefore[1], padAfter[1]);
    const shape = [N, OH, OW, kernel[0], kernel[1], C];
    const imgSize = N * H * W * C;
    const winSize = shape.reduce((a, b) => a * b, 1);
    const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

    // Separate arrays, and views of one buffer (an arena, as generated modules have them).
    for (const layout of ["separate", "one buffer"] as const) {
      const arrays = () => {
        if (layout === "separate") return { img: new Float32Array(imgSize), win: new Float32Array(winSize) };
        const arena = new Float32Array(imgSize + winSize + 5);
        return { win: arena.subarray(2, 2 + winSize), img: arena.subarray(3 + winSize, 3 + winSize + imgSize) };
      };

      it(`windows (${layout})`, () => {
        const got = arrays(), want = arrays();
        got.img.set(values(imgSize, 1));
        want.img.set(values(imgSize, 1));
        got.win.fill(7);
        windowsOf(got.win, got.img, image, shape, stride, dilation, padBefore, fill, false);
        windowsByDefinition(want.win, want.img, image, shape, stride, dilation, padBefore, fill, false);
        expect(bits(got.win)).toEqual(bits(want.win));
        expect(bits(got.img)).toEqual(bits(want.img));
      });

      it(`adjoint, add = true (${layout})`, () => {
        const got = arrays(), want = arrays();
        got.win.set(values(winSize, 2));
        want.win.set(values(winSize, 2));
        got.img.fill(7);
        windowsOf(got.win, got.img, image, shape, stride, dilation, padBefore, 0, true);
        windowsByDefinition(want.win, want.img, image, shape, stride, dilation, padBefore, 0, true);
        expect(bits(got.img)).toEqual(bits(want.img));
        expect(bits(got.win)).toEqual(bits(want.win));
      });
    }
  });
});
