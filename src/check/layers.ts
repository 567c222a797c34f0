// Applying a layer to a tensor: the first forward parameter's type binds the layer's free
// dimensions (Dense's `in`), then its parameters are declared with those shapes, then the
// forward body runs. Each application is a new instance with its own parameters, named the
// way Keras names them (dense, dense_1, …) so weight files line up with other tools — except a
// shared(…) value's later applications, whose parameters are the first's (shared-layer.ts).
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import { sameShape, showShape, size, type Shape } from "../ir/shape.ts";
import { Env } from "./env.ts";
import type { CallArg, ElabContext, LayerRow, Reuse } from "./context.ts";
import { checkReturn, evalType, matchParam } from "./types.ts";
import { POISON, tensorType, type LayerValue, type Tensor, type Value } from "./values.ts";
import { noteValue } from "./facts.ts";

export function applyLayer(el: ElabContext, layer: LayerValue<A.LayerDecl>, input: CallArg, span: Span): Value {
  const d = layer.decl;
  const fwd = d.forward;
  if (!fwd) return el.error("DNN0405", span, `layer ${d.name.name} has no forward`, { related: [{ span: d.name.span, message: "declared here" }] });
  const env = new Env(layer.module);
  for (const [k, v] of layer.args) env.set(k, v);
  for (const p of d.params) if (layer.args.has(p.name.name)) noteValue(p.name.span, layer.args.get(p.name.name)!);
  const first = fwd.params[0];
  if (!first) return el.error("DNN0405", fwd.span, `the forward of ${d.name.name} takes no input`);
  if (fwd.params.length > 1) return el.error("DNN0209", fwd.params[1]!.span, "a forward takes exactly one input");
  const x = matchParam(el, first, input.value, env, `${d.name.name}`, span);
  if (!x) return POISON;
  env.set(first.name.name, x);
  noteValue(first.name.span, x);
  const instance = instanceName(el, d.name.name);
  return asInstance(el, layer, instance, span, () => applyBody(el, d, fwd, env, instance, span));
}

/**
 * Runs `body`, the application of `layer` as the instance `instance`, as one row of the summary
 * (its inner layers one level deeper) counting the parameters it creates, frozen if the layer
 * value is.
 */
export function asInstance(el: ElabContext, layer: LayerValue, instance: string, span: Span, body: () => Value): Value {
  const row: LayerRow = { kind: "layer", depth: el.layerDepth, instance, layer: layer.decl.name.name, span, shape: [], dtype: "f32", params: 0, trainable: 0 };
  el.summary.push(row);
  const before = el.params.length;
  const start = el.b.fn.nodes.length;
  if (layer.frozen) el.frozen++;
  el.layerDepth++;
  try {
    const out = body();
    if (out.kind === "tensor") [row.shape, row.dtype] = [out.shape, out.dtype];
    row.nodes = { start, end: el.b.fn.nodes.length, ...(out.kind === "tensor" ? { out: out.id } : {}) };
    for (const p of el.params.slice(before)) {
      const n = size(p.shape) as number;
      row.params += n;
      if (p.trainable) row.trainable += n;
    }
    return out;
  } finally {
    el.layerDepth--;
    if (layer.frozen) el.frozen--;
  }
}

function applyBody(el: ElabContext, d: A.LayerDecl, fwd: A.ForwardDecl, env: Env, instance: string, span: Span): Value {
  for (const item of d.items) {
    if (item.kind === "let") {
      el.let(item, env);
      if (el.refused) return POISON; // a `require` refused the arguments: no parameters from them
      continue;
    }
    const p = declareParam(el, item, env, `${instance}.${item.name.name}`, true);
    if (!p) return POISON;
    if (p === NO_ELEMENTS) continue; // not created: the forward must not read it (Keras's use_bias: false)
    env.set(item.name.name, p);
  }
  const out = el.body(fwd.body, env);
  const result = fwd.returns ? checkReturn(el, fwd.returns, out, env, d.name.name, span) : out;
  // The caller's diagnostics should point at the layer call, not into the layer's body.
  return result.kind === "tensor" ? { ...result, origin: span } : result;
}

