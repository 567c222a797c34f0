// CST → AST, declarations: files, imports, models, layers, functions, train blocks, on top of
// build-expr.ts's accessors and expressions. The CST may be partial after error recovery; every
// accessor tolerates that and yields `error` nodes instead.
import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import { ExprBuilder, isToken, type Children } from "./build-expr.ts";

export class AstBuilder extends ExprBuilder {
  file(root: CstNode | undefined): A.Decl[] {
    if (!root) return [];
    const decls: A.Decl[] = [];
    for (const d of this.nodes(root.children, "declaration")) {
      const inner = Object.values(d.children)[0]?.[0];
      if (!inner || isToken(inner)) continue;
      const decl = this.declaration(inner);
      if (decl) decls.push(decl);
    }
    return decls;
  }

  private declaration(n: CstNode): A.Decl | undefined {
    switch (n.name) {
      case "importDecl": return this.importDecl(n);
      case "modelDecl": return this.modelDecl(n);
      case "layerDecl": return this.layerDecl(n);
      case "fnDecl": return this.fnDecl(n);
      case "initDecl": return this.initDecl(n);
      case "optimizerDecl": return this.optimizerDecl(n);
      case "trainDecl": return this.trainDecl(n);
      default: return undefined;
    }
  }

  private importDecl(n: CstNode): A.ImportDecl {
    const c = n.children;
    const path = this.nodes(c, "path")
      .map((seg) => Object.values(seg.children).flat().find((e): e is IToken => isToken(e) && !e.isInsertedInRecovery))
      .filter((t): t is IToken => t !== undefined)
      .map((t) => ({ name: t.image, span: this.tokSpan(t) }));
    const names = (c.names ?? []).filter(isToken).filter((t) => !t.isInsertedInRecovery).map((t) => ({ name: t.image, span: this.tokSpan(t) }));
    if (!c.LBrace && !c.wildcard && path.length > 1) {
      const last = path.pop()!;
      const module = path.map((p) => p.name).join(".");
      this.diagnostics.push(diagnostic("DNN0002", last.span, `the names an import brings in go in braces`, { hint: `write \`import ${module}.{${last.name}}\`` }));
      names.push(last);
    }
    const wildcard = this.tok(c, "wildcard");
    const d: A.ImportDecl = { kind: "import", path, names, span: this.nodeSpan(n) };
    if (wildcard) d.wildcard = this.tokSpan(wildcard);
    return d;
  }

  private modelDecl(n: CstNode): A.ModelDecl {
    const items: A.ModelItem[] = [];
    for (const [key, list] of Object.entries(n.children)) {
      for (const e of list ?? []) {
        if (isToken(e)) continue;
        if (key === "outputDecl" && e.children.value) items.push(...this.outputWithValue(e));
        else if (key === "inputDecl" || key === "outputDecl") items.push(this.ioDecl(e, key === "inputDecl" ? "input" : "output"));
        else if (key === "paramDecl") items.push(this.paramDecl(e));
        else if (key === "letDecl") items.push(this.letDecl(e));
        else if (key === "assignStmt") items.push(this.assignStmt(e));
      }
    }
    items.sort((a, b) => a.span.start - b.span.start);
    return { kind: "model", name: this.ident(n.children, "name", n), items, span: this.nodeSpan(n) };
  }

  private ioDecl(n: CstNode, kind: A.InputDecl["kind"]): A.InputDecl {
    return { kind, name: this.ident(n.children, "name", n), type: this.type(this.node(n.children, "type"), n), span: this.nodeSpan(n) };
  }

