// Memory accesses as strides: a value read along a kernel's domain is a stride per domain axis
// (0 where it broadcasts). Shared by the backends: the TypeScript one builds loop nests from
// these, the WGSL one turns an invocation's index into offsets.
import { mulDim } from "../ir/dim.ts";
import type { Dim, Shape } from "../ir/shape.ts";

/** Row-major strides of a shape (symbolic where the shape is). */
export function rowMajor(shape: Shape): Dim[] {
  const out: Dim[] = new Array(shape.length);
  let acc: Dim = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = acc;
    acc = mulDim(acc, shape[i]!);
  }
  return out;
}

/** Strides that read `from` broadcast to `to` (same rank): 0 along the axes `from` has as 1. */
export const broadcastStrides = (from: Shape, to: Shape): Dim[] => rowMajor(from).map((s, i) => (from[i] === 1 && to[i] !== 1 ? 0 : s));

export interface Axis {
  size: Dim;
  strides: Dim[];
}

/** Drops size-1 axes and merges neighbours every access walks contiguously. */
export function coalesce(domain: Shape, accesses: readonly (readonly Dim[])[]): Axis[] {
  const axes: Axis[] = [];
  domain.forEach((size, j) => {
    if (size === 1) return;
    const strides = accesses.map((a) => a[j]!);
    const prev = axes[axes.length - 1];
    if (prev && prev.strides.every((s, k) => s === mulDim(strides[k]!, size))) {
      prev.size = mulDim(prev.size, size);
      prev.strides = strides;
    } else axes.push({ size, strides });
  });
  return axes;
}
