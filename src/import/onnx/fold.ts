// Constant folding: nodes whose inputs are all known at import time (weights, constants, the
// shapes of inputs) are evaluated here, so that what a graph computes from its weights before
// using them (PyTorch's export without constant folding slices an LSTM's gates out of its
// parameters and concatenates them again) reaches the layers as plain weights, and shape
// arithmetic (`x.view(x.size(0), -1)`) as lists of sizes, symbolic ones included.
import type { Node } from "./decode.ts";
import { axis, dynamicInput, input, intAttr, intsAttr, knownInts, NotTranslatable, setKnown, type Ctx } from "./context.ts";
import { permuteData, strides, type Dim, type Known } from "./values.ts";

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Evaluates `node` when it can be: true when its outputs are now known. */
export function fold(ctx: Ctx, node: Node): boolean {
  switch (node.opType) {
    case "Constant":
      return constant(ctx, node);
    case "Shape": {
      // Opset 15's start and end take a slice of the shape (dnnc's export reads the batch size so).
      const x = input(ctx, node, 0);
      if (x?.kind !== "dynamic") return false;
      const rank = x.shape.length;
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
      const dims = x.shape.slice(clamp(intAttr(node, "start", 0)), clamp(intAttr(node, "end", rank)));
      setKnown(ctx, node, 0, { shape: [dims.length], ints: dims });
      return true;
    }
    case "ConstantOfShape": {
      const k = inputs(ctx, node)?.[0];
      if (!k) return false;
      const value = node.attributes.get("value");
      const fill = value?.kind === "tensor" ? (value.t.floats?.[0] ?? value.t.ints?.[0] ?? 0) : 0;
      setKnown(ctx, node, 0, { shape: [], fill: { value: fill, shape: knownInts(k, "shape") } });
      return true;
    }
  }
  const ks = inputs(ctx, node);
  if (!ks || ks.length === 0) return false;
  const [k] = ks as [Known];
  // A slice or reshaping of a ConstantOfShape (a stacked LSTM's zero initial states, one layer's
  // each) is still that constant; only its value is read (an initial state must be zero).
  if (k.fill && ["Slice", "Squeeze", "Unsqueeze", "Gather", "Identity", "Cast", "Reshape", "Expand"].includes(node.opType)) {
    setKnown(ctx, node, 0, { shape: [], fill: k.fill });
    return true;
  }
  const rank = k.shape.length;
  switch (node.opType) {
    case "Identity": case "Cast":
      setKnown(ctx, node, 0, k);
      return true;
    case "Unsqueeze": {
      const axes = (ks[1] ? knownInts(ks[1], "axes").map(Number) : intsAttr(node, "axes") ?? []).map((a) => axis(a, rank + (ks[1] ? size(ks[1].shape) : (intsAttr(node, "axes") ?? []).length)));
      const shape = [...k.shape];
      for (const a of [...axes].sort((x, y) => x - y)) shape.splice(a, 0, 1);
      setKnown(ctx, node, 0, { ...k, shape });
      return true;
    }
    case "Squeeze": {
      const axes = (ks[1] ? knownInts(ks[1], "axes").map(Number) : intsAttr(node, "axes") ?? k.shape.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => axis(a, rank));
      setKnown(ctx, node, 0, { ...k, shape: k.shape.filter((_, i) => !axes.includes(i)) });
      return true;
    }
    case "Reshape": {
      const target = knownInts(ks[1]!, "shape").map(Number);
      const dims = target.map((d, i) => (d === 0 ? k.shape[i]! : d));
      const hole = dims.indexOf(-1);
      if (hole >= 0) dims[hole] = size(k.shape) / size(dims.filter((d) => d !== -1));
      setKnown(ctx, node, 0, { ...k, shape: dims });
      return true;
    }
    case "Transpose": {
      const perm = intsAttr(node, "perm") ?? [...Array(rank).keys()].reverse();
      const p = permuteData(floats(k), k.shape, perm);
      setKnown(ctx, node, 0, { shape: p.shape, floats: p.data });
      return true;
    }
    case "Concat":
      return concat(ctx, node, ks);
    case "Expand":
      return expand(ctx, node, ks);
    case "Slice":
      return slice(ctx, node, ks);
    case "Gather":
      return gather(ctx, node, ks);
  }
  return false;
}

/** The node's inputs when every one present is known, else undefined. */
function inputs(ctx: Ctx, node: Node): Known[] | undefined {
  const out: Known[] = [];
  for (let i = 0; i < node.inputs.length; i++) {
    const v = input(ctx, node, i);
    if (v === undefined) {
      out.push(undefined as unknown as Known); // an optional input left out
      continue;
    }
    if (v.kind !== "known") return undefined;
    out.push(v);
  }
  return out;
}

function constant(ctx: Ctx, node: Node): boolean {
  const value = node.attributes.get("value");
  if (value?.kind === "tensor") setKnown(ctx, node, 0, { shape: value.t.dims, ...(value.t.floats ? { floats: value.t.floats } : {}), ...(value.t.ints ? { ints: value.t.ints } : {}) });
  else if (value?.kind === "float") setKnown(ctx, node, 0, { shape: [], floats: Float32Array.of(value.f) });
  else if (value?.kind === "int") setKnown(ctx, node, 0, { shape: [], ints: [value.i] });
  else if (value?.kind === "ints") setKnown(ctx, node, 0, { shape: [value.ints.length], ints: value.ints });
  else if (value?.kind === "floats") setKnown(ctx, node, 0, { shape: [value.floats.length], floats: Float32Array.from(value.floats) });
  else throw new NotTranslatable("only a Constant with a tensor or numbers is supported");
  return true;
}

