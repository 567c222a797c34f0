// Prelude operations for neural networks: convolution, pooling, embedding lookup, concatenation,
// recurrence, dropout randomness, parameter sets and freezing. Each checks its operands' shapes
// and lowers to the IR primitives (conv = window + matmul, pooling = window + reduce, or reshape
// + reduce where max-pooling windows tile the input, concat = pad + add; see
// docs/decisions/0003-primitives-and-layers.md).
import type { Span } from "../syntax/source.ts";
import { Builder, windowCount, type Window } from "../ir/ir.ts";
import { mulDim } from "../ir/dim.ts";
import { normAxis, sameShape, showShape, type Dim } from "../ir/shape.ts";
import type { Args, Impl } from "./args.ts";
import type { CallArg, ElabContext } from "./context.ts";
import { Env } from "./env.ts";
import { POISON, describe, tensorType, type Tensor, type Value } from "./values.ts";

type Padding = "valid" | "same";

/** Window geometry for an NHWC input, the way TensorFlow pads ("same": output = ceil(size / stride)). */
function geometry(el: ElabContext, x: Tensor, kernel: [number, number], stride: [number, number], dilation: [number, number], padding: Padding, fill: number, what: string, span: Span) {
  if (x.shape.length !== 4)
    return void el.error("DNN0302", span, `${what} expects an NHWC tensor f32[N, H, W, C], found ${tensorType(x.dtype, x.shape)}`, {
      related: [{ span: x.origin, message: `this is ${tensorType(x.dtype, x.shape)}` }],
      hint: x.shape.length === 2 ? "reshape the input to [N, H, W, C] first" : undefined,
    });
  const [, H, W] = x.shape;
  if (typeof H !== "number" || typeof W !== "number") return void el.error("DNN0209", span, `${what} needs known spatial sizes, found ${showShape(x.shape)}`);
  const before: [number, number] = [0, 0];
  const after: [number, number] = [0, 0];
  if (padding === "same") {
    [H, W].forEach((size, i) => {
      const out = Math.ceil(size / stride[i]!);
      const total = Math.max((out - 1) * stride[i]! + dilation[i]! * (kernel[i]! - 1) + 1 - size, 0);
      before[i] = Math.floor(total / 2);
      after[i] = total - before[i]!;
    });
  }
  const w: Window = { kernel, stride, dilation, padBefore: before, fill };
  const oh = windowCount(H, w, 0, after[0]);
  const ow = windowCount(W, w, 1, after[1]);
  if (oh < 1 || ow < 1)
    return void el.error("DNN0307", span, `${what}: a ${kernel.join("×")} window${dilation.some((d) => d > 1) ? ` (dilation ${dilation.join("×")})` : ""} does not fit a ${H}×${W} input`, {
      related: [{ span: x.origin, message: `this is ${tensorType(x.dtype, x.shape)}` }],
      hint: `use padding: "same", a smaller kernel, or fewer pooling steps before this`,
    });
  return { w, after };
}

function conv2d(el: ElabContext, a: Args, span: Span): Value {
  const x = a.tensor("x", span);
  const k = a.tensor("kernel", span);
  const stride = a.pair("stride", [1, 1], span);
  const dilation = a.pair("dilation", [1, 1], span);
  const padding = a.choice("padding", ["valid", "same"] as const, "valid");
  if (!x || !k || !stride || !dilation || !padding) return POISON;
  if (k.shape.length !== 4 || typeof k.shape[0] !== "number" || typeof k.shape[1] !== "number")
    return el.error("DNN0302", span, `conv2d expects a kernel f32[KH, KW, C, F], found ${tensorType(k.dtype, k.shape)}`);
  const g = geometry(el, x, [k.shape[0], k.shape[1]], stride, dilation, padding, 0, "conv2d", span);
  if (!g) return POISON;
  const [N, , , C] = x.shape;
  if (k.shape[2] !== C)
    return el.error("DNN0301", span, `conv2d: the input has ${C} channel${C === 1 ? "" : "s"}, but the kernel expects ${k.shape[2]}`, {
      related: [
        { span: x.origin, message: `this is ${tensorType(x.dtype, x.shape)}` },
        { span: k.origin, message: `kernel is ${tensorType(k.dtype, k.shape)}` },
      ],
    });
  const win = el.b.window(x.id, g.w, g.after);
  const [, oh, ow] = el.b.node(win).shape;
  const patch = mulDim(mulDim(k.shape[0], k.shape[1]), C!);
  const rows = el.b.reshape(win, [mulDim(mulDim(N!, oh!), ow!), patch]);
  const F = k.shape[3]!;
  const y = el.b.matmul(rows, el.b.reshape(k.id, [patch, F]));
  return el.tensor(el.b.reshape(y, [N!, oh!, ow!, F]), span);
}

