// Augmentation: identities (flip twice, shift 0, rotate 0), what a 90° rotation does to a known
// pattern, zero fill, seeded determinism, outputs within the input's range; and normalize.
import { describe, expect, it } from "vitest";
import { augmenter, flip, normalize, randomFlip, randomRotation, randomShift, rotate, shift, type ImageShape } from "../../src/data/augment.ts";
import type { Dataset } from "../../src/data/dataset.ts";
import { mulberry32 } from "../../src/runtime/random-order.ts";

/** `batch` images of `shape` with values uniform in [0, 1) from a seed. */
function noise(batch: number, shape: ImageShape, seed = 1): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: batch * shape[0] * shape[1] * shape[2] }, () => r());
}
/** Image rows as arrays of numbers (one channel). */
function grid(x: Float32Array, h: number, w: number, o = 0): number[][] {
  return Array.from({ length: h }, (_, y) => Array.from(x.subarray(o + y * w, o + (y + 1) * w)));
}
const S: ImageShape = [5, 7, 3];

describe("deterministic transforms", () => {
  it("flip mirrors each row, keeping channels together; twice is the identity", () => {
    const x = Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => i); // 1 image 2 × 3, 2 channels
    expect(Array.from(flip(x, 1, [2, 3, 2]))).toEqual([4, 5, 2, 3, 0, 1, 10, 11, 8, 9, 6, 7]);
    const n = noise(4, S);
    expect(flip(flip(n, 4, S), 4, S)).toEqual(n);
  });

  it("shift by 0 and rotation by 0 are the identity", () => {
    const n = noise(4, S);
    expect(shift(n, 4, S, 0, 0)).toEqual(n);
    expect(rotate(n, 4, S, 0)).toEqual(n);
    expect(augmenter({}, 5)(n, 4, S)).toEqual(n);
  });

  it("shift moves down and right, filling with zeros", () => {
    const x = Float32Array.from({ length: 9 }, (_, i) => i + 1);
    expect(grid(shift(x, 1, [3, 3, 1], 1, -1), 3, 3)).toEqual([[0, 0, 0], [2, 3, 0], [5, 6, 0]]);
    expect(grid(shift(x, 1, [3, 3, 1], -3, 0), 3, 3)).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  });

  it("rotation by 90° turns a bar centred in the image from horizontal to vertical, counterclockwise", () => {
    const h = 9;
    const x = new Float32Array(h * h);
    for (let c = 1; c < h - 1; c++) x[4 * h + c] = 1; // a horizontal bar through the centre
    x[4 * h + 7] = 0.5; // its right end marked: counterclockwise, it ends up at the top
    const r = rotate(x, 1, [h, h, 1], 90);
    const expected = new Float32Array(h * h);
    for (let y = 1; y < h - 1; y++) expected[y * h + 4] = 1;
    expected[1 * h + 4] = 0.5;
    for (let i = 0; i < h * h; i++) expect(r[i]).toBeCloseTo(expected[i]!, 5);
    // Four quarter turns come back, and -90° undoes 90°.
    let back: Float32Array = x;
    for (let k = 0; k < 4; k++) back = rotate(back, 1, [h, h, 1], 90);
    for (let i = 0; i < h * h; i++) expect(back[i]).toBeCloseTo(x[i]!, 5);
    const undone = rotate(r, 1, [h, h, 1], -90);
    for (let i = 0; i < h * h; i++) expect(undone[i]).toBeCloseTo(x[i]!, 5);
  });

  it("a pattern with four-fold symmetry is unchanged by 90°; a small angle blurs but keeps the centre", () => {
    const h = 7;
    const x = new Float32Array(h * h);
    for (let i = 0; i < h; i++) x[3 * h + i] = x[i * h + 3] = 1; // a plus sign
    const r = rotate(x, 1, [h, h, 1], 90);
    for (let i = 0; i < h * h; i++) expect(r[i]).toBeCloseTo(x[i]!, 5);
    const small = rotate(x, 1, [h, h, 1], 10);
    expect(small[3 * h + 3]).toBeCloseTo(1, 6);
    expect(small[0]).toBe(0);
  });

  it("writes into out when given, refusing one that is too small or the input itself", () => {
    const n = noise(2, S);
    const out = new Float32Array(n.length);
    expect(rotate(n, 2, S, 30, out)).toBe(out);
    expect(() => flip(n, 2, S, new Float32Array(3))).toThrow(/out has 3 values/);
    expect(() => flip(n, 2, S, n)).toThrow(/overlaps/);
    expect(() => flip(n, 3, S)).toThrow(/need 315 values, x has 210/);
    expect(() => flip(n, 1, [210])).toThrow(/images have shape \[h, w, c\] \(or \[h, w\]\), got \[210\]/);
    expect(flip(n, 2, [5, 21])).toEqual(flip(n, 2, [5, 21, 1])); // [h, w]: one channel
  });
});

