// Applying a layer value to a tensor: a layer definition's instance (layers.ts) or a model's
// (nested-model.ts), once or, for repeat(n, …), n times in sequence; a shared(…) one's
// applications after the first reuse its instance (shared-layer.ts).
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import { sameShape, showShape } from "../ir/shape.ts";
import type { CallArg, ElabContext } from "./context.ts";
import { applyLayer } from "./layers.ts";
import { applyModel } from "./nested-model.ts";
import { applyShared } from "./shared-layer.ts";
import { POISON, tensorType, type LayerValue, type Value } from "./values.ts";

export function applyLayerValue(el: ElabContext, layer: LayerValue, input: CallArg, span: Span): Value {
  const times = layer.times ?? 1;
  if (times === 1) return applyOnce(el, layer, input, span);
  const once: LayerValue = { ...layer, times: undefined };
  let x = input;
  for (let i = 0; i < times; i++) {
    const out = applyOnce(el, once, x, span);
    if (out.kind !== "tensor") return out;
    // Each output is the next application's input: the block must keep its input's type.
    const v = x.value;
    if (v.kind === "tensor" && (v.dtype !== out.dtype || !sameShape(v.shape, out.shape)))
      return el.error("DNN0419", span, `\`repeat\` applies ${layer.decl.name.name} to its own output, so it must keep its input's type: it maps ${tensorType(v.dtype, v.shape)} to ${tensorType(out.dtype, out.shape)}`, {
        related: [{ span: layer.span, message: `this ${layer.decl.kind} gives ${tensorType(out.dtype, out.shape)}` }],
        hint: "apply the block that changes the type once, before the repeat, then repeat a block that keeps it",
      });
    x = { value: out, span };
  }
  return x.value.kind === "tensor" ? x.value : POISON;
}

function applyOnce(el: ElabContext, layer: LayerValue, input: CallArg, span: Span): Value {
  if (layer.shared) return applyShared(el, layer, layer.shared, input, span, (plain) => applyOnce(el, plain, input, span));
  return layer.decl.kind === "model" ? applyModel(el, layer as LayerValue<A.ModelDecl>, input, span) : applyLayer(el, layer as LayerValue<A.LayerDecl>, input, span);
}
