// An elementwise kernel (a fused body over one domain: masks, selects, broadcasts, iotas…) as a
// WebAssembly function computing what the TypeScript loop computes (render.ts's ElementLoop over
// loops.ts's nest): every memory access is a stride per domain axis (0 where it broadcasts), the
// axes coalesced as there (schedule/strides.ts), each loop level adding its term to each access's
// offset. The innermost axis runs four lanes at a time where every access walks it with stride 0
// (a splatted float) or 1 (a vector), then the last one to three elements one by one; any other
// innermost stride, one by one throughout. Symbolic sizes and strides are the function's i32
// parameters after the arrays' byte pointers. The ops SIMD128 has no instruction for (exp, log,
// tanh, sigmoid, erf, pow; recip, sign, nonfinite) are calls of the kernels' helper functions or
// short sequences (transcendental.ts); a body with `random` is left to the TypeScript loop.
// A reduction, with a prologue (max pooling's argmax mask, a bias's gradient behind a ReLU mask)
// or without (max pooling over a view of its input, a sum over the batch), runs the same way where
// the TypeScript loop folds each value into memory: a reduced axis outside a kept one. A maximum
// folds into the output (filled with the identity first, by the call), bit for bit the TypeScript
// loop's up to a zero's sign (max(−0, +0) is +0 here, the first of them there). A sum over the
// outermost loop (a bias's gradient over the batch, BatchNorm's statistics) folds into float64
// partial sums, one per block of that loop, that the runtime adds in block order and rounds once
// (`partials`), the same on any number of threads, as the TypeScript loop's float64 sums (but for
// the order of the additions); a sum over a middle loop alone (kept loops outside and inside it)
// folds into the float32 output, one rounding per value, where the TypeScript loop rounds once:
// close, not equal. Where every
// reduced axis is inside the kept ones (a softmax's row max and sum, layer-norm statistics), each
// output element is reduced in locals and stored once (no fill), as the TypeScript loop's double
// local: a sum in f64 lanes rounded once to float32 (the loop's value but for its summation
// order: 1 ulp apart where that moves a rounding), a maximum its value bit for bit, a zero's sign
// included (rowReduction). Threads split the kept loops.
// Values: each op rounds to float32 where JavaScript keeps a double between the ops of a chain,
// so a chain may differ in its last bit; single ops, comparisons, selects, max/min, casts, recip,
// sign and nonfinite are the same (NaN included: `select` takes its first branch where the
// condition is NaN, as `!== 0`); exp, log, tanh, sigmoid, erf and pow are within a few float32
// ulps of the exact value (transcendental.ts states each bound; erf is closer than the TypeScript
// target's own, which is good to 1.5e-7 absolute).
// A row reduction folds each value rounded to float32 where the loop folds its double: a sum of
// values that are exact in float32 (reads, abs, max, selects…) is the loop's as above; a sum of
// products or of a chain's values is close, not equal.
import { OPS as EPILOGUE_OPS } from "./epilogue.ts";
import { isElementwise, type ElementwiseOp, type ReductionOp } from "../../ir/ops.ts";
import { isReductionNode } from "../../ir/ir.ts";
import type { Dim } from "../../ir/shape.ts";
import type { Kernel, Schedule } from "../../schedule/kernel.ts";
import { scalarValue } from "../../schedule/fuse.ts";
import { broadcastStrides, coalesce, rowMajor } from "../../schedule/strides.ts";
import { FuncBuilder, type Local } from "./builder.ts";
import { fillOuterPart, HIGH_HALF, rowReduction } from "./folds.ts";
import type { Func, Instr } from "./encode.ts";

/** epilogue.ts's ops, and what a whole kernel's body has besides: selects, casts, the non-finite test. */
const OPS: typeof EPILOGUE_OPS = {
  ...EPILOGUE_OPS,
  // `c !== 0 ? a : b` over (a, b, c): the mask c ≠ 0 (true for NaN) picks a.
  select: { vector: [["f32.const", 0], ["f32x4.splat"], ["f32x4.ne"], ["v128.bitselect"]], scalar: [["f32.const", 0], ["f32.ne"], ["select"]] },
  // A cast to i32 is Math.trunc (values are carried as floats); to f32, the value itself.
  cast: { vector: [["f32x4.trunc"]], scalar: [["f32.trunc"]] },
  // `Number.isFinite(a) ? 0 : 1` (the non-finite step guard's count): |a| < ∞ is false for ±∞ and NaN.
  nonfinite: {
    vector: [["f32x4.abs"], ["f32.const", Infinity], ["f32x4.splat"], ["f32x4.lt"], ["v128.not"], ["f32.const", 1], ["f32x4.splat"], ["v128.and"]],
    scalar: [["f32.abs"], ["f32.const", Infinity], ["f32.lt"], ["i32.eqz"], ["f32.convert_i32_u"]],
  },
};

