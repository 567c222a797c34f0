// Dead-code elimination: keep only nodes an output depends on (arguments always stay, they
// are the function's signature), renumbering so ids remain dense and topological. A scan's
// body is cleaned the same way (its argument list is fixed by the scan, so only inner nodes go).
import { carrySections, makeNode, type Arg, type Fn, type Node } from "../ir/ir.ts";

export function eliminateDeadCode(fn: Fn): Fn {
  return withoutDeadCode(fn, new Set());
}

/**
 * Dead-code elimination that may also remove the arguments named in `droppable` when nothing
 * reads them (the training step drops optimizer states an update never reads). Later
 * arguments move down to fill the gap.
 */
export function withoutDeadCode(fn: Fn, droppable: ReadonlySet<string>): Fn {
  const n = fn.nodes.length;
  const live = new Uint8Array(n);
  for (const o of fn.outputs) live[o.id] = 1;
  let count = 0;
  for (let i = n - 1; i >= 0; i--) {
    const node = fn.nodes[i]!;
    if (node.op === "arg" && !droppable.has(fn.args[node.index]!.name)) live[i] = 1;
    if (live[i]) {
      count++;
      for (const x of node.inputs) live[x] = 1;
    }
  }
  const hasScan = fn.nodes.some((x) => x.op === "scan");
  if (count === n && !hasScan) return fn;
  const remap = new Int32Array(n);
  const args: Arg[] = [];
  const nodes: Node[] = [];
  const firstNew = new Int32Array(n);
  for (const node of fn.nodes) {
    firstNew[node.id] = nodes.length;
    if (!live[node.id]) continue;
    remap[node.id] = nodes.length;
    const moved = makeNode(node, nodes.length, node.inputs.map((x) => remap[x]!), node.shape, node.dtype);
    if (moved.op === "scan") moved.body = eliminateDeadCode(moved.body);
    if (moved.op === "arg") (args.push(fn.args[moved.index]!), (moved.index = args.length - 1));
    nodes.push(moved);
  }
  return carrySections(fn, { ...fn, args, nodes, outputs: fn.outputs.map((o) => ({ ...o, id: remap[o.id]! })) }, firstNew);
}
