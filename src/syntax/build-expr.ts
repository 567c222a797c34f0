// CST → AST, expressions: the shared accessors over a partial CST (error recovery leaves missing
// children and tokens inserted with NaN offsets; every accessor tolerates them) and the
// expression builder, with its nesting-depth guard. build-ast.ts builds declarations (and the
// statements a block holds) on top.
import type { CstNode, IToken, CstElement } from "chevrotain";
import type * as A from "./ast.ts";
import type { SourceFile, Span } from "./source.ts";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { MAX_EXPR_DEPTH, nestingDepth } from "./nesting.ts";
import { groupByPrecedence } from "./operators.ts";

export type Children = Record<string, CstElement[] | undefined>;

export const isToken = (e: CstElement): e is IToken => (e as IToken).image !== undefined;

export abstract class ExprBuilder {
  /** Mistakes the grammar accepts on purpose so it can name them (see the argument rule). */
  readonly diagnostics: Diagnostic[] = [];
  /** The nesting depth of each expression built so far (see nestingDepth). */
  private readonly depths = new Map<A.Expr, number>(); // not a WeakMap: those cost the garbage collector dearly
  private reportedDepth = false;
  constructor(protected readonly src: SourceFile) {}

  protected tokSpan(t: IToken): Span {
    const start = Number.isFinite(t.startOffset) ? t.startOffset : 0;
    const end = Number.isFinite(t.endOffset) ? (t.endOffset as number) + 1 : start;
    return this.src.span(start, Math.max(start, end));
  }

  protected nodeSpan(n: CstNode | undefined): Span {
    const loc = n?.location;
    if (!loc || !Number.isFinite(loc.startOffset)) return this.src.span(0, 0);
    const end = Number.isFinite(loc.endOffset) ? (loc.endOffset as number) + 1 : loc.startOffset;
    return this.src.span(loc.startOffset, Math.max(loc.startOffset, end));
  }

  protected tok(c: Children, key: string, i = 0): IToken | undefined {
    const e = c[key]?.[i];
    return e && isToken(e) && !e.isInsertedInRecovery ? e : undefined;
  }

  protected node(c: Children, key: string, i = 0): CstNode | undefined {
    const e = c[key]?.[i];
    return e && !isToken(e) ? e : undefined;
  }

  protected toks(c: Children, key: string): IToken[] {
    return (c[key] ?? []).filter((e): e is IToken => isToken(e) && !e.isInsertedInRecovery);
  }

  protected nodes(c: Children, key: string): CstNode[] {
    return (c[key] ?? []).filter((e): e is CstNode => !isToken(e));
  }

  protected ident(c: Children, key: string, owner: CstNode, i = 0): A.Ident {
    const t = this.tok(c, key, i);
    return t ? { name: t.image, span: this.tokSpan(t) } : { name: "", span: this.nodeSpan(owner) };
  }

  /** The statements a block holds, built by the declarations' builder (build-ast.ts). */
  protected abstract letDecl(n: CstNode): A.LetDecl;
  protected abstract assignStmt(n: CstNode): A.AssignStmt;

  /** A block: its `let`s and assignments in source order, then its value. */
  protected body(n: CstNode | undefined, owner: CstNode): A.Body {
    if (!n) return { lets: [], value: { kind: "error", span: this.nodeSpan(owner) }, span: this.nodeSpan(owner) };
    const c = n.children;
    const lets = [...this.nodes(c, "letDecl").map((l) => this.letDecl(l)), ...this.nodes(c, "assignStmt").map((a) => this.assignStmt(a))].sort((a, b) => a.span.start - b.span.start);
    return { lets, value: this.expr(this.node(c, "value"), n), span: this.nodeSpan(n) };
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
    // Most expressions are one operand: every rule of the chain expr → arith → operand → postfix
    // holds just the next, and is passed through (the caller's expr() measures what comes back).
    const only = passThrough(n);
    if (only) return this.buildExpr(only, n);
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
        if (c.suffixes) for (const s of this.nodes(c, "suffixes")) acc = this.measured(this.suffix(acc, s));
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

/** The one child a node of the operand chain holds when it adds nothing to it: an `expr` without
 * pipe stages, an `arith` without operators, an `operand` without signs or exponents. */
function passThrough(n: CstNode): CstNode | undefined {
  const c = n.children;
  let only: CstElement[] | undefined;
  if (n.name === "expr") only = c.stages === undefined ? c.head : undefined;
  else if (n.name === "arith") only = c.ops === undefined ? c.operands : undefined;
  else if (n.name === "operand") only = c.signs === undefined && c.exponents === undefined ? c.base : undefined;
  const e = only?.length === 1 ? only[0] : undefined;
  return e && !isToken(e) ? e : undefined;
}

const ATOM_TOKENS = ["IntLiteral", "FloatLiteral", "StringLiteral", "True", "False", "Identifier"] as const;

export function unquote(image: string): string {
  return image.slice(1, -1).replace(/\\(.)/g, (_, ch: string) => (ch === "n" ? "\n" : ch === "t" ? "\t" : ch));
}