describe("random augmentation", () => {
  const shape: ImageShape = [28, 28, 1];
  const batch = 16;
  const x = noise(batch, shape, 3);
  const spec = { flip: true, shift: 3, rotate: 15 };

  it("the same seed gives the same batches; another seed others", () => {
    const a = augmenter(spec, 42);
    const b = augmenter(spec, 42);
    const first = a(x, batch, shape);
    expect(b(x, batch, shape)).toEqual(first);
    expect(a(x, batch, shape)).not.toEqual(first); // the stream moves on between batches
    expect(augmenter(spec, 43)(x, batch, shape)).not.toEqual(first);
  });

  it("outputs stay within the input's range [0, 1], and differ from the input", () => {
    for (const aug of [augmenter(spec, 1), randomFlip(1), randomShift(4, 1), randomRotation(30, 1)]) {
      const out = new Float32Array(x.length);
      for (let k = 0; k < 5; k++) {
        aug(x, batch, shape, out);
        let lo = Infinity;
        let hi = -Infinity;
        for (const v of out) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        expect(out).not.toEqual(x);
      }
    }
  });

  it("randomFlip flips about half the images, each either exactly mirrored or untouched", () => {
    const n = 200;
    const imgs = noise(n, [4, 4, 1], 9);
    const out = randomFlip(7)(imgs, n, [4, 4, 1]);
    const mirrored = flip(imgs, n, [4, 4, 1]);
    let flipped = 0;
    for (let i = 0; i < n; i++) {
      const o = Array.from(out.subarray(i * 16, (i + 1) * 16));
      if (o.join() === Array.from(mirrored.subarray(i * 16, (i + 1) * 16)).join()) flipped++;
      else expect(o).toEqual(Array.from(imgs.subarray(i * 16, (i + 1) * 16)));
    }
    expect(flipped).toBeGreaterThan(70);
    expect(flipped).toBeLessThan(130);
  });

  it("randomShift moves whole images by at most maxPixels", () => {
    const one = new Float32Array(9 * 9);
    one[4 * 9 + 4] = 1; // a dot in the centre
    const n = 100;
    const imgs = new Float32Array(n * 81);
    for (let i = 0; i < n; i++) imgs.set(one, i * 81);
    const out = randomShift(2, 3)(imgs, n, [9, 9, 1]);
    const offsets = new Set<string>();
    for (let i = 0; i < n; i++) {
      const at = out.subarray(i * 81, (i + 1) * 81).indexOf(1);
      const [dy, dx] = [Math.floor(at / 9) - 4, (at % 9) - 4];
      expect(Math.abs(dy)).toBeLessThanOrEqual(2);
      expect(Math.abs(dx)).toBeLessThanOrEqual(2);
      offsets.add(`${dy},${dx}`);
    }
    expect(offsets.size).toBeGreaterThan(15); // of the 25 possible
  });

  it("refuses a fractional shift and rotations past 180°", () => {
    expect(() => augmenter({ shift: 1.5 }, 0)).toThrow(/whole number/);
    expect(() => augmenter({ rotate: 270 }, 0)).toThrow(/between 0 and 180/);
  });
});

describe("normalize", () => {
  const d: Dataset = {
    name: "t",
    x: Float32Array.from([1, 10, 3, 10, 5, 10, 7, 10]), // 4 examples of [1, 2]: channel 0 varies, channel 1 is constant
    y: new Int32Array(4),
    n: 4,
    shape: [1, 2],
    classes: ["0"],
  };

  it('"auto" standardises each channel (last axis) and returns the statistics', () => {
    const { dataset, stats } = normalize(d, "auto");
    expect(stats.mean).toEqual([4, 10]);
    expect(stats.std[0]).toBeCloseTo(Math.sqrt(5), 12);
    expect(stats.std[1]).toBe(0);
    const c0 = [0, 2, 4, 6].map((i) => dataset.x[i]!);
    expect(c0.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 6);
    expect(c0.reduce((a, b) => a + b * b, 0) / 4).toBeCloseTo(1, 6);
    expect([1, 3, 5, 7].map((i) => dataset.x[i])).toEqual([0, 0, 0, 0]); // std 0: divided by 1
    expect(d.x[0]).toBe(1); // the input is unchanged
  });

  it("given statistics (the training set's) are applied as they are; a scalar serves every channel", () => {
    const { dataset } = normalize(d, { mean: [1, 0], std: [2, 10] });
    expect(Array.from(dataset.x.subarray(0, 4))).toEqual([0, 1, 1, 1]);
    expect(Array.from(normalize(d, { mean: 1, std: 2 }).dataset.x.subarray(0, 2))).toEqual([0, 4.5]);
    expect(() => normalize(d, { mean: [1, 2, 3], std: 1 })).toThrow(/mean has 3 values, t has 2 channels/);
  });
});
