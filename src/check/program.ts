// Elaborating whole declarations: a model into its forward function, its parameters'
// initializers into an `init` function, and a train block into the loss and optimizer that
// src/step/step.ts turns into the training step.
import type * as A from "../syntax/ast.ts";
import { Builder, type DType, type Fn } from "../ir/ir.ts";
import { broadcastShapes, showShape, type Dim } from "../ir/shape.ts";
import { Env } from "./env.ts";
import { didYouMean } from "./suggest.ts";
import { Elaborator } from "./elaborate.ts";
import type { ParamSpec } from "./context.ts";
import { declareParam } from "./layers.ts";
import type { Module } from "./modules.ts";
import { evalType, matchParam } from "./types.ts";
import { POISON, describe, tensorType, type Tensor, type Value } from "./values.ts";

export interface TensorInfo {
  name: string;
  dtype: DType;
  shape: Dim[];
}

export interface ModelElaboration {
  env: Env;
  inputs: TensorInfo[];
  outputs: (TensorInfo & { id: number })[];
}

export function elaborateModel(el: Elaborator, model: A.ModelDecl, module: Module): ModelElaboration | undefined {
  el.entryFile = model.span.file;
  const env = new Env(module);
  const inputs: TensorInfo[] = [];
  const declared = new Map<string, { decl: A.InputDecl; dtype: DType; shape: Dim[] }>();
  const assigned = new Map<string, Tensor>();
  const failed = new Set<string>();
  const assignedAt = new Map<string, A.Ident["span"]>();
  const before = el.diagnostics.length;
  for (const item of model.items) {
    const name = item.name.name;
    if (!name) continue;
    if (item.kind === "input") {
      const t = evalType(el, item.type, env, true);
      if (!t) {
        env.set(name, POISON); // reported once here, not again at every use
        continue;
      }
      inputs.push({ name, ...t });
      el.summary.push({ kind: "binding", role: "input", name, span: item.name.span, ...t });
      env.set(name, el.noted(item.name.span, el.tensor(el.b.arg(name, "input", t.shape, t.dtype), item.name.span)));
    } else if (item.kind === "output") {
      // Output sizes must come from the inputs: a name no input binds is an unknown dimension.
      const t = evalType(el, item.type, env);
      if (t) declared.set(name, { decl: item, ...t });
      else failed.add(name); // reported once; its assignment is not an error too
    } else if (item.kind === "param") {
      env.set(name, (declareParam(el, item, env, name) as Tensor | undefined) ?? POISON); // a model's param is never NO_ELEMENTS
    } else if (item.kind === "let") {
      const v = el.let(item, env);
      if (v.kind === "tensor") el.summary.push({ kind: "binding", role: "let", name, span: item.name.span, shape: v.shape, dtype: v.dtype });
    }
    else if (item.kind === "assign") {
      const out = declared.get(name);
      const v = el.expr(item.value, env);
      if (!out) {
        env.set(name, POISON); // later uses of the name are not errors too
        if (failed.has(name)) continue;
        const alt = didYouMean(name, [...declared.keys()]);
        el.error("DNN0404", item.name.span, `\`${name}\` is not a declared output of ${model.name.name}`, {
          hint: alt ? `did you mean the output \`${alt}\`?` : `declare it with \`output ${name}: f32[…]\`, or bind a local with \`let ${name} = …\``,
        });
        continue;
      }
      const t = matchParam(el, { name: item.name, type: out.decl.type, span: item.span }, v, env, `output \`${name}\``, item.value.span);
      if (t && t.kind === "tensor") {
        if (assignedAt.has(name)) el.error("DNN0407", item.name.span, `output \`${name}\` is assigned twice`, { related: [{ span: assignedAt.get(name)!, message: "first assigned here" }] });
        assigned.set(name, t);
        assignedAt.set(name, item.name.span);
        el.summary.push({ kind: "binding", role: "output", name, span: item.name.span, shape: t.shape, dtype: t.dtype });
      }
      env.set(name, el.noted(item.name.span, t ?? POISON));
    }
  }
  for (const [name, d] of declared) {
    if (!assigned.has(name) && el.diagnostics.length === before)
      el.error("DNN0401", d.decl.name.span, `output \`${name}\` is never assigned`, { hint: `add \`${name} = …\` to the model` });
  }
  if (el.diagnostics.length > before) return undefined;
  const outputs = [...declared].map(([name, d]) => ({ name, dtype: d.dtype, shape: d.shape, id: assigned.get(name)!.id }));
  return { env, inputs, outputs };
}

/** The forward function of a model: inputs and parameters in, declared outputs out. */
export function forwardFn(model: A.ModelDecl, module: Module): { el: Elaborator; fn?: Fn; model?: ModelElaboration } {
  const el = new Elaborator(new Builder("forward"));
  const m = elaborateModel(el, model, module);
  if (!m) return { el };
  for (const o of m.outputs) el.b.output(o.name, o.id);
  return { el, fn: el.b.fn, model: m };
}

export interface InitSpec {
  name: string;
  shape: Dim[];
  init: Value | undefined;
  env: Env;
  span: ParamSpec["span"];
}

/** One output per tensor, computed from the seed: initializers are IR like everything else. */
export function initFn(el: Elaborator, specs: InitSpec[]): Fn | undefined {
  const saved = el.b;
  el.b = new Builder("init");
  const seed = el.b.arg("seed", "seed", [], "i32");
  const before = el.diagnostics.length;
  specs.forEach((s, stream) => {
    el.initContext = { shape: s.shape, seed, stream };
    const v = initValue(el, s);
    el.initContext = undefined;
    if (!v) return;
    if (!broadcastShapes(v.shape, s.shape) || broadcastShapes(v.shape, s.shape)!.join() !== s.shape.join()) {
      el.error("DNN0303", s.span, `the initializer gives ${tensorType(v.dtype, v.shape)}, which does not broadcast to ${showShape(s.shape)}`);
      return;
    }
    el.b.output(s.name, el.b.broadcast(v.id, s.shape));
  });
  const fn = el.b.fn;
  el.b = saved;
  return el.diagnostics.length > before ? undefined : fn;
}

function initValue(el: Elaborator, s: InitSpec): Tensor | undefined {
  const v = s.init;
  if (!v) return el.tensor(el.b.const(0), s.span);
  if (v.kind === "number" || v.kind === "array") return el.asTensor(v, s.span, "an initial value");
  if (v.kind === "init") {
    const env = new Env(v.module);
    for (const [k, x] of v.args) env.set(k, x);
    return el.asTensor(el.body(v.decl.body, env), v.span, `the result of init ${v.decl.name.name}`);
  }
  el.error("DNN0201", s.span, `cannot initialise a parameter with a ${describe(v)}`);
  return undefined;
}
