// VJP rules of the neural-network primitives: erf, window/unwindow, gather/scatter_add, scan.
import { Builder, IrError, padAfterOf, type Fn, type Node } from "../ir/ir.ts";
import { addDim, mulDim } from "../ir/dim.ts";
import { size, type Dim, type Shape } from "../ir/shape.ts";
import { replay } from "../ir/replay.ts";
import { grad } from "./grad.ts";

import type { Rule } from "./vjp.ts";

export type NnOp = "erf" | "window" | "unwindow" | "gather" | "scatter_add" | "scan";

const c = (b: Builder, v: number, shape: Shape) => b.broadcast(b.const(v), shape);

export const NN_VJP = {
  // d erf(x)/dx = 2/√π · e^(−x²)
  erf: (b, n, g) => {
    const x = n.inputs[0]!;
    const e = b.unary("exp", b.unary("neg", b.binary("mul", x, x)));
    return [b.binary("mul", g, b.binary("mul", c(b, 2 / Math.sqrt(Math.PI), n.shape), e))];
  },
  // Window reads each input element into every window covering it; the adjoint sums them back.
  // Positions that read the fill value (padding, −∞ for max pooling) have no source and no gradient.
  window: (b, n, g) => {
    if (n.op !== "window") throw new IrError("window rule");
    return [b.unwindow(g, { ...n, fill: 0 }, b.node(n.inputs[0]!).shape)];
  },
  unwindow: (b, n, g) => {
    if (n.op !== "unwindow") throw new IrError("unwindow rule");
    const source = b.node(n.inputs[0]!);
    return [b.window(g, { ...n, fill: 0 }, padAfterOf({ ...n, shape: source.shape }, n.shape))];
  },
  gather: (b, n, g, want) => {
    const [table, idx] = n.inputs as [number, number];
    return [want[0] ? b.scatterAdd(g, idx, b.node(table).shape[0]!) : undefined, undefined];
  },
  scatter_add: (b, n, g) => [b.gather(g, n.inputs[1]!), undefined],
  scan: (b, n, g, want) => {
    if (n.op !== "scan") throw new IrError("scan rule");
    return scanVjp(b, n, g, want);
  },
} satisfies Record<NnOp, Rule>;

/**
 * Backpropagation through time as a loop: the adjoint of a scan is a scan running the other
 * way. Step t of the forward loop computed c_t = f(c_{t−1}, x_t, K); going back, the adjoint of
 * c_t is a_t = g_t + (the part of a_{t+1} that flows into c_t), and f's VJP at step t turns a_t
 * into the adjoints of c_{t−1}, x_t and K.
 *
 * The scan primitive has one carry and one sequence, so the backward loop packs everything into
 * flat vectors: its carry is [Σ dK (all constants) ; dx_t ; dc_{t−1}], its sequence row is
 * [g_t ; c_{t−1} ; x_t]. Stacking the backward carries yields dx for every step; the last one
 * holds the constants' summed adjoints and the adjoint of the initial carry.
 *
 * Packing keeps scan one primitive with one shape rule, so every pass and backend handles the
 * backward loop with no new case. Its price: the stacked backward output repeats the constants'
 * running sums at every step (T·|K| values where only the last row is read). A scan with
 * several carries, some not stacked, would avoid that; worth it once memory planning shows it.
 */
