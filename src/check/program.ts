// Elaborating whole declarations: a model into its forward function, its parameters'
// initializers into an `init` function, and a train block into the loss and optimizer that
// src/step/step.ts turns into the training step.
import type * as A from "../syntax/ast.ts";
import { Builder, type DType, type Fn } from "../ir/ir.ts";
import { broadcastShapes, showShape, type Dim } from "../ir/shape.ts";
import { Env } from "./env.ts";
import { Elaborator } from "./elaborate.ts";
import type { ParamSpec } from "./context.ts";
import { elaborateModelBody } from "./model-body.ts";
import type { Module } from "./modules.ts";
import { evalType } from "./types.ts";
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
  el.root = model;
  const inputs: TensorInfo[] = [];
  const body = elaborateModelBody(el, model, module, {
    rows: true,
    input(item, env) {
      const t = evalType(el, item.type, env, true);
      if (!t) return POISON; // reported once here, not again at every use
      inputs.push({ name: item.name.name, ...t });
      el.summary.push({ kind: "binding", role: "input", name: item.name.name, span: item.name.span, ...t });
      return el.noted(item.name.span, el.tensor(el.b.arg(item.name.name, "input", t.shape, t.dtype), item.name.span));
    },
  });
  if (!body) return undefined;
  return { env: body.env, inputs, outputs: body.outputs.map(({ value, ...o }) => ({ ...o, id: value.id })) };
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
