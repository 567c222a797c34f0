// The tensor IR: a closed set of primitives in an SSA graph. Every pass and backend handles
// exactly this list; layers, activations, losses and optimizers are compositions of it.
import { broadcastsTo, sameShape, showShape, size, type Dim, type Shape } from "./shape.ts";
import { addDim, fitsWithin } from "./dim.ts";
import { isReduction, type BinaryOp, type OpName, type ReductionOp, type UnaryOp } from "./ops.ts";

// The primitive names and their groups are in ops.ts; the names the Builder's signatures use
// are re-exported for its users.
export { isBinary, isUnary, type BinaryOp, type OpName, type UnaryOp } from "./ops.ts";

export type DType = "f32" | "i32";

// Each primitive with its attributes. A name in ops.ts without a member here (or the reverse)
// is a tsc error at `OpUnionMatchesOps` below.
export type Op =
  | { op: "arg"; index: number }
  | { op: "const"; value: number }
  | { op: "literal"; data: readonly number[] }
  | { op: UnaryOp }
  | { op: BinaryOp }
  | { op: "select" } // inputs: cond (nonzero = true), then, else
  | { op: ReductionOp; axes: readonly number[] } // reduced axes are removed
  | { op: "reshape" }
  | { op: "permute"; perm: readonly number[] }
  | { op: "broadcast" } // same rank; each input dim is 1 or equal to the output dim
  | { op: "slice"; starts: readonly Dim[] } // output shape gives the extents; offsets may be symbolic
  | { op: "pad"; before: readonly Dim[] } // zero padding; output shape gives the extents
  | { op: "matmul" } // [..., m, k] @ [..., k, n] with equal leading dims
  | { op: "cast" }
  | { op: "iota"; axis: number } // element index along `axis`
  | { op: "random"; dist: "uniform" | "normal"; stream: number } // inputs: seed; counter-based
  // Sliding windows over the two spatial axes of an NHWC tensor: [N, H, W, C] → [N, OH, OW, KH, KW, C].
  // Convolution is window + matmul and pooling is window + reduce (docs/decisions/0003).
  // Positions outside the input read `fill` (0 for convolution, -inf for max pooling).
  | ({ op: "window" } & Window)
  | ({ op: "unwindow" } & Window) // the adjoint of window: sums each window element back to its source
  | { op: "gather" } // inputs: table [V, ...D], indices i32[...S] → [...S, ...D]; out-of-range rows read 0
  | { op: "scatter_add" } // inputs: updates [...S, ...D], indices i32[...S] → [V, ...D]: the adjoint of gather
  // Recurrence: inputs init carry, sequence xs, then constants. `body` maps (carry, xs at step t,
  // ...constants) to the next carry; the result stacks every step's carry along `axis`, where xs
  // has its time axis. With `reverse`, steps run from the last to the first.
  | { op: "scan"; body: Fn; axis: number; reverse: boolean };

/** Geometry of a window op over the spatial axes 1 and 2. */
export interface Window {
  kernel: readonly [number, number];
  stride: readonly [number, number];
  dilation: readonly [number, number];
  padBefore: readonly [number, number];
  fill: number;
}

/** Compiles only while the Op union names exactly the primitives of ops.ts. */
type SameNames<T extends true> = T;
type OpUnionMatchesOps = SameNames<[Op["op"]] extends [OpName] ? ([OpName] extends [Op["op"]] ? true : false) : false>;

/** The primitives that carry no attribute besides their name (a printer shows nothing more). */
export type PlainOpName = Op extends infer O ? (O extends { op: infer N } ? (Exclude<keyof O, "op"> extends never ? N : never) : never) : never;

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
  /** Named runs of nodes for a reader (a training step's forward, backward and update): each starts at node `start`. */
  sections?: readonly Section[];
}

export interface Section {
  name: string;
  start: number;
}

/**
 * `fn`'s sections moved onto `out`, a pass's result: `firstNew[i]` is how many nodes `out` had
 * when the pass reached node i of `fn`. Passes keep node order, so a section starts where the
 * first node made from it (or after it) landed.
 */
