// What elaboration's helpers (bind, args, types, layers, intrinsics*, index-expr, binary-ops)
// use of the Elaborator, as an interface they are handed: they evaluate sub-expressions, build
// IR and report errors through it without importing elaborate.ts, so check/ stays acyclic
// (elaborate.ts → helpers → context.ts). The data the helpers and the Elaborator share —
// parameters, summary rows, call arguments — is declared here for the same reason.
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import type { Diagnostic, Related } from "../diagnostics/diagnostic.ts";
import type { Code } from "../diagnostics/codes.ts";
import type { BinaryOp, Builder, DType, Node } from "../ir/ir.ts";
import type { Dim, Shape } from "../ir/shape.ts";
import type { Env } from "./env.ts";
import type { Tensor, Value } from "./values.ts";

/** An argument of a call, before binding to the callee's parameters. */
export interface CallArg {
  name?: A.Ident | undefined;
  value: Value;
  span: Span;
}

/** A parameter or state a layer declared, an argument of the function being built. */
export interface ParamSpec {
  name: string;
  shape: Dim[];
  id: number; // the argument node in the function being built
  trainable: boolean; // false for a layer's `state` and for frozen layers' parameters
  init: Value | undefined; // number, array literal or init value; undefined means zeros
  initEnv: Env;
  span: Span;
}

/** One line of `dnnc check --shapes`: a layer application or a named binding, with its type. */
export type SummaryRow =
  | LayerRow
  | { kind: "binding"; name: string; span: Span; shape: Shape; dtype: DType; role: "input" | "let" | "output" };

export interface LayerRow {
  kind: "layer";
  depth: number; // nesting: layers applied inside another layer's forward are deeper
  instance: string;
  layer: string;
  span: Span;
  shape: Shape;
  dtype: DType;
  params: number; // elements of every parameter and state it created (Keras's "Param #")
  trainable: number;
  /** A shared layer's instance: "first" where it was made, "again" at each later application
   * (which creates no parameters). */
  shared?: "first" | "again";
  /** The forward builder's nodes this application made, [start, end), and its result's node:
   * where `dnnc graph` finds which layer feeds which (graph/dataflow.ts). */
  nodes?: { start: number; end: number; out?: number };
}

/** A shared layer applied again (check/shared-layer.ts). */
export interface Reuse {
  instance: string;
  params: Map<string, { id: number; shape: Shape }>;
  span: Span; // this application
  first: Span; // the first, which made the parameters
  firstInput: string; // the type the first was applied to
  input: string; // the type this one is applied to
}

/** While an initializer runs: the tensor it fills, the seed, and its random stream. */
export interface InitContext {
  shape: Shape;
  seed: number; // node id of the seed argument
  stream: number; // distinct random stream per initialised tensor
}

/** The Elaborator as its helpers see it (elaborate.ts documents each member). */
export interface ElabContext {
  b: Builder;
  readonly diagnostics: Diagnostic[];
  readonly params: ParamSpec[];
  readonly instanceCounts: Map<string, number>;
  readonly summary: SummaryRow[];
  readonly expanding: { decl: A.FnDecl | A.LayerDecl | A.ModelDecl; span: Span; failed?: boolean }[];
  /** Prepended to every parameter's name: inside a nested model, its instance name and a dot. */
  paramPrefix: string;
  /** While a shared layer is applied again: its parameters, which declareParam gives back
   * instead of creating new ones. */
  reusing: Reuse | undefined;
  readonly refused: boolean;
  /** Results of built-ins with no gradient (argmax, argmin), by node (ids repeat across the
   * functions one elaboration builds): a loss must not depend on them (DNN0414). */
  readonly noGradient: Map<Node, string>;
  initContext: InitContext | undefined;
  training: boolean;
  frozen: number;
  layerDepth: number;
  nextStream(): number;
  stepArg(): number;
  error(code: Code, span: Span, message: string, extra?: { related?: Related[]; hint?: string }): Value;
  /** The library definition the user's code called that is being expanded now (`LSTM` while
   * the stdlib's LSTM body is evaluated), for messages about a failure inside it. */
  libraryCall(): A.FnDecl | A.LayerDecl | A.ModelDecl | undefined;
  expr(e: A.Expr, env: Env): Value;
  body(body: A.Body, env: Env): Value;
  let(l: A.LetDecl, env: Env): Value;
  call(callee: Value, args: CallArg[], span: Span, env: Env): Value;
  noted(span: Span, v: Value): Value;
  tensor(id: number, origin: Span): Tensor;
  asTensor(v: Value, span: Span, what: string, like?: DType): Tensor | undefined;
  arrayLiteral(v: Extract<Value, { kind: "array" }>): Tensor | undefined;
  elementwise(op: BinaryOp, a: Tensor, b: Tensor, opSpan: Span, span: Span): Value;
  int(v: Value, span: Span, what: string): number | undefined;
}
