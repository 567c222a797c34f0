// A model applied as a layer inside another (`x |> Encoder()`): its one input is bound to the
// caller's tensor as a layer's forward parameter is (B ↦ the caller's batch), its items run as
// when it is compiled on its own (model-body.ts), and its one output is the result. Its
// parameters are named under its instance name, with the instance numbering of its own layers
// started afresh, so they are the standalone model's names behind a prefix (`encoder.dense.kernel`)
// and a checkpoint of the standalone model loads into the nested one. Its train block is not used.
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import type { CallArg, ElabContext } from "./context.ts";
import { asInstance, instanceName } from "./layers.ts";
import { elaborateModelBody } from "./model-body.ts";
import { matchParam } from "./types.ts";
import { POISON, type LayerValue, type Value } from "./values.ts";

export function applyModel(el: ElabContext, layer: LayerValue<A.ModelDecl>, input: CallArg, span: Span): Value {
  const m = layer.decl;
  const inputs = m.items.filter((i) => i.kind === "input");
  const outputs = m.items.filter((i) => i.kind === "output");
  if (inputs.length !== 1 || outputs.length !== 1) {
    const count = (n: number, what: string) => `${n === 0 ? "no" : n} ${what}${n === 1 ? "" : "s"}`;
    return el.error("DNN0417", span, `model ${m.name.name} has ${count(inputs.length, "input")} and ${count(outputs.length, "output")}: only a model with exactly one input and one output can be applied as a layer`, {
      related: [{ span: m.name.span, message: "defined here" }],
      hint: "compute the other outputs in the outer model, or split the model in two",
    });
  }
  const instance = instanceName(el, m.name.name);
  return asInstance(el, layer, instance, span, () => {
    const [counts, prefix] = [new Map(el.instanceCounts), el.paramPrefix];
    el.instanceCounts.clear(); // the nested model's layers are numbered as in the model alone
    el.paramPrefix = `${prefix}${instance}.`;
    try {
      const body = elaborateModelBody(el, m, layer.module, {
        rows: false,
        input: (item, env) => el.noted(item.name.span, matchParam(el, { name: item.name, type: item.type, span: item.span }, input.value, env, `model ${m.name.name}`, span) ?? POISON),
      });
      const out = body?.outputs[0]?.value;
      // The caller's diagnostics should point at the application, not into the model.
      return out ? { ...out, origin: span } : POISON;
    } finally {
      el.instanceCounts.clear();
      for (const [k, v] of counts) el.instanceCounts.set(k, v);
      el.paramPrefix = prefix;
    }
  });
}
