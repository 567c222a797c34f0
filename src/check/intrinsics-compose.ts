// Prelude operations that combine layer values, as `frozen` (intrinsics-nn.ts) does: `repeat`
// stacks copies of a block, each application an instance with its own parameters; `shared`
// makes one instance that every application uses. Both give a layer value; applying it is
// check/apply.ts.
import type { Span } from "../syntax/source.ts";
import type { Args, Impl } from "./args.ts";
import type { ElabContext } from "./context.ts";
import { POISON, describe, type Value } from "./values.ts";

/** repeat(n, Block(…)): the block applied n times in sequence, n instances. */
function repeat(el: ElabContext, a: Args, span: Span): Value {
  const n = a.get("n");
  const l = a.get("block");
  if (!n || !l) return el.error("DNN0204", span, "`repeat` needs a count and a layer, e.g. repeat(4, Dense(64, activation: relu))");
  const times = el.int(n.value, n.span, "the count of `repeat`");
  if (times === undefined) return POISON;
  if (times < 1) return el.error("DNN0207", n.span, `\`repeat\` applies its layer at least once, found ${times}`);
  if (l.value.kind !== "layer") return el.error("DNN0201", l.span, `\`repeat\` takes a layer such as Dense(64), found ${describe(l.value)}`);
  return { ...l.value, times: times * (l.value.times ?? 1) };
}

/** shared(L): every application of this value uses one instance, one set of weights. */
function shared(el: ElabContext, a: Args, span: Span): Value {
  const l = a.get("layer");
  if (!l) return el.error("DNN0204", span, "`shared` needs a layer, e.g. let enc = shared(Dense(64))");
  if (l.value.kind !== "layer") return el.error("DNN0201", l.span, `\`shared\` takes a layer such as Dense(64), found ${describe(l.value)}`);
  if ((l.value.times ?? 1) > 1 && !l.value.shared)
    return el.error("DNN0201", l.span, "`shared` takes one layer, not a `repeat` of one", {
      hint: "repeat(n, shared(block)) ties the weights of every block; to share a whole stack, make it a model and share that: shared(Stack())",
    });
  return l.value.shared ? l.value : { ...l.value, shared: {} };
}

export const COMPOSE_INTRINSICS: Record<string, { params: string[]; impl: Impl }> = {
  repeat: { params: ["n", "block"], impl: repeat },
  shared: { params: ["layer"], impl: shared },
};
