// Reference interpreter: runs an IR function in float64, one node at a time, with the plainest
// loops that state each primitive's meaning. It is deliberately independent of every backend
// and pass, so tests can compare those against it. Tensors are row-major Float64Arrays; symbolic
// dimensions (the batch B) take their values from `dims`.
import type { Fn, Node } from "./ir.ts";
import { showShape, type Dim } from "./shape.ts";
import { evalDim } from "./dim.ts";
import { BINARY_FN, UNARY_FN } from "./elementwise.ts";
import { gatherOp, scanOp, scatterAddOp, unwindowOp, windowOp } from "./interpret-nn.ts";
import { isBinary, isUnary, type BinaryOp, type UnaryOp } from "./ops.ts";

export function interpret(fn: Fn, args: readonly Float64Array[], dims: Readonly<Record<string, number>> = {}): Float64Array[] {
  const dim = (d: Dim): number => {
    const v = evalDim(d, dims);
    if (v === undefined || !Number.isInteger(v) || v < 0) throw new Error(`${fn.name}: dimension ${d} has no value (pass it in dims)`);
    return v;
  };
  if (args.length !== fn.args.length) throw new Error(`${fn.name}: expected ${fn.args.length} arguments, received ${args.length}`);
  fn.args.forEach((a, i) => {
    const want = numel(a.shape.map(dim));
    if (args[i]!.length !== want) throw new Error(`${fn.name}: argument ${a.name} of shape ${showShape(a.shape)} needs ${want} values, received ${args[i]!.length}`);
  });
  const vals: Float64Array[] = [];
  const shapes: number[][] = [];
  for (const n of fn.nodes) {
    shapes.push(n.shape.map(dim));
    const v = evalNode(n, n.inputs.map((i) => vals[i]!), n.inputs.map((i) => shapes[i]!), shapes[n.id]!, args, dim, dims);
    if (v.length !== numel(shapes[n.id]!)) throw new Error(`${fn.name}: %${n.id} (${n.op}) produced ${v.length} values for shape ${showShape(n.shape)}`);
    vals.push(v);
  }
  return fn.outputs.map((o) => vals[o.id]!.slice());
}

