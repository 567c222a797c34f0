// The declarations and statements of the syntactic grammar of .dnn (grammar/parser.ts holds the
// expressions and builds the parser): chevrotain rules, without actions, in the order the EBNF
// and the diagrams print them. A class of its own so that neither half is longer than a sitting.
import { CstParser, type CstNode, type IOrAlt, type ParserMethod } from "chevrotain";
import * as T from "./tokens.ts";

export abstract class DeclarationRules extends CstParser {
  /** The expression rules, defined by DnnParser (parser.ts); rules only run after both halves exist. */
  abstract expr: ParserMethod<[], CstNode>;
  abstract arith: ParserMethod<[], CstNode>;

  file = this.RULE("file", () => {
    this.MANY(() => this.SUBRULE(this.declaration));
  });

  declaration = this.RULE("declaration", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.modelDecl) },
      { ALT: () => this.SUBRULE(this.layerDecl) },
      { ALT: () => this.SUBRULE(this.fnDecl) },
      { ALT: () => this.SUBRULE(this.initDecl) },
      { ALT: () => this.SUBRULE(this.optimizerDecl) },
      { ALT: () => this.SUBRULE(this.trainDecl) },
    ]);
  });

  // import std.layers.{Dense, Conv2D}
  importDecl = this.RULE("importDecl", () => {
    this.CONSUME(T.Import);
    this.SUBRULE(this.pathSegment, { LABEL: "path" });
    this.MANY({
      GATE: () => this.LA(2).tokenType !== T.LBrace && this.LA(2).tokenType !== T.Star,
      DEF: () => {
        this.CONSUME(T.Dot);
        this.SUBRULE2(this.pathSegment, { LABEL: "path" });
      },
    });
    // Without the braces (`import std.layers.Dense`, a Python habit) the import is still read,
    // so the builder can report one clear error instead of a cascade. So is a wildcard
    // (`import std.layers.*`), which the checker refuses with the names to list instead.
    this.OPTION(() => {
      this.CONSUME2(T.Dot);
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.LBrace);
            this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME3(T.Identifier, { LABEL: "names" }) });
            this.CONSUME(T.RBrace);
          },
        },
        { ALT: () => this.CONSUME(T.Star, { LABEL: "wildcard" }) },
      ]);
    });
  });

  // Module paths name files, so keywords are fine there (`std.layer` is a typo to report, not a syntax error).
  pathSegment = this.RULE("pathSegment", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, ...T.hardKeywords.map((k) => ({ ALT: () => this.CONSUME(k) }))]);
  });

  // The functions and alternatives that rules called once per line hand to chevrotain are built
  // once, like the expression rules' (parser.ts), not on every call.
  private modelStatementAlts?: IOrAlt<unknown>[];
  private letTypeAnnotation?: () => void;

  modelDecl = this.RULE("modelDecl", () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR((this.modelStatementAlts ??= [
        { ALT: () => this.SUBRULE(this.inputDecl) },
        { ALT: () => this.SUBRULE(this.outputDecl) },
        { ALT: () => this.SUBRULE(this.paramDecl) },
        { ALT: () => this.SUBRULE(this.letDecl) },
        { ALT: () => this.SUBRULE(this.assignStmt) },
      ])),
    );
    this.CONSUME(T.RBrace);
  });

  inputDecl = this.RULE("inputDecl", () => {
    this.CONSUME(T.Input);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.type);
  });

  outputDecl = this.RULE("outputDecl", () => {
    this.CONSUME(T.Output);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.type);
    // `output y: f32[B, 10] = …` is not the language (an output is declared, then assigned),
    // but it is read, so the builder reports that one mistake instead of two parse errors.
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr, { LABEL: "value" });
    });
  });

  // `param` is trained; `state` (in a layer: BatchNorm's moving statistics) is not, and is
  // updated by assignments in the forward body while training.
  paramDecl = this.RULE("paramDecl", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Param, { LABEL: "keyword" }) }, { ALT: () => this.CONSUME(T.State, { LABEL: "keyword" }) }]);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.type);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr, { LABEL: "init" });
    });
  });

  letDecl = this.RULE("letDecl", () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION((this.letTypeAnnotation ??= () => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.type);
    }));
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, { LABEL: "value" });
  });

  assignStmt = this.RULE("assignStmt", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, { LABEL: "value" });
  });

  // layer Dense(units: int, activation: fn = identity) { param …  forward(x: f32[..., in]) -> … = … }
  layerDecl = this.RULE("layerDecl", () => {
    this.CONSUME(T.Layer);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => this.SUBRULE(this.paramList));
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.paramDecl) },
        { ALT: () => this.SUBRULE(this.letDecl) },
        { ALT: () => this.SUBRULE(this.forwardDecl) },
      ]),
    );
    this.CONSUME(T.RBrace);
  });

  forwardDecl = this.RULE("forwardDecl", () => {
    this.CONSUME(T.Forward);
    this.SUBRULE(this.paramList);
    this.OPTION(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE(this.type, { LABEL: "returns" });
    });
    this.SUBRULE(this.body);
  });

  fnDecl = this.RULE("fnDecl", () => {
    this.CONSUME(T.Fn);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.SUBRULE(this.paramList);
    this.OPTION(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE(this.type, { LABEL: "returns" });
    });
    this.SUBRULE(this.body);
  });

  // An initializer is evaluated once per parameter, with that parameter's shape in scope.
  initDecl = this.RULE("initDecl", () => {
    this.CONSUME(T.Init);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.SUBRULE(this.paramList);
    this.SUBRULE(this.body);
  });

  // optimizer adam(lr: float = 0.001, …) { state m = 0.0  update(p, g, t) { … } }
  optimizerDecl = this.RULE("optimizerDecl", () => {
    this.CONSUME(T.Optimizer);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.SUBRULE(this.paramList);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.stateDecl));
    this.SUBRULE(this.updateDecl);
    this.CONSUME(T.RBrace);
  });

  stateDecl = this.RULE("stateDecl", () => {
    this.CONSUME(T.State);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, { LABEL: "value" });
  });

  updateDecl = this.RULE("updateDecl", () => {
    this.CONSUME(T.Update);
    this.SUBRULE(this.paramList);
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.letDecl) },
        { ALT: () => this.SUBRULE(this.assignStmt) },
      ]),
    );
    this.CONSUME(T.RBrace);
  });

  // `train M { … }` is the model's default program; `train M.name { … }` a named one (decision 0014).
  trainDecl = this.RULE("trainDecl", () => {
    this.CONSUME(T.Train);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Identifier, { LABEL: "program" });
    });
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.targetDecl) },
        { ALT: () => this.SUBRULE(this.letDecl) },
        { ALT: () => this.SUBRULE(this.lossDecl) },
        { ALT: () => this.SUBRULE(this.optimizerAssign) },
        { ALT: () => this.SUBRULE(this.clipNormDecl) },
        { ALT: () => this.SUBRULE(this.trainableDecl) },
      ]),
    );
    this.CONSUME(T.RBrace);
  });

  targetDecl = this.RULE("targetDecl", () => {
    this.CONSUME(T.Target);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.type);
  });

  lossDecl = this.RULE("lossDecl", () => {
    this.CONSUME(T.Loss);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, { LABEL: "value" });
  });

  // `clip_norm = 1.0`: gradients scaled down together when their global norm exceeds it.
  clipNormDecl = this.RULE("clipNormDecl", () => {
    this.CONSUME(T.ClipNorm);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, { LABEL: "value" });
  });

  // `trainable = params("gen*")`: the parameters this program trains (all trainable ones without it).
  trainableDecl = this.RULE("trainableDecl", () => {
    this.CONSUME(T.Trainable);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, { LABEL: "value" });
  });

  optimizerAssign = this.RULE("optimizerAssign", () => {
    this.CONSUME(T.Optimizer);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, { LABEL: "value" });
  });

  // `= expr` or `{ let …  expr }`: the value of a block is its last expression.
  body = this.RULE("body", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Equals);
          this.SUBRULE(this.expr, { LABEL: "value" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBrace);
          this.MANY(() => this.OR2([{ ALT: () => this.SUBRULE(this.letDecl) }, { ALT: () => this.SUBRULE(this.assignStmt) }]));
          this.SUBRULE2(this.expr, { LABEL: "value" });
          this.CONSUME(T.RBrace);
        },
      },
    ]);
  });

  paramList = this.RULE("paramList", () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.parameter) });
    this.CONSUME(T.RParen);
  });

  parameter = this.RULE("parameter", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.type);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr, { LABEL: "default" });
    });
  });

  // f32[B, 784], i32[B], f32[...], int, float, fn
  type = this.RULE("type", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Identifier, { LABEL: "name" }) }, { ALT: () => this.CONSUME(T.Fn, { LABEL: "name" }) }]);
    this.OPTION(() => {
      this.CONSUME(T.LBracket);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.dim) });
      this.CONSUME(T.RBracket);
    });
  });

  dim = this.RULE("dim", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Ellipsis) }, { ALT: () => this.SUBRULE(this.arith) }]);
  });
}