/** What declareParam gives for a parameter with a zero-sized axis: none is created. */
export const NO_ELEMENTS = Symbol("no elements");

/**
 * A trainable parameter: an argument of the function being built, initialised by `init`. In a
 * layer (inLayer), one whose shape has a zero-sized axis is not created at all (NO_ELEMENTS), so a layer can make a
 * parameter optional by its size, as `Dense`'s bias with `use_bias: false`, and the model then
 * has no such weight, as in Keras.
 */
export function declareParam(el: ElabContext, p: A.ParamDecl, env: Env, name: string, inLayer = false): Tensor | typeof NO_ELEMENTS | undefined {
  const t = evalType(el, p.type, env);
  if (!t) return undefined;
  if (t.dtype !== "f32") return void el.error("DNN0201", p.type.span, `parameters are f32, found ${t.dtype}`);
  const sym = t.shape.find((d) => typeof d === "string");
  if (sym !== undefined)
    return void el.error("DNN0310", p.type.span, `\`${p.name.name}\` would have the symbolic size ${sym}: a parameter's shape must be known when the model is compiled`, {
      hint: "parameters cannot depend on the batch size; a layer's input width must be a fixed number",
    });
  if (inLayer && t.shape.includes(0)) return NO_ELEMENTS;
  const init = p.init ? el.expr(p.init, env) : undefined;
  if (init?.kind === "poison") return undefined;
  if (init && init.kind !== "number" && init.kind !== "array" && init.kind !== "init")
    return void el.error("DNN0201", p.init!.span, `a parameter is initialised by a number, an array or an initializer such as glorot_uniform()`);
  if (init?.kind === "array") {
    const lit = el.arrayLiteral(init);
    if (!lit) return undefined;
    if (lit.shape.join(",") !== t.shape.join(","))
      return void el.error("DNN0301", p.init!.span, `this literal has shape [${lit.shape.join(", ")}], but \`${p.name.name}\` is declared f32[${t.shape.join(", ")}]`, {
        related: [{ span: p.type.span, message: "declared here" }],
      });
  }
  name = el.paramPrefix + name; // inside a nested model, its instance name first
  if (el.reusing) return reuseParam(el, el.reusing, name, t.shape, p);
  const id = el.b.arg(name, "param", t.shape);
  el.params.push({ name, shape: t.shape, id, init, initEnv: env, span: p.span, trainable: !p.state && el.frozen === 0 });
  return el.noted(p.name.span, el.tensor(id, p.span)) as Tensor;
}

/** A parameter of a shared layer applied again: the one its first application made. */
function reuseParam(el: ElabContext, r: Reuse, name: string, shape: Shape, p: A.ParamDecl): Tensor | undefined {
  const made = r.params.get(name);
  if (made && sameShape(made.shape, shape)) return el.noted(p.name.span, el.tensor(made.id, p.span)) as Tensor;
  const need = made ? `\`${name}\` to be ${tensorType("f32", shape)}, not ${tensorType("f32", made.shape)}` : `a parameter \`${name}\` its first application did not make`;
  return void el.error("DNN0418", r.span, `\`${r.instance}\` is shared and was built for ${r.firstInput}; applied to ${r.input} here, it would need ${need}`, {
    related: [
      { span: r.first, message: `first applied here, to ${r.firstInput}` },
      { span: p.span, message: "the parameter" },
    ],
    hint: "a shared layer's weights fit one input width: apply it to tensors of the same width, or use two layers",
  });
}

export function instanceName(el: ElabContext, layer: string): string {
  // Keras's to_snake_case: Conv2D → conv2d, MaxPool2D → max_pool2d, HTTPServer → http_server.
  const base = layer.replace(/(.)([A-Z][a-z]+)/g, "$1_$2").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
  const n = el.instanceCounts.get(base) ?? 0;
  el.instanceCounts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}
