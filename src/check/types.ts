// Tensor types in signatures: `f32[..., in]` matched against an argument binds `...` and `in`
// in the callee's environment; a declared return type is checked against the body's value.
import { operatorLeaves } from "../syntax/operators.ts";
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import type { DType } from "../ir/ir.ts";
import { sameShape, showShape, type Dim, type Shape } from "../ir/shape.ts";
import { solveFor } from "../ir/dim.ts";
import { KNOWN_KINDS } from "./kinds.ts";
import type { Env } from "./env.ts";
import type { ElabContext } from "./context.ts";
import { POISON, describe, tensorType, type Value } from "./values.ts";

const DTYPES = new Set(["f32", "i32"]);
const REST = "...";

/** Check `v` against parameter `p`'s type, binding dimension names; returns the value to bind. */
export function matchParam(el: ElabContext, p: A.Parameter, v: Value, env: Env, owner: string, callSpan: Span): Value | undefined {
  const t = p.type;
  if (!t || !t.dims || v.kind === "poison") return v;
  const tensor = el.asTensor(v, callSpan, `\`${p.name.name}\` of ${owner}`);
  if (!tensor) return undefined;
  const dtype = t.name.name;
  if (!DTYPES.has(dtype)) return void el.error("DNN0208", t.name.span, `unknown element type \`${dtype}\``, { hint: "element types are f32 and i32" });
  const expected = () => `${dtype}[${t.dims!.map((d) => showDimPattern(d, env)).join(", ")}]`;
  const mismatch = (code: "DNN0201" | "DNN0301" | "DNN0302", why: string, hint?: string) =>
    void el.error(code, callSpan, `${owner} expects ${expected()}${owner.includes(`\`${p.name.name}\``) ? "" : ` for \`${p.name.name}\``}, found ${tensorType(tensor.dtype, tensor.shape)}${why}`, {
      related: [
        { span: tensor.origin, message: `this is ${tensorType(tensor.dtype, tensor.shape)}` },
        { span: t.span, message: "expected type declared here" },
      ],
      hint,
    });
  if (tensor.dtype !== dtype) return mismatch("DNN0201", "");
  const dims = t.dims;
  const restAt = dims.findIndex((d) => d.kind === "ellipsis");
  const fixed = dims.length - (restAt >= 0 ? 1 : 0);
  const rank = tensor.shape.length;
  if (restAt >= 0 ? rank < fixed : rank !== fixed) return mismatch("DNN0302", ` (rank ${rank}, expected ${restAt >= 0 ? `at least ${fixed}` : fixed})`, rank > fixed && restAt < 0 && fixed === 2 ? "flatten the extra axes first: `|> Flatten()`" : undefined);
  const restLen = rank - fixed;
  let ax = 0;
  for (const d of dims) {
    if (d.kind === "ellipsis") {
      const rest = tensor.shape.slice(ax, ax + restLen);
      const prev = env.getLocal(REST);
      if (prev && prev.kind === "array" && !sameDims(prev.items, rest)) return mismatch("DNN0301", "");
      env.set(REST, { kind: "array", items: rest.map(dimValue), span: d.span });
      ax += restLen;
      continue;
    }
    const actual = tensor.shape[ax++]!;
    if (d.expr.kind === "name" && !env.getLocal(d.expr.name)) {
      env.set(d.expr.name, dimValue(actual));
      continue;
    }
    // `f32[N, 2 * n]` with `n` not yet bound: solve for it (a linear size pattern binds its one unknown).
    const unknown = unboundName(d.expr, env);
    if (unknown) {
      env.set(unknown, { kind: "dim", dim: unknown });
      const pattern = evalDim(el, d.expr, env);
      const solved = pattern === undefined ? undefined : solveFor(pattern, unknown, actual);
      if (solved === undefined || (typeof solved === "number" && solved < 0)) return mismatch("DNN0301", "");
      env.set(unknown, dimValue(solved));
      continue;
    }
    const want = evalDim(el, d.expr, env);
    if (want === undefined) return undefined;
    if (want !== actual) return mismatch("DNN0301", "");
  }
  return tensor;
}

export function checkReturn(el: ElabContext, t: A.TypeRef, v: Value, env: Env, owner: string, span: Span): Value {
  if (v.kind === "poison" || !t.dims) return v;
  const want = evalType(el, t, env);
  if (!want) return POISON;
  const tensor = el.asTensor(v, span, `the result of ${owner}`);
  if (!tensor) return POISON;
  if (tensor.dtype !== want.dtype || !sameShape(tensor.shape, want.shape))
    return el.error("DNN0301", span, `${owner} declares that it returns ${tensorType(want.dtype, want.shape)}, but its body gives ${tensorType(tensor.dtype, tensor.shape)}`, {
      related: [{ span: t.span, message: "return type declared here" }],
    });
  return tensor;
}

/** A type with every dimension known (parameters, inputs). `newSymbols` lets unbound names become symbols. */
export function evalType(el: ElabContext, t: A.TypeRef, env: Env, newSymbols = false): { dtype: DType; shape: Dim[] } | undefined {
  const name = t.name.name;
  if (!name) return undefined;
  const shape: Dim[] = [];
  for (const d of t.dims ?? []) {
    if (d.kind === "ellipsis") {
      const rest = env.getLocal(REST);
      if (!rest || rest.kind !== "array") return void el.error("DNN0209", d.span, "`...` is only allowed where an argument's type binds it");
      for (const item of rest.items) shape.push(item.kind === "dim" ? item.dim : item.kind === "number" ? item.value : 0);
      continue;
    }
    if (newSymbols && d.expr.kind === "name" && !env.lookup(d.expr.name)) env.set(d.expr.name, { kind: "dim", dim: d.expr.name });
    const v = evalDim(el, d.expr, env);
    if (v === undefined) return undefined;
    shape.push(v);
  }
  // Checked after the dimensions, so a bad element type still binds them (no follow-on errors).
  if (!DTYPES.has(name))
    return void el.error("DNN0208", t.name.span, KNOWN_KINDS.has(name) ? `expected a tensor type here, found \`${name}\`` : `unknown element type \`${name}\``, { hint: "tensor types look like f32[B, 10] or i32[B]" });
  return { dtype: name as DType, shape };
}

