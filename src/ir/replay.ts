// Rebuilding a node through a Builder, which re-applies its primitive's shape rule: how passes,
// the training step and autodiff copy a node into a new function with its inputs renamed, and
// how verify.ts checks a function (a scan's body is checked there, not on every copy).
import { Builder, IrError, isBinary, isUnary, padAfterOf, type BinaryOp, type Fn, type Node, type UnaryOp } from "./ir.ts";

/** Appends node `n` of `fn` to `b`, with its inputs renamed to `ins` (verification, inlining). */
export function replay(b: Builder, n: Node, ins: number[], fn: Fn): number {
  const [x, y, z] = ins as [number, number, number];
  switch (n.op) {
    case "arg": {
      const a = fn.args[n.index];
      if (!a) throw new IrError(`${fn.name}: %${n.id} is argument ${n.index}, which does not exist`);
      return b.arg(a.name, a.role, a.shape, a.dtype);
    }
    case "const": return b.const(n.value, n.dtype);
    case "literal": return b.literal(n.data, n.shape);
    case "select": return b.select(x, y, z);
    case "sum":
    case "reduce_max": return b.reduce(n.op, x, [...n.axes]);
    case "reshape": return b.reshape(x, n.shape);
    case "permute": return b.permute(x, [...n.perm]);
    case "broadcast": return b.broadcast(x, n.shape);
    case "slice": return b.slice(x, [...n.starts], n.shape);
    case "pad": return b.pad(x, [...n.before], n.shape);
    case "matmul": return b.matmul(x, y);
    case "cast": return b.cast(x, n.dtype);
    case "iota": return b.iota(n.shape, n.axis, n.dtype);
    case "random": return b.random(x, n.shape, n.dist, n.stream);
    case "window": return b.window(x, n, padAfterOf(n, b.node(x).shape));
    case "unwindow": return b.unwindow(x, n, n.shape);
    case "gather": return b.gather(x, y);
    case "scatter_add": return b.scatterAdd(x, y, n.shape[0]!);
    case "scan": return b.scan(n.body, x, y, ins.slice(2), n.axis, n.reverse);
    default: {
      // Every other primitive has its case above: tsc rejects this line while one lacks it.
      const op: UnaryOp | BinaryOp = n.op;
      if (isUnary(op)) return b.unary(op, x);
      if (isBinary(op)) return b.binary(op, x, y);
      throw new IrError(`${fn.name}: %${n.id} has unknown op ${op}`);
    }
  }
}