function scanVjp(b: Builder, n: Extract<Node, { op: "scan" }>, g: number, want: readonly boolean[]): (number | undefined)[] {
  const [init, xs, ...consts] = n.inputs as [number, number, ...number[]];
  const cShape = b.node(init).shape;
  const xShape = b.node(xs).shape;
  const T = xShape[n.axis]!;
  const stepX = xShape.filter((_, i) => i !== n.axis);
  const kShapes = consts.map((k) => b.node(k).shape);
  const Cs = size(cShape);
  const Xs = size(stepX);
  const Kn = kShapes.reduce<Dim>((acc, s) => addDim(acc, size(s)), 0);
  const L = addDim(addDim(Kn, Xs), Cs);
  const P = addDim(addDim(Cs, Cs), Xs);

  // Time-major, flattened: [T, size of one step].
  const steps = (v: number, stepSize: Dim) => {
    const r = b.node(v).shape.length;
    const perm = [n.axis, ...[...Array(r).keys()].filter((i) => i !== n.axis)];
    return b.reshape(b.permute(v, perm), [T, stepSize]);
  };
  const Y = steps(n.id, Cs);
  const G = steps(g, Cs);
  // Integer steps (token ids) travel in the f32 row and are cast back in the body: exact below 2^24.
  const X = b.cast(steps(xs, Xs), "f32");
  // c_{t−1}: the previous step's carry, which is the row before (after, for a reverse scan).
  const T1 = addDim(T, -1);
  const initRow = b.reshape(init, [1, Cs]);
  const prev = n.reverse
    ? b.binary("add", b.pad(b.slice(Y, [1, 0], [T1, Cs]), [0, 0], [T, Cs]), b.pad(initRow, [T1, 0], [T, Cs]))
    : b.binary("add", b.pad(b.slice(Y, [0, 0], [T1, Cs]), [1, 0], [T, Cs]), b.pad(initRow, [0, 0], [T, Cs]));
  const S = b.concat([G, prev, X], 1);

  const body = backwardBody(n.body, cShape, stepX, kShapes, { Cs, Xs, Kn, L, P });
  const back = b.scan(body, c(b, 0, [L]), S, consts, 0, !n.reverse);
  // The backward loop ends at the first step (the last, for a reverse scan).
  const endRow = n.reverse ? T1 : 0;
  const last = b.reshape(b.slice(back, [endRow, 0], [1, L]), [L]);
  const dInit = b.reshape(b.slice(last, [addDim(Kn, Xs)], [Cs]), cShape);
  const dXflat = b.slice(back, [0, Kn], [T, Xs]);
  const dXsteps = b.reshape(dXflat, [T, ...stepX]);
  const r = xShape.length;
  const inv: number[] = [];
  [n.axis, ...[...Array(r).keys()].filter((i) => i !== n.axis)].forEach((p, i) => (inv[p] = i));
  const dX = b.permute(dXsteps, inv);
  let offset: Dim = 0;
  const dK = kShapes.map((s) => {
    const k = b.reshape(b.slice(last, [offset], [size(s)]), s);
    offset = addDim(offset, size(s));
    return k;
  });
  return [want[0] ? dInit : undefined, want[1] ? dX : undefined, ...dK.map((k, i) => (want[2 + i] ? k : undefined))];
}

/** The backward loop's body: unpack, replay the forward step, take its VJP, pack. */
function backwardBody(fwd: Fn, cShape: Shape, xShape: Shape, kShapes: Shape[], z: { Cs: Dim; Xs: Dim; Kn: Dim; L: Dim; P: Dim }): Fn {
  const bb = new Builder(`${fwd.name}_vjp`);
  const carry = bb.arg("carry", "input", [z.L]);
  const row = bb.arg("row", "input", [z.P]);
  const ks = kShapes.map((s, i) => bb.arg(`c${i}`, "input", s, fwd.args[2 + i]!.dtype));
  const gt = bb.reshape(bb.slice(row, [0], [z.Cs]), cShape);
  const cPrev = bb.reshape(bb.slice(row, [z.Cs], [z.Cs]), cShape);
  const xt = bb.cast(bb.reshape(bb.slice(row, [mulDim(z.Cs, 2)], [z.Xs]), xShape), fwd.args[1]!.dtype);
  const later = bb.reshape(bb.slice(carry, [addDim(z.Kn, z.Xs)], [z.Cs]), cShape);
  const a = bb.binary("add", gt, later);

  const ids: number[] = [];
  const argIds = [cPrev, xt, ...ks];
  for (const node of fwd.nodes) ids.push(node.op === "arg" ? argIds[node.index]! : replay(bb, node, node.inputs.map((i) => ids[i]!), fwd));
  const out = ids[fwd.outputs[0]!.id]!;
  const [dPrev, dx, ...dk] = grad(bb, out, argIds, a);

  const parts: number[] = [];
  if (kShapes.length) {
    const flatK = bb.concat(dk.map((d, i) => bb.reshape(d!, [size(kShapes[i]!)])), 0);
    parts.push(bb.binary("add", bb.slice(carry, [0], [z.Kn]), flatK));
  }
  parts.push(bb.reshape(dx!, [z.Xs]), bb.reshape(dPrev!, [z.Cs]));
  bb.output("carry", bb.concat(parts, 0));
  return bb.fn;
}
