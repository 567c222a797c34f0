// CST → AST. The CST may be partial after error recovery (missing children, tokens inserted
// with NaN offsets); every accessor here tolerates that and yields `error` nodes instead.
import type { CstNode, IToken, CstElement } from "chevrotain";
import type * as A from "./ast.ts";
import type { SourceFile, Span } from "./source.ts";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { MAX_EXPR_DEPTH, nestingDepth } from "./nesting.ts";
import { groupByPrecedence } from "./operators.ts";

type Children = Record<string, CstElement[] | undefined>;

const isToken = (e: CstElement): e is IToken => (e as IToken).image !== undefined;

export class AstBuilder {
  /** Mistakes the grammar accepts on purpose so it can name them (see the argument rule). */
  readonly diagnostics: Diagnostic[] = [];
  /** The nesting depth of each expression built so far (see nestingDepth). */
  private readonly depths = new Map<A.Expr, number>(); // not a WeakMap: those cost the garbage collector dearly
  private reportedDepth = false;
  constructor(private readonly src: SourceFile) {}

  private tokSpan(t: IToken): Span {
    const start = Number.isFinite(t.startOffset) ? t.startOffset : 0;
    const end = Number.isFinite(t.endOffset) ? (t.endOffset as number) + 1 : start;
    return this.src.span(start, Math.max(start, end));
  }

  private nodeSpan(n: CstNode | undefined): Span {
    const loc = n?.location;
    if (!loc || !Number.isFinite(loc.startOffset)) return this.src.span(0, 0);
    const end = Number.isFinite(loc.endOffset) ? (loc.endOffset as number) + 1 : loc.startOffset;
    return this.src.span(loc.startOffset, Math.max(loc.startOffset, end));
  }

  private tok(c: Children, key: string, i = 0): IToken | undefined {
    const e = c[key]?.[i];
    return e && isToken(e) && !e.isInsertedInRecovery ? e : undefined;
  }

  private node(c: Children, key: string, i = 0): CstNode | undefined {
    const e = c[key]?.[i];
    return e && !isToken(e) ? e : undefined;
  }

  private toks(c: Children, key: string): IToken[] {
    return (c[key] ?? []).filter((e): e is IToken => isToken(e) && !e.isInsertedInRecovery);
  }

  private nodes(c: Children, key: string): CstNode[] {
    return (c[key] ?? []).filter((e): e is CstNode => !isToken(e));
  }

  private ident(c: Children, key: string, owner: CstNode, i = 0): A.Ident {
    const t = this.tok(c, key, i);
    return t ? { name: t.image, span: this.tokSpan(t) } : { name: "", span: this.nodeSpan(owner) };
  }

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

  private letDecl(n: CstNode): A.LetDecl {
    const c = n.children;
    const t = this.node(c, "type");
    const d: A.LetDecl = { kind: "let", name: this.ident(c, "name", n), value: this.expr(this.node(c, "value"), n), span: this.nodeSpan(n) };
    if (t) d.type = this.type(t, n);
    return d;
  }

  private assignStmt(n: CstNode): A.AssignStmt {
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
    return d;
  }

