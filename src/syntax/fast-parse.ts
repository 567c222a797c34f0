// The fast path of parsing (decision 0021): a recursive-descent reading of the grammar in
// grammar/parser.ts that builds the AST straight from the tokens — no parser to build, no CST,
// no second pass — for the files the reference parser (chevrotain and the CST → AST builder,
// src/syntax/build-ast.ts) reads without a diagnostic. It gives up at the first thing it does not
// expect: a syntax error, a mistake the grammar accepts only to name it (`f(a = 1)`, an import
// without braces, an output given a value), an expression nested past MAX_EXPR_DEPTH, or a soft
// keyword that could be a name or a keyword. parse() then asks the reference, which recovers and
// reports. Every node, span and property order equals the reference's:
// test/syntax/fast-parse.test.ts compares the two on every file we have and on random mutations.
import type { IToken, TokenType } from "chevrotain";
import * as T from "../../grammar/tokens.ts";
import type * as A from "./ast.ts";
import type { SourceFile, Span } from "./source.ts";
import { nestingCutoff } from "./nesting.ts";
import { FastExprParser, GIVE_UP, NAMES, type Statement } from "./fast-expr.ts";

/** The declarations in `tokens`, or undefined where the reference parser must read them. */
export function fastDecls(source: SourceFile, tokens: IToken[]): A.Decl[] | undefined {
  if (nestingCutoff(tokens) !== undefined) return undefined; // DNN0005, and the reference's cut-off
  try {
    return new FastParser(source, tokens).file();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

// A module path's segments may be any word (pathSegment).
const WORDS = new Set<TokenType>([...NAMES, ...T.hardKeywords]);

/** A train block's `name = value` items: the TrainDecl field each fills, and its name as written. */
const TRAIN_VALUE_ITEMS = new Map<TokenType, { field: "loss" | "optimizer" | "clipNorm" | "trainable"; name: NonNullable<A.TrainDecl["repeated"]>[number]["name"] }>([
  [T.Loss, { field: "loss", name: "loss" }],
  [T.Optimizer, { field: "optimizer", name: "optimizer" }],
  [T.ClipNorm, { field: "clipNorm", name: "clip_norm" }],
  [T.Trainable, { field: "trainable", name: "trainable" }],
]);

class FastParser extends FastExprParser {
  file(): A.Decl[] {
    const decls: A.Decl[] = [];
    while (this.pos < this.tokens.length) decls.push(this.declaration());
    return decls;
  }

  // --- declarations --------------------------------------------------------------------------

  private declaration(): A.Decl {
    switch (this.la(1)) {
      case T.Import: return this.importDecl();
      case T.Model: return this.modelDecl();
      case T.Layer: return this.layerDecl();
      case T.Fn: return this.fnDecl();
      case T.Init: return this.initDecl();
      case T.Optimizer: return this.optimizerDecl();
      case T.Train: return this.trainDecl();
      default: throw GIVE_UP;
    }
  }

  private importDecl(): A.ImportDecl {
    const from = this.pos;
    this.expect(T.Import);
    const path = [this.expectIdent(WORDS)];
    while (this.at(T.Dot) && WORDS.has(this.la(2)!)) {
      this.pos++;
      path.push(this.expectIdent(WORDS));
    }
    const names: A.Ident[] = [];
    let wildcard: Span | undefined;
    if (this.optional(T.Dot)) {
      if (this.at(T.Star)) wildcard = this.tokSpan(this.expect(T.Star));
      else {
        this.expect(T.LBrace);
        do names.push(this.expectIdent()); while (this.optional(T.Comma));
        this.expect(T.RBrace);
      }
    } else if (path.length > 1) throw GIVE_UP; // `import a.B`: the reference names the mistake
    const d: A.ImportDecl = { kind: "import", path, names, span: this.spanFrom(from) };
    if (wildcard) d.wildcard = wildcard;
    return d;
  }

  private modelDecl(): A.ModelDecl {
    const from = this.pos;
    this.expect(T.Model);
    const name = this.expectIdent();
    this.expect(T.LBrace);
    const items: A.ModelItem[] = [];
    while (!this.at(T.RBrace)) {
      const t = this.la(1);
      if (t === T.Input || t === T.Output || t === T.Param || t === T.State) {
        // `input = 1` could assign a variable named `input`: the reference decides.
        if (!this.isName(2)) throw GIVE_UP;
        if (t === T.Param || t === T.State) items.push(this.paramDecl());
        else items.push(this.ioDecl(t, t === T.Input ? "input" : "output"));
      } else items.push(this.statement());
    }
    this.pos++;
    return { kind: "model", name, items, span: this.spanFrom(from) };
  }

  private ioDecl(keyword: TokenType, kind: A.InputDecl["kind"]): A.InputDecl {
    const from = this.pos;
    this.expect(keyword);
    const name = this.expectIdent();
    this.expect(T.Colon);
    const type = this.type();
    if (kind === "output" && this.at(T.Equals)) throw GIVE_UP; // an output given a value: DNN0420
    return { kind, name, type, span: this.spanFrom(from) };
  }

  private paramDecl(): A.ParamDecl {
    const from = this.pos;
    const state = this.at(T.State);
    this.pos++;
    const name = this.expectIdent();
    this.expect(T.Colon);
    const type = this.type();
    const init = this.optional(T.Equals) ? this.expr() : undefined;
    const d: A.ParamDecl = { kind: "param", state, name, type, span: this.spanFrom(from) };
    if (init) d.init = init;
    return d;
  }

  private layerDecl(): A.LayerDecl {
    const from = this.pos;
    this.expect(T.Layer);
    const name = this.expectIdent();
    const params = this.at(T.LParen) ? this.paramList() : [];
    this.expect(T.LBrace);
    const items: (A.ParamDecl | A.LetDecl)[] = [];
    const forwards: A.ForwardDecl[] = [];
    while (!this.at(T.RBrace)) {
      const t = this.la(1);
      if (t === T.Param || t === T.State) {
        if (!this.isName(2)) throw GIVE_UP;
        items.push(this.paramDecl());
      } else if (t === T.Let) items.push(this.letDecl());
      else if (t === T.Forward) forwards.push(this.forwardDecl());
      else throw GIVE_UP;
    }
    this.pos++;
    const d: A.LayerDecl = { kind: "layer", name, params, items, span: this.spanFrom(from) };
    if (forwards.length > 1) d.extraForwards = forwards.slice(1).map((f) => f.span);
    if (forwards.length > 0) d.forward = forwards[0];
    return d;
  }

  private forwardDecl(): A.ForwardDecl {
    const from = this.pos;
    this.expect(T.Forward);
    const params = this.paramList();
    const returns = this.returnType();
    const fwd: A.ForwardDecl = { kind: "forward", params, body: this.body(), span: this.spanFrom(from) };
    if (returns) fwd.returns = returns;
    return fwd;
  }

  private returnType(): A.TypeRef | undefined {
    return this.optional(T.Arrow) ? this.type() : undefined;
  }

  private fnDecl(): A.FnDecl {
    const from = this.pos;
    this.expect(T.Fn);
    const name = this.expectIdent();
    const params = this.paramList();
    const returns = this.returnType();
    const d: A.FnDecl = { kind: "fn", name, params, body: this.body(), span: this.spanFrom(from) };
    if (returns) d.returns = returns;
    return d;
  }

  private initDecl(): A.InitDecl {
    const from = this.pos;
    this.expect(T.Init);
    const name = this.expectIdent();
    const params = this.paramList();
    return { kind: "init", name, params, body: this.body(), span: this.spanFrom(from) };
  }

  private optimizerDecl(): A.OptimizerDecl {
    const from = this.pos;
    this.expect(T.Optimizer);
    const name = this.expectIdent();
    const params = this.paramList();
    this.expect(T.LBrace);
    const states: A.StateDecl[] = [];
    while (this.at(T.State)) {
      const s = this.pos++;
      const stateName = this.expectIdent();
      this.expect(T.Equals);
      states.push({ name: stateName, value: this.expr(), span: this.spanFrom(s) });
    }
    const u = this.pos;
    this.expect(T.Update);
    const updateParams = this.paramList();
    this.expect(T.LBrace);
    const statements: Statement[] = [];
    while (!this.at(T.RBrace)) statements.push(this.statement());
    this.pos++;
    const update = { params: updateParams, statements, span: this.spanFrom(u) };
    this.expect(T.RBrace);
    return { kind: "optimizer", name, params, states, update, span: this.spanFrom(from) };
  }

  private trainDecl(): A.TrainDecl {
    const from = this.pos;
    this.expect(T.Train);
    const model = this.expectIdent();
    let program: A.Ident | undefined;
    if (this.optional(T.Dot)) program = this.expectIdent();
    this.expect(T.LBrace);
    const targets: A.InputDecl[] = [];
    const lets: A.LetDecl[] = [];
    // Of each `x = …` item the first is read; the binder reports the others (DNN0407).
    const valued: Partial<Record<"loss" | "optimizer" | "clipNorm" | "trainable", { value: A.Expr; span: Span }>> = {};
    const repeated: NonNullable<A.TrainDecl["repeated"]> = [];
    while (!this.at(T.RBrace)) {
      const t = this.la(1);
      if (t === T.Target) {
        if (!this.isName(2)) throw GIVE_UP;
        targets.push(this.ioDecl(T.Target, "target"));
      } else if (t === T.Let) lets.push(this.letDecl());
      else {
        const which = TRAIN_VALUE_ITEMS.get(t!);
        if (!which) throw GIVE_UP;
        const s = this.pos++;
        this.expect(T.Equals);
        const item = { value: this.expr(), span: this.spanFrom(s) };
        const first = valued[which.field];
        if (first) repeated.push({ name: which.name, span: item.span, first: first.span });
        else valued[which.field] = item;
      }
    }
    this.pos++;
    const d: A.TrainDecl = { kind: "train", model, ...(program ? { program } : {}), targets, lets, span: this.spanFrom(from) };
    if (valued.loss) d.loss = valued.loss;
    if (valued.optimizer) d.optimizer = valued.optimizer;
    if (valued.clipNorm) d.clipNorm = valued.clipNorm;
    if (valued.trainable) d.trainable = valued.trainable;
    if (repeated.length) d.repeated = repeated;
    return d;
  }
}
