// How a generated method learns its symbolic sizes (B, T, …): from the lengths of the arrays it
// is given where they determine them, otherwise from the caller's `sizes`. Decided at compile
// time, per method, from the declared shapes alone:
//   - a tensor whose shape has one unknown size s, in a dimension of its own as `s` or `k*s`,
//     binds s from its length (the length divided by the product of the other dimensions);
//   - when no tensor is left with one unknown, the first with several keeps its first solvable
//     size to infer (by convention the leading one: the batch) and the rest must be given; a
//     tensor with no solvable size needs all of them given;
//   - tensors are taken in declaration order, earliest first whenever several could go next.
import type { Dim } from "../ir/shape.ts";
import { symbolsOf } from "../ir/dim.ts";

export interface Shaped {
  name: string;
  shape: readonly Dim[];
}

export type SizeStep<T extends Shaped> =
  /** Check `tensor`'s length, binding `binds` from it (with factor `k`: the dimension is k*binds) when set. */
  | { tensor: T; binds?: string; k?: number }
  /** `size` must come from the caller's sizes: `tensor`'s length cannot determine it. */
  | { given: string; tensor: T };

/** The steps that bind every size of `tensors` and check every length, in order. */
export function planSizes<T extends Shaped>(tensors: readonly T[]): SizeStep<T>[] {
  const steps: SizeStep<T>[] = [];
  const bound = new Set<string>();
  const left = [...tensors];
  const free = (t: T) => [...new Set(t.shape.flatMap((d) => symbolsOf(d)))].filter((s) => !bound.has(s));
  const place = (t: T, s?: string) => {
    left.splice(left.indexOf(t), 1);
    if (s === undefined) return steps.push({ tensor: t });
    bound.add(s);
    steps.push({ tensor: t, binds: s, k: factorOf(t.shape, s)! });
  };
  while (left.length > 0) {
    const ready = left.find((t) => {
      const f = free(t);
      return f.length === 0 || (f.length === 1 && factorOf(t.shape, f[0]!) !== undefined);
    });
    if (ready) {
      place(ready, free(ready)[0]);
      continue;
    }
    // Stuck: the caller gives all but one size of the first tensor that can infer one.
    const t = left.find((x) => free(x).some((s) => factorOf(x.shape, s) !== undefined)) ?? left[0]!;
    const f = free(t);
    const inferred = f.find((s) => factorOf(t.shape, s) !== undefined);
    for (const s of f) if (s !== inferred) bound.add(s), steps.push({ given: s, tensor: t });
  }
  return steps;
}

/** k where exactly one dimension of `shape` mentions `s` and it is `s` (k = 1) or `k*s`; else undefined. */
export function factorOf(shape: readonly Dim[], s: string): number | undefined {
  const dims = shape.filter((d) => symbolsOf(d).includes(s));
  if (dims.length !== 1) return undefined;
  const d = dims[0] as string;
  if (d === s) return 1;
  const m = /^(\d+)\*(\w+)$/.exec(d);
  return m && m[2] === s ? Number(m[1]) : undefined;
}

/** Whether any step of any of these plans needs a size from the caller. */
export const needsGivenSizes = (plans: readonly SizeStep<Shaped>[][]): boolean => plans.some((p) => p.some((s) => "given" in s));
