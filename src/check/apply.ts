// Applying a layer value to a tensor: a layer definition's instance (layers.ts) or a model's
// (nested-model.ts).
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import type { CallArg, ElabContext } from "./context.ts";
import { applyLayer } from "./layers.ts";
import { applyModel } from "./nested-model.ts";
import type { LayerValue, Value } from "./values.ts";

export function applyLayerValue(el: ElabContext, layer: LayerValue, input: CallArg, span: Span): Value {
  return layer.decl.kind === "model" ? applyModel(el, layer as LayerValue<A.ModelDecl>, input, span) : applyLayer(el, layer as LayerValue<A.LayerDecl>, input, span);
}
