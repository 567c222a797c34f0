// batches(): one epoch visits every example exactly once, in a seeded order, through two reused
// buffers.
import { describe, expect, it } from "vitest";
import { batchCount, batches } from "../../src/data/batches.ts";
import type { Dataset } from "../../src/data/dataset.ts";

/** n examples of 3 features: example i holds [i, i + 0.25, i + 0.5], label i % 4. */
function toy(n: number): Dataset {
  const x = new Float32Array(n * 3);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x.set([i, i + 0.25, i + 0.5], i * 3);
    y[i] = i % 4;
  }
  return { name: "toy", x, y, n, shape: [3], classes: ["0", "1", "2", "3"] };
}

/** The example ids of one epoch, batch by batch, checking each batch's rows and labels agree. */
function epoch(d: Dataset, size: number, opts: Parameters<typeof batches>[2]): number[][] {
  const out: number[][] = [];
  for (const b of batches(d, size, opts)) {
    expect(b.x.length).toBe(b.size * 3);
    expect(b.y.length).toBe(b.size);
    const idsOf: number[] = [];
    for (let i = 0; i < b.size; i++) {
      const id = b.x[i * 3]!;
      expect([b.x[i * 3 + 1], b.x[i * 3 + 2]]).toEqual([id + 0.25, id + 0.5]);
      expect(b.y[i]).toBe(id % 4);
      idsOf.push(id);
    }
    out.push(idsOf);
  }
  return out;
}

describe("batches", () => {
  it("in order without shuffle, the last partial batch included", () => {
    expect(epoch(toy(7), 3, { shuffle: false, seed: 0 })).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(batchCount(7, 3)).toBe(3);
  });

  it("dropRemainder leaves out the short last batch (and yields nothing when n < batchSize)", () => {
    expect(epoch(toy(7), 3, { shuffle: false, seed: 0, dropRemainder: true })).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(batchCount(7, 3, true)).toBe(2);
    expect(epoch(toy(2), 3, { shuffle: false, seed: 0, dropRemainder: true })).toEqual([]);
    expect(epoch(toy(2), 3, { shuffle: false, seed: 0 })).toEqual([[0, 1]]);
  });

  it("shuffled: every example exactly once per epoch, the same for a seed, different between seeds", () => {
    const d = toy(1000);
    const a = epoch(d, 64, { shuffle: true, seed: 1 });
    expect(a.map((b) => b.length)).toEqual([...new Array(15).fill(64), 1000 - 15 * 64]);
    expect(a.flat().sort((p, q) => p - q)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(a.flat()).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(epoch(d, 64, { shuffle: true, seed: 1 })).toEqual(a);
    const b = epoch(d, 64, { shuffle: true, seed: 2 });
    expect(b.flat().sort((p, q) => p - q)).toEqual(a.flat().sort((p, q) => p - q));
    expect(b).not.toEqual(a);
  });

  it("reuses two buffers: a later batch overwrites an earlier one", () => {
    const seen: Float32Array[] = [];
    const buffers = new Set<ArrayBufferLike>();
    for (const b of batches(toy(10), 4, { shuffle: false, seed: 0 })) {
      seen.push(b.x);
      buffers.add(b.x.buffer).add(b.y.buffer);
    }
    expect(buffers.size).toBe(2);
    expect(seen[0]).toBe(seen[1]); // full batches: the very same arrays
    expect(seen[0]![0]).toBe(8); // the last batch's first example, written over batch 0's
    expect(seen[2]!.length).toBe(2 * 3); // the short last batch: a view of the same buffer
    expect(seen[2]!.buffer).toBe(seen[0]!.buffer);
  });

  it("refuses a batch size that is not a whole number ≥ 1", () => {
    expect(() => batches(toy(3), 0, { shuffle: false, seed: 0 }).next()).toThrow(/batch size/);
  });
});