function pool(kind: "max" | "avg"): Impl {
  return (el, a, span) => {
    const x = a.tensor("x", span);
    const size = a.pair("pool", [2, 2], span);
    const stride = a.pair("stride", size, span);
    const padding = a.choice("padding", ["valid", "same"] as const, "valid");
    if (!x || !size || !stride || !padding) return POISON;
    const name = `${kind}_pool2d`;
    const g = geometry(el, x, size, stride, [1, 1], padding, kind === "max" ? -Infinity : 0, name, span);
    if (!g) return POISON;
    const [N, H, W, C] = x.shape as [Dim, number, number, Dim];
    if (kind === "max" && tiles(g.w, g.after, H, W)) {
      // Windows that tile the input (2×2 pooling of an even input) are the input regrouped: a
      // view [N, H/p, p, W/q, q, C], reduced over its two window axes in the window's own order
      // (so the gradient's first maximum is the same), with no copy into windows and no
      // unwindow in the gradient.
      const [p, q] = g.w.kernel;
      return el.tensor(el.b.reduce("reduce_max", el.b.reshape(x.id, [N, H / p, p, W / q, q, C]), [2, 4]), span);
    }
    const win = el.b.window(x.id, g.w, g.after);
    const reduced = el.b.reduce(kind === "max" ? "reduce_max" : "sum", win, [3, 4]);
    if (kind === "max") return el.tensor(reduced, span);
    // Like Keras, an average over "same" padding counts only the positions inside the input.
    const [, oh, ow] = el.b.node(win).shape as number[];
    const counts: number[] = [];
    const inside = (o: number, i: 0 | 1, size: number) => {
      let n = 0;
      for (let t = 0; t < g.w.kernel[i]; t++) {
        const p = o * g.w.stride[i] - g.w.padBefore[i] + t;
        if (p >= 0 && p < size) n++;
      }
      return n;
    };
    for (let r = 0; r < oh!; r++) for (let c = 0; c < ow!; c++) counts.push(inside(r, 0, H) * inside(c, 1, W));
    const shape = el.b.node(reduced).shape;
    const div = counts.every((n) => n === counts[0]) ? el.b.broadcast(el.b.const(counts[0]!), shape) : el.b.broadcast(el.b.literal(counts, [1, oh!, ow!, 1]), shape);
    return el.tensor(el.b.binary("div", reduced, div), span);
  };
}

/** Whether the windows cover an H×W input exactly once, without padding: stride = size, dividing H and W. */
function tiles(w: Window, after: readonly number[], H: number, W: number): boolean {
  const [p, q] = w.kernel;
  return w.stride[0] === p && w.stride[1] === q && w.dilation[0] === 1 && w.dilation[1] === 1 && [...w.padBefore, ...after].every((d) => d === 0) && H % p === 0 && W % q === 0;
}

function take(el: ElabContext, a: Args, span: Span): Value {
  const table = a.tensor("table", span);
  const idx = a.tensor("indices", span);
  if (!table || !idx) return POISON;
  if (idx.dtype !== "i32") return el.error("DNN0201", a.get("indices")!.span, `take needs i32 indices, found ${describe(idx)}`, { hint: "token ids and labels are i32" });
  if (table.shape.length < 1) return el.error("DNN0302", a.get("table")!.span, "take needs a table of rank 1 or more");
  return el.tensor(el.b.gather(table.id, idx.id), span);
}