function floats(k: Known): Float32Array {
  if (k.floats) return k.floats;
  if (k.ints?.every((d) => typeof d === "number")) return Float32Array.from(k.ints as number[]);
  throw new NotTranslatable("a tensor with symbolic sizes cannot be evaluated here");
}

/** Elements of `k` as a list (numbers, or symbolic sizes for shape arithmetic). */
function elements(k: Known): Dim[] {
  return k.ints ?? Array.from(k.floats ?? []);
}

function make(kind: Known, shape: number[], values: Dim[]): Omit<Known, "kind"> {
  return kind.floats ? { shape, floats: Float32Array.from(values as number[]) } : { shape, ints: values };
}

/** Copies the blocks of `k` selected along `ax` by `pick` (output position → input position). */
function alongAxis(k: Known, ax: number, picks: number[]): Omit<Known, "kind"> {
  const values = elements(k);
  const outer = size(k.shape.slice(0, ax));
  const inner = size(k.shape.slice(ax + 1));
  const out: Dim[] = [];
  for (let o = 0; o < outer; o++) for (const p of picks) for (let i = 0; i < inner; i++) out.push(values[(o * k.shape[ax]! + p) * inner + i]!);
  return make(k, k.shape.map((d, i) => (i === ax ? picks.length : d)), out);
}

function slice(ctx: Ctx, node: Node, ks: Known[]): boolean {
  const [k, starts, ends, axesK, stepsK] = ks as [Known, Known, Known, Known?, Known?];
  const s = knownInts(starts, "starts").map(Number);
  const e = knownInts(ends, "ends").map(Number);
  const axes = axesK ? knownInts(axesK, "axes").map(Number) : s.map((_, i) => i);
  const steps = stepsK ? knownInts(stepsK, "steps").map(Number) : s.map(() => 1);
  let cur: Omit<Known, "kind"> = k;
  axes.forEach((a0, i) => {
    const a = axis(a0, k.shape.length);
    const n = cur.shape[a]!;
    const step = steps[i]!;
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    const picks: number[] = [];
    if (step > 0) for (let j = clamp(s[i]!, 0, n); j < clamp(e[i]!, 0, n); j += step) picks.push(j);
    else for (let j = clamp(s[i]!, 0, n - 1); j > clamp(e[i]!, -1, n - 1); j += step) picks.push(j);
    cur = alongAxis({ kind: "known", ...cur }, a, picks);
  });
  setKnown(ctx, node, 0, cur);
  return true;
}

function concat(ctx: Ctx, node: Node, ks: Known[]): boolean {
  const rank = ks[0]!.shape.length;
  const ax = axis(intAttr(node, "axis", 0), rank);
  const outer = size(ks[0]!.shape.slice(0, ax));
  const out: Dim[] = [];
  for (let o = 0; o < outer; o++)
    for (const k of ks) {
      const block = size(k.shape.slice(ax));
      out.push(...elements(k).slice(o * block, (o + 1) * block));
    }
  const shape = ks[0]!.shape.map((d, i) => (i === ax ? ks.reduce((n, k) => n + k.shape[ax]!, 0) : d));
  setKnown(ctx, node, 0, ks.every((k) => k.floats) ? { shape, floats: Float32Array.from(out as number[]) } : { shape, ints: out });
  return true;
}

function gather(ctx: Ctx, node: Node, ks: Known[]): boolean {
  const [k, idx] = ks as [Known, Known];
  const ax = axis(intAttr(node, "axis", 0), k.shape.length);
  const picks = knownInts(idx, "indices").map((i) => (Number(i) < 0 ? Number(i) + k.shape[ax]! : Number(i)));
  const picked = alongAxis(k, ax, picks);
  setKnown(ctx, node, 0, { ...picked, shape: [...k.shape.slice(0, ax), ...idx.shape, ...k.shape.slice(ax + 1)] });
  return true;
}

/**
 * Expand of a constant: to a shape of numbers, the values repeated; to one with a symbolic size
 * (dnnc's export broadcasts a bias to [B, units]), the constant as it is, since every operator
 * that reads it broadcasts it the same way.
 */
function expand(ctx: Ctx, node: Node, ks: Known[]): boolean {
  const [k, target] = ks as [Known, Known];
  const dims = knownInts(target, "shape");
  if (!dims.every((d) => typeof d === "number")) {
    setKnown(ctx, node, 0, k);
    return true;
  }
  const rank = Math.max(dims.length, k.shape.length);
  const from = [...new Array<number>(rank - k.shape.length).fill(1), ...k.shape];
  const to = [...new Array<number>(rank - dims.length).fill(1), ...(dims as number[])].map((d, i) => (d === 1 ? from[i]! : d));
  const values = elements(k);
  const fromStrides = strides(from);
  const toStrides = strides(to);
  const out: Dim[] = [];
  for (let o = 0; o < size(to); o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) if (from[i] !== 1) src += (Math.floor(o / toStrides[i]!) % to[i]!) * fromStrides[i]!;
    out.push(values[src]!);
  }
  setKnown(ctx, node, 0, make(k, to, out));
  return true;
}
