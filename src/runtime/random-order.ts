// Runtime of every generated module (and of `dnnc train`'s data pipeline): seeded randomness for
// the order of training examples (a fixed validation split, a shuffled order each epoch): the
// same seed gives the same sequence on every machine and in a browser (plain ECMAScript, no
// imports). A sequence, drawn in order — not the counter-based `randomBits` of generated kernels
// and the interpreter (element i of a stream as a pure function of seed, stream and i, so a GPU
// can compute it in any order): these decide which example comes when, not a tensor's values.
// Real, type-checked code pasted (minus `export`) into the module (backend/runtime-parts.ts).
// dnnc:helpers-begin

/** mulberry32: uniform on [0, 1), 32 bits of state. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle of `a` (an array or a typed array) in place, driven by `rand`; returns `a`. Allocates nothing. */
export function shuffle<A extends { length: number; [i: number]: unknown }>(a: A, rand: () => number): A {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** The seed of epoch `epoch`'s (1-based) shuffled order in a run seeded with `seed`: each epoch its own order. */
export const epochSeed = (seed: number, epoch: number): number => seed * 1000 + epoch;

/**
 * Examples 0…n−1 split at random by `seed`: `held` of them for validation, the rest to train on,
 * each part in ascending order (the batches are shuffled anyway, and an ordered copy reads its
 * source sequentially). `dnnc train --validation-split` and a generated model's fit() both split so.
 */
export function splitExamples(n: number, held: number, seed: number): { train: number[]; validation: number[] } {
  const order = shuffle(Array.from({ length: n }, (_, i) => i), mulberry32(seed));
  const byIndex = (a: number, b: number) => a - b;
  return { train: order.slice(held).sort(byIndex), validation: order.slice(0, held).sort(byIndex) };
}
// dnnc:helpers-end
