// The ONNX operators that are elementwise: activations (folded into the Dense or Conv2D before
// them where that layer's output is read by nothing else) and arithmetic between two tensors
// (a residual Add) or a tensor and a constant. They keep their input's layout.
import type { Node } from "./decode.ts";
import { axis, dynamicInput, floatAttr, floatText, input, intAttr, NotTranslatable, setDynamic, type Ctx } from "./context.ts";
import type { Stage } from "./program.ts";
import { identityLayout, inLayout, isIdentity, operand, permuteData, pipe, relayoutStages, sameLayout, type Dynamic, type Known } from "./values.ts";

const ACTIVATIONS = "std.activations";

/** Activation stages by ONNX operator: a builtin, or a std.activations function with its arguments. */
function activationStage(node: Node, prog: Ctx["prog"]): Stage {
  switch (node.opType) {
    case "Relu": case "Sigmoid": case "Tanh": case "Exp": case "Log": case "Sqrt": case "Abs": case "Erf": case "Sin": case "Cos":
      return { call: node.opType.toLowerCase() };
    case "LeakyRelu":
      prog.use(ACTIVATIONS, "leaky_relu");
      return { call: "leaky_relu", args: [`alpha: ${floatText(floatAttr(node, "alpha", 0.01))}`] };
    case "Elu":
      prog.use(ACTIVATIONS, "elu");
      return { call: "elu", args: [`alpha: ${floatText(floatAttr(node, "alpha", 1))}`] };
    case "Softplus": case "Softsign":
      prog.use(ACTIVATIONS, node.opType.toLowerCase());
      return { call: node.opType.toLowerCase() };
    default:
      throw new NotTranslatable("not an activation");
  }
}

/** Activations whose every output is ≥ 0. */
const NON_NEGATIVE = new Set(["Relu", "Sigmoid", "Exp", "Sqrt", "Abs", "Softplus"]);

export const ACTIVATION_OPS = ["Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Abs", "Erf", "Sin", "Cos", "LeakyRelu", "Elu", "Softplus", "Softsign"];

export function activation(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  const stage = activationStage(node, ctx.prog);
  const last = x.p.stages[x.p.stages.length - 1];
  // Dense(…) |> relu reads as Dense(…, activation: relu) when nothing else reads the layer's output.
  const nonNegative = NON_NEGATIVE.has(node.opType) ? { nonNegative: true } : {};
  if (x.readers === 1 && last && (last.call === "Dense" || last.call === "Conv2D" || last.call === "Conv1D") && !last.activation && stage.args === undefined) {
    last.activation = stage.call;
    setDynamic(ctx, node, 0, { p: x.p, shape: x.shape, layout: x.layout, ...nonNegative });
    return;
  }
  setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, stage), shape: x.shape, layout: x.layout, ...nonNegative });
}

/** Softmax over the last axis (opset 13's; older opsets' rank-2 form is the same). */
export function softmax(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  const rank = x.shape.length;
  // Before opset 13 the default axis was 1 and the input was flattened from it: the same over the last axis only.
  if (axis(intAttr(node, "axis", ctx.opset >= 13 ? -1 : 1), rank) !== rank - 1) throw new NotTranslatable("only a softmax over the last axis is supported");
  ctx.prog.use(ACTIVATIONS, node.opType === "LogSoftmax" ? "log_softmax" : "softmax");
  const identity = identityLayout(rank);
  const stages: Stage[] = [...relayoutStages(x, identity), { call: node.opType === "LogSoftmax" ? "log_softmax" : "softmax" }];
  setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, ...stages), shape: x.shape, layout: identity });
}

const OPERATORS: Record<string, string> = { Add: "+", Sub: "-", Mul: "*", Div: "/", Pow: "^" };
const FUNCTIONS: Record<string, string> = { Max: "maximum", Min: "minimum" };

/** `a op b`, or `maximum(a, b)` for Max and Min. */
function combine(opType: string, a: string, b: string): { head: string; atomic: boolean } {
  const f = FUNCTIONS[opType];
  return f ? { head: `${f}(${a}, ${b})`, atomic: true } : { head: `${a} ${OPERATORS[opType]!} ${b}`, atomic: false };
}

