// What a schedule costs for given sizes: primitives before fusion and kernels after, the
// arithmetic (FLOPs), the bytes kernels read and write, and the arena the memory plan needs.
// `dnnc compile` prints these; tests hold the generated code to the arena figure.
import { evalDim } from "../ir/dim.ts";
import type { Fn, Node } from "../ir/ir.ts";
import type { BinaryOp, UnaryOp } from "../ir/ops.ts";
import { size, type Dim } from "../ir/shape.ts";
import type { Schedule } from "./kernel.ts";
import { fuse } from "./fuse.ts";
import { arenaSize, planBuffers } from "./memory.ts";

export interface ScheduleStats {
  primitives: number;
  kernels: number;
  flops: number;
  /** Bytes the kernels read from and write to memory (registers of a fused loop cost nothing). */
  bytesMoved: number;
  /** Bytes of the function's arena (every intermediate buffer, placed by liveness) and its scan bodies'. */
  arenaBytes: number;
  /** Bytes of its arguments (inputs, parameters, states). */
  argumentBytes: number;
}

/** What one kernel costs: its arithmetic and the bytes it reads and writes (a scan's body's, per
 * step, included), and what its scan bodies add to the function's counts and arena. */
export interface KernelCost {
  flops: number;
  bytesMoved: number;
  /** A scan's body: its primitives, kernels and arena, which the function's figures include. */
  nested: { primitives: number; kernels: number; arenaBytes: number };
}

/** Each kernel's cost, in the schedule's order: `dnnc graph --kernels` labels kernels with them. */
export function kernelCosts(s: Schedule, dims: Readonly<Record<string, number>>): KernelCost[] {
  const fn = s.fn;
  const num = (d: Dim) => valueOf(d, dims);
  // Sizes by shape: multiplying out a symbolic size is string arithmetic, and a long program has
  // tens of thousands of nodes but few distinct shapes.
  const sizes = new Map<string, number>();
  const elements = (n: Node) => {
    const shape = n.shape.join(",");
    let v = sizes.get(shape);
    if (v === undefined) sizes.set(shape, (v = num(size(n.shape))));
    return v;
  };
  return s.kernels.map((k) => {
    let flops = 0;
    let bytesMoved = 0;
    const nested = { primitives: 0, kernels: 0, arenaBytes: 0 };
    const ids = [...(k.head !== undefined ? [k.head] : []), ...k.body];
    const inKernel = new Set(ids);
    const reads = new Set<number>();
    for (const id of ids) {
      const n = fn.nodes[id]!;
      flops += flopsOf(n, fn, elements, num);
      if (n.op === "scan") {
        // The body runs once per step along the scanned axis, in a workspace of its own.
        const body = scheduleStats(fuse(n.body), dims);
        const steps = num(fn.nodes[n.inputs[1]!]!.shape[n.axis]!);
        flops += steps * body.flops;
        bytesMoved += steps * body.bytesMoved;
        nested.primitives += body.primitives;
        nested.kernels += body.kernels;
        nested.arenaBytes += body.arenaBytes;
      }
      for (const x of n.inputs) if (!inKernel.has(x) && s.storage[x] !== "scalar") reads.add(s.base[x]!);
    }
    for (const r of reads) if (fn.nodes[r]!.op !== "arg" || fn.args[(fn.nodes[r] as { index: number }).index]!.role !== "seed") bytesMoved += 4 * elements(fn.nodes[r]!);
    for (const w of k.stores) bytesMoved += 4 * elements(fn.nodes[w]!);
    return { flops, bytesMoved, nested };
  });
}

/** `d` with every symbol given its size in `dims`: the figures are for one set of sizes. */
function valueOf(d: Dim, dims: Readonly<Record<string, number>>): number {
  const v = evalDim(d, dims);
  if (v === undefined) throw new Error(`no value for a symbol of ${d}`);
  return v;
}

export function scheduleStats(s: Schedule, dims: Readonly<Record<string, number>>): ScheduleStats {
  const fn = s.fn;
  const costs = kernelCosts(s, dims);
  const sum = (f: (c: KernelCost) => number) => costs.reduce((acc, c) => acc + f(c), 0);
  const argumentBytes = fn.args.reduce((acc, a) => (a.role === "seed" ? acc : acc + 4 * valueOf(size(a.shape), dims)), 0);
  return {
    primitives: fn.nodes.filter((n) => n.op !== "arg").length + sum((c) => c.nested.primitives),
    kernels: s.kernels.length + sum((c) => c.nested.kernels),
    flops: sum((c) => c.flops),
    bytesMoved: sum((c) => c.bytesMoved),
    arenaBytes: 4 * arenaSize(planBuffers(s), dims) + sum((c) => c.nested.arenaBytes),
    argumentBytes,
  };
}

/**
 * The arithmetic of one primitive: one operation per element of an elementwise op, per input
 * element of a reduction or adjoint (unwindow, scatter_add sum their sources), 2·m·n·k for a
 * matmul; data movement costs none. A scan's is its body's, per step (counted by the caller).
 */
function flopsOf(n: Node, fn: Fn, elements: (n: Node) => number, num: (d: Dim) => number): number {
  switch (n.op) {
    case "select": return elements(n);
    case "sum":
    case "reduce_max":
    case "unwindow":
    case "scatter_add": return elements(fn.nodes[n.inputs[0]!]!);
    case "matmul": {
      const a = fn.nodes[n.inputs[0]!]!.shape;
      return 2 * elements(n) * num(a[a.length - 1]!);
    }
    case "arg":
    case "const":
    case "literal":
    case "iota":
    case "random":
    case "cast":
    case "reshape":
    case "permute":
    case "broadcast":
    case "slice":
    case "pad":
    case "window":
    case "gather":
    case "scan": return 0;
    default:
      // Every unary and binary op is one operation per element; every other primitive has its
      // case above: tsc rejects this line while one lacks it.
      n.op satisfies UnaryOp | BinaryOp;
      return elements(n);
  }
}
