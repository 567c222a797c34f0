// The prelude: operations built into the language, each lowered straight to IR primitives.
// Everything else (activations, losses, layers, optimizers) is written in stdlib/*.dnn.
import type { Span } from "../syntax/source.ts";
import type { UnaryOp } from "../ir/ir.ts";
import { broadcastShapes, size, showShape, type Dim } from "../ir/shape.ts";
import { divDim } from "../ir/dim.ts";
import { Args, type Impl } from "./args.ts";
import { NN_INTRINSICS } from "./intrinsics-nn.ts";
import { COMPARE_INTRINSICS } from "./intrinsics-compare.ts";
import { INDEX_INTRINSICS } from "./intrinsics-index.ts";
import type { CallArg, ElabContext } from "./context.ts";
import { POISON, describe, type Value } from "./values.ts";

/** The unary ops whose values are whole numbers when their operand's are: the others need f32. */
const KEEPS_INTEGERS: ReadonlySet<UnaryOp> = new Set(["abs", "relu"]);

const unary = (op: UnaryOp): Impl => (el, a, span) => {
  const x = a.tensor("x", span);
  if (x?.dtype === "i32" && !KEEPS_INTEGERS.has(op))
    return el.error("DNN0201", a.get("x")!.span, `\`${op}\` needs an f32 tensor, found ${describe(x)}`, { hint: "convert integers with `float(x)`" });
  return x ? el.tensor(el.b.unary(op, x.id), span) : POISON;
};

const binary = (op: "max" | "min"): Impl => (el, a, span) => {
  const [x, y] = a.tensors(["a", "b"], span);
  return x && y ? el.elementwise(op, x, y, span, span) : POISON;
};

function reduce(kind: "sum" | "mean" | "reduce_max"): Impl {
  return (el, a, span) => {
    const x = a.tensor("x", span);
    if (!x) return POISON;
    const axes = a.axes(x.shape.length);
    if (!axes) return POISON;
    const keep = a.bool("keepdims", false);
    let id = el.b.reduce(kind === "reduce_max" ? "reduce_max" : "sum", x.id, axes);
    if (kind === "mean") {
      const n = size(axes.map((ax) => x.shape[ax]!));
      if (typeof n !== "number") {
        // Symbolic extents (the batch) are only known at run time: count = Σ 1 over those axes.
        const ones = el.b.broadcast(el.b.const(1), axes.map((ax) => x.shape[ax]!));
        const count = el.b.reduce("sum", ones, [...axes.keys()]);
        id = el.b.binary("div", id, el.b.broadcast(count, el.b.node(id).shape));
      } else id = el.b.binary("div", id, el.b.broadcast(el.b.const(n), el.b.node(id).shape));
    }
    if (keep) id = el.b.reshape(id, x.shape.map((d, i) => (axes.includes(i) ? 1 : d)));
    return el.tensor(id, span);
  };
}

const INTRINSICS: Record<string, { params: string[]; impl: Impl; variadic?: boolean }> = {
  exp: { params: ["x"], impl: unary("exp") },
  log: { params: ["x"], impl: unary("log") },
  sqrt: { params: ["x"], impl: unary("sqrt") },
  abs: { params: ["x"], impl: unary("abs") },
  tanh: { params: ["x"], impl: unary("tanh") },
  sigmoid: { params: ["x"], impl: unary("sigmoid") },
  relu: { params: ["x"], impl: unary("relu") },
  erf: { params: ["x"], impl: unary("erf") },
  sin: { params: ["x"], impl: unary("sin") },
  cos: { params: ["x"], impl: unary("cos") },
  maximum: { params: ["a", "b"], impl: binary("max") },
  minimum: { params: ["a", "b"], impl: binary("min") },
  where: { params: ["cond", "a", "b"], impl: (el, a, span) => {
    const c = a.tensor("cond", span);
    const [x, y] = a.tensors(["a", "b"], span);
    if (!c || !x || !y) return POISON;
    const xy = el.elementwise("add", x, y, span, span); // checks x and y broadcast together and share an element type
    if (xy.kind !== "tensor") return POISON;
    // The condition only needs its shape to fit: an f32 mask may choose between i32 values.
    const s = broadcastShapes(c.shape, xy.shape);
    if (!s) return el.error("DNN0303", a.get("cond")!.span, `the condition's shape ${showShape(c.shape)} does not broadcast with ${showShape(xy.shape)}`);
    return el.tensor(el.b.select(el.b.broadcast(c.id, s), el.b.broadcast(x.id, s), el.b.broadcast(y.id, s)), span);
  } },
  sum: { params: ["x", "axis", "keepdims"], impl: reduce("sum") },
  mean: { params: ["x", "axis", "keepdims"], impl: reduce("mean") },
  reduce_max: { params: ["x", "axis", "keepdims"], impl: reduce("reduce_max") },
  float: { params: ["x"], impl: (el, a, span) => {
    const x = a.tensor("x", span);
    return x ? el.tensor(el.b.cast(x.id, "f32"), span) : POISON;
  } },
  one_hot: { params: ["labels", "depth"], impl: (el, a, span) => {
    const labels = a.tensor("labels", span);
    const depth = a.int("depth");
    if (!labels || depth === undefined) return POISON;
    if (labels.dtype !== "i32") return el.error("DNN0201", a.get("labels")!.span, `one_hot needs i32 labels, found ${describe(labels)}`);
    const shape = [...labels.shape, depth];
    const iota = el.b.iota(shape, shape.length - 1, "i32");
    const lab = el.b.broadcast(el.b.reshape(labels.id, [...labels.shape, 1]), shape);
    return el.tensor(el.b.cast(el.b.binary("cmpeq", iota, lab), "f32"), span);
  } },
  reshape: { params: ["x", "shape"], impl: reshapeImpl },
  transpose: { params: ["x", "perm"], impl: (el, a, span) => {
    const x = a.tensor("x", span);
    if (!x) return POISON;
    const r = x.shape.length;
    const p = a.get("perm");
    let perm = [...Array(r).keys()];
    if (!p) {
      if (r < 2) return el.error("DNN0302", span, `transpose needs rank 2 or more, found ${describe(x)}`);
      [perm[r - 2], perm[r - 1]] = [r - 1, r - 2];
    } else {
      const items = p.value.kind === "array" ? p.value.items : [];
      perm = items.map((v) => el.int(v, p.span, "a permutation entry") ?? -1);
      if (perm.length !== r || [...perm].sort().some((v, i) => v !== i)) return el.error("DNN0305", p.span, `[${perm.join(", ")}] is not a permutation of ${r} axes`);
    }
    return el.tensor(el.b.permute(x.id, perm), span);
  } },
  // A compile-time int, so a definition can take tensors of either rank (Bidirectional: a
  // recurrent layer's sequences [N, T, units] or last states [N, units]).
  rank: { params: ["x"], impl: (el, a, span) => {
    const x = a.tensor("x", span);
    return x ? { kind: "number", value: x.shape.length, isInt: true } : POISON;
  } },
  rand_uniform: { params: [], impl: (el, _a, span) => random(el, "uniform", span) },
  rand_normal: { params: [], impl: (el, _a, span) => random(el, "normal", span) },
  ...NN_INTRINSICS,
  ...COMPARE_INTRINSICS,
  ...INDEX_INTRINSICS,
};

