// The IR's spellings of convolution and max pooling (docs/decisions/0003), found so the export
// can write ONNX's Conv and MaxPool, which runtimes have fast kernels for, instead of the window
// spelled out as slices (lower-nn.ts, still what every other window becomes):
//   convolution: window(x, fill 0) → reshape to [N·OH·OW, KH·KW·C] → matmul with [KH·KW·C, F]
//   max pooling: window(x, fill −∞) → reduce_max over the kernel axes [3, 4]
// Only where the window (and the reshape) has no other use.
import type { Fn, Node } from "../../ir/ir.ts";

type WindowNode = Extract<Node, { op: "window" }>;

export interface Patterns {
  /** matmul id → the window whose rows it multiplies: a convolution. */
  convolutions: Map<number, WindowNode>;
  /** reduce_max id → its window: a max pooling. */
  maxPools: Map<number, WindowNode>;
  /** Nodes the patterns absorb: nothing else reads them, so they are not emitted. */
  absorbed: Set<number>;
}

export function findPatterns(fn: Fn): Patterns {
  const uses = new Array<number>(fn.nodes.length).fill(0);
  for (const n of fn.nodes) for (const i of n.inputs) uses[i]!++;
  for (const o of fn.outputs) uses[o.id]!++;
  const found: Patterns = { convolutions: new Map(), maxPools: new Map(), absorbed: new Set() };
  const windowOf = (id: number | undefined): WindowNode | undefined => {
    const n = id === undefined ? undefined : fn.nodes[id];
    return n?.op === "window" && uses[id!] === 1 ? n : undefined;
  };
  for (const n of fn.nodes) {
    if (n.op === "matmul" && n.shape.length === 2) {
      const rows = fn.nodes[n.inputs[0]!]!;
      const w = rows.op === "reshape" && uses[rows.id] === 1 ? windowOf(rows.inputs[0]) : undefined;
      if (w && w.fill === 0 && rows.shape[1] === w.kernel[0] * w.kernel[1] * (w.shape[5] as number)) {
        found.convolutions.set(n.id, w);
        found.absorbed.add(rows.id).add(w.id);
      }
    } else if (n.op === "reduce_max" && n.axes.length === 2 && n.axes[0] === 3 && n.axes[1] === 4) {
      const w = windowOf(n.inputs[0]);
      if (w && w.fill === -Infinity) {
        found.maxPools.set(n.id, w);
        found.absorbed.add(w.id);
      }
    }
  }
  return found;
}