export function carrySections(fn: Fn, out: Fn, firstNew: ArrayLike<number>): Fn {
  if (!fn.sections) return out;
  return { ...out, sections: fn.sections.map((s) => ({ name: s.name, start: s.start < firstNew.length ? firstNew[s.start]! : out.nodes.length })) };
}

/** A node of `op` (its attributes copied) with the given id, inputs, shape and dtype. One object
 * literal, then the attributes, if any: most ops have none, so most nodes share one hidden class
 * (a spread made every node a slow object, ~7× the time and most of the garbage of building a
 * long function; Object.assign was still a third of it). */
export function makeNode(op: Op, id: number, inputs: readonly number[], shape: Shape, dtype: DType): Node {
  const node = { op: op.op, id, inputs, shape, dtype } as Node & Record<string, unknown>;
  for (const k in op) if (!(k in node)) node[k] = (op as Record<string, unknown>)[k];
  return node;
}

/** A reduction node: its `axes` are the ones it folds away. */
export const isReductionNode = (n: Node): n is Extract<Node, { op: ReductionOp }> => isReduction(n.op);

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
    // Loops, not push(...spread): a function may have more nodes than the stack has room for arguments.
    for (const a of fn.args) b.fn.args.push(a);
    for (const n of fn.nodes) b.fn.nodes.push(n);
    for (const o of fn.outputs) b.fn.outputs.push(o);
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
    this.fn.nodes.push(makeNode(op, id, inputs, shape.slice(), dtype));
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
    if (shape.some((d) => typeof d !== "number") || size(shape) !== data.length) throw new IrError(`literal of ${data.length} values cannot have shape ${showShape(shape)}`);
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

  reduce(op: ReductionOp, x: number, axes: number[]): number {
    const n = this.node(x);
    const sorted = [...new Set(axes)].sort((p, q) => p - q);
    if (sorted.some((a) => a < 0 || a >= n.shape.length)) throw new IrError(`${op}: axes ${axes} out of range for ${showShape(n.shape)}`);
    return this.push({ op, axes: sorted }, [x], n.shape.filter((_, i) => !sorted.includes(i)), n.dtype);
  }

  reshape(x: number, shape: Shape): number {
    const n = this.node(x);
    if (sameShape(n.shape, shape)) return x;
    if (size(n.shape) !== size(shape)) throw new IrError(`reshape: ${showShape(n.shape)} to ${showShape(shape)}`);
    return this.push({ op: "reshape" }, [x], shape, n.dtype);
  }

  permute(x: number, perm: number[]): number {
    const n = this.node(x);
    if (perm.length !== n.shape.length || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) throw new IrError(`permute: bad permutation ${perm}`);
    if (perm.every((p, i) => p === i)) return x;
    return this.push({ op: "permute", perm }, [x], perm.map((p) => n.shape[p]!), n.dtype);
  }

  /** Broadcast to `shape` by NumPy rules: leading 1s are added by a reshape first. */
  broadcast(x: number, shape: Shape): number {
    const n = this.node(x);
    if (sameShape(n.shape, shape)) return x;
    if (!broadcastsTo(n.shape, shape)) throw new IrError(`broadcast: ${showShape(n.shape)} to ${showShape(shape)}`);
    // Checked without building the broadcast shape or the padded one when no padding is needed:
    // every elementwise operator of the language broadcasts, so this runs for most nodes.
    let padded = x;
    if (n.shape.length < shape.length) {
      padded = this.reshape(x, [...Array<Dim>(shape.length - n.shape.length).fill(1), ...n.shape]);
      if (sameShape(this.node(padded).shape, shape)) return padded;
    }
    return this.push({ op: "broadcast" }, [padded], shape, n.dtype);
  }

  slice(x: number, starts: readonly Dim[], shape: Shape): number {
    const n = this.node(x);
    if (starts.length !== n.shape.length || shape.length !== n.shape.length) throw new IrError("slice: rank mismatch");
    if (!shape.every((d, i) => fitsWithin(addDim(starts[i]!, d), n.shape[i]!) && fitsWithin(0, starts[i]!)))
      throw new IrError(`slice: ${showShape(shape)} at [${starts.join(", ")}] does not fit ${showShape(n.shape)}`);
    return this.push({ op: "slice", starts: [...starts] }, [x], shape, n.dtype);
  }

  pad(x: number, before: readonly Dim[], shape: Shape): number {
    const n = this.node(x);
    if (before.length !== n.shape.length || shape.length !== n.shape.length) throw new IrError("pad: rank mismatch");
    if (!shape.every((d, i) => fitsWithin(addDim(before[i]!, n.shape[i]!), d) && fitsWithin(0, before[i]!)))
      throw new IrError(`pad: ${showShape(n.shape)} at [${before.join(", ")}] does not fit in ${showShape(shape)}`);
    return this.push({ op: "pad", before: [...before] }, [x], shape, n.dtype);
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
    if (axis < 0 || axis >= shape.length) throw new IrError(`iota: axis ${axis} out of range for ${showShape(shape)}`);
    return this.push({ op: "iota", axis }, [], shape, dtype);
  }

  random(seed: number, shape: Shape, dist: "uniform" | "normal", stream: number): number {
    return this.push({ op: "random", dist, stream }, [seed], shape, "f32");
  }

  window(x: number, w: Window, padAfter: readonly [number, number]): number {
    const n = this.node(x);
    const [N, H, W, C] = n.shape as Dim[];
    if (n.shape.length !== 4 || typeof H !== "number" || typeof W !== "number") throw new IrError(`window: needs [N, H, W, C] with known H and W, found ${showShape(n.shape)}`);
    const oh = windowCount(H, w, 0, padAfter[0]);
    const ow = windowCount(W, w, 1, padAfter[1]);
    if (oh < 1 || ow < 1) throw new IrError(`window: ${w.kernel} window does not fit ${showShape(n.shape)}`);
    return this.push({ op: "window", ...windowOf(w) }, [x], [N!, oh, ow, w.kernel[0], w.kernel[1], C!], n.dtype);
  }

  /** The adjoint of window: `shape` is the [N, H, W, C] shape the windows were taken from. */
  unwindow(x: number, w: Window, shape: Shape): number {
    const n = this.node(x);
    const [N, H, W, C] = shape as Dim[];
    if (n.shape.length !== 6 || shape.length !== 4 || typeof H !== "number" || typeof W !== "number") throw new IrError(`unwindow: ${showShape(n.shape)} to ${showShape(shape)}`);
    const [, oh, ow, kh, kw, c] = n.shape;
    const fits = (i: 0 | 1, size: number, out: Dim | undefined) => typeof out === "number" && out >= 1 && (out - 1) * w.stride[i] - w.padBefore[i] < size;
    if (n.shape[0] !== N || c !== C || kh !== w.kernel[0] || kw !== w.kernel[1] || !fits(0, H, oh!) || !fits(1, W, ow!)) throw new IrError(`unwindow: ${showShape(n.shape)} to ${showShape(shape)}`);
    return this.push({ op: "unwindow", ...windowOf(w) }, [x], shape, n.dtype);
  }

  /** Concatenation along `axis`, composed from pad and add (not a primitive: its adjoint is slices). */
  concat(parts: readonly number[], axis: number): number {
    const shapes = parts.map((p) => this.node(p).shape);
    const total = shapes.reduce<Dim>((acc, s) => addDim(acc, s[axis]!), 0);
    const shape = shapes[0]!.map((d, i) => (i === axis ? total : d));
    let offset: Dim = 0;
    let acc: number | undefined;
    for (const [i, p] of parts.entries()) {
      const padded = this.pad(p, shape.map((_, j) => (j === axis ? offset : 0)), shape);
      acc = acc === undefined ? padded : this.binary("add", acc, padded);
      offset = addDim(offset, shapes[i]![axis]!);
    }
    return acc!;
  }

  gather(table: number, indices: number): number {
    const t = this.node(table);
    const i = this.node(indices);
    if (t.shape.length < 1 || i.dtype !== "i32") throw new IrError(`gather: table ${showShape(t.shape)}, indices ${i.dtype}${showShape(i.shape)}`);
    return this.push({ op: "gather" }, [table, indices], [...i.shape, ...t.shape.slice(1)], t.dtype);
  }

  scatterAdd(updates: number, indices: number, rows: Dim): number {
    const u = this.node(updates);
    const i = this.node(indices);
    const r = i.shape.length;
    if (i.dtype !== "i32" || !sameShape(u.shape.slice(0, r), i.shape)) throw new IrError(`scatter_add: updates ${showShape(u.shape)}, indices ${i.dtype}${showShape(i.shape)}`);
    return this.push({ op: "scatter_add" }, [updates, indices], [rows, ...u.shape.slice(r)], u.dtype);
  }

  /** See the scan op. `body` must take (carry, step slice of xs, ...consts) and return the next carry. */
  scan(body: Fn, init: number, xs: number, consts: number[], axis: number, reverse = false): number {
    const c = this.node(init);
    const x = this.node(xs);
    if (axis < 0 || axis >= x.shape.length || axis > c.shape.length) throw new IrError(`scan: axis ${axis} out of range`);
    const step = x.shape.filter((_, i) => i !== axis);
    const want: [Shape, DType][] = [[c.shape, c.dtype], [step, x.dtype], ...consts.map((k): [Shape, DType] => [this.node(k).shape, this.node(k).dtype])];
    if (body.args.length !== want.length || body.outputs.length !== 1) throw new IrError(`scan: body takes ${body.args.length} arguments and returns ${body.outputs.length} values, expected ${want.length} and 1`);
    body.args.forEach((a, i) => {
      if (!sameShape(a.shape, want[i]![0]) || a.dtype !== want[i]![1]) throw new IrError(`scan: body argument ${a.name} is ${a.dtype}${showShape(a.shape)}, expected ${want[i]![1]}${showShape(want[i]![0])}`);
    });
    const result = body.nodes[body.outputs[0]!.id]!;
    if (!sameShape(result.shape, c.shape) || result.dtype !== c.dtype) throw new IrError(`scan: body returns ${showShape(result.shape)}, carry is ${showShape(c.shape)}`);
    const shape = [...c.shape.slice(0, axis), x.shape[axis]!, ...c.shape.slice(axis)];
    return this.push({ op: "scan", body, axis, reverse }, [init, xs, ...consts], shape, c.dtype);
  }
}

/** Just the geometry, from anything that carries it (a window node, for instance). */
const windowOf = (w: Window): Window => ({ kernel: w.kernel, stride: w.stride, dilation: w.dilation, padBefore: w.padBefore, fill: w.fill });

/** How many windows fit along spatial axis `i` of size `size`, given the padding. */
export function windowCount(size: number, w: Window, i: 0 | 1, padAfter: number): number {
  const span = w.dilation[i] * (w.kernel[i] - 1) + 1;
  return Math.floor((size + w.padBefore[i] + padAfter - span) / w.stride[i]) + 1;
}

/**
 * The padding after the input that makes a window op produce `out`'s spatial sizes. It is
 * negative when the last windows stop short of the input's end: clamping it to 0 would make
 * windowCount give more windows than `out` has whenever more than a stride is left over.
 */
export function padAfterOf(out: { shape: Shape } & Window, input: Shape): [number, number] {
  return [0, 1].map((i) => {
    const size = input[1 + i] as number;
    const count = out.shape[1 + i] as number;
    const span = out.dilation[i]! * (out.kernel[i]! - 1) + 1;
    return (count - 1) * out.stride[i]! + span - size - out.padBefore[i]!;
  }) as [number, number];
}