  /** `output y: f32[B, 10] = v`, written as a `let` with a type would be: one error saying
   * how outputs are written, and read as the declaration and assignment it means, so nothing
   * else is reported (the output is not "never assigned"). */
  private outputWithValue(n: CstNode): A.ModelItem[] {
    const c = n.children;
    const decl = this.ioDecl(n, "output");
    const value = this.expr(this.node(c, "value"), n);
    const equals = this.tok(c, "Equals") ?? { startOffset: value.span.start };
    const type = this.src.text.slice(decl.type.span.start, decl.type.span.end);
    const name = decl.name.name;
    this.diagnostics.push(diagnostic("DNN0420", this.src.span(equals.startOffset, value.span.end), `an output is declared, then assigned: \`output ${name}\` cannot take a value in its declaration`, {
      hint: `declare it as \`output ${name}: ${type}\` and assign it on a line of its own: \`${name} = …\``,
    }));
    decl.span = this.src.span(decl.span.start, decl.type.span.end);
    return [decl, { kind: "assign", name: { ...decl.name }, value, span: this.src.span(equals.startOffset, value.span.end) }];
  }

  private paramDecl(n: CstNode): A.ParamDecl {
    const c = n.children;
    const init = this.node(c, "init");
    const d: A.ParamDecl = { kind: "param", state: this.tok(c, "keyword")?.image === "state", name: this.ident(c, "name", n), type: this.type(this.node(c, "type"), n), span: this.nodeSpan(n) };
    if (init) d.init = this.expr(init);
    return d;
  }

  protected letDecl(n: CstNode): A.LetDecl {
    const c = n.children;
    const t = this.node(c, "type");
    const d: A.LetDecl = { kind: "let", name: this.ident(c, "name", n), value: this.expr(this.node(c, "value"), n), span: this.nodeSpan(n) };
    if (t) d.type = this.type(t, n);
    return d;
  }

  protected assignStmt(n: CstNode): A.AssignStmt {
    const c = n.children;
    return { kind: "assign", name: this.ident(c, "name", n), value: this.expr(this.node(c, "value"), n), span: this.nodeSpan(n) };
  }

  private layerDecl(n: CstNode): A.LayerDecl {
    const c = n.children;
    const items: (A.ParamDecl | A.LetDecl)[] = [
      ...this.nodes(c, "paramDecl").map((p) => this.paramDecl(p)),
      ...this.nodes(c, "letDecl").map((l) => this.letDecl(l)),
    ].sort((a, b) => a.span.start - b.span.start);
    const d: A.LayerDecl = { kind: "layer", name: this.ident(c, "name", n), params: this.paramList(this.node(c, "paramList")), items, span: this.nodeSpan(n) };
    const f = this.node(c, "forwardDecl");
    const more = this.nodes(c, "forwardDecl").slice(1);
    if (more.length) d.extraForwards = more.map((x) => this.nodeSpan(x));
    if (f) {
      const fc = f.children;
      const fwd: A.ForwardDecl = { kind: "forward", params: this.paramList(this.node(fc, "paramList")), body: this.body(this.node(fc, "body"), f), span: this.nodeSpan(f) };
      const r = this.node(fc, "returns");
      if (r) fwd.returns = this.type(r, f);
      d.forward = fwd;
    }
    return d;
  }

  private fnDecl(n: CstNode): A.FnDecl {
    const c = n.children;
    const d: A.FnDecl = { kind: "fn", name: this.ident(c, "name", n), params: this.paramList(this.node(c, "paramList")), body: this.body(this.node(c, "body"), n), span: this.nodeSpan(n) };
    const r = this.node(c, "returns");
    if (r) d.returns = this.type(r, n);
    return d;
  }

  private initDecl(n: CstNode): A.InitDecl {
    const c = n.children;
    return { kind: "init", name: this.ident(c, "name", n), params: this.paramList(this.node(c, "paramList")), body: this.body(this.node(c, "body"), n), span: this.nodeSpan(n) };
  }

