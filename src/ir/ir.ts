// The tensor IR: a closed set of primitives in an SSA graph. Every pass and backend handles
// exactly this list; layers, activations, losses and optimizers are compositions of it.
import { broadcastShapes, sameShape, showShape, size, sameSize, type Dim, type Shape } from "./shape.ts";

export type DType = "f32" | "i32";

export const UNARY = ["neg", "exp", "log", "sqrt", "recip", "tanh", "sigmoid", "relu", "abs", "sign"] as const;
export const BINARY = ["add", "sub", "mul", "div", "max", "min", "pow", "cmplt", "cmpeq"] as const;
export type UnaryOp = (typeof UNARY)[number];
export type BinaryOp = (typeof BINARY)[number];

export type Op =
  | { op: "arg"; index: number }
  | { op: "const"; value: number }
  | { op: "literal"; data: readonly number[] }
  | { op: UnaryOp }
  | { op: BinaryOp }
  | { op: "select" } // inputs: cond (nonzero = true), then, else
  | { op: "sum" | "reduce_max"; axes: readonly number[] } // reduced axes are removed
  | { op: "reshape" }
  | { op: "permute"; perm: readonly number[] }
  | { op: "broadcast" } // same rank; each input dim is 1 or equal to the output dim
  | { op: "slice"; starts: readonly number[] } // output shape gives the extents
  | { op: "pad"; before: readonly number[] } // zero padding; output shape gives the extents
  | { op: "matmul" } // [..., m, k] @ [..., k, n] with equal leading dims
  | { op: "cast" }
  | { op: "iota"; axis: number } // element index along `axis`
  | { op: "random"; dist: "uniform" | "normal"; stream: number }; // inputs: seed; counter-based

export type OpName = Op["op"];

export type Node = Op & { id: number; inputs: readonly number[]; shape: Shape; dtype: DType };

export type ArgRole = "input" | "target" | "param" | "state" | "step" | "seed";

export interface Arg {
  name: string;
  role: ArgRole;
  shape: Shape;
  dtype: DType;
}

export interface Output {
  name: string;
  id: number;
}

export interface Fn {
  name: string;
  args: Arg[];
  nodes: Node[]; // topologically ordered; node.id is its index
  outputs: Output[];
}

export const isUnary = (op: string): op is UnaryOp => (UNARY as readonly string[]).includes(op);
export const isBinary = (op: string): op is BinaryOp => (BINARY as readonly string[]).includes(op);

/** IR invariant violated: a compiler bug, never a user error (the checker reports those first). */
export class IrError extends Error {}

/** Appends nodes, enforcing each primitive's shape rule. Misuse throws IrError. */
export class Builder {
  readonly fn: Fn;
  constructor(name: string) {
    this.fn = { name, args: [], nodes: [], outputs: [] };
  }

  static extend(fn: Fn): Builder {
    const b = new Builder(fn.name);
    b.fn.args.push(...fn.args);
    b.fn.nodes.push(...fn.nodes);
    b.fn.outputs.push(...fn.outputs);
    return b;
  }

  node(id: number): Node {
    const n = this.fn.nodes[id];
    if (!n) throw new IrError(`no node %${id}`);
    return n;
  }

  private push(op: Op, inputs: number[], shape: Shape, dtype: DType): number {
    for (const i of inputs) this.node(i);
    const id = this.fn.nodes.length;
    this.fn.nodes.push({ ...op, id, inputs, shape: [...shape], dtype } as Node);
    return id;
  }

  arg(name: string, role: ArgRole, shape: Shape, dtype: DType = "f32"): number {
    const index = this.fn.args.length;
    this.fn.args.push({ name, role, shape: [...shape], dtype });
    return this.push({ op: "arg", index }, [], shape, dtype);
  }

  output(name: string, id: number): void {
    this.node(id);
    this.fn.outputs.push({ name, id });
  }

  const(value: number, dtype: DType = "f32"): number {
    return this.push({ op: "const", value }, [], [], dtype);
  }

  literal(data: readonly number[], shape: Shape): number {
    if (shape.some((d) => typeof d !== "number") || !sameSize(size(shape), { k: data.length, syms: [] })) throw new IrError(`literal of ${data.length} values cannot have shape ${showShape(shape)}`);
    return this.push({ op: "literal", data }, [], shape, "f32");
  }