/**
 * A value of the body: a local of the loop (by node), a read of array `array` along access
 * `access`, a literal, or the index of an iota (the offset of its access).
 */
type Value = { local: number } | { read: number; access: number } | { literal: number } | { iota: number };

/**
 * A reduction's fold of `value` into array `array` along access `access`: four lanes, and one.
 * `rows`: the first loop level of the reduced ones where they are all inside the kept ones; each
 * output element is then reduced in locals over the levels from there and stored once.
 */
interface Fold {
  value: Value;
  array: number;
  access: number;
  reduction: ReductionOp;
  op: { vector: Instr; scalar: Instr };
  rows?: number;
  /** A sum folded into float64 partial results (the array's pointer is theirs), one per block of the outer loop. */
  partials?: boolean;
  /** The function fills the output of its part of the outer loop with the identity before folding into it. */
  fillsPart?: boolean;
}
const FOLDS: Record<ReductionOp, { identity: number; vector: Instr; scalar: Instr }> = {
  sum: { identity: 0, vector: ["f32x4.add"], scalar: ["f32.add"] },
  reduce_max: { identity: -Infinity, vector: ["f32x4.max"], scalar: ["f32.max"] },
};

interface Step {
  id: number;
  op: ElementwiseOp;
  operands: Value[];
}

export interface ElementwisePlan {
  /**
   * `(pointers…, sizes…, from, to)`: a byte pointer per array, the symbolic sizes and strides, and
   * the part of the outermost loop to run (all of it: 0 and `outer`).
   */
  func: Func;
  /** The outermost loop's length; whether threads may take parts of it (each writes only its own elements). */
  outer: Dim;
  splits: boolean;
  /** The memory the kernel reads (first `inputs` of them) and writes, by node (any node of that memory). */
  arrays: number[];
  inputs: number;
  /** The symbolic sizes and strides the function takes, in parameter order. */
  dims: Dim[];
  /** A reduction's output (by node) and the identity the call fills it with first. */
  fill?: { node: number; value: number };
  /**
   * A sum over the outer loop folded into memory: its output (an index into `arrays`). The runtime
   * runs a fixed number of blocks of that loop (threads take blocks), each folding into float64
   * partial sums, and adds them in block order, rounding once: the same sum on any number of
   * threads, as close to the exact one as the TypeScript loop's float64 sums.
   */
  partials?: number;
}

/**
 * Elementwise kernel `k` (or a reduction kernel, with a prologue or over any axes) as a WebAssembly function named
 * `name`, or undefined where an op has no WebAssembly form (random) or the TypeScript loop sums in a double.
 */