  private optimizerDecl(n: CstNode): A.OptimizerDecl {
    const c = n.children;
    const states = this.nodes(c, "stateDecl").map((s) => ({
      name: this.ident(s.children, "name", s),
      value: this.expr(this.node(s.children, "value"), s),
      span: this.nodeSpan(s),
    }));
    const u = this.node(c, "updateDecl");
    const statements: (A.LetDecl | A.AssignStmt)[] = u
      ? [...this.nodes(u.children, "letDecl").map((l) => this.letDecl(l)), ...this.nodes(u.children, "assignStmt").map((a) => this.assignStmt(a))].sort((a, b) => a.span.start - b.span.start)
      : [];
    return {
      kind: "optimizer",
      name: this.ident(c, "name", n),
      params: this.paramList(this.node(c, "paramList")),
      states,
      update: { params: this.paramList(u && this.node(u.children, "paramList")), statements, span: this.nodeSpan(u ?? n) },
      span: this.nodeSpan(n),
    };
  }

  private trainDecl(n: CstNode): A.TrainDecl {
    const c = n.children;
    const d: A.TrainDecl = {
      kind: "train",
      model: this.ident(c, "name", n),
      ...(c.program ? { program: this.ident(c, "program", n) } : {}),
      targets: this.nodes(c, "targetDecl").map((t) => this.ioDecl(t, "target")),
      lets: this.nodes(c, "letDecl").map((l) => this.letDecl(l)),
      span: this.nodeSpan(n),
    };
    const loss = this.node(c, "lossDecl");
    if (loss) d.loss = { value: this.expr(this.node(loss.children, "value"), loss), span: this.nodeSpan(loss) };
    const opt = this.node(c, "optimizerAssign");
    if (opt) d.optimizer = { value: this.expr(this.node(opt.children, "value"), opt), span: this.nodeSpan(opt) };
    const clip = this.node(c, "clipNormDecl");
    if (clip) d.clipNorm = { value: this.expr(this.node(clip.children, "value"), clip), span: this.nodeSpan(clip) };
    const trainable = this.node(c, "trainableDecl");
    if (trainable) d.trainable = { value: this.expr(this.node(trainable.children, "value"), trainable), span: this.nodeSpan(trainable) };
    const repeated: NonNullable<A.TrainDecl["repeated"]> = [];
    for (const [rule, name] of TRAIN_VALUE_ITEMS) {
      const [first, ...more] = this.nodes(c, rule);
      for (const m of more) repeated.push({ name, span: this.nodeSpan(m), first: this.nodeSpan(first) });
    }
    if (repeated.length) d.repeated = repeated.sort((a, b) => a.span.start - b.span.start);
    return d;
  }


  private paramList(n: CstNode | undefined): A.Parameter[] {
    if (!n) return [];
    return this.nodes(n.children, "parameter").map((p) => {
      const c = p.children;
      const param: A.Parameter = { name: this.ident(c, "name", p), span: this.nodeSpan(p) };
      const t = this.node(c, "type");
      if (t) param.type = this.type(t, p);
      const d = this.node(c, "default");
      if (d) param.default = this.expr(d);
      return param;
    });
  }

  private type(n: CstNode | undefined, owner: CstNode): A.TypeRef {
    if (!n) return { name: { name: "", span: this.nodeSpan(owner) }, span: this.nodeSpan(owner) };
    const c = n.children;
    const t: A.TypeRef = { name: this.ident(c, "name", n), span: this.nodeSpan(n) };
    if (c.LBracket) {
      t.dims = this.nodes(c, "dim").map((d) => {
        const e = this.tok(d.children, "Ellipsis");
        if (e) return { kind: "ellipsis", span: this.tokSpan(e) };
        return { kind: "expr", expr: this.expr(this.node(d.children, "arith"), d), span: this.nodeSpan(d) };
      });
    }
    return t;
  }
}

/** A train block's `name = value` items: the rule of each, and its name as written. */
const TRAIN_VALUE_ITEMS = [["lossDecl", "loss"], ["optimizerAssign", "optimizer"], ["clipNormDecl", "clip_norm"], ["trainableDecl", "trainable"]] as const;
