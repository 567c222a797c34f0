// Memory planning: every buffer of a schedule with its size and lifetime (the kernels from the
// one that writes it to the last that reads it, through views and transposed reads). Offsets
// are placed by `placeBuffers` (schedule/place.ts, pasted into the runtime) once sizes are numbers, at run time in
// generated code and here when the compiler states a figure for a batch size.
import { evalDim } from "../ir/dim.ts";
import { size, type Dim } from "../ir/shape.ts";
import { placeBuffers } from "./place.ts";
import type { Schedule } from "./kernel.ts";

export interface PlannedBuffer {
  node: number;
  size: Dim;
  /** Index of the kernel that writes it. */
  first: number;
  /** Index of the last kernel that reads it (the kernel count for function outputs). */
  last: number;
}

export function planBuffers(s: Schedule): PlannedBuffer[] {
  const writer = new Map<number, number>();
  const lastRead = new Map<number, number>();
  // A window op's image lives as long as its windows: a target may read the windows from the
  // image rather than store them (backend/wasm/windowed.ts).
  const read = (base: number, i: number) => {
    lastRead.set(base, i);
    const n = s.fn.nodes[base]!;
    if (n.op === "window") lastRead.set(s.base[n.inputs[0]!]!, i);
  };
  s.kernels.forEach((k, i) => {
    for (const id of k.stores) writer.set(id, i);
    for (const id of [...(k.head !== undefined ? [k.head] : []), ...k.body]) for (const x of s.fn.nodes[id]!.inputs) read(s.base[x]!, i);
  });
  // And a window op's adjoint (unwindow) lives from when its windows are written: a target may
  // add each block of windows into the image as it computes them (backend/wasm/windowed.ts).
  for (const [node, i] of writer) {
    const n = s.fn.nodes[node]!;
    if (n.op === "unwindow") writer.set(node, Math.min(i, writer.get(s.base[n.inputs[0]!]!) ?? i));
  }
  const end = s.kernels.length;
  for (const o of s.fn.outputs) lastRead.set(s.base[o.id]!, end);
  return [...writer.keys()]
    .sort((a, b) => a - b)
    .map((node) => ({ node, size: size(s.fn.nodes[node]!.shape), first: writer.get(node)!, last: Math.max(writer.get(node)!, lastRead.get(node) ?? 0) }));
}

/** The arena's size in float32 elements for these symbol values. */
export function arenaSize(buffers: readonly PlannedBuffer[], dims: Readonly<Record<string, number>>): number {
  const sizes = buffers.map((b) => {
    const v = evalDim(b.size, dims);
    if (v === undefined) throw new Error(`no value for a symbol of ${b.size}`);
    return v;
  });
  return placeBuffers(sizes, buffers.map((b) => b.first), buffers.map((b) => b.last)).total;
}
