// Seeded randomness for training data (a fixed split, a shuffled order each epoch): the same
// seed gives the same sequence on every machine and in a browser (plain ECMAScript, no imports).
// A sequence, drawn in order — not the counter-based `randomBits` of generated code and the
// interpreter (element i of a stream as a pure function of seed, stream and i, so a GPU can
// compute it in any order): these decide which example comes when, not a tensor's values.

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

/** Fisher–Yates shuffle of `a` in place, driven by `rand`; returns `a`. */
export function shuffle<T>(a: T[], rand: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
