// Indexing and slicing, `x[:, -1, 2:5, ::-1]`: a slice of the tensor, then a reshape dropping the
// axes indexed by a single position. Only dimensions of known size can be indexed. A slice with a
// step other than 1 (`::-1` reverses, `::2` takes every other) picks its positions along that
// axis with a gather of their (compile-time) list: the gather's adjoint, scatter_add, gives the
// gradient, so no primitive of its own is needed.
import type * as A from "../syntax/ast.ts";
import { normAxis, type Dim, type Shape } from "../ir/shape.ts";
import type { Span } from "../syntax/source.ts";
import type { ElabContext } from "./context.ts";
import type { Env } from "./env.ts";
import { POISON, tensorType, type Value } from "./values.ts";

export function elaborateIndex(el: ElabContext, e: Extract<A.Expr, { kind: "index" }>, env: Env): Value {
  const t = el.asTensor(el.expr(e.target, env), e.target.span, "indexed value");
  if (!t) return POISON;
  const rank = t.shape.length;
  const ell = e.items.findIndex((i) => i.kind === "ellipsis");
  const second = e.items.slice(ell + 1).find((i) => i.kind === "ellipsis");
  if (ell >= 0 && second) return el.error("DNN0209", second.span, "an index may contain `...` only once");
  const explicit = e.items.length - (ell >= 0 ? 1 : 0);
  if (explicit > rank) return el.error("DNN0302", e.span, `${explicit} indices for a tensor of rank ${rank} (${tensorType(t.dtype, t.shape)})`);
  const items: (A.IndexItem | undefined)[] =
    ell >= 0 ? [...e.items.slice(0, ell), ...Array<undefined>(rank - explicit).fill(undefined), ...e.items.slice(ell + 1)] : [...e.items, ...Array<undefined>(rank - explicit).fill(undefined)];
  const starts: number[] = [];
  const sliced: Shape[number][] = [];
  const kept: Shape[number][] = [];
  const picks: { axis: number; positions: number[] | "reversed" }[] = [];
  for (let ax = 0; ax < rank; ax++) {
    const it = items[ax];
    const dim = t.shape[ax]!;
    if (!it || (it.kind === "slice" && !it.start && !it.end && !it.step)) {
      starts.push(0), sliced.push(dim), kept.push(dim);
      continue;
    }
    if (typeof dim !== "number" && it.kind === "slice" && !it.start && !it.end && it.step) {
      // `::1` and `::-1` of a symbolic axis (the sequence's T): all of it, forwards or backwards,
      // the positions counted at run time. Other steps need the axis's size.
      const step = el.int(el.expr(it.step, env), it.step.span, "a slice step");
      if (step === undefined) return POISON;
      if (step === 1 || step === -1) {
        if (step === -1) picks.push({ axis: ax, positions: "reversed" });
        starts.push(0), sliced.push(dim), kept.push(dim);
        continue;
      }
    }
    if (typeof dim !== "number") return symbolicIndexError(el, it.span, dim);
    if (it.kind === "at") {
      const i = el.int(el.expr(it.index, env), it.span, "an index");
      if (i === undefined) return POISON;
      const at = normAxis(i, dim);
      if (at < 0 || at >= dim) return el.error("DNN0305", it.span, `index ${i} is out of range for a dimension of size ${dim}`);
      starts.push(at), sliced.push(1);
    } else if (it.kind === "slice" && it.step) {
      const positions = steppedPositions(el, it, dim, env);
      if (!positions) return POISON;
      const n = positions.length;
      // Ascending by one (`::1`, `2:5:1`) is a plain slice.
      if (positions[n - 1]! - positions[0]! === n - 1) starts.push(positions[0]!), sliced.push(n), kept.push(n);
      else picks.push({ axis: ax, positions }), starts.push(0), sliced.push(dim), kept.push(n);
    } else if (it.kind === "slice") {
      const lo = it.start ? el.int(el.expr(it.start, env), it.start.span, "a slice start") : 0;
      const hi = it.end ? el.int(el.expr(it.end, env), it.end.span, "a slice end") : dim;
      if (lo === undefined || hi === undefined) return POISON;
      const a = Math.min(Math.max(normAxis(lo, dim), 0), dim);
      const z = Math.min(Math.max(normAxis(hi, dim), 0), dim);
      if (z <= a) return el.error("DNN0305", it.span, `slice ${lo}:${hi} is empty for a dimension of size ${dim}`);
      starts.push(a), sliced.push(z - a), kept.push(z - a);
    }
  }
  let s = el.b.slice(t.id, starts, sliced);
  for (const { axis, positions } of picks) {
    // Bring the axis to the front (gather picks rows), pick, and put it back.
    const front = [axis, ...[...Array(rank).keys()].filter((k) => k !== axis)];
    const back = front.map((_, k) => front.indexOf(k));
    const index = el.b.cast(positions === "reversed" ? reversedPositions(el, el.b.node(s).shape[axis]!) : el.b.literal(positions, [positions.length]), "i32");
    s = el.b.permute(el.b.gather(el.b.permute(s, front), index), back);
  }
  return el.tensor(el.b.reshape(s, kept), e.span);
}

