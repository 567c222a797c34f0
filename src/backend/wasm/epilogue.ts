// A matmul kernel's epilogue (bias, activation, the masks its gradient needs…) as a WebAssembly
// function run right after the product, over C where the product left it in linear memory: the
// elementwise body four columns at a time, then the row's last columns one at a time, each
// operand read at i·R + j·S for row i and column j (R: 0, 1 or the row length; S: 0 or 1 — what
// a bias, a per-row value or a full matrix needs). Nothing is written outside a row's own
// elements, so threads may take rows apart.
// Only C's values the rest of the function reads leave linear memory. Every unary and binary op has a
// form here (those without a SIMD instruction, such as a sigmoid or tanh activation, as calls of
// transcendental.ts's helper functions); an epilogue this cannot express (a select, a cast,
// another access, a batch of products) is left to the TypeScript loop.
import { isElementwise, type ElementwiseOp } from "../../ir/ops.ts";
import type { Node } from "../../ir/ir.ts";
import type { Dim } from "../../ir/shape.ts";
import type { Kernel, Schedule } from "../../schedule/kernel.ts";
import { scalarValue } from "../../schedule/fuse.ts";
import { broadcastStrides, rowMajor } from "../../schedule/strides.ts";
import { FuncBuilder, type Local } from "./builder.ts";
import { TRANSCENDENTAL_OPS } from "./transcendental.ts";
import type { Func, Instr } from "./encode.ts";

/** Each op as instructions over its operands' values (on the stack, in order): four lanes, and one. */
export const OPS: Partial<Record<ElementwiseOp, { vector: Instr[]; scalar: Instr[] }>> = {
  neg: { vector: [["f32x4.neg"]], scalar: [["f32.neg"]] },
  abs: { vector: [["f32x4.abs"]], scalar: [["f32.abs"]] },
  sqrt: { vector: [["f32x4.sqrt"]], scalar: [["f32.sqrt"]] },
  // Math.max(a, 0): NaN stays NaN, −0 becomes +0, as f32.max.
  relu: { vector: [["f32.const", 0], ["f32x4.splat"], ["f32x4.max"]], scalar: [["f32.const", 0], ["f32.max"]] },
  add: { vector: [["f32x4.add"]], scalar: [["f32.add"]] },
  sub: { vector: [["f32x4.sub"]], scalar: [["f32.sub"]] },
  mul: { vector: [["f32x4.mul"]], scalar: [["f32.mul"]] },
  div: { vector: [["f32x4.div"]], scalar: [["f32.div"]] },
  max: { vector: [["f32x4.max"]], scalar: [["f32.max"]] },
  min: { vector: [["f32x4.min"]], scalar: [["f32.min"]] },
  // A vector comparison's lanes are all ones or all zeros: and-ed with 1.0 they are 1 or 0.
  cmplt: { vector: [["f32x4.lt"], ["f32.const", 1], ["f32x4.splat"], ["v128.and"]], scalar: [["f32.lt"], ["f32.convert_i32_u"]] },
  cmpeq: { vector: [["f32x4.eq"], ["f32.const", 1], ["f32x4.splat"], ["v128.and"]], scalar: [["f32.eq"], ["f32.convert_i32_u"]] },
  // exp, log, tanh, sigmoid, erf, pow (approximations), recip, sign, nonfinite (exact): calls of
  // the kernels' helper functions or short sequences (transcendental.ts).
  ...TRANSCENDENTAL_OPS,
};

/** A read of memory by the epilogue: the node whose memory it is, and its row and column strides. */
export interface EpilogueInput {
  node: number;
  rowStride: "0" | "1" | "row";
  colStride: 0 | 1;
}

export interface EpiloguePlan {
  /** `(C, rows, cols, ...inputs, ...outputs)`, pointers in bytes. */
  func: Func;
  inputs: EpilogueInput[];
  /** Nodes the kernel stores, other than the product's own memory, in parameter order. */
  outputs: number[];
  /** Whether the product itself (its memory) is read after this kernel. */
  storesProduct: boolean;
}

