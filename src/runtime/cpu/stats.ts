// CPU runtime: the allocation counters tests and benchmarks read, in a file of their own that
// imports nothing, so the allocators (memory.ts, gemm.ts's panels, wasm/kernels.ts's memory)
// can count into them whichever of them a program loads first.
// dnnc:helpers-begin

/**
 * Memory the generated code has allocated: every allocation and its bytes (arenas, packing
 * panels, scratch, WebAssembly memory), and the arenas' bytes alone. Steady-state training adds none.
 */
export const memoryStats = { allocations: 0, bytes: 0, arenaBytes: 0 };

// dnnc:helpers-end
