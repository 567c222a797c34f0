// Shapes of IR values. A dimension is a non-negative integer or a symbolic size (the batch B,
// or arithmetic on symbols such as "T - 1", canonical text from dim.ts):
// the generated code binds symbols from its inputs' lengths at run time.
import { productDim } from "./dim.ts";

export type Dim = number | string;
export type Shape = readonly Dim[];

export const showDim = (d: Dim): string => String(d);
export const showShape = (s: Shape): string => `[${s.map(showDim).join(", ")}]`;

/** Dims are canonical (dim.ts), so shapes are equal exactly when their dims are ===. A loop, not
 * `every`: it runs for nearly every node made, and on cold code the closure was the cost. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The number of elements, canonical: 2·B·32 → "64*B" (see dim.ts), so sizes compare with ===. */
export const size = (s: Shape): Dim => productDim(s);

/** NumPy broadcasting of two shapes, aligned from the right; undefined if they do not broadcast. */
export function broadcastShapes(a: Shape, b: Shape): Dim[] | undefined {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da === db || db === 1) out.push(da);
    else if (da === 1) out.push(db);
    else return undefined;
  }
  return out;
}

/** Whether `a` broadcasts to exactly `target` (NumPy rules): `broadcastShapes(a, target)` equals
 * `target`, decided without building it. */
export function broadcastsTo(a: Shape, target: Shape): boolean {
  const lead = target.length - a.length;
  if (lead < 0) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== 1 && a[i] !== target[lead + i]) return false;
  return true;
}

export const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);
