// Data augmentation for batches of NHWC images, and standardisation of a whole dataset.
//
// Every transform is one inverse map: each output pixel samples the input at the point that
// lands on it, so flip, rotation and shift compose into a single pass with no scratch image, and
// pixels that come from outside the image are 0 (zero fill, for shifts too). Zero is black for
// images in [0, 1], and the mean after `normalize`; edge fill would smear the border of
// Fashion-MNIST's centred objects into stripes. Randomness is mulberry32 from a seed: the same
// seed gives the same batches on every machine.
import { mulberry32 } from "../runtime/random-order.ts";
import { featureSize, type Dataset } from "./dataset.ts";

/** [h, w, c]; [h, w] is one channel. A Dataset's `shape` can be passed as it is. */
export type ImageShape = readonly [h: number, w: number, c: number] | readonly number[];

/**
 * Transforms `batch` images of `shape` from `x` into `out` (allocated if absent; pass one to
 * allocate nothing) and returns it. `out` must not be `x`.
 */
export type Augment = (x: Float32Array, batch: number, shape: ImageShape, out?: Float32Array) => Float32Array;

export interface AugmentSpec {
  /** Mirror left–right with probability 1/2 (for clothes, not for digits). */
  flip?: boolean;
  /** Shift by whole pixels, each axis uniform in [-shift, shift]. */
  shift?: number;
  /** Rotate about the centre by an angle uniform in [-rotate, rotate] degrees (bilinear). */
  rotate?: number;
}

interface Transform {
  flip: boolean;
  dy: number;
  dx: number;
  /** Counterclockwise, as the image is displayed (row 0 at the top), in radians. */
  angle: number;
}

/** One image (at offset `o` in `x`) through `t`, into `out` at the same offset. */
function warp(x: Float32Array, out: Float32Array, o: number, h: number, w: number, c: number, t: Transform): void {
  if (t.angle === 0) {
    // Whole pixels: a copy with moved indices, exact.
    for (let y = 0; y < h; y++) {
      const sy = y - t.dy;
      for (let xx = 0; xx < w; xx++) {
        let sx = xx - t.dx;
        const d = o + (y * w + xx) * c;
        if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
          for (let k = 0; k < c; k++) out[d + k] = 0;
          continue;
        }
        if (t.flip) sx = w - 1 - sx;
        const s = o + (sy * w + sx) * c;
        for (let k = 0; k < c; k++) out[d + k] = x[s + k]!;
      }
    }
    return;
  }
  // Output (y, x) relative to the centre, less the shift, rotated back by -angle; then flipped.
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  const cos = Math.cos(t.angle);
  const sin = Math.sin(t.angle);
  for (let y = 0; y < h; y++) {
    const ry = y - t.dy - cy;
    for (let xx = 0; xx < w; xx++) {
      const rx = xx - t.dx - cx;
      let sx = rx * cos - ry * sin + cx;
      const sy = rx * sin + ry * cos + cy;
      if (t.flip) sx = w - 1 - sx;
      const d = o + (y * w + xx) * c;
      // Bilinear between the four neighbours, each outside the image counting as 0: the result is
      // a convex combination of input values and 0, so it stays within their range.
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let k = 0; k < c; k++) {
        const top = lerp(pixel(x, o, h, w, c, k, y0, x0), pixel(x, o, h, w, c, k, y0, x0 + 1), fx);
        const bottom = lerp(pixel(x, o, h, w, c, k, y0 + 1, x0), pixel(x, o, h, w, c, k, y0 + 1, x0 + 1), fx);
        out[d + k] = lerp(top, bottom, fy);
      }
    }
  }
}

/** Channel k of pixel (y, x) of the image at `o`, 0 outside it. */
function pixel(x: Float32Array, o: number, h: number, w: number, c: number, k: number, y: number, xx: number): number {
  return y < 0 || y >= h || xx < 0 || xx >= w ? 0 : x[o + (y * w + xx) * c + k]!;
}

/** a + (b − a)·f: exactly a at f = 0 and never outside [min(a, b), max(a, b)] for f in [0, 1]. */
const lerp = (a: number, b: number, f: number) => a + (b - a) * f;

/** [h, w, c] of `shape`, checked. */
function dims(shape: ImageShape): [number, number, number] {
  const [h, w, c = 1] = shape;
  if ((shape.length !== 2 && shape.length !== 3) || ![h, w, c].every((v) => Number.isInteger(v) && v! > 0)) {
    throw new RangeError(`augment: images have shape [h, w, c] (or [h, w]), got [${shape.join(", ")}]`);
  }
  return [h!, w!, c];
}

function checkBatch(x: Float32Array, batch: number, shape: ImageShape, out: Float32Array | undefined): Float32Array {
  const [h, w, c] = dims(shape);
  const size = batch * h * w * c;
  if (x.length < size) throw new RangeError(`augment: ${batch} images of [${h}, ${w}, ${c}] need ${size} values, x has ${x.length}`);
  const o = out ?? new Float32Array(size);
  if (o.length < size) throw new RangeError(`augment: out has ${o.length} values, ${batch} images of [${h}, ${w}, ${c}] need ${size}`);
  if (o.buffer === x.buffer && o.byteOffset < x.byteOffset + size * 4 && x.byteOffset < o.byteOffset + size * 4) {
    throw new RangeError("augment: out overlaps x; transforms read neighbours, so they cannot work in place");
  }
  return o;
}

