// A train block (targets, loss, optimizer) and an optimizer's update rule, evaluated into the
// training-step function. Optimizers are stdlib definitions: `state` declarations become
// per-parameter state tensors, and the `update` body assigns new values to them and to p.
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import type { Elaborator } from "./elaborate.ts";
import { Env } from "./env.ts";
import type { ParamSpec } from "./context.ts";
import type { ModelElaboration, InitSpec, TensorInfo } from "./program.ts";
import { evalType } from "./types.ts";
import { noGradientSource } from "./intrinsics-index.ts";
import { describe, tensorType, type Tensor, type Value } from "./values.ts";

export interface TrainBlock {
  targets: TensorInfo[];
  loss: Tensor;
  optimizer: Extract<Value, { kind: "optimizer" }>;
  /** The largest global gradient norm let through (Keras's global_clipnorm); none when absent. */
  clipNorm?: number;
  /** The parameters the block trains (`trainable = …`), in creation order; every trainable one when absent. */
  trainable?: ParamSpec[];
}

export function elaborateTrainBlock(el: Elaborator, train: A.TrainDecl, model: ModelElaboration): TrainBlock | undefined {
  const env = model.env.child();
  const targets: TensorInfo[] = [];
  const before = el.diagnostics.length;
  for (const t of train.targets) {
    const type = evalType(el, t.type, env, true);
    if (!type || !t.name.name) continue;
    targets.push({ name: t.name.name, ...type });
    env.set(t.name.name, el.noted(t.name.span, el.tensor(el.b.arg(t.name.name, "target", type.shape, type.dtype), t.name.span)));
  }
  for (const l of train.lets) el.let(l, env);
  if (!train.loss) return void el.error("DNN0403", train.model.span, `train ${train.model.name} has no \`loss = …\``);
  if (!train.optimizer) return void el.error("DNN0403", train.model.span, `train ${train.model.name} has no \`optimizer = …\``, { hint: "for example `optimizer = adam(lr: 0.001)`" });
  const paramsBefore = el.params.length;
  const loss = el.expr(train.loss.value, env);
  const opt = el.expr(train.optimizer.value, env);
  const clip = train.clipNorm && el.expr(train.clipNorm.value, env);
  const chosen = train.trainable && el.expr(train.trainable.value, env);
  if (el.params.length > paramsBefore)
    // The model's forward and init would not know these parameters.
    return void el.error("DNN0409", train.loss.value.span, "a layer is applied in the train block: layers (and their parameters) belong in the model", {
      hint: "apply the layer in the model and declare its result as an output",
    });
  if (el.diagnostics.length > before) return undefined;
  if (loss.kind !== "tensor" || loss.shape.length !== 0 || loss.dtype !== "f32")
    return void el.error("DNN0402", train.loss.value.span, `the loss must be an f32 scalar (f32[]), found ${describe(loss)}`, {
      hint: loss.kind === "tensor" ? "reduce it with `mean(…)` or `sum(…)`" : undefined,
    });
  const noGrad = noGradientSource(el, loss);
  if (noGrad)
    return void el.error("DNN0414", train.loss.value.span, `the loss is computed from \`${noGrad}\`, which has no gradient: training would not change the parameters through it`, {
      hint: `\`${noGrad}\` gives class ids for outputs and metrics; a loss takes the scores themselves, such as \`sparse_cross_entropy(logits, y)\``,
    });
  if (opt.kind !== "optimizer")
    return void el.error("DNN0201", train.optimizer.value.span, `expected an optimizer such as \`adam(lr: 0.001)\`, found ${describe(opt)}`);
  if (clip && clip.kind !== "poison" && (clip.kind !== "number" || !(clip.value > 0) || !Number.isFinite(clip.value)))
    return void el.error("DNN0410", train.clipNorm!.value.span, `clip_norm must be a positive compile-time number, found ${clip.kind === "number" ? clip.value : describe(clip)}`, {
      hint: "for example `clip_norm = 1.0`",
    });
  const trainable = chosen && trainableSet(el, train, chosen);
  if (chosen && !trainable) return undefined;
  return { targets, loss, optimizer: opt, clipNorm: clip && clip.kind === "number" ? clip.value : undefined, ...(trainable ? { trainable } : {}) };
}

/**
 * The parameters `trainable = …` names: a list of trainable parameters (what `params(…)` gives)
 * or one of them, in the model's creation order. Undefined, with the error reported, for anything
 * else, a frozen parameter or a layer's state, and an empty list (DNN0415).
 */