  private body(n: CstNode | undefined, owner: CstNode): A.Body {
    if (!n) return { lets: [], value: { kind: "error", span: this.nodeSpan(owner) }, span: this.nodeSpan(owner) };
    const c = n.children;
    const lets = [...this.nodes(c, "letDecl").map((l) => this.letDecl(l)), ...this.nodes(c, "assignStmt").map((a) => this.assignStmt(a))].sort((a, b) => a.span.start - b.span.start);
    return { lets, value: this.expr(this.node(c, "value"), n), span: this.nodeSpan(n) };
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

  /** An expression, or an `error` node with DNN0005 where it nests deeper than MAX_EXPR_DEPTH. */
  expr(n: CstNode | undefined, owner?: CstNode): A.Expr {
    const e = this.measured(this.buildExpr(n, owner));
    if ((this.depths.get(e) ?? 0) <= MAX_EXPR_DEPTH) return e;
    if (!this.reportedDepth) {
      this.reportedDepth = true;
      this.diagnostics.push(diagnostic("DNN0005", e.span, `expression nested too deeply (more than ${MAX_EXPR_DEPTH} levels of calls, indexing or \`else if\`)`, { hint: "split it with `let` bindings" }));
    }
    return { kind: "error", span: e.span };
  }

  /** Records `e`'s nesting depth; loops that build chains call it on every link. */
  private measured<T extends A.Expr>(e: T): T {
    const depth = nestingDepth(e, this.depths);
    if (depth > 0) this.depths.set(e, depth); // most nodes are leaves: absent means 0
    return e;
  }

  private buildExpr(n: CstNode | undefined, owner?: CstNode): A.Expr {
    if (!n) return { kind: "error", span: this.nodeSpan(owner) };
    const c = n.children;
    switch (n.name) {
      case "expr": {
        let acc = this.expr(this.node(c, "head"), n);
        for (const stage of this.nodes(c, "stages")) {
          const s = this.expr(stage);
          acc = this.measured({ kind: "pipe", input: acc, stage: s, span: this.src.span(acc.span.start, Math.max(acc.span.end, s.span.end)) });
        }
        return acc;
      }
      case "arith": return this.arith(n);
      case "operand": {
        // a ^ b ^ -c ^ d = a ^ (b ^ (-(c ^ d))): folded from the right, without recursion; then
        // the signs in front (`- - x`: a list, see the grammar), applied innermost first.
        const base = this.expr(this.node(c, "base"), n);
        const exponents = this.nodes(c, "exponents");
        const carets = this.toks(c, "Caret");
        const end = this.nodeSpan(n).end;
        let acc: A.Expr | undefined;
        for (let i = exponents.length - 1; i >= 0; i--) {
          const x = exponents[i]!;
          let operand = this.expr(this.node(x.children, "operand"), x);
          if (acc) operand = this.measured({ kind: "binary", op: "^", left: operand, right: acc, opSpan: carets[i + 1] ? this.tokSpan(carets[i + 1]!) : operand.span, span: this.src.span(operand.span.start, Math.max(operand.span.end, end)) });
          const signs = this.toks(x.children, "signs");
          for (let j = signs.length - 1; j >= 0; j--) operand = this.measured({ kind: "unary", op: "-", operand, span: this.src.span(this.tokSpan(signs[j]!).start, Math.max(operand.span.end, end)) });
          acc = operand;
        }
        const signs = this.toks(c, "signs");
        let value: A.Expr = acc ? this.measured({ kind: "binary", op: "^", left: base, right: acc, opSpan: carets[0] ? this.tokSpan(carets[0]) : base.span, span: this.src.span(base.span.start, Math.max(base.span.end, end)) }) : base;
        for (let i = signs.length - 1; i >= 0; i--) value = this.measured({ kind: "unary", op: "-", operand: value, span: this.src.span(this.tokSpan(signs[i]!).start, Math.max(value.span.end, end)) });
        return value;
      }
      case "postfix": {
        let acc = this.atom(n);
        for (const s of this.nodes(c, "suffixes")) acc = this.measured(this.suffix(acc, s));
        return acc;
      }
      case "ifExpr": {
        // `if a {…} else if b {…} else {…}`: the chain is a list (see the grammar), nested from the right.
        const conds = this.nodes(c, "conds");
        const thens = this.nodes(c, "thens");
        const ifs = this.toks(c, "If");
        const end = this.nodeSpan(n).end;
        let otherwise = this.body(this.node(c, "else"), n);
        for (let i = conds.length - 1; i >= 0; i--) {
          const start = ifs[i] ? this.tokSpan(ifs[i]!).start : this.nodeSpan(n).start;
          const span = i === 0 ? this.nodeSpan(n) : this.src.span(start, Math.max(start, end));
          const e: A.Expr = this.measured({ kind: "if", cond: this.expr(conds[i], n), then: this.body(thens[i], n), else: otherwise, span });
          if (i === 0) return e;
          otherwise = { lets: [], value: e, span };
        }
        return { kind: "error", span: this.nodeSpan(n) };
      }
      case "arrayLiteral":
        return { kind: "array", elements: this.nodes(c, "elements").map((e) => this.expr(e)), span: this.nodeSpan(n) };
      default:
        return { kind: "error", span: this.nodeSpan(n) };
    }
  }

  private arith(n: CstNode): A.Expr {
    const operands = this.nodes(n.children, "operands");
    const ops = (n.children.ops ?? []).filter(isToken);
    const exprs = [operands[0], ...ops.map((_, i) => operands[i + 1])].map((o) => this.expr(o, n));
    return groupByPrecedence(exprs, ops, (op, left, right) => this.binary(op, left, right));
  }

  private binary(op: IToken, left: A.Expr, right: A.Expr): A.Expr {
    return this.measured({ kind: "binary", op: op.image as A.BinaryOp, left, right, opSpan: this.tokSpan(op), span: this.src.span(left.span.start, Math.max(right.span.end, left.span.end)) });
  }

  private suffix(target: A.Expr, s: CstNode): A.Expr {
    const c = s.children;
    const span = this.src.span(target.span.start, Math.max(target.span.end, this.nodeSpan(s).end));
    if (s.name === "callSuffix") {
      const args = this.nodes(c, "argument").map((a): A.Arg => {
        const name = this.tok(a.children, "name");
        const arg: A.Arg = { value: this.expr(this.node(a.children, "value"), a), span: this.nodeSpan(a) };
        if (name) arg.name = { name: name.image, span: this.tokSpan(name) };
        const eq = this.tok(a.children, "wrongEquals");
        if (eq && name)
          this.diagnostics.push(diagnostic("DNN0002", this.tokSpan(eq), `named arguments are written \`${name.image}: value\`, not \`${name.image} = value\``, { hint: `write \`${name.image}: …\`` }));
        return arg;
      });
      return { kind: "call", callee: target, args, span };
    }
    if (s.name === "indexSuffix") {
      const items = this.nodes(c, "indexItem").map((it): A.IndexItem => {
        const ic = it.children;
        const sp = this.nodeSpan(it);
        if (ic.Ellipsis) return { kind: "ellipsis", span: sp };
        if (!ic.colon) return { kind: "at", index: this.expr(this.node(ic, "start"), it), span: sp };
        const slice: A.IndexItem = { kind: "slice", span: sp };
        // Each bound given (a:b:s), as an expression; an absent one stays absent.
        for (const bound of ["start", "end", "step"] as const) {
          const n = this.node(ic, bound);
          if (n) slice[bound] = this.expr(n);
        }
        return slice;
      });
      return { kind: "index", target, items, span };
    }
    return { kind: "member", target, name: this.ident(c, "name", s), span };
  }

  /** The atom a postfix node starts with; its span ends where the atom does, before any suffix. */
  private atom(n: CstNode): A.Expr {
    const c = n.children;
    // Keyed by the rule's alternative, not the token's type: soft keywords (`target`) are names.
    for (const key of ATOM_TOKENS) {
      const t = this.tok(c, key);
      if (!t) continue;
      const span = this.tokSpan(t);
      switch (key) {
        case "IntLiteral": return { kind: "number", value: Number(t.image), isInt: true, span };
        case "FloatLiteral": return { kind: "number", value: Number(t.image), isInt: false, span };
        case "StringLiteral": return { kind: "string", value: unquote(t.image), span };
        case "True": return { kind: "bool", value: true, span };
        case "False": return { kind: "bool", value: false, span };
        case "Identifier": return { kind: "name", name: t.image, span };
      }
    }
    const span = this.nodeSpan(n);
    const inner = this.node(c, "expr");
    if (inner) return this.expr(inner);
    const arr = this.node(c, "arrayLiteral") ?? this.node(c, "ifExpr");
    if (arr) return this.expr(arr);
    return { kind: "error", span };
  }
}

const ATOM_TOKENS = ["IntLiteral", "FloatLiteral", "StringLiteral", "True", "False", "Identifier"] as const;

function unquote(image: string): string {
  return image.slice(1, -1).replace(/\\(.)/g, (_, ch: string) => (ch === "n" ? "\n" : ch === "t" ? "\t" : ch));
}
