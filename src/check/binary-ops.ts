// Binary operators of the language during elaboration: numbers fold at compile time, sizes
// combine into sizes (`T - 1`), tensors become elementwise IR with broadcasting or a matmul.
// Split from elaborate.ts; they use the Elaborator (as context.ts's ElabContext) for errors and tensors.
import type * as A from "../syntax/ast.ts";
import type { BinaryOp } from "../ir/ir.ts";
import { broadcastShapes, showDim, showShape } from "../ir/shape.ts";
import { addDim, divDim, mulDim, subDim } from "../ir/dim.ts";
import type { ElabContext } from "./context.ts";
import { POISON, tensorType, type Tensor, type Value } from "./values.ts";

type Binary = Extract<A.Expr, { kind: "binary" }>;

/** `l op r` for any two values: numbers fold, sizes combine into sizes, tensors become IR. */
export function binaryOperator(el: ElabContext, e: Binary, l: Value, r: Value): Value {
  if (l.kind === "poison" || r.kind === "poison") return POISON;
  if (l.kind === "number" && r.kind === "number") return foldNumbers(e.op, l, r);
  if ((l.kind === "dim" || l.kind === "number") && (r.kind === "dim" || r.kind === "number")) return dimArith(el, e, l, r);
  if (e.op === "@") {
    const a = el.asTensor(l, e.left.span, "left operand of `@`");
    const b = el.asTensor(r, e.right.span, "right operand of `@`");
    return a && b ? matmul(el, a, b, e) : POISON;
  }
  // A whole number next to an i32 tensor is an i32 (`labels - 1`); any other number is f32.
  const a = el.asTensor(l, e.left.span, `left operand of \`${e.op}\``, r.kind === "tensor" ? r.dtype : undefined);
  const b = el.asTensor(r, e.right.span, `right operand of \`${e.op}\``, l.kind === "tensor" ? l.dtype : undefined);
  if (!a || !b) return POISON;
  if ((e.op === "/" || e.op === "^") && a.dtype === "i32" && b.dtype === "i32")
    return el.error("DNN0201", e.opSpan, `\`${e.op}\` is not defined on i32 tensors: integers add, subtract and multiply`, { hint: "convert with `float(x)` first" });
  const op: BinaryOp = ({ "+": "add", "-": "sub", "*": "mul", "/": "div", "^": "pow" } as const)[e.op];
  return el.elementwise(op, a, b, e.opSpan, e.span);
}

/** Arithmetic on sizes where one side is symbolic (`T - 1`, `2 * B`): the result is a size too. */
function dimArith(el: ElabContext, e: Binary, l: Value, r: Value): Value {
  const dim = (v: Value) => (v.kind === "dim" ? v.dim : v.kind === "number" && Number.isInteger(v.value) ? v.value : undefined);
  const a = dim(l);
  const b = dim(r);
  if (a === undefined || b === undefined) return el.error("DNN0207", e.span, "sizes combine only with integers");
  const d = e.op === "+" ? addDim(a, b) : e.op === "-" ? subDim(a, b) : e.op === "*" ? mulDim(a, b) : e.op === "/" ? divDim(a, b) : undefined;
  if (d === undefined)
    return el.error(e.op === "/" ? "DNN0309" : "DNN0207", e.opSpan, e.op === "/" ? `${showDim(a)} does not divide evenly by ${showDim(b)}` : `\`${e.op}\` is not defined on sizes`);
  return typeof d === "number" ? { kind: "number", value: d, isInt: true } : { kind: "dim", dim: d };
}

/** `@` with NumPy's rules: vectors gain a unit axis, batch dimensions broadcast. */
function matmul(el: ElabContext, a: Tensor, b: Tensor, e: Binary): Value {
  if (a.dtype !== "f32" || b.dtype !== "f32") return el.error("DNN0201", e.opSpan, `\`@\` needs f32 operands, found ${tensorType(a.dtype, a.shape)} and ${tensorType(b.dtype, b.shape)}`);
  if (a.shape.length === 0 || b.shape.length === 0) return el.error("DNN0302", e.opSpan, "`@` needs operands of rank 1 or more; use `*` for scalars");
  // NumPy rules: a vector operand gains a unit axis that is dropped from the result.
  const av = a.shape.length === 1 ? el.b.reshape(a.id, [1, a.shape[0]!]) : a.id;
  const bv = b.shape.length === 1 ? el.b.reshape(b.id, [b.shape[0]!, 1]) : b.id;
  const sa = el.b.node(av).shape;
  const sb = el.b.node(bv).shape;
  const k1 = sa[sa.length - 1]!;
  const k2 = sb[sb.length - 2]!;
  if (k1 !== k2)
    return el.error("DNN0304", e.opSpan, `\`@\` needs the last dimension of the left operand (${k1}) to equal the second-to-last of the right (${k2})`, {
      related: [
        { span: a.origin, message: `this is ${tensorType(a.dtype, a.shape)}` },
        { span: b.origin, message: `this is ${tensorType(b.dtype, b.shape)}` },
      ],
    });
  const batch = broadcastShapes(sa.slice(0, -2), sb.slice(0, -2));
  if (!batch) return el.error("DNN0303", e.opSpan, `batch dimensions ${showShape(sa.slice(0, -2))} and ${showShape(sb.slice(0, -2))} do not broadcast`);
  const x = el.b.broadcast(av, [...batch, ...sa.slice(-2)]);
  const y = el.b.broadcast(bv, [...batch, ...sb.slice(-2)]);
  let out = el.b.matmul(x, y);
  const os = el.b.node(out).shape;
  if (a.shape.length === 1) out = el.b.reshape(out, [...os.slice(0, -2), os[os.length - 1]!]);
  if (b.shape.length === 1) out = el.b.reshape(out, el.b.node(out).shape.slice(0, -1));
  return el.tensor(out, e.span);
}

function foldNumbers(op: A.BinaryOp, l: { value: number; isInt: boolean }, r: { value: number; isInt: boolean }): Value {
  const isInt = l.isInt && r.isInt && op !== "/" && op !== "@";
  const v = op === "+" ? l.value + r.value : op === "-" ? l.value - r.value : op === "*" || op === "@" ? l.value * r.value : op === "/" ? l.value / r.value : Math.pow(l.value, r.value);
  return { kind: "number", value: v, isInt: isInt && Number.isInteger(v) };
}

