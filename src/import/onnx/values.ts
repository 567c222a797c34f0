// What an ONNX value is while the import translates the graph. A tensor computed at run time is
// a pipeline of the .dnn program plus its layout: ONNX's images are NCHW and dnnc's NHWC, and a
// PyTorch LSTM's sequences pass through [T, B, D], so a value is kept in whatever axis order dnnc
// computes it in and converted only where an operator needs ONNX's own order (a Reshape, a graph
// output). Weights and the small integer tensors of shape arithmetic are known at import time.
import { extend, type DnnProgram, type Pipeline, type Stage } from "./program.ts";

/** A dimension: a number, or a symbolic size (`B`). */
export type Dim = number | string;

/**
 * How the .dnn value relates to the ONNX value: `drop` lists ONNX axes (of size 1) the .dnn value
 * does not have, and the .dnn value's axis j is the remaining ONNX axis `perm[j]`.
 * NHWC holding NCHW is { drop: [], perm: [0, 2, 3, 1] }.
 */
export interface Layout {
  drop: number[];
  perm: number[];
}

export interface Dynamic {
  kind: "dynamic";
  p: Pipeline;
  /** The ONNX shape. */
  shape: Dim[];
  layout: Layout;
  /** How many nodes (and graph outputs) read it: one reader may extend its pipeline in place. */
  readers: number;
  /** A name for its `let`, from the node that made it. */
  wanted: string;
  /** Every element is ≥ 0 (a relu's output): a max pooling may pad it with zeros. */
  nonNegative?: boolean;
  /** Integer token ids (an int64 or int32 input, declared i32): only an Embedding reads them. */
  ids?: boolean;
  /** Features flattened from NHWC where ONNX flattens NCHW: row k of the next Dense's kernel is ONNX's row rowOrder[k]. */
  rowOrder?: Int32Array;
}

/** A tensor known at import time: an initializer, a Constant, or shape arithmetic (whose values may be symbolic sizes). */
export interface Known {
  kind: "known";
  shape: number[];
  floats?: Float32Array;
  ints?: Dim[];
  /** ConstantOfShape: every element is `fill`, the shape (maybe symbolic) in `fillShape`. */
  fill?: { value: number; shape: Dim[] };
}

export type Value = Dynamic | Known;

export const identityLayout = (rank: number): Layout => ({ drop: [], perm: [...Array(rank).keys()] });
export const NHWC: Layout = { drop: [], perm: [0, 2, 3, 1] };

export function isIdentity(l: Layout): boolean {
  return l.drop.length === 0 && l.perm.every((a, i) => a === i);
}

export function sameLayout(a: Layout, b: Layout): boolean {
  return a.drop.join() === b.drop.join() && a.perm.join() === b.perm.join();
}

export function inverse(perm: readonly number[]): number[] {
  const out: number[] = [];
  perm.forEach((a, j) => (out[a] = j));
  return out;
}

export const dimText = (d: Dim): string => String(d);

/** A pipeline `v` may be extended by one reader: bound first if others read it too. */
function ownPipeline(prog: DnnProgram, v: Dynamic): Pipeline {
  if (v.readers > 1) prog.bind(v.p, v.wanted);
  return v.readers > 1 ? { ...v.p, stages: [] } : v.p;
}

/** `v` extended by stages, as a new pipeline. */
export function pipe(prog: DnnProgram, v: Dynamic, ...stages: Stage[]): Pipeline {
  let p = ownPipeline(prog, v);
  for (const s of stages) p = extend(p, s);
  return p;
}

/** `v` as a name or an atomic expression, to be an operand: bound when it has pending stages. */
export function operand(prog: DnnProgram, v: Dynamic): string {
  if (v.p.stages.length > 0 || !v.p.atomic) prog.bind(v.p, v.wanted);
  return v.p.head;
}

/** The stages that bring `v` from its layout to `target`'s (both of the ONNX shape `v.shape`). */
export function relayoutStages(v: Dynamic, target: Layout): Stage[] {
  if (sameLayout(v.layout, target)) return [];
  const stages: Stage[] = [];
  // Back to ONNX's order: the kept axes in order, then the dropped ones put back.
  if (!v.layout.perm.every((a, i) => a === i)) stages.push({ call: "transpose", args: [`[${inverse(v.layout.perm).join(", ")}]`], ...(v.layout.perm.join() === "0,2,3,1" ? { comment: "NHWC → NCHW, ONNX's order" } : {}) });
  // The unit axes differ: a reshape (the order of the others is ONNX's by now).
  if (v.layout.drop.join() !== target.drop.join()) {
    const kept = v.shape.filter((_, i) => !target.drop.includes(i));
    stages.push({ call: "reshape", args: [`[${kept.map(dimText).join(", ")}]`] });
  }
  if (!target.perm.every((a, i) => a === i)) stages.push({ call: "transpose", args: [`[${target.perm.join(", ")}]`], ...(target.perm.join() === "0,2,3,1" ? { comment: "NCHW → NHWC, dnnc's image layout" } : {}) });
  return stages;
}

/** `v` as a pipeline in `target` layout. */
export function inLayout(prog: DnnProgram, v: Dynamic, target: Layout): Pipeline {
  return pipe(prog, v, ...relayoutStages(v, target));
}

/** Row-major strides of a numeric shape. */
export function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
}

/** `data` of `shape` with its axes permuted (result axis i is input axis perm[i]). */
export function permuteData(data: Float32Array, shape: readonly number[], perm: readonly number[]): { data: Float32Array; shape: number[] } {
  const outShape = perm.map((a) => shape[a]!);
  const inStrides = strides(shape);
  const out = new Float32Array(data.length);
  const outStrides = strides(outShape);
  for (let o = 0; o < out.length; o++) {
    let rest = o;
    let src = 0;
    for (let i = 0; i < outShape.length; i++) {
      const idx = Math.floor(rest / outStrides[i]!);
      rest -= idx * outStrides[i]!;
      src += idx * inStrides[perm[i]!]!;
    }
    out[o] = data[src]!;
  }
  return { data: out, shape: outShape };
}
