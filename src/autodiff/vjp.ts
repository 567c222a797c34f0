// One vector-Jacobian product rule per IR primitive: given the node and the adjoint g of its
// output, build the adjoints of its inputs. Rules are written with the same Builder as the
// forward graph, so the backward pass is ordinary IR that every later pass understands.
import { Builder, IrError, type Node, type OpName } from "../ir/ir.ts";
import type { Shape } from "../ir/shape.ts";
import type { NnOp } from "./vjp-nn.ts";

export type Rule = (b: Builder, n: Node, g: number, want: readonly boolean[]) => (number | undefined)[];

const c = (b: Builder, v: number, shape: Shape) => b.broadcast(b.const(v), shape);
const mul = (b: Builder, x: number, y: number) => b.binary("mul", x, y);
const out = (n: Node) => n.id;

/** Broadcast a reduced adjoint back over the reduced axes of `shape`. */
function unreduce(b: Builder, g: number, axes: readonly number[], shape: Shape): number {
  return b.broadcast(b.reshape(g, shape.map((d, i) => (axes.includes(i) ? 1 : d))), shape);
}

const none: Rule = (_b, n) => n.inputs.map(() => undefined);

// The neural-network primitives' rules are in vjp-nn.ts (scan's needs grad itself).
export const VJP: Record<Exclude<OpName, NnOp>, Rule> = {
  arg: none,
  const: none,
  literal: none,
  iota: none,
  random: none,
  cast: none, // casts only ever convert integer data (labels), which has no gradient
  cmplt: none,
  cmpeq: none,
  sign: none,
  nonfinite: none, // a 0/1 flag, constant almost everywhere

  neg: (b, _n, g) => [b.unary("neg", g)],
  exp: (b, n, g) => [mul(b, g, out(n))],
  log: (b, n, g) => [b.binary("div", g, n.inputs[0]!)],
  sqrt: (b, n, g) => [b.binary("div", g, mul(b, c(b, 2, n.shape), out(n)))],
  recip: (b, n, g) => [b.unary("neg", mul(b, g, mul(b, out(n), out(n))))],
  tanh: (b, n, g) => [mul(b, g, b.binary("sub", c(b, 1, n.shape), mul(b, out(n), out(n))))],
  sigmoid: (b, n, g) => [mul(b, g, mul(b, out(n), b.binary("sub", c(b, 1, n.shape), out(n))))],
  // x > 0 exactly where relu(x) > 0: the mask is taken from the output, which the next layer
  // reads anyway, so the forward pass need not store a mask beside it (schedule/fuse.ts).
  relu: (b, n, g) => [b.select(b.binary("cmplt", c(b, 0, n.shape), out(n)), g, c(b, 0, n.shape))],
  abs: (b, n, g) => [mul(b, g, b.unary("sign", n.inputs[0]!))],
  sin: (b, n, g) => [mul(b, g, b.unary("cos", n.inputs[0]!))],
  cos: (b, n, g) => [b.unary("neg", mul(b, g, b.unary("sin", n.inputs[0]!)))],

  add: (_b, _n, g) => [g, g],
  sub: (b, _n, g, want) => [g, want[1] ? b.unary("neg", g) : undefined],
  mul: (b, n, g, want) => [want[0] ? mul(b, g, n.inputs[1]!) : undefined, want[1] ? mul(b, g, n.inputs[0]!) : undefined],
  div: (b, n, g, want) => {
    const y = n.inputs[1]!;
    return [want[0] ? b.binary("div", g, y) : undefined, want[1] ? b.unary("neg", b.binary("div", mul(b, g, out(n)), y)) : undefined];
  },
  // Ties send the whole adjoint to the first operand, as TensorFlow does.
  max: (b, n, g, want) => pick(b, n, g, want, b.binary("cmplt", n.inputs[0]!, n.inputs[1]!)),
  min: (b, n, g, want) => pick(b, n, g, want, b.binary("cmplt", n.inputs[1]!, n.inputs[0]!)),
  // x^y: d/dx = y·x^(y−1), taken as 0 where x = 0 (finite for y ≥ 1, where it matters), and
  // d/dy = x^y·log x only where x > 0 (elsewhere log x is not real).
  pow: (b, n, g, want) => {
    const [x, y] = n.inputs as [number, number];
    const zero = c(b, 0, n.shape);
    const atZero = b.binary("cmpeq", x, zero);
    const dx = want[0] ? mul(b, g, b.select(atZero, b.select(b.binary("cmpeq", y, c(b, 1, n.shape)), c(b, 1, n.shape), zero), mul(b, y, b.binary("pow", x, b.binary("sub", y, c(b, 1, n.shape)))))) : undefined;
    const positive = b.binary("cmplt", zero, x);
    const dy = want[1] ? mul(b, g, b.select(positive, mul(b, out(n), b.unary("log", b.select(positive, x, c(b, 1, n.shape)))), zero)) : undefined;
    return [dx, dy];
  },
  select: (b, n, g, want) => {
    const [cond] = n.inputs as [number];
    const zero = c(b, 0, n.shape);
    return [undefined, want[1] ? b.select(cond, g, zero) : undefined, want[2] ? b.select(cond, zero, g) : undefined];
  },

  sum: (b, n, g) => {
    if (n.op !== "sum") throw new IrError("sum rule");
    return [unreduce(b, g, n.axes, b.node(n.inputs[0]!).shape)];
  },
  // The whole adjoint goes to the first maximum (in row-major order over the reduced axes), as
  // TensorFlow's max-pooling gradient does: a subgradient, and it keeps ties from splitting.
  reduce_max: (b, n, g) => {
    if (n.op !== "reduce_max") throw new IrError("reduce_max rule");
    const x = n.inputs[0]!;
    const shape = b.node(x).shape;
    return [b.select(firstArgmax(b, x, out(n), n.axes), unreduce(b, g, n.axes, shape), c(b, 0, shape))];
  },
  reshape: (b, n, g) => [b.reshape(g, b.node(n.inputs[0]!).shape)],
  permute: (b, n, g) => {
    if (n.op !== "permute") throw new IrError("permute rule");
    const inv: number[] = [];
    n.perm.forEach((p, i) => (inv[p] = i));
    return [b.permute(g, inv)];
  },
  broadcast: (b, n, g) => {
    const src = b.node(n.inputs[0]!).shape;
    const axes = src.flatMap((d, i) => (d !== n.shape[i] ? [i] : []));
    return [b.reshape(b.reduce("sum", g, axes), src)];
  },
  slice: (b, n, g) => {
    if (n.op !== "slice") throw new IrError("slice rule");
    return [b.pad(g, [...n.starts], b.node(n.inputs[0]!).shape)];
  },
  pad: (b, n, g) => {
    if (n.op !== "pad") throw new IrError("pad rule");
    return [b.slice(g, [...n.before], b.node(n.inputs[0]!).shape)];
  },
  matmul: (b, n, g, want) => {
    const [x, y] = n.inputs as [number, number];
    const r = n.shape.length;
    const swap = [...Array(r).keys()];
    [swap[r - 2], swap[r - 1]] = [r - 1, r - 2];
    return [want[0] ? b.matmul(g, b.permute(y, swap)) : undefined, want[1] ? b.matmul(b.permute(x, swap), g) : undefined];
  },
};

