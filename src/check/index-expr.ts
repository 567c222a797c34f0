// Indexing and slicing, `x[:, -1, 2:5]`: a slice of the tensor, then a reshape dropping the axes
// indexed by a single position. Only dimensions of known size can be indexed.
import type * as A from "../syntax/ast.ts";
import { normAxis, type Shape } from "../ir/shape.ts";
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
  for (let ax = 0; ax < rank; ax++) {
    const it = items[ax];
    const dim = t.shape[ax]!;
    if (!it || (it.kind === "slice" && !it.start && !it.end)) {
      starts.push(0), sliced.push(dim), kept.push(dim);
      continue;
    }
    if (typeof dim !== "number") return el.error("DNN0209", it.span, `cannot index the symbolic dimension ${dim}; only dimensions of known size can be indexed`);
    if (it.kind === "at") {
      const i = el.int(el.expr(it.index, env), it.span, "an index");
      if (i === undefined) return POISON;
      const at = normAxis(i, dim);
      if (at < 0 || at >= dim) return el.error("DNN0305", it.span, `index ${i} is out of range for a dimension of size ${dim}`);
      starts.push(at), sliced.push(1);
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
  const s = el.b.slice(t.id, starts, sliced);
  return el.tensor(el.b.reshape(s, kept), e.span);
}