function trainableSet(el: Elaborator, train: A.TrainDecl, v: Value): ParamSpec[] | undefined {
  const at = train.trainable!.value.span;
  if (v.kind === "poison") return undefined;
  const items = v.kind === "array" ? v.items : [v];
  const ids = new Set<number>();
  for (const item of items) {
    const p = item.kind === "tensor" ? el.params.find((q) => q.id === item.id) : undefined;
    if (!p)
      return void el.error("DNN0201", at, `\`trainable\` lists the parameters this program trains, found ${describe(item)}`, {
        hint: 'select them by name: `trainable = params("dense*")`',
      });
    if (!p.trainable) return void el.error("DNN0201", at, `\`${p.name}\` is not trained by any program: it is a frozen layer's parameter or a layer's state`);
    ids.add(p.id);
  }
  const name = train.program ? `${train.model.name}.${train.program.name}` : train.model.name;
  if (ids.size === 0)
    return void el.error("DNN0415", at, `train ${name} trains no parameter: its \`trainable\` list is empty`, { hint: 'list the parameters it updates, for example `trainable = params("dense*")`' });
  return el.params.filter((p) => ids.has(p.id));
}

export interface OptimizerResult {
  param: number;
  /** Each state's new value `id` and its argument node `arg` (the old value). */
  states: { spec: InitSpec; id: number; arg: number }[];
}

/** `lr`: the learning rate's state argument, which replaces the optimizer's `lr` number; `prefix`: of
 * the states' names, a named program's `<name>/` (its states apart from every other program's). */
export function applyOptimizer(el: Elaborator, opt: TrainBlock["optimizer"], p: ParamSpec, g: number, step: number, lr?: number, prefix = ""): OptimizerResult | undefined {
  const d = opt.decl;
  const env = new Env(opt.module);
  for (const [k, v] of opt.args) env.set(k, k === "lr" && lr !== undefined ? el.tensor(lr, opt.span) : v);
  const names = d.update.params.map((x) => x.name.name);
  if (names.length < 2 || names.length > 3) return void el.error("DNN0209", d.update.span, "`update` takes (p, g) or (p, g, t): the parameter, its gradient and the step number");
  const current = new Map<string, Tensor>();
  current.set(names[0]!, el.tensor(p.id, p.span));
  env.set(names[0]!, current.get(names[0]!)!);
  env.set(names[1]!, el.tensor(g, p.span));
  if (names[2]) env.set(names[2], el.tensor(el.b.broadcast(step, []), d.update.span));

  const states: { spec: InitSpec; id: number; name: string }[] = [];
  for (const s of d.states) {
    const init = el.expr(s.value, env);
    if (init.kind !== "number" && init.kind !== "poison") return void el.error("DNN0207", s.value.span, `a state's initial value must be a compile-time number, found ${describe(init)}`);
    const name = `${prefix}${p.name}/${d.name.name}.${s.name.name}`;
    const id = el.b.arg(name, "state", p.shape);
    const t = el.tensor(id, s.span);
    states.push({ spec: { name, shape: p.shape, init, env, span: s.span }, id, name: s.name.name });
    current.set(s.name.name, t);
    env.set(s.name.name, t);
  }
  for (const st of d.update.statements) {
    if (st.kind === "let") {
      el.let(st, env);
      continue;
    }
    if (!current.has(st.name.name))
      return void el.error("DNN0404", st.name.span, `\`${st.name.name}\` cannot be assigned: only the parameter \`${names[0]}\` and states (${d.states.map((s) => s.name.name).join(", ") || "none"}) can`);
    const v = el.expr(st.value, env);
    const t = el.asTensor(v, st.value.span, `the new value of \`${st.name.name}\``);
    if (!t) return undefined;
    if (!sameOrBroadcast(t, p.shape)) return void el.error("DNN0301", st.value.span, `the new value of \`${st.name.name}\` is ${tensorType(t.dtype, t.shape)}, but the parameter is ${tensorType("f32", p.shape)}`);
    const nt = el.tensor(el.b.broadcast(t.id, p.shape), st.value.span);
    current.set(st.name.name, nt);
    env.set(st.name.name, nt);
  }
  return { param: current.get(names[0]!)!.id, states: states.map((s) => ({ spec: s.spec, id: current.get(s.name)!.id, arg: s.id })) };
}

function sameOrBroadcast(t: Tensor, shape: readonly (number | string)[]): boolean {
  if (t.shape.length > shape.length) return false;
  const off = shape.length - t.shape.length;
  return t.shape.every((d, i) => d === 1 || d === shape[off + i]);
}

export type { Span };
