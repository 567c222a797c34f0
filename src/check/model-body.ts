// The walk over a model's items (inputs, outputs, params, lets, output assignments), shared by
// a model compiled on its own (program.ts: inputs are arguments of the function being built)
// and a model applied as a layer inside another (nested-model.ts: its one input is the
// caller's tensor). Both check the same things in the same order, so a model means the same
// whether it is compiled or nested.
import type * as A from "../syntax/ast.ts";
import type { DType } from "../ir/ir.ts";
import type { Dim } from "../ir/shape.ts";
import { Env } from "./env.ts";
import { didYouMean } from "./suggest.ts";
import type { ElabContext } from "./context.ts";
import { declareParam } from "./layers.ts";
import type { Module } from "./module.ts";
import { evalType, matchParam } from "./types.ts";
import { POISON, type Tensor, type Value } from "./values.ts";

export interface ModelBodyHow {
  /** The value an input stands for (reported errors give POISON). */
  input(item: A.InputDecl, env: Env): Value;
  /** Whether the model's bindings are rows of `dnnc check --shapes` (not when it is nested: its
   * row is the layer row of its application). */
  rows: boolean;
}

export interface ModelBody {
  env: Env;
  outputs: { name: string; dtype: DType; shape: Dim[]; value: Tensor }[];
}

export function elaborateModelBody(el: ElabContext, model: A.ModelDecl, module: Module, how: ModelBodyHow): ModelBody | undefined {
  const env = new Env(module);
  const declared = new Map<string, { decl: A.InputDecl; dtype: DType; shape: Dim[] }>();
  const assigned = new Map<string, Tensor>();
  const failed = new Set<string>();
  const assignedAt = new Map<string, A.Ident["span"]>();
  const before = el.diagnostics.length;
  const row = (role: "let" | "output", name: string, span: A.Ident["span"], t: Tensor) => {
    if (how.rows) el.summary.push({ kind: "binding", role, name, span, shape: t.shape, dtype: t.dtype });
  };
  for (const item of model.items) {
    const name = item.name.name;
    if (!name) continue;
    if (item.kind === "input") env.set(name, how.input(item, env));
    else if (item.kind === "output") {
      // Output sizes must come from the inputs: a name no input binds is an unknown dimension.
      const t = evalType(el, item.type, env);
      if (t) declared.set(name, { decl: item, ...t });
      else failed.add(name); // reported once; its assignment is not an error too
    } else if (item.kind === "param") {
      env.set(name, (declareParam(el, item, env, name) as Tensor | undefined) ?? POISON); // a model's param is never NO_ELEMENTS
    } else if (item.kind === "let") {
      const v = el.let(item, env);
      if (v.kind === "tensor") row("let", name, item.name.span, v);
    } else if (item.kind === "assign") {
      const out = declared.get(name);
      const v = el.expr(item.value, env);
      if (!out) {
        env.set(name, POISON); // later uses of the name are not errors too
        if (failed.has(name)) continue;
        const alt = didYouMean(name, [...declared.keys()]);
        el.error("DNN0404", item.name.span, `\`${name}\` is not a declared output of ${model.name.name}`, {
          hint: alt ? `did you mean the output \`${alt}\`?` : `declare it with \`output ${name}: f32[…]\`, or bind a local with \`let ${name} = …\``,
          ...(alt ? { suggestion: alt } : {}),
        });
        continue;
      }
      const t = matchParam(el, { name: item.name, type: out.decl.type, span: item.span }, v, env, `output \`${name}\``, item.value.span);
      if (t && t.kind === "tensor") {
        if (assignedAt.has(name)) el.error("DNN0407", item.name.span, `output \`${name}\` is assigned twice`, { related: [{ span: assignedAt.get(name)!, message: "first assigned here" }] });
        assigned.set(name, t);
        assignedAt.set(name, item.name.span);
        row("output", name, item.name.span, t);
      }
      env.set(name, el.noted(item.name.span, t ?? POISON));
    }
  }
  for (const [name, d] of declared) {
    if (!assigned.has(name) && el.diagnostics.length === before)
      el.error("DNN0401", d.decl.name.span, `output \`${name}\` is never assigned`, { hint: `add \`${name} = …\` to the model` });
  }
  if (el.diagnostics.length > before) return undefined;
  return { env, outputs: [...declared].map(([name, d]) => ({ name, dtype: d.dtype, shape: d.shape, value: assigned.get(name)! })) };
}