function pick(b: Builder, n: Node, g: number, want: readonly boolean[], secondWins: number): (number | undefined)[] {
  const zero = c(b, 0, n.shape);
  return [want[0] ? b.select(secondWins, zero, g) : undefined, want[1] ? b.select(secondWins, g, zero) : undefined];
}

/**
 * A 1/0 mask of x's shape marking, in each reduced group, the first position (row-major over
 * the reduced axes) holding the group's maximum `max`.
 */
function firstArgmax(b: Builder, x: number, max: number, axes: readonly number[]): number {
  const shape = b.node(x).shape;
  const zero = c(b, 0, shape);
  let hit = b.binary("cmpeq", x, unreduce(b, max, axes, shape));
  const sizes = axes.map((a) => shape[a]!);
  if (axes.length === 0) return hit; // no reduction: every element is its own maximum
  if (sizes.every((d) => typeof d === "number")) {
    // One reduction: each position's rank, group size − position (1 for the last position,
    // the group size for the first), largest among the hits; 0 where there is none (a NaN
    // group), which no rank equals. The rank is a function of the index alone, which every
    // kernel reading it recomputes (schedule/fuse.ts), so the mask costs the one reduction and
    // the comparison in the loop that uses it.
    let position: number | undefined;
    let stride = 1;
    for (let i = axes.length - 1; i >= 0; i--) {
      const along = b.iota(shape, axes[i]!);
      const term = stride === 1 ? along : mul(b, along, c(b, stride, shape));
      position = position === undefined ? term : b.binary("add", position, term);
      stride *= sizes[i] as number;
    }
    const rank = b.binary("sub", c(b, stride, shape), position!);
    const first = b.reduce("reduce_max", b.select(hit, rank, zero), [...axes]);
    return b.binary("cmpeq", rank, unreduce(b, first, axes, shape));
  }
  // Symbolic sizes have no strides: lexicographically, one axis at a time, keep the hits with
  // the smallest index along it.
  for (const axis of axes) {
    // The smallest index among the hits, as −max(−index) (there is no reduce_min primitive).
    const negIndex = b.unary("neg", b.iota(shape, axis));
    const first = b.unary("neg", b.reduce("reduce_max", b.select(hit, negIndex, c(b, -Infinity, shape)), [...axes]));
    hit = b.select(hit, b.binary("cmpeq", negIndex, b.unary("neg", unreduce(b, first, axes, shape))), zero);
  }
  return hit;
}
