// Dead-code elimination: keep only nodes an output depends on (arguments always stay, they
// are the function's signature), renumbering so ids remain dense and topological.
import type { Fn, Node } from "../ir/ir.ts";

export function eliminateDeadCode(fn: Fn): Fn {
  const live = new Set<number>(fn.outputs.map((o) => o.id));
  for (let i = fn.nodes.length - 1; i >= 0; i--) {
    const n = fn.nodes[i]!;
    if (n.op === "arg") live.add(i);
    if (live.has(i)) for (const x of n.inputs) live.add(x);
  }
  const remap = new Map<number, number>();
  const nodes: Node[] = [];
  for (const n of fn.nodes) {
    if (!live.has(n.id)) continue;
    remap.set(n.id, nodes.length);
    nodes.push({ ...n, id: nodes.length, inputs: n.inputs.map((x) => remap.get(x)!) });
  }
  return { ...fn, nodes, outputs: fn.outputs.map((o) => ({ ...o, id: remap.get(o.id)! })) };
}