/** Add, Sub, Mul, Div, Pow, Max, Min of two tensors, or of a tensor and a constant. */
export function arithmetic(ctx: Ctx, node: Node): void {
  if (node.inputs.length !== 2) throw new NotTranslatable(`only two inputs are supported, it has ${node.inputs.length}`);
  const a = input(ctx, node, 0);
  const b = input(ctx, node, 1);
  if (!a || !b) throw new NotTranslatable("it needs two inputs");
  if (a.kind === "dynamic" && b.kind === "dynamic") {
    const shape = broadcastShape(a.shape, b.shape);
    // Two branches in one layout (a residual Add of NHWC images) stay in it; otherwise both in ONNX's order.
    const layout = sameLayout(a.layout, b.layout) && a.shape.length === b.shape.length ? a.layout : identityLayout(shape.length);
    const left = toOperand(ctx, a, layout);
    const right = toOperand(ctx, b, layout);
    setDynamic(ctx, node, 0, { p: { ...combine(node.opType, left, right), stages: [] }, shape, layout });
    return;
  }
  const [x, k, xFirst] = a.kind === "dynamic" ? [a, b as Known, true] : [b as Dynamic, a, false];
  if (x.kind !== "dynamic") throw new NotTranslatable("both inputs are constants");
  const shape = broadcastShape(x.shape, k.shape);
  if (shape.length !== x.shape.length || shape.some((d, i) => d !== x.shape[i])) throw new NotTranslatable("a constant that broadcasts the tensor to a larger shape is not supported");
  if (node.opType === "Add" && foldBias(ctx, node, x, k)) return;
  const { text, layout } = constantOperand(ctx, node, x, k);
  const xs = toOperand(ctx, x, layout);
  setDynamic(ctx, node, 0, { p: { ...(xFirst ? combine(node.opType, xs, text) : combine(node.opType, text, xs)), stages: [] }, shape: x.shape, layout });
}

function toOperand(ctx: Ctx, v: Dynamic, layout: Dynamic["layout"]): string {
  if (sameLayout(v.layout, layout)) return operand(ctx.prog, v);
  const p = inLayout(ctx.prog, v, layout);
  ctx.prog.bind(p, v.wanted);
  return p.head;
}

/**
 * `Dense(…, use_bias: false)` or `Conv2D(…, use_bias: false)` + a constant of one value per unit
 * or channel (as dnnc's own export and some exporters write a bias: after the product, broadcast
 * by an Expand) is that layer with a bias. True when folded.
 */
function foldBias(ctx: Ctx, node: Node, x: Dynamic, k: Known): boolean {
  const last = x.p.stages[x.p.stages.length - 1];
  if (x.readers !== 1 || !last?.layer || (last.call !== "Dense" && last.call !== "Conv2D" && last.call !== "Conv1D") || last.activation || !last.args?.includes("use_bias: false")) return false;
  const units = Number(last.args[0]);
  const values = k.floats;
  if (!values || values.length !== units) return false;
  // The constant's one non-unit axis must be the one the layer's units are on: the last of the .dnn value.
  const rank = x.shape.length;
  const full = [...new Array<number>(rank - k.shape.length).fill(1), ...k.shape];
  const kept = full.filter((_, i) => !x.layout.drop.includes(i));
  if (kept.length !== x.layout.perm.length || kept[x.layout.perm[x.layout.perm.length - 1]!] !== units) return false;
  last.args = last.args.filter((a) => a !== "use_bias: false");
  last.layer.weights.set("bias", { shape: [units], data: Float32Array.from(values) });
  setDynamic(ctx, node, 0, { p: x.p, shape: x.shape, layout: x.layout });
  return true;
}