/** Applies `transform(i)` to each image: the shared loop of every Augment. */
function apply(x: Float32Array, batch: number, shape: ImageShape, out: Float32Array | undefined, transform: (i: number) => Transform): Float32Array {
  const o = checkBatch(x, batch, shape, out);
  const [h, w, c] = dims(shape);
  for (let i = 0; i < batch; i++) warp(x, o, i * h * w * c, h, w, c, transform(i));
  return o;
}

const DEG = Math.PI / 180;
const NONE: Transform = { flip: false, dy: 0, dx: 0, angle: 0 };

/** Mirrors every image left–right (deterministic: used by tests and by randomFlip). */
export const flip: Augment = (x, batch, shape, out) => apply(x, batch, shape, out, () => ({ ...NONE, flip: true }));

/** Moves every image down by `dy` and right by `dx` pixels, zero fill. */
export function shift(x: Float32Array, batch: number, shape: ImageShape, dy: number, dx: number, out?: Float32Array): Float32Array {
  if (!Number.isInteger(dy) || !Number.isInteger(dx)) throw new RangeError(`shift: whole pixels only, got ${dy}, ${dx}`);
  return apply(x, batch, shape, out, () => ({ ...NONE, dy, dx }));
}

/** Rotates every image counterclockwise by `degrees` about its centre, bilinear, zero fill. */
export function rotate(x: Float32Array, batch: number, shape: ImageShape, degrees: number, out?: Float32Array): Float32Array {
  return apply(x, batch, shape, out, () => ({ ...NONE, angle: degrees * DEG }));
}

/** A random integer in [-m, m]. */
const offset = (rand: () => number, m: number) => Math.floor(rand() * (2 * m + 1)) - m;

/** Mirrors each image left–right with probability 1/2. */
export function randomFlip(seed: number): Augment {
  return augmenter({ flip: true }, seed);
}

/** Shifts each image by whole pixels, each axis uniform in [-maxPixels, maxPixels], zero fill. */
export function randomShift(maxPixels: number, seed: number): Augment {
  return augmenter({ shift: maxPixels }, seed);
}

/** Rotates each image by an angle uniform in [-maxDegrees, maxDegrees], bilinear, zero fill. */
export function randomRotation(maxDegrees: number, seed: number): Augment {
  return augmenter({ rotate: maxDegrees }, seed);
}

/**
 * The transforms of `spec` composed (flip, then rotation, then shift) into one pass per image.
 * The returned function draws from one generator seeded with `seed`, so a run's sequence of
 * batches is reproducible; it allocates only when no `out` is given.
 */
export function augmenter(spec: AugmentSpec, seed: number): Augment {
  const m = spec.shift ?? 0;
  const r = spec.rotate ?? 0;
  if (!Number.isInteger(m) || m < 0) throw new RangeError(`augment: shift must be a whole number of pixels ≥ 0, got ${m}`);
  if (!(r >= 0 && r <= 180)) throw new RangeError(`augment: rotate must be between 0 and 180 degrees, got ${r}`);
  const rand = mulberry32(seed);
  const t: Transform = { ...NONE };
  return (x, batch, shape, out) =>
    apply(x, batch, shape, out, () => {
      t.flip = spec.flip === true && rand() < 0.5;
      t.angle = r > 0 ? (rand() * 2 - 1) * r * DEG : 0;
      t.dy = m > 0 ? offset(rand, m) : 0;
      t.dx = m > 0 ? offset(rand, m) : 0;
      return t;
    });
}

export interface NormStats {
  /** Per channel: one value for the last axis of the example shape. */
  mean: number[];
  std: number[];
}

/**
 * The dataset standardised per channel — per entry of the last axis of its example shape: one
 * mean and std for grey images [28, 28, 1], one per feature for flat vectors such as [64] — and
 * the statistics used. "auto" computes them from `d` (population std, in float64); pass the
 * training set's statistics to standardise the test set the same way. A channel with std 0 (the
 * digits' always-blank corners) is divided by 1 instead. Returns a copy; `d` is unchanged.
 */
export function normalize(d: Dataset, stats: NormStats | { mean: number | number[]; std: number | number[] } | "auto"): { dataset: Dataset; stats: NormStats } {
  const c = d.shape[d.shape.length - 1] ?? 1;
  if (featureSize(d) % c !== 0 || d.x.length % c !== 0) throw new Error(`normalize: bad shape [${d.shape.join(", ")}]`);
  let mean: number[];
  let std: number[];
  if (stats === "auto") {
    const sum = new Float64Array(c);
    const sq = new Float64Array(c);
    for (let i = 0; i < d.x.length; i++) sum[i % c] += d.x[i]!;
    const per = d.x.length / c;
    mean = Array.from(sum, (s) => s / per);
    for (let i = 0; i < d.x.length; i++) {
      const v = d.x[i]! - mean[i % c]!;
      sq[i % c] += v * v;
    }
    std = Array.from(sq, (s) => Math.sqrt(s / per));
  } else {
    const expand = (v: number | number[], what: string) => {
      const a = typeof v === "number" ? new Array<number>(c).fill(v) : [...v];
      if (a.length !== c) throw new RangeError(`normalize: ${what} has ${a.length} values, ${d.name} has ${c} channels (last axis of [${d.shape.join(", ")}])`);
      return a;
    };
    mean = expand(stats.mean, "mean");
    std = expand(stats.std, "std");
  }
  const scale = std.map((s) => (s > 0 && Number.isFinite(s) ? 1 / s : 1));
  const x = new Float32Array(d.x.length);
  for (let i = 0; i < x.length; i++) x[i] = (d.x[i]! - mean[i % c]!) * scale[i % c]!;
  return { dataset: { ...d, x, shape: [...d.shape], classes: [...d.classes] }, stats: { mean, std } };
}
