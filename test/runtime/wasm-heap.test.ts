// The WebAssembly runtime's heap (runtime/wasm/heap.ts): first fit, neighbours merged, memory
// grown only past what was ever used, and an owner's blocks freed when the owner is collected —
// the collection played here by calling the cleanup FinalizationRegistry was given.
import { afterEach, describe, expect, it } from "vitest";
import { LinearHeap } from "../../src/runtime/wasm/heap.ts";

const real = globalThis.FinalizationRegistry;
afterEach(() => void (globalThis.FinalizationRegistry = real));

/** A heap whose owners' collection the test triggers: `collect(owner)`. */
function heap() {
  const owners = new Map<object, number[]>();
  let cleanup: (held: number[]) => void = () => {};
  globalThis.FinalizationRegistry = class {
    constructor(f: (held: number[]) => void) {
      cleanup = f;
    }
    register(owner: object, held: number[]) {
      owners.set(owner, held);
    }
  } as unknown as typeof FinalizationRegistry;
  const grown: number[] = [];
  const h = new LinearHeap(0, (floats) => grown.push(floats));
  const collect = (owner: object) => cleanup(owners.get(owner)!);
  return { h, grown, collect };
}

describe("LinearHeap", () => {
  it("places blocks one after another, 16-byte aligned, growing memory as it goes", () => {
    const { h, grown } = heap();
    expect([h.allocate(5), h.allocate(1), h.allocate(8)]).toEqual([0, 8, 12]);
    expect(grown).toEqual([8, 12, 20]);
  });

  it("frees an owner's blocks when it is collected, merges them, and reuses them first fit", () => {
    const { h, grown, collect } = heap();
    const keep = {};
    const gone = {};
    h.allocate(100); // 0..100
    h.own(keep);
    h.allocate(40); // 100..140
    h.allocate(60); // 140..200
    h.own(gone);
    h.allocate(20); // 200..220
    h.own(keep);
    collect(gone);
    expect(h.freeFloats).toBe(100); // 100..200, one block
    expect(h.allocate(100)).toBe(100); // fits exactly where the two were
    expect(grown.at(-1)).toBe(220); // no growth for it
  });

  it("gives memory back to the untouched end, so a freed last block costs no growth", () => {
    const { h, grown, collect } = heap();
    const a = {};
    h.allocate(64);
    h.own(a);
    collect(a);
    expect(h.freeFloats).toBe(0);
    expect(h.allocate(64)).toBe(0);
    expect(grown).toEqual([64, 64]);
  });

  it("keeps the runtime's own blocks out of any owner's, and releases them at once", () => {
    const { h, collect } = heap();
    const scratch = h.allocate(32, false);
    h.allocate(16);
    const owner = {};
    h.own(owner);
    h.release(scratch, 32);
    expect(h.freeFloats).toBe(32);
    collect(owner);
    expect(h.freeFloats).toBe(0); // all merged back into the untouched end
  });
});
