// Name resolution over every definition's body, whether or not a model uses it, so a typo in
// a layer is reported even before anything instantiates that layer. Dimension names in types
// are not resolved here: they are bound by the types themselves (see types.ts). The same walk
// finds `let`s whose value is never read (DNN0406, a warning; `_name` opts out).
import { isOperator, operatorLeaves } from "../syntax/operators.ts";
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { INTRINSIC_NAMES } from "./intrinsic-names.ts";
import type { Module } from "./modules.ts";
import { didYouMean } from "./suggest.ts";
import { KNOWN_KINDS } from "./kinds.ts";

/** A `let` whose uses are counted; other names (parameters, inputs, dimensions) are not. */
interface LetBinding {
  name: A.Ident;
  used: boolean;
}

/** A use of a name and the definition it resolves to (editors' go-to-definition and references). */
export interface Reference {
  name: string;
  span: Span;
  /** The defining name: a local binding, or a top-level definition, maybe in another module. */
  target: Span;
}

interface Binding {
  at: Span;
  let?: LetBinding; // only `let`s are checked for being unused
}

class Scope {
  private readonly names = new Map<string, Binding>();
  constructor(private readonly parent: Scope | Module) {}
  add(id: A.Ident): void {
    if (id.name) this.names.set(id.name, { at: id.span });
  }
  /** Binds a `let`; returns the binding it shadows in this same scope, if any. */
  declare(id: A.Ident): LetBinding | undefined {
    if (!id.name) return undefined;
    const previous = this.names.get(id.name)?.let;
    this.names.set(id.name, { at: id.span, let: { name: id, used: false } });
    return previous;
  }
  hasOwn(name: string): boolean {
    return this.names.has(name);
  }
  has(name: string): boolean {
    return this.names.has(name) || (this.parent instanceof Scope ? this.parent.has(name) : this.parent.scope.has(name) || this.parent.poisoned.has(name) || INTRINSIC_NAMES.has(name));
  }
  /** Resolves a read of `name`, marking the `let` it refers to as used: where it is defined
   * (undefined for intrinsics and failed imports), or false when nothing defines it. */
  use(name: string): Span | undefined | false {
    const b = this.names.get(name);
    if (b) {
      if (b.let) b.let.used = true;
      return b.at;
    }
    if (this.parent instanceof Scope) return this.parent.use(name);
    const top = this.parent.scope.get(name);
    if (top) return top.decl.name.span;
    return this.has(name) ? undefined : false;
  }
  /** The `let`s of this scope (not its parents') that nothing read. */
  unused(): LetBinding[] {
    return [...this.names.values()].flatMap((b) => (b.let && !b.let.used ? [b.let] : []));
  }
  all(): string[] {
    return [...this.names.keys(), ...(this.parent instanceof Scope ? this.parent.all() : [...this.parent.scope.keys(), ...INTRINSIC_NAMES])];
  }
}

