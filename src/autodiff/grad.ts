// Reverse-mode differentiation, graph to graph: appends to the function the nodes that
// compute d(loss)/d(wrt) for each requested node. Only nodes on a path from some `wrt` to the
// loss get adjoints, so frozen parameters and integer inputs cost nothing.
import { Builder, IrError } from "../ir/ir.ts";
import { sameShape, showShape } from "../ir/shape.ts";
import type { OpName } from "../ir/ir.ts";
import { VJP, type Rule } from "./vjp.ts";
import { NN_VJP } from "./vjp-nn.ts";

// Merged on first use: vjp-nn.ts imports this module (scan's rule differentiates its body), so
// the table must not be built while the modules are still loading.
let rules: Record<OpName, Rule> | undefined;

/**
 * With `seed` (the adjoint of `loss`, same shape), a vector-Jacobian product of any output.
 * With `origins`, each node appended is noted there (origins[id] = i) with the node i whose
 * adjoint or VJP it computes, the parameter's for the sum of a parameter's adjoints: so a
 * reader (`dnnc graph --kernels`) can tell which layer a backward node belongs to.
 */
export function grad(b: Builder, loss: number, wrt: readonly number[], seed?: number, origins?: number[]): number[] {
  const nodes = b.fn.nodes;
  if (seed === undefined && b.node(loss).shape.length !== 0) throw new IrError(`grad: loss must be a scalar, found ${showShape(b.node(loss).shape)}`);
  const end = nodes.length; // nodes appended below are backward nodes, never differentiated

  // Marks by node id (every node read here is at most `loss`): flags in typed arrays rather than
  // sets, as a check differentiates every train step and these loops visit the whole forward.
  const fromWrt = new Uint8Array(loss + 1);
  for (const w of wrt) if (w <= loss) fromWrt[w] = 1;
  for (let i = 0; i <= loss; i++) {
    if (fromWrt[i]) continue;
    for (const x of nodes[i]!.inputs) if (fromWrt[x]) fromWrt[i] = 1;
  }
  const needed = new Uint8Array(loss + 1);
  needed[loss] = 1;
  for (let i = loss; i >= 0; i--) if (needed[i]) for (const x of nodes[i]!.inputs) if (fromWrt[x]) needed[x] = 1;

  const adjoints = new Map<number, number[]>([[loss, [seed ?? b.const(1)]]]);
  const note = (i: number, from: number) => {
    if (origins) for (let j = from; j < nodes.length; j++) origins[j] = i;
  };
  for (let i = loss; i >= 0; i--) {
    const contributions = adjoints.get(i);
    if (!contributions || !needed[i] || i >= end) continue;
    const n = nodes[i]!;
    if (n.op === "arg") continue;
    const from = nodes.length;
    const g = contributions.reduce((acc, x) => b.binary("add", acc, x));
    adjoints.set(i, [g]);
    const want = n.inputs.map((x) => needed[x] === 1 && nodes[x]!.dtype === "f32");
    if (!want.some(Boolean)) {
      note(i, from);
      continue;
    }
    const ins = vjpRules()[n.op](b, n, g, want);
    n.inputs.forEach((x, k) => {
      const gx = ins[k];
      if (gx === undefined || !want[k]) return;
      // A rule that builds an adjoint of the wrong shape would otherwise go unnoticed until
      // some later add happened to meet it, far from the rule at fault.
      if (!sameShape(b.node(gx).shape, nodes[x]!.shape))
        throw new IrError(`grad: the ${n.op} rule gives %${x} an adjoint of shape ${showShape(b.node(gx).shape)}, not ${showShape(nodes[x]!.shape)}`);
      const list = adjoints.get(x);
      if (list) list.push(gx);
      else adjoints.set(x, [gx]);
    });
    note(i, from);
  }
  return wrt.map((w) => {
    const from = nodes.length;
    const list = adjoints.get(w);
    const gw = list ? list.reduce((acc, x) => b.binary("add", acc, x)) : b.broadcast(b.const(0), b.node(w).shape);
    note(w, from);
    return gw;
  });
}

/** Every primitive's VJP rule. */
export function vjpRules(): Record<OpName, Rule> {
  return (rules ??= { ...VJP, ...NN_VJP });
}
