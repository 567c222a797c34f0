// An ONNX graph under construction: nodes with unique, readable names, constants as
// initializers (each emitted once), and sizes as int64 tensors. A symbolic size (the batch B)
// has no value until run time, so a node that needs one as an operand (Reshape's shape, Slice's
// ends, Expand's shape) reads it from the Shape of a graph input that has it as a dimension.
import type { Dim } from "../../ir/shape.ts";
import { dimTerms } from "../../ir/dim.ts";
import type { DType } from "../../ir/ir.ts";
import { ELEM, type ElemType, type OnnxAttribute, type OnnxGraph, type OnnxTensor, type OnnxValueInfo } from "./onnx-proto.ts";

/** The ONNX element type of an IR dtype. */
export const elemType = (d: DType): ElemType => (d === "i32" ? "int32" : "float");

/** The `to` attribute of a Cast to `type`. */
export const castTo = (type: ElemType): OnnxAttribute => ({ name: "to", i: ELEM[type] });

/** Something the IR holds that an ONNX graph cannot (a training-only primitive, a size with no source). */
export class OnnxExportError extends Error {}

/** Names used anywhere in a model: ONNX wants every value name unique across a graph and its subgraphs. */
export class NameTable {
  private used = new Set<string>();

  /** `hint`, or `hint_2`, `hint_3`… when taken. */
  fresh(hint: string): string {
    let name = hint;
    for (let k = 2; this.used.has(name); k++) name = `${hint}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Claims `name` exactly (a graph input or output named by the .dnn file); false when taken. */
  claim(name: string): boolean {
    if (this.used.has(name)) return false;
    this.used.add(name);
    return true;
  }
}

export class GraphBuilder {
  readonly graph: OnnxGraph;
  private constants = new Map<string, string>();
  private symbolSources = new Map<string, { value: string; axis: number }>();
  private symbolValues = new Map<string, string>();
  /** Sizes computed at run time, by the dims they hold: each is computed once (a Reshape to [B, 32, 32, 16] per layer would otherwise concatenate its own). */
  private computedSizes = new Map<string, string>();

  /**
   * `names`: shared with the subgraphs (ONNX wants names unique across them). `shapes`: the shape
   * of each value whose shape the lowering knows (every IR node's value; shared with the
   * subgraphs too), which the peephole pass (peephole.ts) reads to drop Reshapes that change nothing.
   */
  constructor(
    name: string,
    readonly names: NameTable,
    readonly shapes: Map<string, readonly Dim[]> = new Map(),
  ) {
    this.graph = { name, nodes: [], initializers: [], inputs: [], outputs: [] };
  }

  /** A graph input; its symbolic dimensions become sources of those sizes. */
  input(info: OnnxValueInfo): void {
    this.graph.inputs.push(info);
    this.addSizeSources(info.name, info.shape);
  }

  /** Records each plain symbol (such as "B") among `shape`'s dimensions as read from `value`'s shape. */
  private addSizeSources(value: string, shape: readonly Dim[]): void {
    shape.forEach((d, axis) => {
      if (typeof d === "string" && /^[A-Za-z_]\w*$/.test(d) && !this.symbolSources.has(d)) this.symbolSources.set(d, { value, axis });
    });
  }

  /** Appends a node with one output, named after `hint`; returns the output's name. */
  op(opType: string, inputs: readonly string[], hint: string, attributes: readonly OnnxAttribute[] = []): string {
    const out = this.names.fresh(hint);
    this.graph.nodes.push({ name: out, opType, inputs, outputs: [out], attributes });
    return out;
  }

  /** Appends a node whose outputs are named already. */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], name: string, attributes: readonly OnnxAttribute[] = []): void {
    this.graph.nodes.push({ name: this.names.fresh(name), opType, inputs, outputs, attributes });
  }

  /** An initializer holding `data`; the same constant asked for twice is one initializer. */
  constant(type: ElemType, dims: readonly number[], data: readonly number[], hint = "const"): string {
    const key = `${type}[${dims}]${data.join(",")}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.initializer({ name: hint, type, dims, data: typedArray(type, data) });
    this.constants.set(key, name);
    return name;
  }

  /** Adds an initializer under a fresh name derived from `t.name`; returns that name. */
  initializer(t: OnnxTensor, exactName = false): string {
    const name = exactName && this.names.claim(t.name) ? t.name : this.names.fresh(t.name);
    this.graph.initializers.push({ ...t, name });
    return name;
  }

  int64s(values: readonly number[]): string {
    return this.constant("int64", [values.length], values, "sizes");
  }

  /** `dims` as a 1-D int64 tensor, symbolic ones computed at run time. */
  sizes(dims: readonly Dim[]): string {
    if (dims.every((d) => typeof d === "number")) return this.int64s(dims as number[]);
    if (dims.length === 1) return this.size(dims[0]!);
    return this.computed(`[${dims.join(",")}]`, () => this.op("Concat", dims.map((d) => this.size(d)), "sizes", [{ name: "axis", i: 0 }]));
  }

  /** One size as an int64 tensor of shape [1]: a constant, or the polynomial of its symbols. */
  size(d: Dim): string {
    if (typeof d === "number") return this.int64s([d]);
    return this.computed(String(d), () => this.polynomial(d));
  }

  private computed(key: string, compute: () => string): string {
    const known = this.computedSizes.get(key);
    if (known) return known;
    const value = compute();
    this.computedSizes.set(key, value);
    return value;
  }

  private polynomial(d: Dim): string {
    let total: string | undefined;
    for (const { coefficient, symbols } of dimTerms(d)) {
      let term = symbols.length === 0 ? this.int64s([coefficient]) : symbols.map((s) => this.symbol(s)).reduce((a, b) => this.op("Mul", [a, b], `size_${d}`));
      if (symbols.length > 0 && coefficient !== 1) term = this.op("Mul", [term, this.int64s([coefficient])], `size_${d}`);
      total = total === undefined ? term : this.op("Add", [total, term], `size_${d}`);
    }
    return total ?? this.int64s([0]);
  }

  private symbol(s: string): string {
    const known = this.symbolValues.get(s);
    if (known) return known;
    const source = this.symbolSources.get(s);
    if (!source) throw new OnnxExportError(`the size ${s} is no dimension of an input, so the exported graph cannot compute it`);
    const value = this.op("Shape", [source.value], `size_${s}`, [
      { name: "start", i: source.axis },
      { name: "end", i: source.axis + 1 },
    ]);
    this.symbolValues.set(s, value);
    return value;
  }
}

function typedArray(type: ElemType, data: readonly number[]): OnnxTensor["data"] {
  if (type === "float") return Float32Array.from(data);
  if (type === "int32") return Int32Array.from(data);
  if (type === "int64") return BigInt64Array.from(data, (v) => BigInt(v));
  return Uint8Array.from(data);
}
