// Built-ins about positions rather than values: `range` (the integers of a size, which may be
// symbolic), `argmax`/`argmin` (where the largest or smallest element is, as an i32), and
// `tril`/`triu` (keep the part of a matrix on one side of a diagonal; causal masks). None needs a
// primitive of its own: each is an `iota` (the index along an axis) compared, selected or
// reduced with the elementwise primitives every backend has.
import { normAxis, type Shape } from "../ir/shape.ts";
import { divDim, subDim } from "../ir/dim.ts";
import type { Impl } from "./args.ts";
import type { ElabContext } from "./context.ts";
import { POISON, describe, type Tensor } from "./values.ts";

/** `range(stop)`, `range(start, stop)`, `range(start, stop, step)`: an i32 vector, as Python's. */
const rangeImpl: Impl = (el, a, span) => {
  // One argument is the stop, as in Python; start and step are compile-time integers.
  const stopArg = a.get("stop") ?? a.get("start");
  if (!stopArg) return el.error("DNN0204", span, "`range` needs at least a `stop`");
  const start = a.get("stop") ? a.int("start", 0) : 0;
  const step = a.int("step", 1);
  const stop = stopArg.value.kind === "dim" ? stopArg.value.dim : el.int(stopArg.value, stopArg.span, "the stop of `range`");
  if (start === undefined || step === undefined || stop === undefined) return POISON;
  if (step === 0) return el.error("DNN0207", a.get("step")!.span, "the step of `range` must not be 0");
  let n: number | string | undefined;
  if (typeof stop === "number") n = Math.max(0, Math.ceil((stop - start) / step));
  else if (step > 0) n = divDim(subDim(stop, start), step);
  if (n === undefined)
    return el.error("DNN0207", a.get("step")?.span ?? span, `the length of range(${start}, ${stop}, ${step}) is not a whole size`, {
      hint: "over a symbolic size, a range counts up with a step that divides its length, such as `range(T)`",
    });
  if (n === 0) return el.error("DNN0305", span, `range(${start}, ${stop}, ${step}) is empty`);
  const iota = el.b.iota([n], 0, "i32");
  const scaled = step === 1 ? iota : el.b.binary("mul", iota, el.b.broadcast(el.b.const(step, "i32"), [n]));
  return el.tensor(start === 0 ? scaled : el.b.binary("add", scaled, el.b.broadcast(el.b.const(start, "i32"), [n])), span);
};

/**
 * `argmax(x, axis, keepdims)`: the index of the first largest element along `axis` (default -1),
 * as an i32 — the first index i where x = max(x), found as −max over i of (−i where x is the
 * maximum, −n elsewhere). `argmin` is argmax of −x. No gradient flows back through it; the
 * result is remembered so that a loss computed from it is reported (DNN0414).
 */
function argExtreme(kind: "argmax" | "argmin"): Impl {
  return (el, a, span) => {
    const x0 = a.tensor("x", span);
    if (!x0) return POISON;
    const r = x0.shape.length;
    if (r === 0) return el.error("DNN0302", span, `\`${kind}\` needs a tensor of rank 1 or more, found ${describe(x0)}`);
    const i = a.int("axis", -1);
    if (i === undefined) return POISON;
    const ax = normAxis(i, r);
    if (ax < 0 || ax >= r) return el.error("DNN0305", a.get("axis")!.span, `axis ${i} is out of range for a tensor of rank ${r}`);
    const keep = a.bool("keepdims", false);
    const s = x0.shape;
    const x = kind === "argmax" ? el.b.cast(x0.id, "f32") : el.b.unary("neg", el.b.cast(x0.id, "f32"));
    const kept: Shape = s.map((d, k) => (k === ax ? 1 : d));
    const max = el.b.broadcast(el.b.reshape(el.b.reduce("reduce_max", x, [ax]), kept), s);
    const negIndex = el.b.unary("neg", el.b.iota(s, ax, "f32"));
    // A row without a maximum (all NaN) gives the axis's length, or 2^24 when it is symbolic.
    const none = el.b.broadcast(el.b.const(-(typeof s[ax] === "number" ? s[ax] : 2 ** 24)), s);
    const first = el.b.unary("neg", el.b.reduce("reduce_max", el.b.select(el.b.binary("cmpeq", x, max), negIndex, none), [ax]));
    const id = el.b.cast(keep ? el.b.reshape(first, kept) : first, "i32");
    el.noGradient.set(el.b.node(id), kind);
    return el.tensor(id, span);
  };
}

/** `tril(x, k)` / `triu(x, k)`: x over its last two axes, zero above (below) the k-th diagonal. */
function triangle(kind: "tril" | "triu"): Impl {
  return (el, a, span) => {
    const x = a.tensor("x", span);
    if (!x) return POISON;
    const r = x.shape.length;
    if (r < 2) return el.error("DNN0302", a.get("x")!.span, `\`${kind}\` needs a matrix (rank 2 or more; it masks the last two axes), found ${describe(x)}`);
    const k = a.int("k", 0);
    if (k === undefined) return POISON;
    const m: Shape = x.shape.slice(-2);
    // column − row is the diagonal an element is on: 0 the main one, > 0 above it.
    const diag = el.b.binary("sub", el.b.iota(m, 1, "f32"), el.b.iota(m, 0, "f32"));
    const bound = (v: number) => el.b.broadcast(el.b.const(v), m);
    // tril keeps column − row ≤ k, i.e. < k + 1; triu keeps column − row ≥ k, i.e. > k − 1.
    const mask = kind === "tril" ? el.b.binary("cmplt", diag, bound(k + 1)) : el.b.binary("cmplt", bound(k - 1), diag);
    const zero = el.b.broadcast(el.b.const(0, x.dtype), x.shape);
    return el.tensor(el.b.select(el.b.broadcast(el.b.reshape(mask, [...Array(r - 2).fill(1), ...m]), x.shape), x.id, zero), span);
  };
}

export const INDEX_INTRINSICS: Record<string, { params: string[]; impl: Impl }> = {
  range: { params: ["start", "stop", "step"], impl: rangeImpl },
  argmax: { params: ["x", "axis", "keepdims"], impl: argExtreme("argmax") },
  argmin: { params: ["x", "axis", "keepdims"], impl: argExtreme("argmin") },
  tril: { params: ["x", "k"], impl: triangle("tril") },
  triu: { params: ["x", "k"], impl: triangle("triu") },
};

/** The no-gradient built-in (argmax, argmin) a value was computed from, if any: a loss must not be.
 * (One used inside a scan's cell is not seen: the cell is a function of its own.) */
export function noGradientSource(el: ElabContext, t: Tensor): string | undefined {
  if (el.noGradient.size === 0) return undefined;
  const nodes = el.b.fn.nodes;
  const seen = new Set<number>();
  const stack = [t.id];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const hit = el.noGradient.get(nodes[id]!);
    if (hit) return hit;
    stack.push(...nodes[id]!.inputs);
  }
  return undefined;
}
