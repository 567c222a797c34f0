// Prelude operations that combine layer values, as `frozen` (intrinsics-nn.ts) does: `repeat`
// stacks copies of a block, each application an instance with its own parameters. Both give a
// layer value; applying it is check/apply.ts.
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

export const COMPOSE_INTRINSICS: Record<string, { params: string[]; impl: Impl }> = {
  repeat: { params: ["n", "block"], impl: repeat },
};