function reshapeImpl(el: ElabContext, a: Args, span: Span): Value {
  const x = a.tensor("x", span);
  const s = a.get("shape");
  if (!x || !s) return s ? POISON : el.error("DNN0204", span, "`reshape` needs a `shape`");
  if (s.value.kind !== "array") return el.error("DNN0201", s.span, `\`shape\` of \`reshape\` must be an array of dimensions, found ${describe(s.value)}`);
  const dims: Dim[] = [];
  let infer = -1;
  // Nested lists flatten, so a layer can write reshape(x, [N, target_shape]).
  const flat = (vs: Value[]): Value[] => vs.flatMap((v) => (v.kind === "array" ? flat(v.items) : [v]));
  for (const v of flat(s.value.items)) {
    if (v.kind === "dim") dims.push(v.dim);
    else if (v.kind === "number" && v.value === -1 && infer < 0) (infer = dims.length), dims.push(1);
    else {
      const n = el.int(v, s.span, "a dimension");
      if (n === undefined) return POISON;
      if (n < 0) return el.error("DNN0207", s.span, n === -1 ? "only one size of `reshape` may be -1" : `a size must be non-negative (or -1 for "the rest"), found ${n}`);
      dims.push(n);
    }
  }
  const have = size(x.shape);
  if (infer >= 0) {
    const rest = divDim(have, size(dims.filter((_, i) => i !== infer)));
    if (rest === undefined) return el.error("DNN0301", s.span, `cannot infer the -1 dimension: ${showShape(x.shape)} does not divide by ${showShape(dims.filter((_, i) => i !== infer))}`);
    dims[infer] = rest;
  } else if (have !== size(dims))
    return el.error("DNN0301", s.span, `cannot reshape ${showShape(x.shape)} to ${showShape(dims)}: the number of elements differs`);
  return el.tensor(el.b.reshape(x.id, dims), span);
}

function random(el: ElabContext, dist: "uniform" | "normal", span: Span): Value {
  const ctx = el.initContext;
  if (!ctx) return el.error("DNN0212", span, `\`rand_${dist}\` is only available inside an \`init\` definition`, { hint: "training noise (dropout) uses `rand_like(x)`" });
  return el.tensor(el.b.random(ctx.seed, ctx.shape, dist, ctx.stream), span);
}

/** `fan_in` and `fan_out` of the parameter being initialised, as Keras computes them. */
export function initConstant(el: ElabContext, name: string, span: Span): Value | undefined {
  if (name !== "fan_in" && name !== "fan_out") return undefined;
  const ctx = el.initContext;
  if (!ctx) return el.error("DNN0212", span, `\`${name}\` is only available inside an \`init\` definition`);
  const s = ctx.shape.map((d) => (typeof d === "number" ? d : 1));
  const receptive = s.slice(0, -2).reduce((p, d) => p * d, 1);
  const fanIn = s.length === 0 ? 1 : s.length === 1 ? s[0]! : s[s.length - 2]! * receptive;
  const fanOut = s.length === 0 ? 1 : s.length === 1 ? s[0]! : s[s.length - 1]! * receptive;
  return { kind: "number", value: name === "fan_in" ? fanIn : fanOut, isInt: true };
}

/** The parameter names of a built-in function (signature help, completion). */
export const intrinsicParams = (name: string): readonly string[] | undefined => INTRINSICS[name]?.params;

export function callIntrinsic(el: ElabContext, name: string, args: CallArg[], span: Span): Value {
  const def = INTRINSICS[name];
  if (!def) return el.error("DNN0202", span, `\`${name}\` is not a function`);
  const before = el.diagnostics.length;
  const a = new Args(el, name, args, def.params, span, def.variadic);
  if (el.diagnostics.length > before) return POISON;
  return def.impl(el, a, span);
}
