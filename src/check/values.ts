// What an expression evaluates to during elaboration. Tensors are IR nodes with a shape;
// everything else (numbers, layers, functions, optimizers) is known at compile time.
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import type { DType } from "../ir/ir.ts";
import { showShape, type Dim, type Shape } from "../ir/shape.ts";
import type { Decl, Module } from "./module.ts";

/** Arguments of a definition call after binding: parameter name → value. */
export type Bound = Map<string, Value>;

export type Value =
  | { kind: "tensor"; id: number; dtype: DType; shape: Shape; origin: Span }
  | { kind: "number"; value: number; isInt: boolean }
  | { kind: "dim"; dim: Dim } // a symbolic dimension (B) used as a value
  | { kind: "bool"; value: boolean }
  | { kind: "string"; value: string }
  | { kind: "array"; items: Value[]; span: Span }
  | { kind: "decl"; decl: Decl; module: Module } // a definition, not yet called
  | { kind: "intrinsic"; name: string }
  | LayerValue
  | { kind: "init"; decl: A.InitDecl; module: Module; args: Bound; span: Span }
  | { kind: "optimizer"; decl: A.OptimizerDecl; module: Module; args: Bound; span: Span }
  | { kind: "poison" }; // an error was already reported; absorbs further errors

/** A layer constructed, not yet applied: `Dense(4)`, or a model used as a layer (`Encoder()`). */
export interface LayerValue<D extends A.LayerDecl | A.ModelDecl = A.LayerDecl | A.ModelDecl> {
  kind: "layer";
  decl: D;
  module: Module;
  args: Bound;
  span: Span;
  frozen?: boolean;
  /** repeat(n, …): applied this many times in sequence, each application a new instance. */
  times?: number;
  /** shared(…): every application uses the one instance its first application made. */
  shared?: SharedInstance;
}

/** The instance of a shared(…) layer value, made by its first application (check/shared-layer.ts). */
export interface SharedInstance {
  made?: {
    instance: string;
    /** Instance counts before it was named: replayed, its inner layers get the same names again. */
    counts: Map<string, number>;
    prefix: string;
    /** Its parameters by full name. */
    params: Map<string, { id: number; shape: Shape }>;
    /** The first application, and the type it was applied to. */
    span: Span;
    input: string;
    frozen: boolean;
  };
}

export type Tensor = Extract<Value, { kind: "tensor" }>;
export const POISON: Value = { kind: "poison" };

export const tensorType = (dtype: DType, shape: Shape): string => `${dtype}${showShape(shape)}`;

export function describe(v: Value): string {
  switch (v.kind) {
    case "tensor": return tensorType(v.dtype, v.shape);
    case "number": return v.isInt ? "int" : "float";
    case "dim": return "int";
    case "bool": return "bool";
    case "string": return "string";
    case "array": return "array";
    case "decl": return `${v.decl.kind} ${v.decl.name.name}`;
    case "intrinsic": return `fn ${v.name}`;
    case "layer": return `${v.decl.kind} ${v.decl.name.name}`;
    case "init": return `init ${v.decl.name.name}`;
    case "optimizer": return `optimizer ${v.decl.name.name}`;
    case "poison": return "<error>";
  }
}

/** A value usable where a function of tensors is expected (activation: relu). */
export const isCallable = (v: Value): boolean =>
  v.kind === "intrinsic" || v.kind === "layer" || (v.kind === "decl" && (v.decl.kind === "fn" || v.decl.kind === "layer" || v.decl.kind === "model"));

/** An array literal's numbers in row-major order and its shape; undefined unless it is rectangular and holds only numbers. */
export function rectangularNumbers(v: Extract<Value, { kind: "array" }>): { data: number[]; shape: number[] } | undefined {
  const data: number[] = [];
  const shapeOf = (x: Value): number[] | undefined => {
    if (x.kind === "number") return (data.push(x.value), []);
    if (x.kind !== "array") return undefined;
    const inner = x.items.map(shapeOf);
    if (inner.some((s) => s === undefined)) return undefined;
    const first = inner[0] ?? [];
    if (inner.some((s) => s!.length !== first.length || s!.some((d, i) => d !== first[i]))) return undefined;
    return [x.items.length, ...first];
  };
  const shape = shapeOf(v);
  return shape && { data, shape };
}
