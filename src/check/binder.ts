// Name resolution over every definition's body, whether or not a model uses it, so a typo in
// a layer is reported even before anything instantiates that layer. Dimension names in types
// are not resolved here: they are bound by the types themselves (see types.ts). The same walk
// finds `let`s whose value is never read (DNN0406, a warning; `_name` opts out).
import { isOperator, operatorLeaves } from "../syntax/operators.ts";
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Code } from "../diagnostics/codes.ts";
import { INTRINSIC_NAMES } from "./intrinsic-names.ts";
import type { Module, Reference } from "./module.ts";
import { didYouMean } from "./suggest.ts";
import { KNOWN_KINDS } from "./kinds.ts";

/** A `let` whose uses are counted; other names (parameters, inputs, dimensions) are not. */
interface LetBinding {
  name: A.Ident;
  used: boolean;
}

/** A use of a name and the definition it resolves to (editors' go-to-definition and references). */
interface Binding {
  at: Span;
  /** A dimension name bound by a type (`B` in `f32[B, 784]`): a size, offered as a suggestion
   * only for a name that looks like one. */
  dim?: boolean;
  let?: LetBinding; // only `let`s are checked for being unused
  /** What a declaration is, for the message when a name is declared twice ("an input", "a \`let\`");
   * absent for dimension names, which a later declaration may take. */
  what?: string;
}

