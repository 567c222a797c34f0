// Name resolution over every definition's body, whether or not a model uses it, so a typo in
// a layer is reported even before anything instantiates that layer. Dimension names in types
// are not resolved here: they are bound by the types themselves (see types.ts).
import type * as A from "../syntax/ast.ts";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { INTRINSIC_NAMES } from "./intrinsic-names.ts";
import type { Module } from "./modules.ts";
import { didYouMean } from "./suggest.ts";

class Scope {
  private readonly names = new Set<string>();
  constructor(private readonly parent: Scope | Module) {}
  add(name: string): void {
    if (name) this.names.add(name);
  }
  has(name: string): boolean {
    return this.names.has(name) || (this.parent instanceof Scope ? this.parent.has(name) : this.parent.scope.has(name) || this.parent.poisoned.has(name) || INTRINSIC_NAMES.has(name));
  }
  all(): string[] {
    return [...this.names, ...(this.parent instanceof Scope ? this.parent.all() : [...this.parent.scope.keys(), ...INTRINSIC_NAMES])];
  }
}

export function bindModule(mod: Module): Diagnostic[] {
  const out: Diagnostic[] = [];
  const expr = (e: A.Expr | undefined, s: Scope): void => {
    if (!e) return;
    switch (e.kind) {
      case "name":
        if (!s.has(e.name)) {
          const alt = didYouMean(e.name, s.all());
          out.push(diagnostic("DNN0101", e.span, `unknown name \`${e.name}\``, alt ? { hint: `did you mean \`${alt}\`?` } : {}));
        }
        return;
      case "array": return e.elements.forEach((x) => expr(x, s));
      case "unary": return expr(e.operand, s);
      case "binary": return expr(e.left, s), expr(e.right, s);
      case "pipe": return expr(e.input, s), expr(e.stage, s);
      case "call": return expr(e.callee, s), e.args.forEach((a) => expr(a.value, s));
      case "index":
        expr(e.target, s);
        for (const it of e.items) if (it.kind === "at") expr(it.index, s);
        else if (it.kind === "slice") expr(it.start, s), expr(it.end, s);
        return;
      case "member": return expr(e.target, s);
      default: return;
    }
  };
  // A bare name in a type binds a dimension (`f32[B, n]` makes `n` usable in the body).
  const dims = (t: A.TypeRef | undefined, s: Scope) => t?.dims?.forEach((d) => d.kind === "expr" && d.expr.kind === "name" && s.add(d.expr.name));
  const params = (ps: A.Parameter[], s: Scope, defaults: Scope) => ps.forEach((p) => (expr(p.default, defaults), s.add(p.name.name), dims(p.type, s)));
  const body = (b: A.Body, s: Scope) => (b.lets.forEach((l) => (expr(l.value, s), s.add(l.name.name))), expr(b.value, s));

  const modelScopes = new Map<string, Scope>();
  for (const d of mod.ast.decls) {
    const top = new Scope(mod);
    switch (d.kind) {
      case "fn":
      case "init":
        params(d.params, top, new Scope(mod));
        body(d.body, top);
        break;
      case "layer":
        params(d.params, top, new Scope(mod));
        for (const it of d.items) (expr(it.kind === "param" ? it.init : it.value, top), top.add(it.name.name));
        if (d.forward) {
          const f = new Scope(top);
          params(d.forward.params, f, top);
          body(d.forward.body, f);
        }
        break;
      case "optimizer": {
        params(d.params, top, new Scope(mod));
        for (const st of d.states) (expr(st.value, top), top.add(st.name.name));
        const u = new Scope(top);
        params(d.update.params, u, top);
        for (const st of d.update.statements) (expr(st.value, u), st.kind === "let" && u.add(st.name.name));
        break;
      }
      case "model":
        for (const it of d.items) {
          if (it.kind === "input" || it.kind === "output") dims(it.type, top);
          if (it.kind === "param") expr(it.init, top);
          else if (it.kind === "let" || it.kind === "assign") expr(it.value, top);
          top.add(it.name.name);
        }
        modelScopes.set(d.name.name, top);
        break;
      default:
        break;
    }
  }
  for (const t of mod.trains) {
    const s = new Scope(modelScopes.get(t.model.name) ?? mod);
    for (const tg of t.targets) s.add(tg.name.name), dims(tg.type, s);
    for (const l of t.lets) (expr(l.value, s), s.add(l.name.name));
    if (modelScopes.has(t.model.name)) expr(t.loss?.value, s), expr(t.optimizer?.value, s);
  }
  return out;
}