function evalNode(n: Node, xs: Float64Array[], ins: number[][], shape: number[], args: readonly Float64Array[], dim: (d: Dim) => number, dims: Readonly<Record<string, number>>): Float64Array {
  const [x, y, z] = xs as [Float64Array, Float64Array, Float64Array];
  const s = ins[0]!;
  const map1 = (f: (a: number) => number) => x.map(f);
  const map2 = (f: (a: number, b: number) => number) => x.map((a, i) => f(a, y[i]!));
  switch (n.op) {
    case "arg": {
      const a = args[n.index];
      if (!a) throw new Error(`%${n.id}: argument ${n.index} does not exist`);
      return a.slice();
    }
    case "const": return Float64Array.of(n.value);
    case "literal": return Float64Array.from(n.data);
    case "select": return x.map((c, i) => (c !== 0 ? y[i]! : z[i]!));
    case "cast": return n.dtype === "i32" ? map1(Math.trunc) : x.slice();
    case "reshape": return x.slice();
    case "sum":
    case "reduce_max": {
      const axes = n.axes;
      const kept = s.filter((_, ax) => !axes.includes(ax));
      const out = new Float64Array(numel(kept)).fill(n.op === "sum" ? 0 : -Infinity);
      forEachIndex(s, (idx, i) => {
        const o = offset(kept, idx.filter((_, ax) => !axes.includes(ax)));
        out[o] = n.op === "sum" ? out[o]! + x[i]! : Math.max(out[o]!, x[i]!);
      });
      return out;
    }
    case "permute": {
      const perm = n.perm;
      return tabulate(shape, (o) => x[offset(s, perm.map((_, ax) => o[perm.indexOf(ax)]!))]!);
    }
    case "broadcast": return tabulate(shape, (o) => x[offset(s, o.map((v, ax) => (s[ax] === 1 ? 0 : v)))]!);
    case "slice": {
      const starts = n.starts.map(dim);
      inBounds(n, starts, shape, s);
      return tabulate(shape, (o) => x[offset(s, o.map((v, ax) => v + starts[ax]!))]!);
    }
    case "pad": {
      const before = n.before.map(dim);
      inBounds(n, before, s, shape);
      const out = new Float64Array(numel(shape));
      forEachIndex(s, (idx, i) => (out[offset(shape, idx.map((v, ax) => v + before[ax]!))] = x[i]!));
      return out;
    }
    case "matmul": {
      const r = shape.length;
      const [m, k, p] = [s[r - 2]!, s[r - 1]!, shape[r - 1]!];
      const batch = numel(shape.slice(0, r - 2));
      const out = new Float64Array(batch * m * p);
      for (let t = 0; t < batch; t++)
        for (let i = 0; i < m; i++)
          for (let j = 0; j < p; j++) {
            let acc = 0;
            for (let q = 0; q < k; q++) acc += x[t * m * k + i * k + q]! * y[t * k * p + q * p + j]!;
            out[t * m * p + i * p + j] = acc;
          }
      return out;
    }
    case "iota": {
      const axis = n.axis;
      return tabulate(shape, (o) => o[axis]!);
    }
    case "random": {
      // The seed is the first element of the input; draws are stored as float32, like every backend.
      const seed = x[0]!;
      const uniform = (i: number) => (randomBits(seed, n.stream, i) >>> 8) / 16777216;
      if (n.dist === "uniform") return tabulate(shape, (_, i) => uniform(i));
      // Box–Muller; u1 is in (0, 1] so the log is finite.
      return tabulate(shape, (_, i) => Math.fround(Math.sqrt(-2 * Math.log(uniform(2 * i) + 1 / 16777216)) * Math.cos(2 * Math.PI * uniform(2 * i + 1))));
    }
    case "window": return windowOp(n, x, s, shape);
    case "unwindow": return unwindowOp(n, x, ins[0]!, shape);
    case "gather": return gatherOp(x, s, y, ins[1]!);
    case "scatter_add": return scatterAddOp(x, y, ins[1]!, shape);
    case "scan": return scanOp(n, xs, ins, shape, dims, interpret);
    default: {
      // Every other primitive has its case above: tsc rejects this line while one lacks it.
      const op: UnaryOp | BinaryOp = n.op;
      if (isUnary(op)) return map1(UNARY_FN[op]);
      if (isBinary(op)) return map2(BINARY_FN[op]);
      throw new Error(`%${n.id}: unknown op ${op}`);
    }
  }
}

/** Counter-based hash: element i of stream s under seed k is a pure function of (k, s, i). */
export function randomBits(seed: number, stream: number, i: number): number {
  const mix = (v: number): number => {
    v ^= v >>> 16;
    v = Math.imul(v, 0x7feb352d);
    v ^= v >>> 15;
    v = Math.imul(v, 0x846ca68b);
    v ^= v >>> 16;
    return v >>> 0;
  };
  return mix(mix(mix(seed >>> 0) ^ stream) ^ i);
}

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Row-major flat position of a multi-index. */
const offset = (shape: readonly number[], idx: readonly number[]): number => idx.reduce((o, v, ax) => o * shape[ax]! + v, 0);

/** Calls f with every multi-index of `shape` in row-major order, with its flat position. */
function forEachIndex(shape: readonly number[], f: (idx: number[], flat: number) => void): void {
  const total = numel(shape);
  const idx = shape.map(() => 0);
  for (let i = 0; i < total; i++) {
    f(idx, i);
    for (let ax = shape.length - 1; ax >= 0; ax--) {
      if (++idx[ax]! < shape[ax]!) break;
      idx[ax] = 0;
    }
  }
}

function tabulate(shape: readonly number[], f: (idx: number[], flat: number) => number): Float64Array {
  const out = new Float64Array(numel(shape));
  forEachIndex(shape, (idx, i) => (out[i] = f(idx, i)));
  return out;
}

/** The window `small` placed at `at` must lie inside `big`, for slice and pad alike. */
function inBounds(n: Node, at: readonly number[], small: readonly number[], big: readonly number[]): void {
  if (at.some((a, ax) => a < 0 || a + small[ax]! > big[ax]!))
    throw new Error(`%${n.id} (${n.op}): [${small}] at [${at}] does not fit in [${big}]`);
}