export function planElementwise(s: Schedule, k: Kernel, name: string): ElementwisePlan | undefined {
  const fn = s.fn;
  const node = (id: number) => fn.nodes[id]!;
  if (k.kind === "elementwise" ? k.body.length === 0 : k.kind !== "reduce") return undefined;
  const head = k.kind === "reduce" ? node(k.head!) : undefined;
  const reduction = head && isReductionNode(head) ? head : undefined;
  if (head && !reduction) return undefined;
  const domain = reduction ? node(reduction.inputs[0]!).shape : node(k.body[0]!).shape;
  const inBody = new Set(k.body);
  // The accesses as render.ts's ElementLoop numbers them: 0 is the domain's own row-major order.
  const accesses: Dim[][] = [rowMajor(domain)];
  const accessOf = (strides: readonly Dim[]): number => {
    const key = JSON.stringify(strides);
    const at = accesses.findIndex((a) => JSON.stringify(a) === key);
    return at >= 0 ? at : accesses.push([...strides]) - 1;
  };
  // Arrays by base node; read ones and stored ones apart, so foreign ones are copied the right way.
  const read: number[] = [];
  const arrayOf = (id: number): number => {
    const b = s.base[id]!;
    const at = read.indexOf(b);
    return at >= 0 ? at : read.push(b) - 1;
  };

  const values = new Map<number, Value>();
  const valueOf = (x: number): Value => {
    const c = scalarValue(fn, x);
    if (c !== undefined) return { literal: c };
    if (inBody.has(x)) return values.get(x)!;
    return { read: arrayOf(x), access: 0 };
  };
  const steps: Step[] = [];
  for (const id of k.body) {
    const n = node(id);
    const c = scalarValue(fn, id);
    if (c !== undefined) values.set(id, { literal: c });
    else if (n.op === "broadcast") {
      const u = n.inputs[0]!;
      values.set(id, inBody.has(u) ? valueOf(u) : { read: arrayOf(u), access: accessOf(broadcastStrides(node(u).shape, n.shape)) });
    } else if (n.op === "iota") values.set(id, { iota: accessOf(n.shape.map((_, j) => (j === n.axis ? 1 : 0))) });
    else if (n.op === "cast" && n.dtype !== "i32") values.set(id, valueOf(n.inputs[0]!));
    else if (n.op === "pow" && scalarValue(fn, n.inputs[1]!) === 2) {
      // render.ts writes x ** 2 as x * x.
      const a = valueOf(n.inputs[0]!);
      steps.push({ id, op: "mul", operands: [a, a] });
      values.set(id, { local: id });
    } else if (isElementwise(n.op) && OPS[n.op]) {
      const operands = n.inputs.map(valueOf);
      // select (c, a, b) runs as (a, b, c), the order of its instructions' operands.
      steps.push({ id, op: n.op, operands: n.op === "select" ? [operands[1]!, operands[2]!, operands[0]!] : operands });
      values.set(id, { local: id });
    } else return undefined;
  }
  // The reduction's output along the domain: 0 on the reduced axes (render.ts's `reduce`).
  let outAccess = -1;
  if (reduction) {
    const outStrides = rowMajor(reduction.shape);
    let kept = 0;
    outAccess = accessOf(domain.map((_, j) => (reduction.axes.includes(j) ? 0 : outStrides[kept++]!)));
  }
  // The folded value first: without a prologue it is a read, which must be numbered before the stores.
  const folded = reduction ? valueOf(reduction.inputs[0]!) : undefined;
  const storedIds = k.stores.filter((id) => id !== reduction?.id);
  const stored = [...new Set([...storedIds, ...(reduction ? [reduction.id] : [])].map((id) => s.base[id]!))];
  // A kernel writing memory it also reads (in place) stays a TypeScript loop: copying in and out would not keep its order.
  if (stored.some((b) => read.includes(b))) return undefined;
  const arrays = [...read, ...stored];
  const arrayIndex = (id: number) => read.length + stored.indexOf(s.base[id]!);
  const stores = storedIds.map((id) => ({ array: arrayIndex(id), value: valueOf(id) }));
  const axes = coalesce(domain, accesses);
  let rows: number | undefined;
  if (reduction) {
    // Reduced loops innermost: reduced in locals, each output element stored once (as the
    // TypeScript loop's double local); else folded into the output, filled first.
    const reduced = axes.map((a) => a.strides[outAccess] === 0);
    const split = reduced.indexOf(true);
    if (split >= 0 && reduced.slice(split).every((b) => b)) rows = split;
  }
  const partials = reduction?.op === "sum" && rows === undefined && axes.length >= 2 && axes[0]!.strides[outAccess] === 0;
  const fold: Fold | undefined = reduction ? { value: folded!, array: arrayIndex(reduction.id), access: outAccess, reduction: reduction.op, op: FOLDS[reduction.op], rows, partials } : undefined;
  const dims: Dim[] = [];
  for (const d of axes.flatMap((a) => [a.size, ...a.strides])) if (typeof d !== "number" && !dims.some((x) => String(x) === String(d))) dims.push(d);
  // Parts of an outer loop that is not the vectorized one, and along which a fold moves its output.
  const splits = axes.length >= 2 && (!fold || axes[0]!.strides[fold.access] !== 0);
  // A fold into memory fills its output with the identity first: the kernel its own part where
  // threads split it (the output elements of outer indices [from, to) are one run), else the call.
  const fills = reduction && rows === undefined && !partials;
  const fill = fills && !splits ? { node: reduction.id, value: FOLDS[reduction.op].identity } : undefined;
  if (fold && fills && splits) fold.fillsPart = true;
  return { func: elementwiseFunc(name, axes, steps, stores, fold, arrays.length, dims), outer: axes[0]?.size ?? 1, splits, arrays, inputs: read.length, dims, fill, ...(partials ? { partials: fold!.array } : {}) };
}