class Scope {
  private readonly names = new Map<string, Binding>();
  constructor(private readonly parent: Scope | Module) {}
  add(id: A.Ident, what?: string, dim?: boolean): void {
    if (id.name) this.names.set(id.name, dim ? { at: id.span, what, dim } : { at: id.span, what });
  }
  /** Binds a `let`; returns the binding it shadows in this same scope, if any. */
  declare(id: A.Ident): LetBinding | undefined {
    if (!id.name) return undefined;
    const previous = this.names.get(id.name)?.let;
    this.names.set(id.name, { at: id.span, let: { name: id, used: false }, what: "a `let`" });
    return previous;
  }
  /** The declaration of `name` in this scope itself (not a dimension, not a parent's). */
  declared(name: string): Binding | undefined {
    const b = this.names.get(name);
    return b?.what ? b : undefined;
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
  /** The names to suggest for an unknown `name`: sizes (dimension names) only when `name` is
   * capitalised like one, so a missing `y` is not offered the batch size `B`. */
  suggestionsFor(name: string): string[] {
    const sizes = /^[A-Z]/.test(name);
    const own = [...this.names].filter(([, b]) => sizes || !b.dim).map(([n]) => n);
    return [...own, ...(this.parent instanceof Scope ? this.parent.suggestionsFor(name) : [...this.parent.scope.keys(), ...INTRINSIC_NAMES])];
  }
}

/** The scope a train block's names must not repeat either: its model's, named for messages. */
interface Outer {
  scope: Scope;
  owner: string;
}

/** What the binder may ask of the module loader: which stdlib module defines a name, and
 * whether the file had syntax errors. */
export interface BindContext {
  stdlibHome?: (name: string) => string | undefined;
  syntaxErrors?: boolean;
}

export function bindModule(mod: Module, ctx: BindContext = {}): { diagnostics: Diagnostic[]; references: Reference[] } {
  const out: Diagnostic[] = [];
  const references: Reference[] = [];
  /** Resolves a use of a name, recording where it points; false when nothing defines it. */
  const use = (id: A.Ident, s: Scope): boolean => {
    const target = s.use(id.name);
    if (target) references.push({ name: id.name, span: id.span, target });
    return target !== false;
  };
  // After a syntax error, parts of the tree are missing: a binding may look unused only
  // because the line that used it did not parse (recovery skips tokens, sometimes whole lines,
  // without leaving an error node), so unused-binding warnings are held back.
  let recovered = ctx.syntaxErrors === true;
  /** Set while reading a train block's loss, where an unknown name is most often its labels. */
  let inLoss = false;
  const unknownName = (e: A.Ident, s: Scope): Diagnostic => {
    const { hint, suggestion } = unknownNameHint(e.name, s.suggestionsFor(e.name), mod, ctx, inLoss);
    return diagnostic("DNN0101", e.span, `unknown name \`${e.name}\``, { ...(hint ? { hint } : {}), ...(suggestion ? { suggestion } : {}) });
  };
  const unused: LetBinding[] = [];
  const finish = (s: Scope) => s.unused().forEach((u) => unused.push(u)); // no spread: a scope may hold 100,000 lets
  /** Reports `id` if `s` (or `also`: a train block's model) already declares that name: the
   * generated module would have two inputs, parameters or locals of one name. `_` is a discard
   * that may be bound any number of times (`let _ = require(…)`). */
  const twice = (id: A.Ident, s: Scope, code: Code, where: string, also?: Outer): boolean => {
    if (!id.name || id.name === "_") return false;
    const own = s.declared(id.name);
    const prev = own ?? also?.scope.declared(id.name);
    if (!prev) return false;
    const what = own ? prev.what : `${prev.what} of ${also!.owner}`;
    out.push(diagnostic(code, id.span, `\`${id.name}\` is declared twice in ${where}: it is already ${what}`, {
      related: [{ span: prev.at, message: "first declared here" }],
      hint: "give each declaration its own name",
    }));
    return true;
  };
  /** Declares a name other than a `let` (an input, a parameter, a target …), once. */
  const define = (id: A.Ident, s: Scope, what: string, code: Code, where: string, also?: Outer) => {
    if (!twice(id, s, code, where, also)) s.add(id, what);
  };
  const declare = (name: A.Ident, s: Scope, code: Code, where: string, also?: Outer) => {
    const again = twice(name, s, code, where, also);
    const shadowed = s.declare(name);
    // A rebinding already reported is one mistake: its first binding is not "unused" too.
    if (shadowed && !shadowed.used && !again) unused.push(shadowed);
  };
  const expr = (e: A.Expr | undefined, s: Scope): void => {
    if (!e) return;
    if (isOperator(e)) return operatorLeaves(e).forEach((x) => expr(x, s)); // chains without recursion
    switch (e.kind) {
      case "name":
        if (!use(e, s)) out.push(unknownName(e, s));
        return;
      case "array": return e.elements.forEach((x) => expr(x, s));
      case "call": return expr(e.callee, s), e.args.forEach((a) => expr(a.value, s));
      case "index":
        expr(e.target, s);
        for (const it of e.items) if (it.kind === "at") expr(it.index, s);
        else if (it.kind === "slice") expr(it.start, s), expr(it.end, s), expr(it.step, s);
        return;
      case "member": return expr(e.target, s);
      case "if": return expr(e.cond, s), body(e.then, new Scope(s), "an `if` branch"), body(e.else, new Scope(s), "an `if` branch");
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
    for (const x of operatorLeaves(e)) if (x.kind === "name") use(x, s) || s.add(x, undefined, true);
  };
  const dims = (t: A.TypeRef | undefined, s: Scope) => t?.dims?.forEach((d) => d.kind === "expr" && dimNames(d.expr, s));
  const params = (ps: A.Parameter[], s: Scope, outer: Scope, where: string) => {
    const defaults = new Scope(outer);
    const list = new Scope(outer); // the names of this list alone, for DNN0217
    for (const p of ps) {
      if (!twice(p.name, list, "DNN0217", `the parameters of ${where}`)) list.add(p.name, "a parameter");
      expr(p.default, defaults), defaults.add(p.name), s.add(p.name, "a parameter"), dims(p.type, s);
      const kind = p.type && !p.type.dims ? p.type.name.name : undefined;
      if (kind && !KNOWN_KINDS.has(kind))
        out.push(diagnostic("DNN0208", p.type!.span, `unknown type \`${kind}\``, {
          hint: kind === "f32" || kind === "i32" ? `a tensor type has brackets: \`${kind}[]\` for a scalar, \`${kind}[n]\` for a vector` : "types are int, float, bool, string, fn, or a tensor type such as f32[B, 10]",
        }));
    }
  };
  const body = (b: A.Body, s: Scope, where: string) => {
    for (const l of b.lets) {
      expr(l.value, s);
      if (l.kind === "let") dims(l.type, s), declare(l.name, s, "DNN0413", where);
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
    const where = d.kind === "import" || d.kind === "train" ? "" : `${d.kind} ${d.name.name}`; // train blocks: below
    switch (d.kind) {
      case "fn":
      case "init":
        params(d.params, top, new Scope(mod), where);
        if (d.kind === "fn") reads(d.returns, top);
        body(d.body, top, where);
        break;
      case "layer":
        for (const span of d.extraForwards ?? [])
          out.push(diagnostic("DNN0407", span, `layer ${d.name.name} has more than one forward`, { related: d.forward ? [{ span: d.forward.span, message: "first forward here" }] : [] }));
        params(d.params, top, new Scope(mod), where);
        for (const it of d.items) {
          if (it.kind === "param") reads(it.type, top), expr(it.init, top), define(it.name, top, it.state ? "a state" : "a `param`", "DNN0413", where);
          else expr(it.value, top), dims(it.type, top), declare(it.name, top, "DNN0413", where);
        }
        if (d.forward) {
          const f = new Scope(top);
          params(d.forward.params, f, top, `the forward of ${where}`);
          reads(d.forward.returns, f);
          body(d.forward.body, f, `the forward of ${where}`);
        }
        finish(top);
        break;
      case "optimizer": {
        params(d.params, top, new Scope(mod), where);
        for (const st of d.states) (expr(st.value, top), define(st.name, top, "a state", "DNN0413", where));
        const u = new Scope(top);
        params(d.update.params, u, top, `the update of ${where}`);
        for (const st of d.update.statements) {
          expr(st.value, u);
          if (st.kind === "let") dims(st.type, u), declare(st.name, u, "DNN0413", `the update of ${where}`);
        }
        finish(u);
        break;
      }
      case "model":
        for (const it of d.items) {
          if (it.kind === "param") reads(it.type, top), expr(it.init, top), define(it.name, top, "a `param`", "DNN0407", where);
          else if (it.kind === "let") expr(it.value, top), dims(it.type, top), declare(it.name, top, "DNN0407", where);
          // An output's assignment refers to its declaration (`output y: …` then `y = …`).
          else if (it.kind === "assign") expr(it.value, top), top.hasOwn(it.name.name) ? use(it.name, top) : top.add(it.name);
          else dims(it.type, top), define(it.name, top, `an ${it.kind}`, "DNN0407", where);
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
    // Targets are inputs of the training step, beside the model's inputs: one namespace.
    const where = `train ${t.model.name}${t.program ? `.${t.program.name}` : ""}`;
    const outer = model && { scope: model, owner: `model ${t.model.name}` };
    for (const tg of t.targets) define(tg.name, s, "a target", "DNN0412", where, outer), dims(tg.type, s);
    for (const l of t.lets) expr(l.value, s), dims(l.type, s), declare(l.name, s, "DNN0412", where, outer);
    for (const r of t.repeated ?? [])
      out.push(diagnostic("DNN0407", r.span, `\`${where}\` gives \`${r.name}\` twice`, { related: [{ span: r.first, message: "first declared here" }], hint: "keep one: only the first would be used" }));
    // Without its model the loss is not checked (DNN0105), so its lets would all look unused.
    if (model) {
      inLoss = true;
      expr(t.loss?.value, s);
      inLoss = false;
      expr(t.optimizer?.value, s), expr(t.clipNorm?.value, s), expr(t.trainable?.value, s), finish(s);
    }
  }
  for (const s of modelScopes.values()) finish(s);
  if (!recovered)
    for (const b of unused.sort((x, y) => x.name.span.start - y.name.span.start))
      if (!b.name.name.startsWith("_"))
        out.push(diagnostic("DNN0406", b.name.span, `\`${b.name.name}\` is never used`, { hint: `remove it, or rename it to \`_${b.name.name}\` to keep it` }));
  return { diagnostics: out, references };
}

// Literals written as in Python or C, and what .dnn writes instead.
const LITERAL_SPELLINGS: Record<string, string> = {
  true: "did you mean `true`? (`true` and `false` are written in lower case)",
  false: "did you mean `false`? (`true` and `false` are written in lower case)",
  none: "there is no `None`: leave the argument out to use its default",
  null: "there is no `null`: leave the argument out to use its default",
  nil: "there is no `nil`: leave the argument out to use its default",
};

/** The hint for an unknown name, most specific first: a literal spelled as in another language,
 * a close name in scope, a stdlib definition that was not imported, a train block's labels. */
function unknownNameHint(name: string, candidates: string[], mod: Module, ctx: BindContext, inLoss: boolean): { hint?: string; suggestion?: string } {
  const literal = LITERAL_SPELLINGS[name.toLowerCase()];
  if (literal && name !== name.toLowerCase()) return { hint: literal };
  // Any one-letter name is one edit from any other: in a loss, a short unknown name (`y`) is
  // far more often the labels never declared than a misspelled input (`x`).
  const alt = inLoss && name.length <= 2 ? undefined : didYouMean(name, candidates);
  if (alt) return { hint: `did you mean \`${alt}\`?`, suggestion: alt };
  const home = ctx.stdlibHome?.(name);
  if (home) return { hint: `\`${name}\` is in std.${home}: ${importAdding(mod, home, name)}` };
  if (inLoss) return { hint: `declare it in the train block, with its type: \`target ${name}: i32[B]\` for class indices, \`target ${name}: f32[B, …]\` for values` };
  return literal ? { hint: literal } : {};
}

/** "add `import std.layers.{Dense}`", or the file's own import of that module with the name added. */
function importAdding(mod: Module, home: string, name: string): string {
  const existing = mod.ast.decls.find((d): d is A.ImportDecl => d.kind === "import" && d.path.length === 2 && d.path[0]!.name === "std" && d.path[1]!.name === home);
  if (!existing) return `add \`import std.${home}.{${name}}\``;
  return `add it to the import: \`import std.${home}.{${[...existing.names.map((n) => n.name), name].join(", ")}}\``;
}
