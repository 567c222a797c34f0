// The fast path's reading of tokens, statements, parameters, types and expressions (decision
// 0021); fast-parse.ts reads declarations on top, as build-ast.ts does over build-expr.ts. Each
// method reads one rule of grammar/parser.ts and builds what the reference builder builds of it,
// property for property; where the reference would report anything, it throws GIVE_UP.
import type { IToken, TokenType } from "chevrotain";
import * as T from "../../grammar/tokens.ts";
import type * as A from "./ast.ts";
import type { SourceFile, Span } from "./source.ts";
import { unquote } from "./build-expr.ts";
import { MAX_EXPR_DEPTH, nestingDepth } from "./nesting.ts";
import { groupByPrecedence } from "./operators.ts";

export const GIVE_UP = new Error("the fast path gives up; the reference parser reads this file");

// Soft keywords are in the Identifier category: a name may be any of them.
export const NAMES = new Set<TokenType>([T.Identifier, ...T.keywords.filter((k) => !T.hardKeywords.includes(k))]);
const ARITH_OPS = new Set<TokenType>([T.Plus, T.Minus, T.Star, T.Slash, T.At]);
// What the `arith` rule can start with: an optional slice bound is there when one of these is.
const ARITH_FIRST = new Set<TokenType>([...NAMES, T.Minus, T.IntLiteral, T.FloatLiteral, T.StringLiteral, T.True, T.False, T.LParen, T.LBracket, T.If]);

export type Statement = A.LetDecl | A.AssignStmt;

export class FastExprParser {
  protected pos = 0;
  private readonly depths = new Map<A.Expr, number>(); // as build-expr.ts's: not a WeakMap
  constructor(protected readonly src: SourceFile, protected readonly tokens: IToken[]) {}

  // --- tokens --------------------------------------------------------------------------------

  protected la(k: number): TokenType | undefined {
    return this.tokens[this.pos + k - 1]?.tokenType;
  }

  protected at(type: TokenType): boolean {
    return this.tokens[this.pos]?.tokenType === type;
  }

  protected isName(k: number): boolean {
    const t = this.la(k);
    return t !== undefined && NAMES.has(t);
  }

  protected expect(type: TokenType): IToken {
    const t = this.tokens[this.pos];
    if (t?.tokenType !== type) throw GIVE_UP;
    this.pos++;
    return t;
  }

  /** The next token as an identifier, if it is one of `allowed`. */
  protected expectIdent(allowed: Set<TokenType> = NAMES): A.Ident {
    const t = this.tokens[this.pos];
    if (!t || !allowed.has(t.tokenType)) throw GIVE_UP;
    this.pos++;
    return { name: t.image, span: this.tokSpan(t) };
  }

  protected tokSpan(t: IToken): Span {
    return this.src.span(t.startOffset, t.endOffset! + 1);
  }

  /** What a rule read from token `from` on: the span of the reference's CST node. */
  protected spanFrom(from: number): Span {
    return this.src.span(this.tokens[from]!.startOffset, this.lastEnd());
  }

  private lastEnd(): number {
    return this.tokens[this.pos - 1]!.endOffset! + 1;
  }