  unary(op: UnaryOp, x: number): number {
    const n = this.node(x);
    return this.push({ op }, [x], n.shape, n.dtype);
  }

  binary(op: BinaryOp, a: number, b: number): number {
    const na = this.node(a);
    const nb = this.node(b);
    if (!sameShape(na.shape, nb.shape)) throw new IrError(`${op}: shapes ${showShape(na.shape)} and ${showShape(nb.shape)} differ`);
    return this.push({ op }, [a, b], na.shape, na.dtype);
  }

  select(cond: number, a: number, b: number): number {
    const na = this.node(a);
    if (!sameShape(this.node(cond).shape, na.shape) || !sameShape(na.shape, this.node(b).shape)) throw new IrError("select: shapes differ");
    return this.push({ op: "select" }, [cond, a, b], na.shape, na.dtype);
  }

  reduce(op: "sum" | "reduce_max", x: number, axes: number[]): number {
    const n = this.node(x);
    const sorted = [...new Set(axes)].sort((p, q) => p - q);
    if (sorted.some((a) => a < 0 || a >= n.shape.length)) throw new IrError(`${op}: axes ${axes} out of range for ${showShape(n.shape)}`);
    return this.push({ op, axes: sorted }, [x], n.shape.filter((_, i) => !sorted.includes(i)), n.dtype);
  }

  reshape(x: number, shape: Shape): number {
    const n = this.node(x);
    if (sameShape(n.shape, shape)) return x;
    if (!sameSize(size(n.shape), size(shape))) throw new IrError(`reshape: ${showShape(n.shape)} to ${showShape(shape)}`);
    return this.push({ op: "reshape" }, [x], shape, n.dtype);
  }

  permute(x: number, perm: number[]): number {
    const n = this.node(x);
    if (perm.length !== n.shape.length || [...perm].sort().some((p, i) => p !== i)) throw new IrError(`permute: bad permutation ${perm}`);
    if (perm.every((p, i) => p === i)) return x;
    return this.push({ op: "permute", perm }, [x], perm.map((p) => n.shape[p]!), n.dtype);
  }

  /** Broadcast to `shape` by NumPy rules: leading 1s are added by a reshape first. */
  broadcast(x: number, shape: Shape): number {
    const n = this.node(x);
    if (sameShape(n.shape, shape)) return x;
    const b = broadcastShapes(n.shape, shape);
    if (!b || !sameShape(b, shape)) throw new IrError(`broadcast: ${showShape(n.shape)} to ${showShape(shape)}`);
    const padded = this.reshape(x, [...Array<Dim>(shape.length - n.shape.length).fill(1), ...n.shape]);
    if (sameShape(this.node(padded).shape, shape)) return padded;
    return this.push({ op: "broadcast" }, [padded], shape, n.dtype);
  }

  slice(x: number, starts: number[], shape: Shape): number {
    const n = this.node(x);
    if (starts.length !== n.shape.length || shape.length !== n.shape.length) throw new IrError("slice: rank mismatch");
    return this.push({ op: "slice", starts }, [x], shape, n.dtype);
  }

  pad(x: number, before: number[], shape: Shape): number {
    const n = this.node(x);
    if (before.length !== n.shape.length || shape.length !== n.shape.length) throw new IrError("pad: rank mismatch");
    return this.push({ op: "pad", before }, [x], shape, n.dtype);
  }

  matmul(a: number, b: number): number {
    const sa = this.node(a).shape;
    const sb = this.node(b).shape;
    const r = sa.length;
    if (r < 2 || sb.length !== r || !sameShape(sa.slice(0, r - 2), sb.slice(0, r - 2)) || sa[r - 1] !== sb[r - 2])
      throw new IrError(`matmul: ${showShape(sa)} @ ${showShape(sb)}`);
    return this.push({ op: "matmul" }, [a, b], [...sa.slice(0, r - 1), sb[r - 1]!], "f32");
  }

  cast(x: number, dtype: DType): number {
    const n = this.node(x);
    return n.dtype === dtype ? x : this.push({ op: "cast" }, [x], n.shape, dtype);
  }

  iota(shape: Shape, axis: number, dtype: DType = "f32"): number {
    return this.push({ op: "iota", axis }, [], shape, dtype);
  }

  random(seed: number, shape: Shape, dist: "uniform" | "normal", stream: number): number {
    return this.push({ op: "random", dist, stream }, [seed], shape, "f32");
  }
}