const same = (a: readonly Dim[], b: readonly Dim[]) => a.length === b.length && a.every((d, i) => String(d) === String(b[i]));

/** The epilogue of matmul kernel `k` as a WebAssembly function named `name`, or undefined. */
export function planEpilogue(s: Schedule, k: Kernel, name: string): EpiloguePlan | undefined {
  const fn = s.fn;
  const head = fn.nodes[k.head!]!;
  if (k.body.length === 0 || head.shape.length !== 2) return undefined;
  const cols = head.shape[1]!;
  const domain = fn.nodes[k.body[0]!]!.shape;
  if (String(domain.at(-1)) !== String(cols)) return undefined;
  const inBody = new Set(k.body);
  const base = (id: number) => s.base[id]!;
  const isProduct = (id: number) => base(id) === k.head;
  const full = rowMajor(domain);

  // Every read of memory: its strides over the domain, as (R, S).
  const inputs: EpilogueInput[] = [];
  const readOf = (node: number, strides: readonly Dim[]): number | undefined => {
    const lead = strides.slice(0, -1);
    const S = String(strides.at(-1));
    const R = lead.every((d) => String(d) === "0") ? "0" : same(lead, full.slice(0, -1)) ? "row" : same(lead, rowMajor(domain.slice(0, -1))) ? "1" : undefined;
    if (R === undefined || (S !== "0" && S !== "1")) return undefined;
    const at = inputs.findIndex((x) => x.node === node && x.rowStride === R && x.colStride === Number(S));
    return at >= 0 ? at : inputs.push({ node, rowStride: R, colStride: S === "1" ? 1 : 0 }) - 1;
  };

  // The body as vector code; each value in a local.
  const values = new Map<number, Value>();
  const valueOf = (x: number): Value | undefined => {
    const c = scalarValue(fn, x);
    if (c !== undefined) return { literal: c };
    if (inBody.has(x)) return values.get(x);
    if (isProduct(x)) return { product: true };
    const r = readOf(base(x), full);
    return r === undefined ? undefined : { read: r };
  };
  const steps: Step[] = [];
  for (const id of k.body) {
    const n = fn.nodes[id]!;
    if (scalarValue(fn, id) !== undefined) continue;
    let operands: Value[] | undefined;
    if (n.op === "broadcast") {
      const u = n.inputs[0]!;
      const v = inBody.has(u) ? values.get(u) : isProduct(u) ? undefined : (() => {
        const r = readOf(base(u), broadcastStrides(fn.nodes[u]!.shape, n.shape));
        return r === undefined ? undefined : ({ read: r } as Value);
      })();
      if (!v) return undefined;
      values.set(id, v);
      continue;
    }
    if (!isElementwise(n.op) || !OPS[n.op]) return undefined;
    operands = n.inputs.map((x) => valueOf(x)).filter((v): v is Value => v !== undefined);
    if (operands.length !== n.inputs.length) return undefined;
    // render.ts writes x ** 2 as x * x (exact), as elementwise.ts does.
    const square = n.op === "pow" && scalarValue(fn, n.inputs[1]!) === 2;
    steps.push({ node: n, op: square ? "mul" : n.op, operands: square ? [operands[0]!, operands[0]!] : operands });
    values.set(id, { local: true, id });
  }
  const outputs = k.stores.filter((id) => !isProduct(id));
  if (outputs.some((id) => !values.has(id) || !("local" in values.get(id)!))) return undefined;
  // C leaves linear memory only when another kernel or the function's result reads it.
  const storesProduct = [...(kernelsReading(s).get(k.head!) ?? [])].some((other) => other !== k) || fn.outputs.some((o) => isProduct(o.id));
  return { func: epilogueFunc(name, steps, inputs, outputs), inputs, outputs, storesProduct };
}