function elementwiseFunc(name: string, axes: ReturnType<typeof coalesce>, steps: readonly Step[], stores: readonly { array: number; value: Value }[], fold: Fold | undefined, arrays: number, dims: readonly Dim[]): Func {
  const f = new FuncBuilder(name, [...Array.from({ length: arrays }, (_, i) => [`a${i}`, "i32"] as const), ...dims.map((_, i) => [`d${i}`, "i32"] as const), ["from", "i32"], ["to", "i32"]]);
  const [from, to] = f.params.slice(-2) as [Local, Local];
  const { get, i32 } = f;
  const ptr = f.params.slice(0, arrays);
  const dimParam = (d: Dim): Local => f.params[arrays + dims.findIndex((x) => String(x) === String(d))]!;
  const dim = (d: Dim): Instr[] => (typeof d === "number" ? [i32(d)] : [get(dimParam(d))]);
  const bytes = (d: Dim): Instr[] => (typeof d === "number" ? [i32(4 * d)] : [get(dimParam(d)), i32(4), ["i32.mul"]]);
  const L = axes.length;
  const inner = L - 1;
  const counters = axes.map((_, l) => f.local(`c${l}`));
  // Each access's offset in bytes at each level where it moves (loops.ts's o<k>_<level>).
  const offsets = axes.map((a, l) => a.strides.map((st, k) => (st === 0 ? undefined : f.local(`o${k}_${l}`))));
  const offsetAt = (k: number, level: number): Instr[] => {
    for (let l = level; l >= 0; l--) if (offsets[l]![k]) return [get(offsets[l]![k]!)];
    return [i32(0)];
  };
  const enter = (l: number) =>
    axes[l]!.strides.forEach((st, k) => {
      if (st === 0) return;
      const outer = offsetAt(k, l - 1);
      const term: Instr[] = [get(counters[l]!), ...bytes(st), ["i32.mul"]];
      f.assign(offsets[l]![k]!, ...(outer[0]![0] === "i32.const" ? term : [...outer, ...term, ["i32.add"] as Instr]));
    });
  const stride1 = (k: number) => axes[inner]?.strides[k] === 1;
  // A fold into memory of four lanes into one output element would need a horizontal reduction:
  // one by one. A row's lanes are reduced in locals, combined at its end.
  const vectorized = L > 0 && axes[inner]!.strides.every((st) => st === 0 || st === 1) && (!fold || fold.rows !== undefined || stride1(fold.access));
  // [0, 1, 2, 3]: the lanes' offsets along the innermost axis, for an iota along it.
  const iotaAlongInner = (x: Value) => "iota" in x && stride1(x.iota);
  const lanes = vectorized && (steps.some((st) => st.operands.some(iotaAlongInner)) || stores.some((st) => iotaAlongInner(st.value))) ? f.local("lanes", "v128") : undefined;
  const locals = { vector: new Map(steps.map((st) => [st.id, f.local(`v${st.id}`, "v128")])), scalar: new Map(steps.map((st) => [st.id, f.local(`s${st.id}`, "f32")])) };

  const row = fold?.rows !== undefined ? rowReduction(f, fold.reduction) : undefined;
  const partial = fold?.partials ? f.local("partial", "v128") : undefined;
  /** `exact`: the scalar pass that finds a zero maximum's sign as the TypeScript loop does (no stores). */
  const element = (width: "vector" | "scalar", exact = false) => {
    const v = width === "vector";
    const push = (x: Value): Instr[] => {
      if ("literal" in x) return v ? [["f32.const", x.literal], ["f32x4.splat"]] : [["f32.const", x.literal]];
      if ("local" in x) return [get(locals[width].get(x.local)!)];
      if ("iota" in x) {
        const index: Instr[] = [...offsetAt(x.iota, inner), i32(2), ["i32.shr_u"]];
        if (v && stride1(x.iota)) return [...index, ["i32x4.splat"], get(lanes!), ["i32x4.add"], ["f32x4.convert_i32x4_u"]];
        return [...index, ["f32.convert_i32_u"], ...(v ? [["f32x4.splat"] as Instr] : [])];
      }
      const load: Instr = !v ? ["f32.load", 0] : stride1(x.access) ? ["v128.load", 0, 2] : ["v128.load32_splat", 0];
      return [get(ptr[x.read]!), ...offsetAt(x.access, inner), ["i32.add"], load];
    };
    for (const { id, op, operands } of steps) f.assign(locals[width].get(id)!, ...operands.flatMap(push), ...OPS[op]![width]);
    if (!exact) for (const { array, value } of stores) f.emit(get(ptr[array]!), ...offsetAt(0, inner), ["i32.add"], ...push(value), v ? ["v128.store", 0, 2] : ["f32.store", 0]);
    if (row) row.fold(width, push(fold!.value), exact);
    else if (fold?.partials) {
      // Offsets in floats of the output are twice as many bytes in its float64 partials.
      const at: Instr[] = [get(ptr[fold.array]!), ...offsetAt(fold.access, inner), i32(1), ["i32.shl"], ["i32.add"]];
      if (!v) return void f.emit(...at, ...at, ["f64.load", 0, 3], ...push(fold.value), ["f64.promote_f32"], ["f64.add"], ["f64.store", 0, 3]);
      f.assign(partial!, ...push(fold.value));
      f.emit(...at, ...at, ["v128.load", 0, 3], get(partial!), ["f64x2.promote_low_f32x4"], ["f64x2.add"], ["v128.store", 0, 3]);
      f.emit(...at, ...at, ["v128.load", 16, 3], get(partial!), get(partial!), HIGH_HALF, ["f64x2.promote_low_f32x4"], ["f64x2.add"], ["v128.store", 16, 3]);
    } else if (fold) {
      const at: Instr[] = [get(ptr[fold.array]!), ...offsetAt(fold.access, inner), ["i32.add"]];
      f.emit(...at, ...at, v ? ["v128.load", 0, 2] : ["f32.load", 0], ...push(fold.value), fold.op[width], v ? ["v128.store", 0, 2] : ["f32.store", 0]);
    }
  };

  if (lanes) {
    f.emit(i32(0), ["i32x4.splat"]);
    for (let i = 1; i < 4; i++) f.emit(i32(i), ["i32x4.replace_lane", i]);
    f.emit(f.set(lanes));
  }
  if (L === 0) {
    element("scalar");
    return f.finish(true);
  }
  /** The loops from level `l` in; a row's reduction around its loops, its exact pass after them where a maximum is 0. */
  const open = (l: number, exact = false) => {
    if (row && l === fold!.rows && !exact) {
      row.start();
      loops(l, false);
      row.end(() => loops(l, true));
      f.emit(get(ptr[fold!.array]!), ...offsetAt(fold!.access, l - 1), ["i32.add"], ...row.result, ["f32.store", 0]);
    } else loops(l, exact);
  };
  const loops = (l: number, exact: boolean) => {
    if (l < inner)
      f.forRange(counters[l]!, l === 0 ? [get(from)] : [i32(0)], l === 0 ? [get(to)] : dim(axes[l]!.size), 1, () => {
        enter(l);
        open(l + 1, exact);
      });
    else {
      const c = counters[inner]!;
      const each = (width: "vector" | "scalar") => () => {
        enter(inner);
        element(width, exact);
      };
      if (vectorized && !exact) {
        const size = axes[inner]!.size;
        const whole: Instr[] = typeof size === "number" ? [i32(size & -4)] : [get(dimParam(size)), i32(-4), ["i32.and"]];
        f.forRange(c, [i32(0)], whole, 4, each("vector"));
        f.forRange(c, whole, dim(size), 1, each("scalar"));
      } else f.forRange(c, [i32(0)], dim(axes[inner]!.size), 1, each("scalar"));
    }
  };
  if (fold?.fillsPart) fillOuterPart(f, ptr[fold.array]!, bytes(axes[0]!.strides[fold.access]!), from, to, FOLDS[fold.reduction].identity);
  open(0);
  return f.finish(true);
}
