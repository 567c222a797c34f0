// CPU runtime: memory the generated code allocates — arenas planned at run time (one per
// function and batch size), copies, and the counters tests and benchmarks read. Real,
// type-checked code: the emitter pastes the region below (minus `export`) into a generated module
// that uses it (backend/runtime-parts.ts). Memory is shared with worker threads once they start.
import { placeBuffers } from "../../schedule/place.ts";
import { newFloat32 } from "./threads.ts";
import { memoryStats } from "./stats.ts";
// dnnc:helpers-begin

/** A function's planned memory: one view per buffer, sub-workspaces of scan bodies, scratch. */
export interface Workspace {
  b: Float32Array[];
  sub: Workspace[];
  scratch: Float32Array[];
  out: Float32Array[];
}

export function allocate(n: number): Float32Array {
  memoryStats.allocations++;
  memoryStats.bytes += 4 * n;
  return newFloat32(n);
}

/** A copy of `a` in memory of the module's own (shared once threads have started). */
export function copyOf(a: Float32Array): Float32Array {
  const c = allocate(a.length);
  c.set(a);
  return c;
}

/** One arena for all buffers of a function, and a view of it per buffer. */
export function arenaViews(sizes: readonly number[], first: readonly number[], last: readonly number[]): Float32Array[] {
  const { offsets, total } = placeBuffers(sizes, first, last);
  const arena = allocate(total);
  memoryStats.arenaBytes += 4 * total;
  return sizes.map((n, i) => arena.subarray(offsets[i]!, offsets[i]! + n));
}

// dnnc:helpers-end
