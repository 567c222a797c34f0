// The syntactic grammar of .dnn: chevrotain rules that build a concrete syntax tree (CST) — the
// expressions here, and the parser itself; the declarations and statements before them in
// grammar/declarations.ts. Rules carry no actions; src/syntax/build-ast.ts turns the CST into the AST. Keeping the
// grammar free of actions is what lets grammar/generate.ts print it as EBNF and diagrams.
// This is the reference reading of the language. parse() first tries a hand-written fast path
// (src/syntax/fast-parse.ts, decision 0021) that must read every rule here the same way: a rule
// changed here is changed there, or the fast path gives up on it (test/syntax/fast-parse.test.ts).
import type { CstNode, IOrAlt, IRecognitionException, IToken } from "chevrotain";
import { DeclarationRules } from "./declarations.ts";
import * as T from "./tokens.ts";

// `true` in the built package (scripts/build.mjs defines it); undeclared when run from the sources.
declare const DNNC_BUILT: boolean;
/** Whether chevrotain's checks of the grammar (the lexer's patterns; the parser's ambiguous
 * alternatives, left recursion) are skipped: they run from the sources, so in every test and
 * grammar edit, and the built command skips them — most of building the lexer and the parser
 * at each start (docs/performance.md). */
export const SKIP_GRAMMAR_CHECKS = typeof DNNC_BUILT !== "undefined" && DNNC_BUILT;