function concat(el: ElabContext, a: Args, span: Span): Value {
  const arg = a.get("items");
  if (!arg) return el.error("DNN0204", span, "`concat` needs a list of tensors, e.g. concat([a, b], axis: -1)");
  if (arg.value.kind !== "array" || arg.value.items.length === 0) return el.error("DNN0201", arg.span, `\`concat\` takes a list of tensors, found ${describe(arg.value)}`);
  const parts: Tensor[] = [];
  for (const v of arg.value.items) {
    const t = el.asTensor(v, arg.span, "an item of `concat`");
    if (!t) return POISON;
    parts.push(t);
  }
  const first = parts[0]!;
  const rank = first.shape.length;
  const axisArg = a.int("axis", -1);
  if (axisArg === undefined) return POISON;
  const axis = normAxis(axisArg, rank);
  if (axis < 0 || axis >= rank) return el.error("DNN0305", a.get("axis")?.span ?? span, `axis ${axisArg} is out of range for a tensor of rank ${rank}`);
  for (const t of parts.slice(1)) {
    const same = t.dtype === first.dtype && t.shape.length === rank && t.shape.every((d, i) => i === axis || d === first.shape[i]);
    if (!same)
      return el.error("DNN0301", span, `concat along axis ${axis}: ${tensorType(t.dtype, t.shape)} does not match ${tensorType(first.dtype, first.shape)} outside that axis`, {
        related: [
          { span: first.origin, message: `this is ${tensorType(first.dtype, first.shape)}` },
          { span: t.origin, message: `this is ${tensorType(t.dtype, t.shape)}` },
        ],
      });
    if (typeof t.shape[axis] !== "number" || typeof first.shape[axis] !== "number") return el.error("DNN0209", span, `concat along a symbolic axis (${showShape(t.shape)}) is not supported`);
  }
  return el.tensor(el.b.concat(parts.map((t) => t.id), axis), span);
}

/** scan(cell, xs, init, consts…): carry = cell(carry, xs[:, t], consts…) for each step t; every carry, stacked on axis 1. */
function scan(el: ElabContext, a: Args, span: Span): Value {
  const cellArg = a.get("cell");
  const xs = a.tensor("xs", span);
  const init = a.tensor("init", span);
  if (!cellArg || !xs || !init) return cellArg ? POISON : el.error("DNN0204", span, "`scan` needs a cell function, a sequence and an initial carry");
  const cell = cellArg.value;
  if (cell.kind !== "decl" || cell.decl.kind !== "fn") return el.error("DNN0202", cellArg.span, `the cell of \`scan\` must be a function (fn), found ${describe(cell)}`);
  if (xs.shape.length < 2) return el.error("DNN0302", a.get("xs")!.span, `scan reads a sequence [B, T, …] along axis 1, found ${tensorType(xs.dtype, xs.shape)}`);
  if (init.shape.length < 1) return el.error("DNN0302", a.get("init")!.span, `the carry of scan needs a batch axis, found ${tensorType(init.dtype, init.shape)}`);
  const extras = a.extras();

  // The cell is elaborated once, into its own IR function: carry, step input and the tensor
  // constants become its arguments; other constants (numbers, functions) are passed as they are.
  const outer = el.b;
  const body = new Builder(cell.decl.name.name);
  el.b = body;
  const paramsBefore = el.params.length;
  const consts: number[] = [];
  let result: Value;
  try {
    const carry = el.tensor(body.arg("carry", "input", init.shape, init.dtype), init.origin);
    const xt = el.tensor(body.arg("x_t", "input", xs.shape.filter((_, i) => i !== 1), xs.dtype), xs.origin);
    const args: CallArg[] = [{ value: carry, span: init.origin }, { value: xt, span: xs.origin }];
    for (const e of extras) {
      if (e.value.kind === "tensor") {
        consts.push(e.value.id);
        args.push({ value: el.tensor(body.arg(`c${consts.length - 1}`, "input", e.value.shape, e.value.dtype), e.value.origin), span: e.span });
      } else args.push(e);
    }
    result = el.call(cell, args, span, new Env(cell.module));
  } finally {
    el.b = outer;
  }
  if (el.params.length > paramsBefore) {
    el.params.length = paramsBefore;
    return el.error("DNN0408", cellArg.span, `the cell of \`scan\` cannot create parameters (it applies a layer); pass the parameters in as arguments`);
  }
  if (result.kind === "poison") return POISON;
  if (result.kind !== "tensor" || result.dtype !== init.dtype || !sameShape(result.shape, init.shape))
    return el.error("DNN0301", span, `the cell of \`scan\` must return the carry's type ${tensorType(init.dtype, init.shape)}, found ${describe(result)}`, {
      related: [{ span: init.origin, message: `the carry is ${tensorType(init.dtype, init.shape)}` }],
    });
  body.output("carry", result.id);
  return el.tensor(el.b.scan(body.fn, init.id, xs.id, consts, 1), span);
}

