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

/**
 * Where the module's arrays are made: ordinary memory, unless a home is set — a WebAssembly
 * module's linear memory (runtime/wasm/kernels.ts), whose kernels then read the arrays in place.
 */
export interface MemoryHome {
  /** A zeroed array of `n` floats in the home's memory, or undefined where it has none to give. */
  allocate(n: number): Float32Array | undefined;
  /** What was allocated since the last call belongs to `owner`, and is freed once it is collected. */
  own(owner: object): void;
}

export const memoryHome: { current: MemoryHome | undefined } = { current: undefined };

export function allocate(n: number): Float32Array {
  memoryStats.allocations++;
  memoryStats.bytes += 4 * n;
  return memoryHome.current?.allocate(n) ?? newFloat32(n);
}

/**
 * `owner` owns what was allocated since the last call (arrays a home keeps alive only while
 * their owner lives): called right after each step that allocates — a workspace made, a model's
 * parameters copied, an input staged.
 */
export function owned<T extends object>(owner: T): T {
  memoryHome.current?.own(owner);
  return owner;
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

/**
 * Float64 sums of a reduction whose reduced loops run outside a kept one (BatchNorm's batch
 * statistics and their gradients, a bias's gradient: a sum over B·H·W rows of channels), rounded
 * once into the output. Folded into a float32 output element, every step rounds: over 8192 rows a
 * sum drifts by about 1e-6 of itself, enough to move a value that nearly cancels (x − mean) across
 * a ReLU's kink. One array for the whole module, grown on demand (steady-state training
 * allocates nothing), zeroed over its first `n`: kernels run one at a time.
 */
let reductionSums = new Float64Array(0);

export function zeroedSums(n: number): Float64Array {
  if (reductionSums.length < n) {
    memoryStats.allocations++;
    memoryStats.bytes += 8 * n;
    reductionSums = new Float64Array(n);
  } else reductionSums.fill(0, 0, n);
  return reductionSums;
}

// dnnc:helpers-end
