// A labelled dataset held in memory as the generated models take it: one Float32Array of
// examples (row-major, n × featureSize) and one Int32Array of class indices. Everything in
// src/data produces or transforms this one shape, so `dnnc train` has a single thing to feed.
import { splitExamples } from "../runtime/random-order.ts";

export interface Dataset {
  /** What to call it in messages: "fashion-mnist/train", "digits/test", "my.csv". */
  name: string;
  /** n × featureSize values, row-major, already as float. */
  x: Float32Array;
  /** n class indices, each in [0, classes.length). */
  y: Int32Array;
  n: number;
  /** Per-example shape: [28, 28, 1] for images (NHWC without N), [64] for digits. */
  shape: number[];
  /** Class names, indexed by label: Fashion-MNIST "T-shirt/top", "Trouser", …; digits "0".."9". */
  classes: string[];
}

/**
 * A dataset that could not be found (not installed, no such directory). Its message says how to
 * get it; it is the user's situation, not a bug, so the CLI prints the message without a stack.
 */
export class DatasetMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DatasetMissingError";
  }
}

/**
 * The most classes a dataset may have. A label is a class index, so one stray large number in a
 * labels column (99999999) would otherwise mean that many class names, and `dnnc train`'s
 * confusion matrix is classes² counts: 10,000 classes is 400 MB of it.
 */
export const MAX_CLASSES = 10_000;

/**
 * The classes labels may name while a file is read, and why: "DigitsMLP has 10 classes" (from
 * the model's output), "10 classes were given", or MAX_CLASSES. A label outside is an error at
 * its line or record, naming its value and this reason.
 */
export interface ClassLimit {
  count: number;
  why: string;
}

/** Values per example: the product of `shape`. */
export function featureSize(d: Pick<Dataset, "shape">): number {
  return d.shape.reduce((a, b) => a * b, 1);
}

/**
 * Throws unless `d` is consistent: lengths agree with n and shape, every label names a class.
 * Loaders call it last, so a bad file is caught where it is read rather than mid-training.
 */
export function checkDataset(d: Dataset): Dataset {
  const f = featureSize(d);
  if (!d.shape.every((s) => Number.isInteger(s) && s > 0)) throw new Error(`${d.name}: bad example shape [${d.shape.join(", ")}]`);
  if (d.x.length !== d.n * f) throw new Error(`${d.name}: x holds ${d.x.length} values, expected ${d.n} × ${f}`);
  if (d.y.length !== d.n) throw new Error(`${d.name}: y holds ${d.y.length} labels, expected ${d.n}`);
  for (let i = 0; i < d.n; i++) {
    const l = d.y[i]!;
    if (l < 0 || l >= d.classes.length) throw new Error(`${d.name}: example ${i} has label ${l}, outside the ${d.classes.length} classes`);
  }
  return d;
}

/** The examples at `indices`, in that order, copied (a later change to `d` does not show). */
export function subset(d: Dataset, indices: ArrayLike<number>, name = d.name): Dataset {
  const f = featureSize(d);
  const m = indices.length;
  const x = new Float32Array(m * f);
  const y = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const r = indices[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= d.n) throw new RangeError(`${d.name}: subset index ${r} is outside 0..${d.n - 1}`);
    x.set(d.x.subarray(r * f, (r + 1) * f), i * f);
    y[i] = d.y[r]!;
  }
  return { name, x, y, n: m, shape: [...d.shape], classes: [...d.classes] };
}

/**
 * Holds out round(n · fraction) examples, chosen by a shuffle seeded with `seed` (the same seed,
 * the same split on every machine). Both parts keep the original order of their examples: the
 * batches are shuffled anyway, and an ordered copy reads the source sequentially.
 */
export function splitValidation(d: Dataset, fraction: number, seed: number): { train: Dataset; validation: Dataset } {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`validation fraction must be between 0 and 1 (exclusive), got ${fraction}`);
  const nv = Math.round(d.n * fraction);
  if (nv < 1 || nv >= d.n) {
    throw new RangeError(`${d.name}: a validation fraction of ${fraction} of ${d.n} examples leaves ${nv} for validation and ${d.n - nv} for training; both need at least one`);
  }
  const { train, validation } = splitExamples(d.n, nv, seed);
  return { train: subset(d, train, `${d.name}:train`), validation: subset(d, validation, `${d.name}:validation`) };
}

/**
 * The examples whose label is in `keep`. With `relabel` (default false) labels become positions
 * in `keep` (keep = [5, 6, 7, 8, 9] maps 5 → 0 … 9 → 4) and `classes` shrinks to those names, as
 * a new 5-way head needs; without it labels and `classes` are unchanged.
 */
export function filterClasses(d: Dataset, keep: number[], relabel = false): Dataset {
  const pos = new Int32Array(d.classes.length).fill(-1);
  keep.forEach((k, i) => {
    if (!Number.isInteger(k) || k < 0 || k >= d.classes.length) throw new RangeError(`${d.name}: class ${k} is not one of its ${d.classes.length} classes`);
    if (pos[k] !== -1) throw new RangeError(`${d.name}: class ${k} is listed twice`);
    pos[k] = i;
  });
  const indices: number[] = [];
  for (let i = 0; i < d.n; i++) if (pos[d.y[i]!] !== -1) indices.push(i);
  const name = `${d.name}[classes ${keep.join(",")}]`;
  const out = subset(d, indices, name);
  if (relabel) {
    for (let i = 0; i < out.n; i++) out.y[i] = pos[out.y[i]!]!;
    out.classes = keep.map((k) => d.classes[k]!);
  }
  return out;
}

/**
 * The same examples seen with another per-example shape (e.g. [28, 28, 1] → [28, 28], rows as a
 * sequence for an RNN). Shares `x` and `y` with `d`: nothing is copied.
 */
export function reshape(d: Dataset, shape: number[]): Dataset {
  if (!shape.every((s) => Number.isInteger(s) && s > 0)) throw new RangeError(`reshape: bad shape [${shape.join(", ")}]`);
  const to = featureSize({ shape });
  const from = featureSize(d);
  if (to !== from) {
    throw new RangeError(`${d.name}: cannot reshape examples of shape [${d.shape.join(", ")}] (${from} values) to [${shape.join(", ")}] (${to} values)`);
  }
  return { ...d, shape: [...shape], classes: [...d.classes] };
}

/** Class names "0", "1", … for datasets whose labels are plain indices. */
export function numberedClasses(count: number): string[] {
  if (!(count <= MAX_CLASSES)) throw new RangeError(`${count} classes: dnnc handles at most ${MAX_CLASSES.toLocaleString("en-US")}`);
  return Array.from({ length: count }, (_, i) => String(i));
}