export function bindModule(mod: Module): { diagnostics: Diagnostic[]; references: Reference[] } {
  const out: Diagnostic[] = [];
  const references: Reference[] = [];
  /** Resolves a use of a name, recording where it points; false when nothing defines it. */
  const use = (id: A.Ident, s: Scope): boolean => {
    const target = s.use(id.name);
    if (target) references.push({ name: id.name, span: id.span, target });
    return target !== false;
  };
  // After a syntax error, parts of the tree are missing: a binding may look unused only
  // because the line that used it did not parse, so unused-binding warnings are held back.
  let recovered = false;
  const unused: LetBinding[] = [];
  const finish = (s: Scope) => s.unused().forEach((u) => unused.push(u)); // no spread: a scope may hold 100,000 lets
  const declare = (name: A.Ident, s: Scope) => {
    const shadowed = s.declare(name);
    if (shadowed && !shadowed.used) unused.push(shadowed);
  };
  const expr = (e: A.Expr | undefined, s: Scope): void => {
    if (!e) return;
    if (isOperator(e)) return operatorLeaves(e).forEach((x) => expr(x, s)); // chains without recursion
    switch (e.kind) {
      case "name":
        if (!use(e, s)) {
          const alt = didYouMean(e.name, s.all());
          out.push(diagnostic("DNN0101", e.span, `unknown name \`${e.name}\``, alt ? { hint: `did you mean \`${alt}\`?` } : {}));
        }
        return;
      case "array": return e.elements.forEach((x) => expr(x, s));
      case "call": return expr(e.callee, s), e.args.forEach((a) => expr(a.value, s));
      case "index":
        expr(e.target, s);
        for (const it of e.items) if (it.kind === "at") expr(it.index, s);
        else if (it.kind === "slice") expr(it.start, s), expr(it.end, s);
        return;
      case "member": return expr(e.target, s);
      case "if": return expr(e.cond, s), body(e.then, new Scope(s)), body(e.else, new Scope(s));
      case "error":
        recovered = true;
        return;
      default: return;
    }
  };
  // A bare name in a type binds a dimension (`f32[B, n]` makes `n` usable in the body).
  // So does a name inside a size pattern (`f32[N, 2 * n]` binds `n` by solving for it).
  // A name that is already bound is checked instead, which reads it (`let k = 4` … `f32[B, k]`).
  const dimNames = (e: A.Expr, s: Scope): void => {
    for (const x of operatorLeaves(e)) if (x.kind === "name") use(x, s) || s.add(x);
  };
  const dims = (t: A.TypeRef | undefined, s: Scope) => t?.dims?.forEach((d) => d.kind === "expr" && dimNames(d.expr, s));
  const params = (ps: A.Parameter[], s: Scope, outer: Scope) => {
    const defaults = new Scope(outer);
    for (const p of ps) {
      expr(p.default, defaults), defaults.add(p.name), s.add(p.name), dims(p.type, s);
      const kind = p.type && !p.type.dims ? p.type.name.name : undefined;
      if (kind && !KNOWN_KINDS.has(kind))
        out.push(diagnostic("DNN0208", p.type!.span, `unknown type \`${kind}\``, {
          hint: kind === "f32" || kind === "i32" ? `a tensor type has brackets: \`${kind}[]\` for a scalar, \`${kind}[n]\` for a vector` : "types are int, float, bool, string, fn, or a tensor type such as f32[B, 10]",
        }));
    }
  };
  const body = (b: A.Body, s: Scope) => {
    for (const l of b.lets) {
      expr(l.value, s);
      if (l.kind === "let") dims(l.type, s), declare(l.name, s);
      else if (!use(l.name, s)) out.push(diagnostic("DNN0101", l.name.span, `unknown name \`${l.name.name}\``));
    }
    expr(b.value, s);
    finish(s);
  };

  // Types that only read names (return types, parameter shapes) mark the lets they mention.
  const reads = (t: A.TypeRef | undefined, s: Scope): void => {
    const walk = (e: A.Expr): void => {
      for (const x of operatorLeaves(e)) if (x.kind === "name") use(x, s);
    };
    t?.dims?.forEach((d) => d.kind === "expr" && walk(d.expr));
  };

  const modelScopes = new Map<string, Scope>();
  for (const d of mod.ast.decls) {
    const top = new Scope(mod);
    switch (d.kind) {
      case "fn":
      case "init":
        params(d.params, top, new Scope(mod));
        if (d.kind === "fn") reads(d.returns, top);
        body(d.body, top);
        break;
      case "layer":
        for (const span of d.extraForwards ?? [])
          out.push(diagnostic("DNN0407", span, `layer ${d.name.name} has more than one forward`, { related: d.forward ? [{ span: d.forward.span, message: "first forward here" }] : [] }));
        params(d.params, top, new Scope(mod));
        for (const it of d.items) {
          if (it.kind === "param") reads(it.type, top), expr(it.init, top), top.add(it.name);
          else expr(it.value, top), dims(it.type, top), declare(it.name, top);
        }
        if (d.forward) {
          const f = new Scope(top);
          params(d.forward.params, f, top);
          reads(d.forward.returns, f);
          body(d.forward.body, f);
        }
        finish(top);
        break;
      case "optimizer": {
        params(d.params, top, new Scope(mod));
        for (const st of d.states) (expr(st.value, top), top.add(st.name));
        const u = new Scope(top);
        params(d.update.params, u, top);
        for (const st of d.update.statements) {
          expr(st.value, u);
          if (st.kind === "let") dims(st.type, u), declare(st.name, u);
        }
        finish(u);
        break;
      }
      case "model":
        for (const it of d.items) {
          if (it.kind === "param") reads(it.type, top), expr(it.init, top), top.add(it.name);
          else if (it.kind === "let") expr(it.value, top), dims(it.type, top), declare(it.name, top);
          // An output's assignment refers to its declaration (`output y: …` then `y = …`).
          else if (it.kind === "assign") expr(it.value, top), top.hasOwn(it.name.name) ? use(it.name, top) : top.add(it.name);
          else dims(it.type, top), top.add(it.name);
        }
        modelScopes.set(d.name.name, top);
        break;
      default:
        break;
    }
  }
  // A model's lets are visible in its train block (a loss may penalise an activation), so
  // they are judged unused only after the train blocks have been read.
  for (const t of mod.trains) {
    const model = modelScopes.get(t.model.name);
    const decl = mod.models.get(t.model.name);
    if (decl) references.push({ name: t.model.name, span: t.model.span, target: decl.name.span });
    const s = new Scope(model ?? mod);
    for (const tg of t.targets) s.add(tg.name), dims(tg.type, s);
    for (const l of t.lets) expr(l.value, s), dims(l.type, s), declare(l.name, s);
    // Without its model the loss is not checked (DNN0105), so its lets would all look unused.
    if (model) expr(t.loss?.value, s), expr(t.optimizer?.value, s), expr(t.clipNorm?.value, s), finish(s);
  }
  for (const s of modelScopes.values()) finish(s);
  if (!recovered)
    for (const b of unused.sort((x, y) => x.name.span.start - y.name.span.start))
      if (!b.name.name.startsWith("_"))
        out.push(diagnostic("DNN0406", b.name.span, `\`${b.name.name}\` is never used`, { hint: `remove it, or rename it to \`_${b.name.name}\` to keep it` }));
  return { diagnostics: out, references };
}
