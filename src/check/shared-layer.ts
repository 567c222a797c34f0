// shared(L): one instance applied at several call sites, one set of weights (Keras's functional
// API). The first application is an ordinary instance, remembered; a later one elaborates the
// layer again on its own input — definitions are expanded where they are used — with the same
// names (the instance counts of the first replayed) and declareParam handing back the first's
// parameters (ElabContext.reusing) instead of making new ones. Both uses read the same parameter
// arguments, so the gradient of each weight is the sum over its uses, as autodiff adds the
// contributions of every use of a value.
import type { Span } from "../syntax/source.ts";
import type { CallArg, ElabContext } from "./context.ts";
import { tensorType, type LayerValue, type SharedInstance, type Value } from "./values.ts";

export function applyShared(el: ElabContext, layer: LayerValue, shared: SharedInstance, input: CallArg, span: Span, apply: (l: LayerValue) => Value): Value {
  const plain: LayerValue = { ...layer, shared: undefined };
  const frozen = layer.frozen === true;
  const inputType = input.value.kind === "tensor" ? tensorType(input.value.dtype, input.value.shape) : "";
  const made = shared.made;
  const firstRow = el.summary.length;
  if (!made) {
    const counts = new Map(el.instanceCounts);
    const before = el.params.length;
    const out = apply(plain);
    if (out.kind !== "tensor") return out;
    const params = new Map(el.params.slice(before).map((p) => [p.name, { id: p.id, shape: p.shape }]));
    const row = el.summary[firstRow];
    shared.made = { instance: row?.kind === "layer" ? row.instance : "", counts, prefix: el.paramPrefix, params, span, input: inputType, frozen };
    mark(el, firstRow, "first");
    return out;
  }
  if (made.frozen !== frozen)
    return el.error("DNN0418", span, `this shared layer is ${frozen ? "frozen" : "trained"} here but ${made.frozen ? "frozen" : "trained"} where it was first applied: its one set of weights is either trained or not`, {
      related: [{ span: made.span, message: "first applied here" }],
      hint: "share the frozen layer itself: `let enc = shared(frozen(L(…)))`",
    });
  const saved = { counts: new Map(el.instanceCounts), prefix: el.paramPrefix, reusing: el.reusing };
  el.instanceCounts.clear();
  for (const [k, v] of made.counts) el.instanceCounts.set(k, v);
  el.paramPrefix = made.prefix;
  el.reusing = { instance: made.instance, params: made.params, span, first: made.span, firstInput: made.input, input: inputType };
  try {
    return apply(plain);
  } finally {
    el.instanceCounts.clear();
    for (const [k, v] of saved.counts) el.instanceCounts.set(k, v);
    el.paramPrefix = saved.prefix;
    el.reusing = saved.reusing;
    // One row for the reuse: its inner layers are the first application's, listed there.
    el.summary.length = Math.min(el.summary.length, firstRow + 1);
    mark(el, firstRow, "again");
  }
}

function mark(el: ElabContext, at: number, how: "first" | "again"): void {
  const row = el.summary[at];
  if (row?.kind === "layer") row.shared = how;
}
