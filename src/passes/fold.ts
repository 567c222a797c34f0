// Constant folding and exact algebraic rewrites: an elementwise op whose operands are all
// (broadcast) constants becomes a constant; x + 0, x - 0, x * 1, x / 1, −(−x) and a select on a
// constant condition become their operand; reshape and permute chains collapse (the Builder
// drops the identity ones). Only rewrites that are exact in IEEE arithmetic: x * 0 is not 0 for
// an infinite x, so it stays. Each op's arithmetic is the interpreter's (ir/elementwise.ts).
import { Builder, carrySections, type Fn } from "../ir/ir.ts";
import { BINARY_FN, UNARY_FN } from "../ir/elementwise.ts";
import { isBinary, isUnary } from "../ir/ops.ts";
import { replay } from "../ir/replay.ts";

export function foldConstants(fn: Fn): Fn {
  const b = new Builder(fn.name);
  const remap: number[] = [];
  const firstNew: number[] = [];
  /** The one value a node holds everywhere, if it is a constant or a reshape/broadcast of one. */
  const scalar = (id: number): number | undefined => {
    const n = b.node(id);
    if (n.op === "const") return n.value;
    if (n.op === "broadcast" || n.op === "reshape") return scalar(n.inputs[0]!);
    return undefined;
  };
  const constant = (v: number, like: number) => {
    const n = b.node(like);
    return b.broadcast(b.const(n.dtype === "i32" ? Math.trunc(v) : v, n.dtype), n.shape);
  };
  for (const n of fn.nodes) {
    firstNew.push(b.fn.nodes.length);
    const ins = n.inputs.map((x) => remap[x]!);
    const [x, y, z] = ins as [number, number, number];
    let id: number | undefined;
    if (isUnary(n.op)) {
      const v = scalar(x);
      if (v !== undefined) id = constant(UNARY_FN[n.op](v), x);
      else if (n.op === "neg" && b.node(x).op === "neg") id = b.node(x).inputs[0]!;
    } else if (isBinary(n.op) && n.dtype === "f32") {
      const [u, v] = [scalar(x), scalar(y)];
      if (u !== undefined && v !== undefined) id = constant(BINARY_FN[n.op](u, v), x);
      else if (n.op === "add" && u === 0) id = y;
      else if ((n.op === "add" || n.op === "sub") && v === 0) id = x;
      else if (n.op === "mul" && u === 1) id = y;
      else if ((n.op === "mul" || n.op === "div") && v === 1) id = x;
    } else if (n.op === "select") {
      const c = scalar(x);
      if (c !== undefined) id = c !== 0 ? y : z;
    } else if (n.op === "reshape" && b.node(x).op === "reshape") id = b.reshape(b.node(x).inputs[0]!, n.shape);
    else if (n.op === "permute" && b.node(x).op === "permute") {
      const inner = b.node(x) as Extract<typeof n, { op: "permute" }>;
      id = b.permute(inner.inputs[0]!, n.perm.map((p) => inner.perm[p]!));
    }
    // A rewrite must keep the node's type; the Builder guarantees the rest.
    if (id !== undefined && (b.node(id).dtype !== n.dtype || b.node(id).shape.join() !== n.shape.join())) id = undefined;
    remap.push(id ?? replay(b, n, ins, fn));
  }
  for (const o of fn.outputs) b.output(o.name, remap[o.id]!);
  return carrySections(fn, b.fn, firstNew);
}