export function evalDim(el: ElabContext, e: A.Expr, env: Env): Dim | undefined {
  if (e.kind === "name") {
    const v = env.lookup(e.name);
    if (!v) return void el.error("DNN0308", e.span, `unknown dimension \`${e.name}\``, { hint: "a dimension is an integer or a name bound by an input or argument type" });
    if (v.kind === "dim") return v.dim;
  }
  const v = el.expr(e, env);
  if (v.kind === "dim") return v.dim;
  if (v.kind === "number" && Number.isInteger(v.value) && v.value >= 0) return v.value;
  if (v.kind === "number" && !Number.isInteger(v.value) && e.kind === "binary" && e.op === "/")
    el.error("DNN0309", e.span, `this size is ${v.value}: the division does not come out even`);
  else if (v.kind !== "poison") el.error("DNN0207", e.span, `a dimension must be a non-negative integer, found ${v.kind === "number" ? v.value : describe(v)}`);
  return undefined;
}

/** The single name in a size expression that nothing binds yet, if there is exactly one. */
function unboundName(e: A.Expr, env: Env): string | undefined {
  const names = new Set<string>();
  for (const x of operatorLeaves(e)) if (x.kind === "name" && !env.lookup(x.name)) names.add(x.name);
  return names.size === 1 ? [...names][0] : undefined;
}

const dimValue = (d: Dim): Value => (typeof d === "number" ? { kind: "number", value: d, isInt: true } : { kind: "dim", dim: d });
const sameDims = (items: Value[], dims: Shape): boolean => items.length === dims.length && items.every((v, i) => (v.kind === "dim" ? v.dim : v.kind === "number" ? v.value : NaN) === dims[i]);

function showDimPattern(d: A.Dim, env: Env): string {
  if (d.kind === "ellipsis") {
    const rest = env.getLocal(REST);
    return rest && rest.kind === "array" ? rest.items.map((v) => (v.kind === "dim" ? v.dim : v.kind === "number" ? v.value : "?")).join(", ") || "..." : "...";
  }
  if (d.expr.kind === "name") {
    const v = env.getLocal(d.expr.name);
    if (v?.kind === "number") return String(v.value);
    if (v?.kind === "dim") return String(v.dim);
    return d.expr.name;
  }
  return showSizeExpr(d.expr, env);
}

/** A size pattern as written, with the names already bound shown by their values (a loop,
 * not recursion: the pattern may be a long chain, src/syntax/operators.ts). */
function showSizeExpr(e: A.Expr, env: Env): string {
  const parts: string[] = [];
  const todo: (A.Expr | string)[] = [e];
  while (todo.length) {
    const x = todo.pop()!;
    if (typeof x === "string") parts.push(x);
    else if (x.kind === "binary") todo.push(x.right, ` ${x.op} `, x.left);
    else if (x.kind === "unary") todo.push(x.operand, "-");
    else if (x.kind === "number") parts.push(String(x.value));
    else if (x.kind === "name") {
      const v = env.getLocal(x.name);
      parts.push(v?.kind === "number" ? String(v.value) : v?.kind === "dim" ? String(v.dim) : x.name);
    } else parts.push("?");
  }
  return parts.join("");
}