/** n − 1 − i for i < n, as f32, where n is a symbolic size: n is the sum of n ones. */
function reversedPositions(el: ElabContext, n: Dim): number {
  const count = el.b.reduce("sum", el.b.broadcast(el.b.const(1), [n]), [0]);
  const last = el.b.broadcast(el.b.binary("sub", count, el.b.const(1)), [n]);
  return el.b.binary("sub", last, el.b.iota([n], 0, "f32"));
}

/** The positions `a:b:step` takes along an axis of size `dim`, as Python's slices: a negative step
 * counts down from the end, bounds are clamped, and an empty result is DNN0305. */
function steppedPositions(el: ElabContext, it: Extract<A.IndexItem, { kind: "slice" }>, dim: number, env: Env): number[] | undefined {
  const bound = (x: A.Expr | undefined, what: string) => (x ? el.int(el.expr(x, env), x.span, what) : null);
  const step = bound(it.step, "a slice step");
  const lo = bound(it.start, "a slice start");
  const hi = bound(it.end, "a slice end");
  if (step === undefined || step === null || lo === undefined || hi === undefined) return undefined;
  if (step === 0) return void el.error("DNN0305", it.step!.span, "a slice step must not be 0");
  // Python's slice.indices: negative bounds count from the end; a step down runs from the last
  // position to before the first by default.
  const clamp = (v: number, low: number, high: number) => Math.min(Math.max(v < 0 ? v + dim : v, low), high);
  const start = lo === null ? (step > 0 ? 0 : dim - 1) : clamp(lo, step > 0 ? 0 : -1, step > 0 ? dim : dim - 1);
  const stop = hi === null ? (step > 0 ? dim : -1) : clamp(hi, step > 0 ? 0 : -1, step > 0 ? dim : dim - 1);
  const positions: number[] = [];
  for (let p = start; step > 0 ? p < stop : p > stop; p += step) positions.push(p);
  if (positions.length === 0) return void el.error("DNN0305", it.span, `slice ${lo ?? ""}:${hi ?? ""}:${step} is empty for a dimension of size ${dim}`);
  return positions;
}

/** Indexing a symbolic dimension. In the user's own code that is what they wrote; inside a
 * library definition (the stdlib LSTM takes the last step, `carries[:, -1, …]`, of its
 * sequence) the user indexed nothing, so the message names the layer they called and what it
 * needs of its input. */
function symbolicIndexError(el: ElabContext, span: Span, dim: Dim): Value {
  const callee = el.libraryCall();
  if (!callee || callee.span.file !== span.file) return el.error("DNN0209", span, `cannot index the symbolic dimension ${dim}; only dimensions of known size can be indexed`);
  const name = callee.name.name;
  const kind = callee.kind === "layer" ? "layer" : callee.kind === "fn" ? "function" : "model";
  const sequences = callee.kind !== "model" && callee.params.some((p) => p.name.name === "return_sequences");
  return el.error("DNN0311", span, `the ${kind} \`${name}\` needs a known size for the dimension ${dim} of its input${sequences ? " (the sequence length)" : ""}: it picks a position along it, and ${dim} is symbolic`, {
    hint: `give ${dim} a size where the input is declared (a number in its type, such as \`f32[B, 28, 28]\`)${sequences ? `, or pass \`return_sequences: true\`, which takes any length, and reduce the sequence yourself (e.g. \`mean(…, axis: 1)\`)` : ""}`,
  });
}