  /** Whether only spaces and comments on one line lie between the last token read and the next. */
  private nextOnSameLine(): boolean {
    const text = this.src.text;
    const to = this.tokens[this.pos]!.startOffset;
    for (let i = this.lastEnd(); i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) return false;
    }
    return true;
  }

  /** Records the nesting depth of `e`, a node just made of measured children (leaves are depth 0,
   * as in the reference builder); past MAX_EXPR_DEPTH the reference reports DNN0005. Every node
   * with children is made through here, once, so no result needs measuring again. */
  private measured<E extends A.Expr>(e: E): E {
    const depth = nestingDepth(e, this.depths);
    if (depth > MAX_EXPR_DEPTH) throw GIVE_UP;
    if (depth > 0) this.depths.set(e, depth);
    return e;
  }

  // --- statements, parameters, types, bodies -------------------------------------------------

  /** `let` or an assignment (a name, then `=`). */
  protected statement(): Statement {
    if (this.at(T.Let)) return this.letDecl();
    if (!this.isName(1) || this.la(2) !== T.Equals) throw GIVE_UP;
    const from = this.pos;
    const name = this.expectIdent();
    this.pos++;
    return { kind: "assign", name, value: this.expr(), span: this.spanFrom(from) };
  }

  protected letDecl(): A.LetDecl {
    const from = this.pos;
    this.expect(T.Let);
    const name = this.expectIdent();
    const type = this.optional(T.Colon) ? this.type() : undefined;
    this.expect(T.Equals);
    const d: A.LetDecl = { kind: "let", name, value: this.expr(), span: this.spanFrom(from) };
    if (type) d.type = type;
    return d;
  }

  /** Reads `type` when it is next. */
  protected optional(type: TokenType): boolean {
    if (!this.at(type)) return false;
    this.pos++;
    return true;
  }

  protected paramList(): A.Parameter[] {
    this.expect(T.LParen);
    const params: A.Parameter[] = [];
    if (this.isName(1)) do params.push(this.parameter()); while (this.optional(T.Comma));
    this.expect(T.RParen);
    return params;
  }

  private parameter(): A.Parameter {
    const from = this.pos;
    const name = this.expectIdent();
    const type = this.optional(T.Colon) ? this.type() : undefined;
    const value = this.optional(T.Equals) ? this.expr() : undefined;
    const param: A.Parameter = { name, span: this.spanFrom(from) };
    if (type) param.type = type;
    if (value) param.default = value;
    return param;
  }

  protected type(): A.TypeRef {
    const from = this.pos;
    const name = this.at(T.Fn) ? this.expectIdent(FN) : this.expectIdent();
    if (!this.optional(T.LBracket)) return { name, span: this.spanFrom(from) };
    const dims: A.Dim[] = [];
    if (!this.at(T.RBracket)) do dims.push(this.dim()); while (this.optional(T.Comma));
    this.expect(T.RBracket);
    return { name, span: this.spanFrom(from), dims };
  }

  private dim(): A.Dim {
    const from = this.pos;
    if (this.optional(T.Ellipsis)) return { kind: "ellipsis", span: this.spanFrom(from) };
    const expr = this.arith();
    return { kind: "expr", expr, span: this.spanFrom(from) };
  }

  /** `= expr` or a block. */
  protected body(): A.Body {
    const from = this.pos;
    if (!this.optional(T.Equals)) return this.block();
    const value = this.expr();
    return { lets: [], value, span: this.spanFrom(from) };
  }

  /** `{ let …  x = …  expr }`. */
  private block(): A.Body {
    const from = this.pos;
    this.expect(T.LBrace);
    const lets: Statement[] = [];
    while (this.at(T.Let) || (this.isName(1) && this.la(2) === T.Equals)) lets.push(this.statement());
    const value = this.expr();
    this.expect(T.RBrace);
    return { lets, value, span: this.spanFrom(from) };
  }

  // --- expressions ---------------------------------------------------------------------------

  /** `arith |> arith …`. */
  protected expr(): A.Expr {
    let acc = this.arith();
    while (this.optional(T.Pipe)) {
      const stage = this.arith();
      acc = this.measured({ kind: "pipe", input: acc, stage, span: this.src.span(acc.span.start, Math.max(acc.span.end, stage.span.end)) });
    }
    return acc;
  }

  /** Operands and `+ - * / @` as a flat list, grouped by precedence as the reference does. */
  private arith(): A.Expr {
    const first = this.operand();
    if (!ARITH_OPS.has(this.la(1)!)) return first;
    const operands = [first];
    const ops: IToken[] = [];
    while (ARITH_OPS.has(this.la(1)!)) {
      ops.push(this.tokens[this.pos++]!);
      operands.push(this.operand());
    }
    return groupByPrecedence(operands, ops, (op, left, right) =>
      this.measured({ kind: "binary", op: op.image as A.BinaryOp, left, right, opSpan: this.tokSpan(op), span: this.src.span(left.span.start, Math.max(right.span.end, left.span.end)) }),
    );
  }

  /** Signs, a postfix and `^` exponents (each with its own signs): `-x ^ -y ^ z` = -(x ^ (-(y ^ z))). */
  private operand(): A.Expr {
    const signs = this.signs();
    const base = this.postfix();
    const carets: IToken[] = [];
    const exponents: { signs: IToken[]; operand: A.Expr }[] = [];
    while (this.at(T.Caret)) {
      carets.push(this.tokens[this.pos++]!);
      const s = this.signs();
      exponents.push({ signs: s, operand: this.postfix() });
    }
    if (signs.length === 0 && exponents.length === 0) return base;
    const end = this.lastEnd(); // the reference's spans reach the operand's last token (a `)` too)
    let acc: A.Expr | undefined;
    for (let i = exponents.length - 1; i >= 0; i--) {
      let operand = exponents[i]!.operand;
      if (acc) operand = this.measured({ kind: "binary", op: "^", left: operand, right: acc, opSpan: this.tokSpan(carets[i + 1]!), span: this.src.span(operand.span.start, Math.max(operand.span.end, end)) });
      acc = this.negated(operand, exponents[i]!.signs, end);
    }
    const value = acc ? this.measured({ kind: "binary", op: "^", left: base, right: acc, opSpan: this.tokSpan(carets[0]!), span: this.src.span(base.span.start, Math.max(base.span.end, end)) }) : base;
    return this.negated(value, signs, end);
  }

  private signs(): IToken[] {
    const out: IToken[] = [];
    while (this.at(T.Minus)) out.push(this.tokens[this.pos++]!);
    return out;
  }

  /** `e` under `signs`, the innermost (last) first. */
  private negated(e: A.Expr, signs: IToken[], end: number): A.Expr {
    for (let j = signs.length - 1; j >= 0; j--) {
      const start = signs[j]!.startOffset;
      e = this.measured({ kind: "unary", op: "-", operand: e, span: this.src.span(start, Math.max(e.span.end, end)) });
    }
    return e;
  }

  /** An atom and its suffixes; `(` and `[` continue it only on the same line, `.` anywhere. */
  private postfix(): A.Expr {
    let acc = this.atom();
    for (;;) {
      const t = this.la(1);
      if (t !== T.Dot && !((t === T.LParen || t === T.LBracket) && this.nextOnSameLine())) return acc;
      const target = acc;
      const suffix: A.Expr =
        t === T.LParen ? { kind: "call", callee: target, args: this.args(), span: target.span }
        : t === T.LBracket ? { kind: "index", target, items: this.indexItems(), span: target.span }
        : { kind: "member", target, name: (this.pos++, this.expectIdent()), span: target.span };
      suffix.span = this.src.span(target.span.start, Math.max(target.span.end, this.lastEnd()));
      acc = this.measured(suffix);
    }
  }

  private atom(): A.Expr {
    const t = this.tokens[this.pos];
    if (!t) throw GIVE_UP;
    switch (t.tokenType) {
      case T.IntLiteral: case T.FloatLiteral:
        this.pos++;
        return { kind: "number", value: Number(t.image), isInt: t.tokenType === T.IntLiteral, span: this.tokSpan(t) };
      case T.StringLiteral:
        this.pos++;
        return { kind: "string", value: unquote(t.image), span: this.tokSpan(t) };
      case T.True: case T.False:
        this.pos++;
        return { kind: "bool", value: t.tokenType === T.True, span: this.tokSpan(t) };
      case T.LParen: {
        this.pos++;
        const inner = this.expr();
        this.expect(T.RParen);
        return inner;
      }
      case T.LBracket: {
        const from = this.pos++;
        const elements: A.Expr[] = [];
        if (!this.at(T.RBracket)) do elements.push(this.expr()); while (this.optional(T.Comma));
        this.expect(T.RBracket);
        return this.measured({ kind: "array", elements, span: this.spanFrom(from) });
      }
      case T.If: return this.ifExpr();
      default:
        if (!NAMES.has(t.tokenType)) throw GIVE_UP;
        this.pos++;
        return { kind: "name", name: t.image, span: this.tokSpan(t) };
    }
  }

  private args(): A.Arg[] {
    this.expect(T.LParen);
    const args: A.Arg[] = [];
    if (!this.at(T.RParen))
      do {
        const from = this.pos;
        let name: A.Ident | undefined;
        if (this.isName(1) && (this.la(2) === T.Colon || this.la(2) === T.Equals)) {
          if (this.la(2) === T.Equals) throw GIVE_UP; // `f(a = 1)`: the reference names the mistake
          name = this.expectIdent();
          this.pos++;
        }
        const arg: A.Arg = { value: this.expr(), span: this.spanFrom(from) };
        if (name) arg.name = name;
        args.push(arg);
      } while (this.optional(T.Comma));
    this.expect(T.RParen);
    return args;
  }

  private indexItems(): A.IndexItem[] {
    this.expect(T.LBracket);
    const items: A.IndexItem[] = [];
    do items.push(this.indexItem()); while (this.optional(T.Comma));
    this.expect(T.RBracket);
    return items;
  }

  /** `i`, `...`, or a slice `a:b:s` whose three parts may each be left out. */
  private indexItem(): A.IndexItem {
    const from = this.pos;
    if (this.optional(T.Ellipsis)) return { kind: "ellipsis", span: this.spanFrom(from) };
    const start = this.at(T.Colon) ? undefined : this.arith();
    if (start && !this.at(T.Colon)) return { kind: "at", index: start, span: this.spanFrom(from) };
    this.pos++;
    const end = ARITH_FIRST.has(this.la(1)!) ? this.arith() : undefined;
    const step = this.optional(T.Colon) && ARITH_FIRST.has(this.la(1)!) ? this.arith() : undefined;
    const slice: A.IndexItem = { kind: "slice", span: this.spanFrom(from) };
    if (start) slice.start = start;
    if (end) slice.end = end;
    if (step) slice.step = step;
    return slice;
  }

  /** `if c {…} else if d {…} else {…}`: a loop, nested from the right as the reference does. */
  private ifExpr(): A.Expr {
    const from = this.pos;
    const ifs = [this.expect(T.If)];
    const conds = [this.expr()];
    const thens = [this.block()];
    while (this.at(T.Else) && this.la(2) === T.If) {
      this.pos++;
      ifs.push(this.expect(T.If));
      conds.push(this.expr());
      thens.push(this.block());
    }
    this.expect(T.Else);
    let otherwise = this.block();
    const end = this.lastEnd();
    for (let i = conds.length - 1; ; i--) {
      const start = ifs[i]!.startOffset;
      const span = i === 0 ? this.spanFrom(from) : this.src.span(start, Math.max(start, end));
      const e = this.measured({ kind: "if", cond: conds[i]!, then: thens[i]!, else: otherwise, span } as A.Expr);
      if (i === 0) return e;
      otherwise = { lets: [], value: e, span };
    }
  }
}

const FN = new Set<TokenType>([T.Fn]);
