// IR verifier: a function is well formed when replaying every node through a fresh Builder
// (which enforces each primitive's shape rule) reproduces the same shapes and dtypes, ids are
// dense and topological, every output names an existing node, and every scan's body is well
// formed too. Passes run it in tests.
import { Builder, IrError, type Fn } from "./ir.ts";
import { replay } from "./replay.ts";
import { sameShape, showShape } from "./shape.ts";

export function verify(fn: Fn): void {
  const b = new Builder(fn.name);
  const remap: number[] = [];
  fn.nodes.forEach((n, i) => {
    if (n.id !== i) throw new IrError(`${fn.name}: node at position ${i} has id %${n.id}`);
    for (const x of n.inputs) if (x >= i) throw new IrError(`${fn.name}: %${i} uses %${x}, which is not defined before it`);
    if (n.op === "scan") verify(n.body);
    const id = replay(b, n, n.inputs.map((x) => remap[x]!), fn);
    const got = b.node(id);
    if (got.dtype !== n.dtype || !sameShape(got.shape, n.shape))
      throw new IrError(`${fn.name}: %${i} (${n.op}) is declared ${n.dtype}${showShape(n.shape)} but its inputs give ${got.dtype}${showShape(got.shape)}`);
    remap.push(id);
  });
  for (const o of fn.outputs) if (!fn.nodes[o.id]) throw new IrError(`${fn.name}: output ${o.name} refers to missing node %${o.id}`);
}
