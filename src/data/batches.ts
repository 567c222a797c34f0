// One epoch of mini-batches. The generated models allocate nothing per step after the first;
// the data pipeline keeps to that: the examples of each batch are gathered into the same two
// buffers every time.
import { mulberry32, shuffle } from "../runtime/random-order.ts";
import { featureSize, type Dataset } from "./dataset.ts";

export interface Batch {
  /** size × featureSize values. */
  x: Float32Array;
  /** size labels. */
  y: Int32Array;
  size: number;
}

export interface BatchOptions {
  /** Visit the examples in a seeded random order (else in dataset order). */
  shuffle: boolean;
  /** Seeds the order; give each epoch its own (e.g. seed + epoch) or every epoch repeats it. */
  seed: number;
  /** Leave out the last batch when it is short (batch norm statistics of a handful of examples). */
  dropRemainder?: boolean;
}

/**
 * The examples of `d` in batches of `batchSize`, each exactly once: one epoch. The last, shorter
 * batch is yielded (with `size` and array lengths to match) unless `dropRemainder`.
 *
 * The yielded arrays are two buffers reused for every batch: the next batch overwrites them, so
 * copy what must outlive one step (a model's trainStep reads them and is done). The yielded
 * object is reused too (`[...batches(…)]` is n copies of the last batch). A short last batch is
 * a view of the first `size` rows of the same buffers.
 */
export function* batches(d: Dataset, batchSize: number, opts: BatchOptions): Generator<Batch, void, undefined> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a whole number ≥ 1, got ${batchSize}`);
  const f = featureSize(d);
  const order = Array.from({ length: d.n }, (_, i) => i);
  if (opts.shuffle) shuffle(order, mulberry32(opts.seed));
  const full = Math.min(batchSize, d.n);
  const bx = new Float32Array(full * f);
  const by = new Int32Array(full);
  const batch: Batch = { x: bx, y: by, size: 0 };
  for (let s = 0; s < d.n; s += batchSize) {
    const size = Math.min(batchSize, d.n - s);
    if (size < batchSize && opts.dropRemainder) return;
    for (let i = 0; i < size; i++) {
      const r = order[s + i]!;
      // A plain loop, not set(subarray()): a subarray is an object per example.
      for (let j = 0, from = r * f, to = i * f; j < f; j++) bx[to + j] = d.x[from + j]!;
      by[i] = d.y[r]!;
    }
    if (size === full) {
      batch.x = bx;
      batch.y = by;
    } else {
      batch.x = bx.subarray(0, size * f);
      batch.y = by.subarray(0, size);
    }
    batch.size = size;
    yield batch;
  }
}

/** The number of batches `batches` yields for these arguments. */
export function batchCount(n: number, batchSize: number, dropRemainder = false): number {
  return dropRemainder ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}
