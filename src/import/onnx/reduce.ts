// ReduceMean, ReduceMax, ReduceSum over some axes (PyTorch's `x.mean([2, 3])`, a global pooling
// spelled out) → the builtins `mean`, `reduce_max`, `sum` over the same axes in whatever layout
// the value is held in. keepdims only changes the bookkeeping: the axes it keeps are of size 1,
// and the .dnn value simply does not have them.
import type { Node } from "./decode.ts";
import { axis, dynamicInput, input, intAttr, intsAttr, knownInput, knownInts, NotTranslatable, setDynamic, type Ctx } from "./context.ts";
import { pipe } from "./values.ts";

const BUILTIN: Record<string, string> = { ReduceMean: "mean", ReduceMax: "reduce_max", ReduceSum: "sum" };

export function reduce(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  const rank = x.shape.length;
  // The axes: an input from opset 13 (ReduceSum) or 18 (the others), an attribute before.
  const given = input(ctx, node, 1) ? knownInts(knownInput(ctx, node, 1, "axes"), "axes").map(Number) : intsAttr(node, "axes");
  if (given && given.length === 0 && intAttr(node, "noop_with_empty_axes", 0) === 1) throw new NotTranslatable("noop_with_empty_axes is not supported");
  const axes = (given && given.length > 0 ? given : [...Array(rank).keys()]).map((a) => axis(a, rank));
  const keepdims = intAttr(node, "keepdims", 1) === 1;
  // The .dnn axes to reduce: those the value has (a dropped unit axis needs no reducing).
  const keptIndex = (a: number) => a - x.layout.drop.filter((d) => d < a).length;
  const reduced = axes.filter((a) => !x.layout.drop.includes(a)).map((a) => x.layout.perm.indexOf(keptIndex(a)));
  const reducedKept = new Set(axes.filter((a) => !x.layout.drop.includes(a)).map(keptIndex));
  const renumberKept = (k: number) => k - [...reducedKept].filter((r) => r < k).length;
  const perm = x.layout.perm.filter((k) => !reducedKept.has(k)).map(renumberKept);
  let layout;
  let shape;
  if (keepdims) {
    shape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    layout = { drop: [...new Set([...x.layout.drop, ...axes])].sort((a, b) => a - b), perm };
  } else {
    shape = x.shape.filter((_, i) => !axes.includes(i));
    const renumber = (a: number) => a - axes.filter((r) => r < a).length;
    layout = { drop: x.layout.drop.filter((d) => !axes.includes(d)).map(renumber), perm };
  }
  const stage = { call: BUILTIN[node.opType]!, args: [`axis: ${reduced.length === 1 ? reduced[0] : `[${reduced.join(", ")}]`}`] };
  setDynamic(ctx, node, 0, { p: reduced.length === 0 ? pipe(ctx.prog, x) : pipe(ctx.prog, x, stage), shape, layout });
}
