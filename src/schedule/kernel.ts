// The kernel IR: an IR function partitioned into kernels, the units a backend emits as one
// loop nest (or one library call) each. Fusion decides the partition; every IR node is computed
// in exactly one kernel (but a pure function of the index, recomputed by each kernel reading
// it), and only values read outside their kernel get memory.
import type { Fn } from "../ir/ir.ts";

/**
 * - elementwise: one loop over a shape computing `body` per element;
 * - reduce: `head` (sum or reduce_max) over a loop that first computes `body` (its prologue);
 * - matmul: `head` (a matmul, operands possibly read transposed), then `body` per product
 *   element (its epilogue: bias, activation, …);
 * - op: `head` alone, a data-movement or neural-network primitive (permute, window, gather, scan…).
 */
export type KernelKind = "elementwise" | "reduce" | "matmul" | "op";

export interface Kernel {
  kind: KernelKind;
  head?: number;
  /** Elementwise nodes evaluated per element, in topological order. */
  body: number[];
  /** Nodes whose values this kernel writes to memory. */
  stores: number[];
}

/**
 * Where a node's value lives:
 * - arg: the caller's array; scalar: a number literal in the code (a broadcast constant);
 * - local: a register inside its kernel's loop; buffer: memory of its own, planned by liveness;
 * - recomputed: a pure function of the element's index (an iota…), in a register of every
 *   kernel that reads it, each computing it in its own loop (listed in each one's body);
 * - view: another node's memory read as it lies (a reshape);
 * - transposed: another node's memory read transposed by the one matmul kernel consuming it.
 */
export type Storage = "arg" | "scalar" | "local" | "recomputed" | "buffer" | "view" | "transposed";

export interface Schedule {
  fn: Fn;
  kernels: Kernel[];
  storage: Storage[];
  /** For a view or transposed node, the node whose memory it reads (itself a buffer or an arg). */
  base: number[];
}
