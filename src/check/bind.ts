// Binding call arguments to a definition's parameters: positional first, then named, then
// defaults (evaluated in the definition's own module). Non-tensor parameter kinds are checked
// here; tensor parameters are matched against their types when the body is evaluated.
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import { Env } from "./env.ts";
import type { CallArg, ElabContext } from "./context.ts";
import type { Module } from "./modules.ts";
import { likelyArgument } from "./suggest.ts";
import { describe, isCallable, type Bound, type Value } from "./values.ts";

export function bindArgs(el: ElabContext, params: A.Parameter[], args: CallArg[], module: Module, what: string, span: Span): Bound | undefined {
  const bound: Bound = new Map();
  const spans = new Map<string, Span>();
  let ok = true;
  let positional = 0;
  let named: CallArg | undefined;
  /** Parameters an unknown argument name probably meant: not reported again as missing. */
  const misspelled = new Set<string>();
  for (const a of args) {
    if (a.name) named ??= a;
    else if (named) {
      el.error("DNN0215", a.span, `a positional argument cannot follow the named argument \`${named.name!.name}\``, { hint: "name this argument too, or move it before the named ones" });
      ok = false;
      continue;
    }
    if (!a.name) {
      const p = params[positional++];
      if (!p) {
        const given = args.filter((x) => !x.name).length;
        el.error("DNN0205", a.span, `${what} takes ${params.length} argument${params.length === 1 ? "" : "s"}, but ${given} ${given === 1 ? "was" : "were"} given`);
        ok = false;
        continue;
      }
      bound.set(p.name.name, a.value), spans.set(p.name.name, a.span);
      continue;
    }
    const name = a.name.name;
    if (!params.some((p) => p.name.name === name)) {
      const alt = likelyMeant(name, params, bound);
      el.error("DNN0203", a.name.span, `${what} has no parameter \`${name}\`${alt ? `; did you mean \`${alt}\`?` : ""}`, {
        hint: alt ? renamed(alt, a.value) : `its parameters are ${params.map((p) => `\`${p.name.name}\``).join(", ") || "none"}`,
        ...(alt ? { suggestion: alt } : {}),
      });
      if (alt) misspelled.add(alt);
      ok = false;
    } else if (bound.has(name)) {
      el.error("DNN0206", a.name.span, `\`${name}\` is given twice`, { related: [{ span: spans.get(name)!, message: "first given here" }] });
      ok = false;
    } else bound.set(name, a.value), spans.set(name, a.span);
  }
  // A default may use the parameters before it: `strides: int = pool_size`.
  const defaults = new Env(module);
  for (const p of params) {
    if (bound.has(p.name.name)) {
      defaults.set(p.name.name, bound.get(p.name.name)!);
      continue;
    }
    if (!p.default) {
      ok = false;
      if (misspelled.has(p.name.name)) continue; // `kernel: 3` for `kernel_size`: one mistake, reported once
      el.error("DNN0204", span, `${what} needs an argument for \`${p.name.name}\``, { related: [{ span: p.span, message: "parameter declared here" }] });
      continue;
    }
    const v = el.expr(p.default, defaults);
    bound.set(p.name.name, v);
    defaults.set(p.name.name, v);
  }
  if (!ok) return undefined;
  for (const p of params) {
    const v = bound.get(p.name.name)!;
    // Unknown kind names were reported by the binder, which stops checking before any call.
    if (!p.type || p.type.dims || v.kind === "poison") continue;
    if (!fitsKind(p.type.name.name, v)) {
      el.error("DNN0201", spans.get(p.name.name) ?? span, `\`${p.name.name}\` of ${what} must be ${article(p.type.name.name)}, found ${describe(v)}`);
      ok = false;
    }
  }
  return ok ? bound : undefined;
}


export function fitsKind(kind: string, v: Value): boolean {
  switch (kind) {
    case "int": return (v.kind === "number" && Number.isInteger(v.value)) || v.kind === "dim";
    case "float": return v.kind === "number";
    case "bool": return v.kind === "bool";
    case "string": return v.kind === "string";
    case "fn": return isCallable(v);
    case "init": return v.kind === "init" || v.kind === "number" || v.kind === "array";
    default: return true;
  }
}

const article = (kind: string): string => (/^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`);

/** The parameter an unknown argument name most likely meant (see likelyArgument), parameters
 * still without a value first, required ones before those with defaults. */
function likelyMeant(name: string, params: A.Parameter[], bound: Bound): string | undefined {
  const open = params.filter((p) => !bound.has(p.name.name)).sort((a, b) => Number(a.default !== undefined) - Number(b.default !== undefined));
  return likelyArgument(name, params.map((p) => p.name.name), open.map((p) => p.name.name));
}

/** The fix for a misspelled argument name: the argument rewritten when its value is a short
 * literal (`kernel_size: 3`), else the name to use. */
function renamed(alt: string, v: Value): string {
  if (v.kind === "number" || v.kind === "bool") return `write \`${alt}: ${String(v.value)}\``;
  if (v.kind === "string") return `write \`${alt}: ${JSON.stringify(v.value)}\``;
  return `rename it to \`${alt}\``;
}
