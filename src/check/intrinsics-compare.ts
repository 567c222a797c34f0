// Comparisons, `require` and `rank`: what lets a definition state which arguments it accepts, in
// the language. Comparing two compile-time numbers gives a compile-time bool (for `if` and
// `require`), and so does `equal`/`not_equal` of two strings or two bools (a layer's
// `padding: "same"`); comparing tensors gives 1 where the comparison holds and 0 elsewhere.
import type { Span } from "../syntax/source.ts";
import type { Impl } from "./args.ts";
import type { ElabContext } from "./context.ts";
import { POISON, describe, type Value } from "./values.ts";

type Comparison = "less" | "greater" | "less_equal" | "greater_equal" | "equal" | "not_equal";

const HOLDS: Record<Comparison, (a: number, b: number) => boolean> = {
  less: (a, b) => a < b,
  greater: (a, b) => a > b,
  less_equal: (a, b) => a <= b,
  greater_equal: (a, b) => a >= b,
  equal: (a, b) => a === b,
  not_equal: (a, b) => a !== b,
};

function compare(op: Comparison): Impl {
  return (el, a, span) => {
    const x = a.get("a")?.value;
    const y = a.get("b")?.value;
    if (x?.kind === "number" && y?.kind === "number") return { kind: "bool", value: HOLDS[op](x.value, y.value) };
    // Two bools compare as bools; a bool beside a tensor stays the 1 or 0 it always was.
    const word = x?.kind === "bool" && y?.kind === "bool" ? x : [x, y].find((v) => v?.kind === "string");
    if (word) return compareWords(el, op, x, y, word, span);
    const symbolic = [x, y].find((v) => v?.kind === "dim");
    if (symbolic?.kind === "dim")
      // A symbolic size (the batch B) has no value until the model runs.
      return el.error("DNN0207", span, `\`${op}\` cannot compare the size ${symbolic.dim}: it is known only when the model runs`, {
        hint: "sizes of layers and parameters must be numbers known when the model is compiled",
      });
    const [p, q] = a.tensors(["a", "b"], span);
    if (!p || !q) return POISON;
    if (op === "equal" || op === "not_equal") {
      const eq = el.elementwise("cmpeq", p, q, span, span);
      if (op === "equal" || eq.kind !== "tensor") return eq;
      return el.tensor(el.b.binary("sub", el.b.broadcast(el.b.const(1, eq.dtype), eq.shape), eq.id), span);
    }
    // a > b is b < a; a ≤ b is (a < b) + (a = b), which are never both 1.
    const [l, r] = op === "greater" || op === "greater_equal" ? [q, p] : [p, q];
    const lt = el.elementwise("cmplt", l, r, span, span);
    if (op === "less" || op === "greater" || lt.kind !== "tensor") return lt;
    const eq = el.elementwise("cmpeq", l, r, span, span);
    return eq.kind === "tensor" ? el.elementwise("add", lt, eq, span, span) : POISON;
  };
}

/**
 * Strings (and two bools) are compared whole, at compile time: `equal(padding, "same")`. A string
 * is never a tensor, so anything else on the other side, or an ordering, is a mistake (DNN0201).
 */
function compareWords(el: ElabContext, op: Comparison, x: Value | undefined, y: Value | undefined, word: Value, span: Span): Value {
  if (x?.kind === "poison" || y?.kind === "poison") return POISON;
  if (op !== "equal" && op !== "not_equal")
    return el.error("DNN0201", span, `\`${op}\` orders numbers; ${describe(word)}s can only be compared with \`equal\` and \`not_equal\``);
  const same =
    x?.kind === "string" && y?.kind === "string" ? x.value === y.value : x?.kind === "bool" && y?.kind === "bool" ? x.value === y.value : undefined;
  if (same === undefined)
    return el.error("DNN0201", span, `\`${op}\` compares a ${describe(word)} only with another ${describe(word)}, found ${x ? describe(x) : "nothing"} and ${y ? describe(y) : "nothing"}`, {
      hint: 'compare a string argument with a string literal: `equal(padding, "same")`',
    });
  return { kind: "bool", value: op === "equal" ? same : !same };
}

/**
 * `require(condition, message)`: a compile-time check of a definition's arguments, such as
 * `let _ = require(greater(units, 0), "units must be at least 1")` in a layer. When it fails the
 * message is reported at the call that expanded the definition (DNN0216), where the wrong
 * argument was written, and that expansion stops.
 */
const requireImpl: Impl = (el, a, span) => {
  const cond = a.get("condition");
  const message = a.get("message");
  if (!cond || !message) return el.error("DNN0204", span, `\`require\` needs ${cond ? "a `message`" : "a `condition`"}`, { hint: 'for example `require(greater(units, 0), "units must be at least 1")`' });
  if (cond.value.kind === "poison" || message.value.kind === "poison") return POISON;
  if (message.value.kind !== "string") return el.error("DNN0201", message.span, `the message of \`require\` must be a string, found ${describe(message.value)}`);
  if (cond.value.kind !== "bool")
    return el.error("DNN0210", cond.span, `the condition of \`require\` must be a compile-time bool, found ${describe(cond.value)}`, {
      hint: 'compare compile-time numbers or strings: `greater(units, 0)`, `equal(padding, "same")`',
    });
  if (cond.value.value) return cond.value;
  const site = el.expanding[el.expanding.length - 1];
  if (!site) return el.error("DNN0216", span, message.value.value);
  site.failed = true;
  return el.error("DNN0216", site.span, `${site.decl.name.name}: ${message.value.value}`, { related: [{ span, message: "required here" }] });
};

/**
 * `rank(x)`: the number of axes of a tensor, a compile-time int (0 for a number or a bool), so a
 * definition can take a tensor argument of more than one rank, or a number standing for none
 * (std.attention's `mask` and `context`), and choose with `if equal(rank(mask), 2) { … }`.
 */
const rankImpl: Impl = (el, a, span) => {
  const x = a.get("x");
  if (!x) return el.error("DNN0204", span, "`rank` needs `x`", { hint: "for example `rank(mask)`" });
  const v = x.value;
  if (v.kind === "poison") return POISON;
  if (v.kind === "tensor") return { kind: "number", value: v.shape.length, isInt: true };
  if (v.kind === "number" || v.kind === "bool" || v.kind === "dim") return { kind: "number", value: 0, isInt: true };
  return el.error("DNN0201", x.span, `\`rank\` takes a tensor or a number, found ${describe(v)}`);
};

export const COMPARE_INTRINSICS: Record<string, { params: string[]; impl: Impl }> = {
  less: { params: ["a", "b"], impl: compare("less") },
  greater: { params: ["a", "b"], impl: compare("greater") },
  less_equal: { params: ["a", "b"], impl: compare("less_equal") },
  greater_equal: { params: ["a", "b"], impl: compare("greater_equal") },
  equal: { params: ["a", "b"], impl: compare("equal") },
  not_equal: { params: ["a", "b"], impl: compare("not_equal") },
  require: { params: ["condition", "message"], impl: requireImpl },
  rank: { params: ["x"], impl: rankImpl },
};