/** A constant beside a tensor: a number literal, or a model parameter in the tensor's layout. */
function constantOperand(ctx: Ctx, node: Node, x: Dynamic, k: Known): { text: string; layout: Dynamic["layout"] } {
  const values = k.floats ?? (k.ints?.every((d) => typeof d === "number") ? Float32Array.from(k.ints as number[]) : undefined);
  if (!values) throw new NotTranslatable("its constant operand is not numeric");
  if (values.length === 1) return { text: literal(values[0]!), layout: x.layout };
  // Broadcast to the tensor's rank, then laid out as the tensor is (a per-channel [C, 1, 1] becomes [C] beside NHWC).
  const rank = x.shape.length;
  const full = [...new Array<number>(rank - k.shape.length).fill(1), ...k.shape];
  let layout = x.layout;
  if (layout.drop.length > 0) layout = identityLayout(rank);
  const permuted = isIdentity(layout) ? { data: values, shape: full } : permuteData(values, full, layout.perm);
  const shape = [...permuted.shape];
  while (shape.length > 0 && shape[0] === 1) shape.shift();
  const name = node.inputs.find((i) => ctx.values.get(i) === k) ?? node.name;
  const param = ctx.prog.param(identifierFor(name), { shape, data: permuted.data }, `${name} (a constant of ${node.opType} ${node.name})`);
  return { text: param, layout };
}

function identifierFor(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "").toLowerCase();
  return s === "" || /^[0-9]/.test(s) ? `c_${s}` : s;
}

/** Numpy broadcasting of two ONNX shapes. */
export function broadcastShape(a: readonly (number | string)[], b: readonly (number | string)[]): (number | string)[] {
  const rank = Math.max(a.length, b.length);
  const out: (number | string)[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new NotTranslatable(`shapes [${a.join(", ")}] and [${b.join(", ")}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Neg: `-x`. */
export function neg(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  setDynamic(ctx, node, 0, { p: { head: `-${operand(ctx.prog, x)}`, atomic: false, stages: [] }, shape: x.shape, layout: x.layout });
}

/** A number as an operand: negative ones in parentheses (`x * (-0.5)`). */
function literal(x: number): string {
  return x < 0 ? `(${floatText(x)})` : floatText(x);
}

/** Clip: relu or relu6 where it is one, else maximum and minimum of the bounds. */
export function clip(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  const bound = (i: number, attrName: string): number | undefined => {
    const v = input(ctx, node, i);
    if (v) {
      if (v.kind !== "known") throw new NotTranslatable(`its ${attrName} bound should be a constant`);
      const values = v.floats ?? Float32Array.from((v.ints ?? []).map(Number));
      if (values.length !== 1) throw new NotTranslatable(`its ${attrName} bound should be one number`);
      return values[0]!;
    }
    const a = node.attributes.get(attrName);
    return a?.kind === "float" ? a.f : undefined;
  };
  const lo = bound(1, "min");
  const hi = bound(2, "max");
  let stage: Stage;
  if (lo === 0 && hi === undefined) stage = { call: "relu" };
  else if (lo === 0 && hi === 6) {
    ctx.prog.use(ACTIVATIONS, "relu6");
    stage = { call: "relu6" };
  } else {
    const head = operand(ctx.prog, x);
    const low = lo === undefined ? head : `maximum(${head}, ${literal(lo)})`;
    setDynamic(ctx, node, 0, { p: { head: hi === undefined ? low : `minimum(${low}, ${literal(hi)})`, atomic: true, stages: [] }, shape: x.shape, layout: x.layout });
    return;
  }
  setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, stage), shape: x.shape, layout: x.layout, nonNegative: true });
}

/** HardSigmoid (PyTorch's alpha 1/6, beta 1/2 is std.activations' hard_sigmoid) and HardSwish (hard_silu). */
export function hard(ctx: Ctx, node: Node): void {
  const x = dynamicInput(ctx, node, 0);
  const alpha = floatAttr(node, "alpha", 0.2);
  const beta = floatAttr(node, "beta", 0.5);
  if (node.opType === "HardSwish" || (Math.abs(alpha - 1 / 6) < 1e-6 && beta === 0.5)) {
    const f = node.opType === "HardSwish" ? "hard_silu" : "hard_sigmoid";
    ctx.prog.use(ACTIVATIONS, f);
    setDynamic(ctx, node, 0, { p: pipe(ctx.prog, x, { call: f }), shape: x.shape, layout: x.layout });
    return;
  }
  const head = operand(ctx.prog, x);
  setDynamic(ctx, node, 0, { p: { head: `maximum(0.0, minimum(1.0, ${head} * ${literal(alpha)} + ${literal(beta)}))`, atomic: true, stages: [] }, shape: x.shape, layout: x.layout });
}