const readersOf = new WeakMap<Schedule, Map<number, Set<Kernel>>>();

/** The kernels that read each memory (by its base node), computed once per schedule. */
function kernelsReading(s: Schedule): Map<number, Set<Kernel>> {
  let map = readersOf.get(s);
  if (map) return map;
  readersOf.set(s, (map = new Map()));
  for (const k of s.kernels)
    for (const id of [...(k.head !== undefined ? [k.head] : []), ...k.body])
      for (const x of s.fn.nodes[id]!.inputs) {
        const base = s.base[x]!;
        let set = map.get(base);
        if (!set) map.set(base, (set = new Set()));
        set.add(k);
      }
  return map;
}

/** A value of the body: a local of the loop, a read (by index into the inputs), a literal, or C. */
type Value = { local: true; id: number } | { read: number } | { literal: number } | { product: true };
interface Step {
  node: Node;
  /** The op computed: the node's, or mul for a square. */
  op: ElementwiseOp;
  operands: Value[];
}

function epilogueFunc(fname: string, body: readonly Step[], reads: readonly EpilogueInput[], outs: readonly number[]): Func {
  const f = new FuncBuilder(fname, [["C", "i32"], ["rows", "i32"], ["cols", "i32"], ...reads.map((_, i) => [`in${i}`, "i32"] as const), ...outs.map((id) => [`out${id}`, "i32"] as const)]);
  const [C, rows, cols] = f.params as [Local, Local, Local];
  const inPtr = f.params.slice(3, 3 + reads.length);
  const outPtr = f.params.slice(3 + reads.length);
  const i = f.local("i");
  const j = f.local("j");
  const whole = f.local("whole");
  const lanes = { vector: new Map(body.map((st) => [st.node.id, f.local(`v${st.node.id}`, "v128")])), scalar: new Map(body.map((st) => [st.node.id, f.local(`s${st.node.id}`, "f32")])) };
  const { get, i32 } = f;
  // Byte address of element (i, j) of an operand at `ptr` read with strides (R, S).
  const address = (ptr: Local, R: EpilogueInput["rowStride"], S: 0 | 1): Instr[] => {
    const row: Instr[] = R === "0" ? [i32(0)] : R === "1" ? [get(i)] : [get(i), get(cols), ["i32.mul"]];
    return [get(ptr), ...row, ...(S === 1 ? [get(j), ["i32.add"] as Instr] : []), i32(4), ["i32.mul"], ["i32.add"]];
  };
  const element = (width: "vector" | "scalar") => {
    const v = width === "vector";
    const locals = lanes[width];
    const push = (x: Value): Instr[] => {
      if ("literal" in x) return v ? [["f32.const", x.literal], ["f32x4.splat"]] : [["f32.const", x.literal]];
      if ("local" in x) return [get(locals.get(x.id)!)];
      if ("product" in x) return [...address(C, "row", 1), v ? ["v128.load", 0, 2] : ["f32.load", 0]];
      const r = reads[x.read]!;
      return [...address(inPtr[x.read]!, r.rowStride, r.colStride), v ? (r.colStride === 1 ? ["v128.load", 0, 2] : ["v128.load32_splat", 0]) : ["f32.load", 0]];
    };
    for (const { node, op, operands } of body) f.assign(locals.get(node.id)!, ...operands.flatMap(push), ...OPS[op]![width]);
    outs.forEach((id, o) => f.emit(...address(outPtr[o]!, "row", 1), get(locals.get(id)!), v ? ["v128.store", 0, 2] : ["f32.store", 0]));
  };
  // Columns in whole vectors, then the rest one by one.
  f.assign(whole, get(cols), i32(-4), ["i32.and"]);
  f.forRange(i, [i32(0)], [get(rows)], 1, () => {
    f.forRange(j, [i32(0)], [get(whole)], 4, () => element("vector"));
    f.forRange(j, [get(whole)], [get(cols)], 1, () => element("scalar"));
  });
  return f.finish(true);
}
