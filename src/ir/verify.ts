// IR verifier: a function is well formed when replaying every node through a fresh Builder
// (which enforces each primitive's shape rule) reproduces the same shapes and dtypes, ids are
// dense and topological, and every output names an existing node. Passes run it in tests.
import { Builder, IrError, isBinary, isUnary, padAfterOf, type BinaryOp, type Fn, type Node, type UnaryOp } from "./ir.ts";
import { sameShape, showShape } from "./shape.ts";

export function verify(fn: Fn): void {
  const b = new Builder(fn.name);
  const remap: number[] = [];
  fn.nodes.forEach((n, i) => {
    if (n.id !== i) throw new IrError(`${fn.name}: node at position ${i} has id %${n.id}`);
    for (const x of n.inputs) if (x >= i) throw new IrError(`${fn.name}: %${i} uses %${x}, which is not defined before it`);
    const id = replay(b, n, n.inputs.map((x) => remap[x]!), fn);
    const got = b.node(id);
    if (got.dtype !== n.dtype || !sameShape(got.shape, n.shape))
      throw new IrError(`${fn.name}: %${i} (${n.op}) is declared ${n.dtype}${showShape(n.shape)} but its inputs give ${got.dtype}${showShape(got.shape)}`);
    remap.push(id);
  });
  for (const o of fn.outputs) if (!fn.nodes[o.id]) throw new IrError(`${fn.name}: output ${o.name} refers to missing node %${o.id}`);
}

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
    case "scan":
      verify(n.body);
      return b.scan(n.body, x, y, ins.slice(2), n.axis, n.reverse);
    default: {
      // Every other primitive has its case above: tsc rejects this line while one lacks it.
      const op: UnaryOp | BinaryOp = n.op;
      if (isUnary(op)) return b.unary(op, x);
      if (isBinary(op)) return b.binary(op, x, y);
      throw new IrError(`${fn.name}: %${n.id} has unknown op ${op}`);
    }
  }
}