export class DnnParser extends DeclarationRules {
  constructor() {
    // Only offsets: the AST builder reads nothing else of a node's location, and tracking lines
    // and columns too was a tenth of parsing a long file.
    // Two tokens decide every alternative (chevrotain's validation, run from the sources, says
    // so); each token more made building the parser's lookahead functions slower.
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 2, nodeLocationTracking: "onlyOffset", skipValidations: SKIP_GRAMMAR_CHECKS });
    this.performSelfAnalysis();
  }

  /** The text the tokens were read from (set with `input`): tokens carry offsets only, so a
   * line break between two tokens is looked for in the text between them. */
  text = "";

  /** Whether nothing but spaces and comments on one line stands between `a` and `b`; false for
   * a token recovery inserted or the file's end (no offsets), as `startLine === endLine` was. */
  private onOneLine(a: IToken, b: IToken): boolean {
    const from = a.endOffset, to = b.startOffset;
    if (from === undefined || !Number.isFinite(from) || !Number.isFinite(to)) return false;
    for (let i = from + 1; i < to; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 10 || c === 13) return false; // chevrotain's line terminators: \n, \r, \r\n
    }
    return true;
  }

  // The functions and alternatives that rules called once per operand hand to chevrotain are
  // built once, like postfix's below, not on every call: under tsx each closure is also given its
  // name at run time, and a 20,000-line model made over half a million of them (a tenth of
  // checking it).
  private pipeStages?: () => void;
  private arithTail?: () => void;
  private arithOps?: IOrAlt<unknown>[];
  private operandSigns?: () => void;
  private atomAlts?: IOrAlt<unknown>[];
  private powerTail?: () => void;
  private exponentSigns?: () => void;
  private postfixSuffixes?: { GATE: () => boolean; DEF: () => void };
  private postfixSuffixAlts?: IOrAlt<unknown>[];

  expr = this.RULE("expr", () => {
    this.SUBRULE(this.arith, { LABEL: "head" });
    this.MANY((this.pipeStages ??= () => {
      this.CONSUME(T.Pipe);
      this.SUBRULE2(this.arith, { LABEL: "stages" });
    }));
  });

  // `a + b * c - d`: operands and operators as one flat list; src/syntax/build-ast.ts groups them
  // by precedence (`*`, `/`, `@` bind tighter than `+`, `-`; both left-associative). One rule per
  // precedence level made four nested CST nodes per operand: half of parsing a long file, and
  // most of its memory (decision 0010).
  arith = this.RULE("arith", () => {
    this.SUBRULE(this.operand, { LABEL: "operands" });
    this.MANY((this.arithTail ??= () => {
      this.OR((this.arithOps ??= [
        { ALT: () => this.CONSUME(T.Plus, { LABEL: "ops" }) },
        { ALT: () => this.CONSUME(T.Minus, { LABEL: "ops" }) },
        { ALT: () => this.CONSUME(T.Star, { LABEL: "ops" }) },
        { ALT: () => this.CONSUME(T.Slash, { LABEL: "ops" }) },
        { ALT: () => this.CONSUME(T.At, { LABEL: "ops" }) },
      ]));
      this.SUBRULE2(this.operand, { LABEL: "operands" });
    }));
  });

  // Signs and exponents are loops, not recursion: chevrotain's rules recurse on the JS stack, and
  // a program may stack thousands of minus signs or exponents (`a ^ b ^ c ^ …`).
  // `^` binds tighter than unary minus on its left and is right-associative: -x^2^3 = -(x^(2^3)).
  // Each exponent may carry its own signs: x ^ -y ^ z = x ^ (-(y ^ z)).
  operand = this.RULE("operand", () => {
    this.MANY((this.operandSigns ??= () => this.CONSUME(T.Minus, { LABEL: "signs" })));
    this.SUBRULE(this.postfix, { LABEL: "base" });
    this.MANY2((this.powerTail ??= () => {
      this.CONSUME(T.Caret);
      this.SUBRULE(this.exponent, { LABEL: "exponents" });
    }));
  });

  exponent = this.RULE("exponent", () => {
    this.MANY((this.exponentSigns ??= () => this.CONSUME(T.Minus, { LABEL: "signs" })));
    this.SUBRULE(this.postfix, { LABEL: "operand" });
  });

  // An atom and its suffixes. A `(` or `[` on a new line starts a new expression rather than
  // calling or indexing the previous one: the grammar has no statement separators, so line
  // breaks decide. The atoms are alternatives of this rule, not a rule of their own: one CST node
  // fewer for every operand. Its alternatives are built once, not on every call (chevrotain's
  // performance guide; measured ~35% off parsing by bench/check-speed.ts).
  postfix = this.RULE("postfix", () => {
    this.OR((this.atomAlts ??= [
      { ALT: () => this.CONSUME(T.IntLiteral) },
      { ALT: () => this.CONSUME(T.FloatLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Identifier) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expr);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.arrayLiteral) },
      { ALT: () => this.SUBRULE(this.ifExpr) },
    ]));
    this.MANY((this.postfixSuffixes ??= {
      GATE: () => this.LA(1).tokenType === T.Dot || this.onOneLine(this.LA(0), this.LA(1)),
      DEF: () =>
      this.OR2((this.postfixSuffixAlts ??= [
        { ALT: () => this.SUBRULE(this.callSuffix, { LABEL: "suffixes" }) },
        { ALT: () => this.SUBRULE(this.indexSuffix, { LABEL: "suffixes" }) },
        { ALT: () => this.SUBRULE(this.memberSuffix, { LABEL: "suffixes" }) },
      ])),
    }));
  });

  callSuffix = this.RULE("callSuffix", () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.argument) });
    this.CONSUME(T.RParen);
  });

  // `name = value` is accepted here only to report it as one clear mistake (DNN0002) instead of
  // a cascade: Python habits are common, and the intent is unambiguous.
  argument = this.RULE("argument", () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: "name" });
      this.OR([{ ALT: () => this.CONSUME(T.Colon) }, { ALT: () => this.CONSUME(T.Equals, { LABEL: "wrongEquals" }) }]);
    });
    this.SUBRULE(this.expr, { LABEL: "value" });
  });

  indexSuffix = this.RULE("indexSuffix", () => {
    this.CONSUME(T.LBracket);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.indexItem) });
    this.CONSUME(T.RBracket);
  });

  // i, a:b, :b, a:, :, ..., and a step after a second colon: a:b:s, ::-1, a::2
  indexItem = this.RULE("indexItem", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Ellipsis) },
      {
        ALT: () => {
          this.CONSUME(T.Colon, { LABEL: "colon" });
          this.OPTION(() => this.SUBRULE(this.arith, { LABEL: "end" }));
          this.OPTION4(() => {
            this.CONSUME3(T.Colon, { LABEL: "stepColon" });
            this.OPTION5(() => this.SUBRULE4(this.arith, { LABEL: "step" }));
          });
        },
      },
      {
        ALT: () => {
          this.SUBRULE2(this.arith, { LABEL: "start" });
          this.OPTION2(() => {
            this.CONSUME2(T.Colon, { LABEL: "colon" });
            this.OPTION3(() => this.SUBRULE3(this.arith, { LABEL: "end" }));
            this.OPTION6(() => {
              this.CONSUME4(T.Colon, { LABEL: "stepColon" });
              this.OPTION7(() => this.SUBRULE5(this.arith, { LABEL: "step" }));
            });
          });
        },
      },
    ]);
  });

  memberSuffix = this.RULE("memberSuffix", () => {
    this.CONSUME(T.Dot);
    this.CONSUME(T.Identifier, { LABEL: "name" });
  });

  // `if c { … } else { … }`: c is known at compile time (a bool argument, `training`), and
  // only the branch taken is checked, so the branches may give different shapes.
  ifExpr = this.RULE("ifExpr", () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expr, { LABEL: "conds" });
    this.SUBRULE(this.block, { LABEL: "thens" });
    // `else if` chains are a loop here (not a nested ifExpr) so a long chain cannot exhaust the stack.
    this.MANY({
      GATE: () => this.LA(2).tokenType === T.If,
      DEF: () => {
        this.CONSUME(T.Else, { LABEL: "elseIfs" });
        this.CONSUME2(T.If);
        this.SUBRULE2(this.expr, { LABEL: "conds" });
        this.SUBRULE2(this.block, { LABEL: "thens" });
      },
    });
    this.CONSUME2(T.Else);
    this.SUBRULE3(this.block, { LABEL: "else" });
  });

  block = this.RULE("block", () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.letDecl) }, { ALT: () => this.SUBRULE(this.assignStmt) }]));
    this.SUBRULE(this.expr, { LABEL: "value" });
    this.CONSUME(T.RBrace);
  });

  arrayLiteral = this.RULE("arrayLiteral", () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expr, { LABEL: "elements" }) });
    this.CONSUME(T.RBracket);
  });
}

export type { CstNode, IRecognitionException };
