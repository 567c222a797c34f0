// Shapes of IR values. A dimension is a non-negative integer or a named symbol (the batch B):
// the generated code binds symbols from its inputs' lengths at run time.
export type Dim = number | string;
export type Shape = readonly Dim[];

export const showDim = (d: Dim): string => String(d);
export const showShape = (s: Shape): string => `[${s.map(showDim).join(", ")}]`;

export const sameDim = (a: Dim, b: Dim): boolean => a === b;
export const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** A product of dimensions, normalised so symbolic sizes compare: 2·B·32 → {k: 64, syms: ["B"]}. */
export interface Size {
  k: number;
  syms: string[];
}

export function size(s: Shape): Size {
  let k = 1;
  const syms: string[] = [];
  for (const d of s) typeof d === "number" ? (k *= d) : syms.push(d);
  return { k, syms: syms.sort() };
}

export const sameSize = (a: Size, b: Size): boolean => a.k === b.k && a.syms.length === b.syms.length && a.syms.every((s, i) => s === b.syms[i]);
export const showSize = (z: Size): string => [...(z.k !== 1 || z.syms.length === 0 ? [String(z.k)] : []), ...z.syms].join("*");

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

export const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);
