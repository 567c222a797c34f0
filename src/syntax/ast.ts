// The abstract syntax tree. Every node keeps its span; nodes the parser had to recover
// from carry `missing` parts as undefined, and later phases treat them as already reported.
import type { Span } from "./source.ts";

export interface Ident {
  name: string;
  span: Span;
}

export type Expr =
  | { kind: "number"; value: number; isInt: boolean; span: Span }
  | { kind: "string"; value: string; span: Span }
  | { kind: "bool"; value: boolean; span: Span }
  | { kind: "name"; name: string; span: Span }
  | { kind: "array"; elements: Expr[]; span: Span }
  | { kind: "unary"; op: "-"; operand: Expr; span: Span }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr; opSpan: Span; span: Span }
  | { kind: "pipe"; input: Expr; stage: Expr; span: Span }
  | { kind: "call"; callee: Expr; args: Arg[]; span: Span }
  | { kind: "index"; target: Expr; items: IndexItem[]; span: Span }
  | { kind: "member"; target: Expr; name: Ident; span: Span }
  | { kind: "if"; cond: Expr; then: Body; else: Body; span: Span }
  | { kind: "error"; span: Span };

export type BinaryOp = "+" | "-" | "*" | "/" | "@" | "^";

export interface Arg {
  name?: Ident;
  value: Expr;
  span: Span;
}

export type IndexItem =
  | { kind: "ellipsis"; span: Span }
  | { kind: "at"; index: Expr; span: Span }
  | { kind: "slice"; start?: Expr; end?: Expr; step?: Expr; span: Span };

export type Dim = { kind: "ellipsis"; span: Span } | { kind: "expr"; expr: Expr; span: Span };

export interface TypeRef {
  name: Ident;
  dims?: Dim[]; // present for tensor types: f32[B, 10]
  span: Span;
}

export interface Parameter {
  name: Ident;
  type?: TypeRef;
  default?: Expr;
  span: Span;
}

export interface Body {
  lets: (LetDecl | AssignStmt)[]; // in source order; assignments update a layer's `state`
  value: Expr;
  span: Span;
}

export interface LetDecl {
  kind: "let";
  name: Ident;
  type?: TypeRef;
  value: Expr;
  span: Span;
}

export interface AssignStmt {
  kind: "assign";
  name: Ident;
  value: Expr;
  span: Span;
}

export interface InputDecl {
  kind: "input" | "output" | "target";
  name: Ident;
  type: TypeRef;
  span: Span;
}

export interface ParamDecl {
  kind: "param";
  state: boolean; // declared with `state`: not trained, updated by the forward body in training
  name: Ident;
  type: TypeRef;
  init?: Expr;
  span: Span;
}

export type ModelItem = InputDecl | ParamDecl | LetDecl | AssignStmt;

export interface ModelDecl {
  kind: "model";
  name: Ident;
  items: ModelItem[];
  span: Span;
}

export interface ForwardDecl {
  kind: "forward";
  params: Parameter[];
  returns?: TypeRef;
  body: Body;
  span: Span;
}

export interface LayerDecl {
  kind: "layer";
  name: Ident;
  params: Parameter[];
  items: (ParamDecl | LetDecl)[];
  forward?: ForwardDecl;
  extraForwards?: Span[]; // a second `forward` is an error (DNN0407), kept for the checker to report
  doc?: string;
  span: Span;
}

export interface FnDecl {
  kind: "fn";
  name: Ident;
  params: Parameter[];
  returns?: TypeRef;
  body: Body;
  doc?: string;
  span: Span;
}

export interface InitDecl {
  kind: "init";
  name: Ident;
  params: Parameter[];
  body: Body;
  doc?: string;
  span: Span;
}

export interface StateDecl {
  name: Ident;
  value: Expr;
  span: Span;
}

export interface OptimizerDecl {
  kind: "optimizer";
  name: Ident;
  params: Parameter[];
  states: StateDecl[];
  update: { params: Parameter[]; statements: (LetDecl | AssignStmt)[]; span: Span };
  doc?: string;
  span: Span;
}

export interface TrainDecl {
  kind: "train";
  model: Ident;
  /** `train M.name { … }`: a named training program; absent for the model's default one. */
  program?: Ident;
  targets: InputDecl[];
  lets: LetDecl[];
  loss?: { value: Expr; span: Span };
  optimizer?: { value: Expr; span: Span };
  clipNorm?: { value: Expr; span: Span };
  /** `trainable = params("gen*")`: the parameters the program trains; every trainable one without it. */
  trainable?: { value: Expr; span: Span };
  /** Items given again after the first (a second `loss = …`): an error (DNN0407), kept for the
   * binder to report; only the first of each is read. */
  repeated?: { name: "loss" | "optimizer" | "clip_norm" | "trainable"; span: Span; first: Span }[];
  span: Span;
}

export interface ImportDecl {
  kind: "import";
  path: Ident[];
  names: Ident[];
  /** `import std.layers.*`: not the language, read so the checker can say what to write. */
  wildcard?: Span;
  span: Span;
}

export type Decl = ImportDecl | ModelDecl | LayerDecl | FnDecl | InitDecl | OptimizerDecl | TrainDecl;

export interface FileAst {
  path: string;
  decls: Decl[];
}