/** Uniform [0, 1) noise shaped like `x`, fresh every training step (dropout masks). */
function randLike(el: ElabContext, a: Args, span: Span): Value {
  const x = a.tensor("x", span);
  if (!x) return POISON;
  if (!el.training) return el.error("DNN0213", span, "`rand_like` draws training noise: use it inside `if training { … }`", { hint: "dropout is the identity at inference" });
  const seed = el.b.cast(el.stepArg(), "i32");
  return el.tensor(el.b.random(seed, x.shape, "uniform", el.nextStream()), span);
}

/** params() or params("conv2d*.kernel"): the trainable parameters whose names match, as a list. */
function params(el: ElabContext, a: Args, span: Span): Value {
  const p = a.get("pattern");
  if (p && p.value.kind !== "string") return el.error("DNN0201", p.span, `the pattern of \`params\` is a string such as "dense*.kernel", found ${describe(p.value)}`);
  const glob = p?.value.kind === "string" ? p.value.value : "*";
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  const chosen = el.params.filter((q) => q.trainable && re.test(q.name));
  if (chosen.length === 0)
    return el.error("DNN0106", p?.span ?? span, `no trainable parameter matches "${glob}"`, { hint: `parameters are ${el.params.map((q) => q.name).join(", ") || "none"}` });
  return { kind: "array", items: chosen.map((q) => el.tensor(q.id, q.span)), span };
}

/** frozen(Layer(…)): the layer's parameters are used but never trained (transfer learning). */
function frozen(el: ElabContext, a: Args, span: Span): Value {
  const l = a.get("layer");
  if (!l) return el.error("DNN0204", span, "`frozen` needs a layer, e.g. frozen(Conv2D(32, kernel_size: 3))");
  if (l.value.kind !== "layer") return el.error("DNN0201", l.span, `\`frozen\` takes a layer such as Dense(10), found ${describe(l.value)}`);
  return { ...l.value, frozen: true };
}

/** full([N, units], 0.0): a tensor of one value (an RNN's initial state). */
function full(el: ElabContext, a: Args, span: Span): Value {
  const s = a.get("shape");
  const v = a.get("value");
  if (!s || !v) return el.error("DNN0204", span, "`full` needs a shape and a value, e.g. full([N, 64], 0.0)");
  if (s.value.kind !== "array") return el.error("DNN0201", s.span, `the shape of \`full\` is a list of sizes, found ${describe(s.value)}`);
  const dims: Dim[] = [];
  for (const d of s.value.items) {
    if (d.kind === "dim") dims.push(d.dim);
    else {
      const n = el.int(d, s.span, "a size");
      if (n === undefined) return POISON;
      if (n < 0) return el.error("DNN0207", s.span, `a size must be non-negative, found ${n}`);
      dims.push(n);
    }
  }
  if (v.value.kind !== "number") return el.error("DNN0201", v.span, `the value of \`full\` is a number, found ${describe(v.value)}`);
  return el.tensor(el.b.broadcast(el.b.const(v.value.value), dims), span);
}

export const NN_INTRINSICS: Record<string, { params: string[]; impl: Impl; variadic?: boolean }> = {
  conv2d: { params: ["x", "kernel", "stride", "padding", "dilation"], impl: conv2d },
  max_pool2d: { params: ["x", "pool", "stride", "padding"], impl: pool("max") },
  avg_pool2d: { params: ["x", "pool", "stride", "padding"], impl: pool("avg") },
  take: { params: ["table", "indices"], impl: take },
  concat: { params: ["items", "axis"], impl: concat },
  scan: { params: ["cell", "xs", "init"], impl: scan, variadic: true },
  rand_like: { params: ["x"], impl: randLike },
  params: { params: ["pattern"], impl: params },
  frozen: { params: ["layer"], impl: frozen },
  full: { params: ["shape", "value"], impl: full },
};
