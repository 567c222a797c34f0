// Fusion: partitions an IR function into kernels (kernel.ts). Elementwise nodes of one shape
// join into one loop; such a loop becomes the prologue of the reduction that consumes it, or
// the epilogue of the matmul it consumes; a permute feeding only matmuls is never copied (the
// matmul reads it transposed), a reshape never (it is a view). A merge is refused when it would
// make the kernel graph cyclic, or a reduction's prologue need the reduction's own result.
// A value that is a pure function of the element's index (an iota, and the elementwise ops over
// such values and constants: a position inside a pooling window) is in no kernel of its own:
// every kernel reading it per element recomputes it, which costs a few operations, where storing
// it cost a write and a read back of the whole tensor. Likewise a loop value read only by one
// later kernel and computed from memory held anyway (a ReLU's mask, from the activation) is
// computed in that kernel rather than stored by its producer's.
import type { Fn, Node } from "../ir/ir.ts";
import { isBinary, isUnary, type BinaryOp, type OpName, type UnaryOp } from "../ir/ops.ts";
import { sameShape, size } from "../ir/shape.ts";
import type { Kernel, KernelKind, Schedule, Storage } from "./kernel.ts";

type Role = "arg" | "scalar" | "index" | "view" | "transposed" | "elementwise" | KernelKind;

/** The number a node holds everywhere, if it is a constant or a reshape/broadcast of one. */
export function scalarValue(fn: Fn, id: number): number | undefined {
  const n = fn.nodes[id]!;
  if (n.op === "const") return n.value;
  if (n.op === "reshape" || n.op === "broadcast") return scalarValue(fn, n.inputs[0]!);
  return undefined;
}

/**
 * The kind of kernel each primitive belongs to, before the refinements of `partition` (a
 * constant is a literal in the loop, a permute feeding matmuls is read transposed). Unary and
 * binary ops are all "elementwise"; every other primitive is listed, so a new one is a tsc
 * error here. Backends render the "op" kinds one by one (`OpKernelOp`).
 */
export const KERNEL_CLASS = {
  arg: "arg",
  const: "elementwise",
  literal: "op",
  iota: "elementwise",
  random: "elementwise",
  select: "elementwise",
  cast: "elementwise",
  sum: "reduce",
  reduce_max: "reduce",
  reshape: "view",
  permute: "op",
  broadcast: "elementwise",
  slice: "op",
  pad: "op",
  matmul: "matmul",
  window: "op",
  unwindow: "op",
  gather: "op",
  scatter_add: "op",
  scan: "op",
} as const satisfies Record<Exclude<OpName, UnaryOp | BinaryOp>, "arg" | "view" | "elementwise" | KernelKind>;

type ClassOf<C> = { [K in keyof typeof KERNEL_CLASS]: (typeof KERNEL_CLASS)[K] extends C ? K : never }[keyof typeof KERNEL_CLASS];
/** The primitives that are kernels of their own ("op" kernels), each rendered by its own case in a backend. */
export type OpKernelOp = ClassOf<"op">;
/** The primitives a fused loop computes per element: the elementwise ops and the generators and broadcasts beside them. */
export type LoopOp = ClassOf<"elementwise"> | UnaryOp | BinaryOp;

const kernelClass = (op: OpName) => (isUnary(op) || isBinary(op) ? "elementwise" : KERNEL_CLASS[op]);

/** A permute that swaps the last two axes and keeps the rest: what a matmul can read transposed. */
function swapsLastTwo(n: Node): boolean {
  if (n.op !== "permute") return false;
  const r = n.perm.length;
  return r >= 2 && n.perm.every((p, i) => p === (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i));
}

// A function's schedule is computed once and shared: `dnnc compile` needs it for the emitter
// and again for the cost summary it prints (and scan bodies for both), and fusing twice was a
// fifth of compiling a long straight-line model. IR functions are not changed once built; one
// still being built (a Builder's `fn`, grown after fusing) is fused again.
const schedules = new WeakMap<Fn, { schedule: Schedule; nodes: number; outputs: number }>();

/** The kernels of `fn`; the same schedule object for the same function (shared: never modify it). */
export function fuse(fn: Fn): Schedule {
  const hit = schedules.get(fn);
  if (hit !== undefined && hit.nodes === fn.nodes.length && hit.outputs === fn.outputs.length) return hit.schedule;
  const schedule = partition(fn);
  schedules.set(fn, { schedule, nodes: fn.nodes.length, outputs: fn.outputs.length });
  return schedule;
}

function partition(fn: Fn): Schedule {
  const nodes = fn.nodes;
  const outputs = new Set(fn.outputs.map((o) => o.id));
  const users: number[][] = nodes.map(() => []);
  for (const n of nodes) for (const x of n.inputs) users[x]!.push(n.id);

  const role: Role[] = nodes.map((n) => {
    const c = kernelClass(n.op);
    if (c === "arg") return "arg";
    if (!outputs.has(n.id) && scalarValue(fn, n.id) !== undefined) return "scalar";
    if (swapsLastTwo(n) && !outputs.has(n.id) && users[n.id]!.every((u) => nodes[u]!.op === "matmul")) return "transposed";
    return c;
  });
  // A constant that a kernel must read from memory (a matmul operand, a permute's source) is
  // computed into memory like any elementwise value; elsewhere it is a literal in the loop.
  for (const n of nodes) {
    const r = role[n.id]!;
    if (r === "op" || r === "matmul" || r === "view" || r === "transposed") for (const x of n.inputs) if (role[x] === "scalar") role[x] = "elementwise";
  }
  for (const id of indexValues(fn, role, users, outputs)) role[id] = "index";
  // Memory that views and transposed reads look through.
  const base = nodes.map((n) => n.id);
  for (const n of nodes) if (role[n.id] === "view" || role[n.id] === "transposed") base[n.id] = base[n.inputs[0]!]!;

  // Union-find over kernels; a kernel is named by its representative node.
  // Members are kept unsorted while merging (the smaller list appended to the larger) with
  // each kernel's first and last node beside them, and sorted once at the end: re-sorting the
  // merged list on every merge made fusing a long chain quadratic.
  const parent = nodes.map((n) => n.id);
  const find = (x: number): number => {
    let root = x;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[x] !== root) [x, parent[x]] = [parent[x]!, root]; // path compression, no recursion
    return root;
  };
  const members = new Map<number, number[]>();
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const kind = new Map<number, KernelKind>();
  const head = new Map<number, number>();
  for (const n of nodes) {
    const r = role[n.id]!;
    if (r === "elementwise" || r === "reduce" || r === "matmul" || r === "op") {
      members.set(n.id, [n.id]);
      first.set(n.id, n.id);
      last.set(n.id, n.id);
      kind.set(n.id, r === "elementwise" ? "elementwise" : r);
      if (r !== "elementwise") head.set(n.id, n.id);
    }
  }
  /** The kernel computing a value, looking through views, transposed reads and scalars (none: -1). */
  const kernelOf = (x: number): number => (members.has(find(base[x]!)) ? find(base[x]!) : -1);

  /** Whether some path leaves kernel `from` and enters kernel `to` through a third kernel.
   * Node ids are topological, so such a path lies between `from`'s first node and `to`'s last;
   * it is searched from the smaller of the two kernels (forward along consumers, or backward
   * along producers), so merging a long chain one node at a time stays linear. The searches
   * share one stack and one array of visit marks (a new mark per search): a merge is tried for
   * nearly every node, and allocating a set and closures for each was most of fusing. */
  const reachesVia = (from: number, to: number): boolean =>
    members.get(from)!.length <= members.get(to)!.length ? search(from, to, true) : search(to, from, false);
  const visited = new Int32Array(nodes.length);
  let mark = 0;
  const stack: number[] = [];
  /** `forward`: from `start` (= from) along consumers to `goal` (= to); else from `start` (= to) along producers to `goal` (= from). */
  const search = (start: number, goal: number, forward: boolean): boolean => {
    const limit = forward ? last.get(goal)! : first.get(goal)!;
    visited[start] = ++mark;
    stack.length = 0;
    for (let k = start, direct = true; ; k = stack.pop()!, direct = false) {
      for (const m of members.get(k)!) if (forward ? stepForward(m, goal, limit, direct) : stepBackward(m, goal, limit, direct)) return true;
      if (stack.length === 0) return false;
    }
  };
  /** A kernel reached: the goal (found, unless by the direct edge the merge itself is about) or one more to search from. */
  const reach = (k: number, goal: number, direct: boolean): boolean => {
    if (k === goal) return !direct;
    if (k >= 0 && visited[k] !== mark) {
      visited[k] = mark;
      stack.push(k);
    }
    return false;
  };
  /** The consumers of node `x` (looking through views and transposed reads) up to node `limit`. */
  const stepForward = (x: number, goal: number, limit: number, direct: boolean): boolean => {
    for (const u of users[x]!) {
      const r = role[u];
      if (r === "view" || r === "transposed") {
        if (stepForward(u, goal, limit, direct)) return true;
      } else if (r !== "scalar" && u <= limit && reach(kernelOf(u), goal, direct)) return true;
    }
    return false;
  };
  /** The producers of node `x` (looking through views and transposed reads) from node `limit` on. */
  const stepBackward = (x: number, goal: number, limit: number, direct: boolean): boolean => {
    for (const i of nodes[x]!.inputs) {
      const r = role[i];
      if (r === "view" || r === "transposed") {
        if (stepBackward(i, goal, limit, direct)) return true;
      } else if (r !== "scalar" && i >= limit && reach(kernelOf(i), goal, direct)) return true;
    }
    return false;
  };
  /** Consumers of a node, looking through the views and transposed reads of it. */
  const consumersThroughViews = (x: number): number[] =>
    users[x]!.flatMap((u) => (role[u] === "view" || role[u] === "transposed" ? consumersThroughViews(u) : role[u] === "scalar" ? [] : [u]));

  const tryMerge = (a: number, b: number): boolean => {
    const [ka, kb] = [find(a), find(b)];
    if (ka === kb) return true;
    const [kindA, kindB] = [kind.get(ka)!, kind.get(kb)!];
    if (kindA !== "elementwise" && kindB !== "elementwise") return false;
    if (kindA === "op" || kindB === "op") return false;
    const [heavy, light] = kindA === "elementwise" ? [kb, ka] : [ka, kb];
    const h = head.get(heavy);
    const lightMembers = members.get(light)!;
    if (h !== undefined) {
      // A reduction's prologue runs before its result exists; a matmul's epilogue must not make its operands.
      if (kind.get(heavy) === "reduce" && lightMembers.some((m) => nodes[m]!.inputs.some((x) => base[x] === h))) return false;
      if (kind.get(heavy) === "matmul" && nodes[h]!.inputs.some((x) => lightMembers.includes(base[x]!))) return false;
      if (kind.get(heavy) === "reduce" && nodes[h]!.inputs[0] !== undefined && !sameShape(nodes[first.get(light)!]!.shape, nodes[nodes[h]!.inputs[0]!]!.shape)) return false;
      if (kind.get(heavy) === "matmul" && size(nodes[first.get(light)!]!.shape) !== size(nodes[h]!.shape)) return false;
    }
    if (reachesVia(ka, kb) || reachesVia(kb, ka)) return false;
    parent[light] = heavy;
    const heavyMembers = members.get(heavy)!;
    const [into, from] = heavyMembers.length >= lightMembers.length ? [heavyMembers, lightMembers] : [lightMembers, heavyMembers];
    for (const m of from) into.push(m);
    members.set(heavy, into);
    first.set(heavy, Math.min(first.get(heavy)!, first.get(light)!));
    last.set(heavy, Math.max(last.get(heavy)!, last.get(light)!));
    members.delete(light);
    first.delete(light);
    last.delete(light);
    kind.delete(light);
    return true;
  };

  // 1. Elementwise chains of one shape.
  for (const n of nodes) {
    // A `nonfinite` that feeds a reduction (the training step's check of a gradient) is left for
    // its prologue, reading the gradient there, rather than joined to the loop computing the
    // gradient, which would store its 0/1 values for the reduction to read back.
    if (role[n.id] !== "elementwise" || n.op === "broadcast" || n.op === "random" || (n.op === "nonfinite" && users[n.id]!.every((u) => role[u] === "reduce"))) continue;
    for (const x of n.inputs) if (role[x] === "elementwise" && sameShape(nodes[x]!.shape, n.shape)) tryMerge(n.id, x);
  }
  /**
   * Whether kernel `k` is a loop whose values are read only by one reduction (and are no
   * output): as that reduction's prologue it is never stored; as a matmul's epilogue it would
   * be stored for the reduction to read back (the training step's finiteness check of a weight
   * gradient, which the update also reads).
   */
  const onlyFeedsAReduction = (k: number): boolean => {
    const inside = new Set(members.get(k)!);
    const readers = new Set([...inside].flatMap((m) => (outputs.has(m) ? [-1] : consumersThroughViews(m).filter((u) => !inside.has(u)))));
    return readers.size === 1 && [...readers].every((u) => role[u] === "reduce" && inside.has(nodes[u]!.inputs[0]!));
  };
  for (const n of nodes) {
    // 2. A reduction takes the loop producing its input as its prologue.
    if (role[n.id] === "reduce" && role[n.inputs[0]!] === "elementwise" && kind.get(find(n.inputs[0]!)) === "elementwise") tryMerge(n.id, n.inputs[0]!);
    // 3. A matmul takes the loops consuming its result as its epilogue, also through a reshape
    // (a convolution's [N·OH·OW, C] product read as [N, OH, OW, C]): same elements, same order.
    if (role[n.id] === "matmul")
      for (const u of consumersThroughViews(n.id))
        if (role[u] === "elementwise" && size(nodes[u]!.shape) === size(n.shape) && kind.get(find(u)) === "elementwise" && !onlyFeedsAReduction(find(u))) tryMerge(n.id, u);
  }

  // 4. A loop value read only by one later kernel, computed from values memory holds anyway (a
  // ReLU's mask, from the activation the next layer reads), moves into that kernel: the reader
  // computes it from what it can read, and nothing more is stored.
  for (let i = 0; i < nodes.length; i++) parent[i] = find(i); // flat: a move re-parents one node
  for (const n of nodes) {
    const k = parent[n.id]!;
    if (role[n.id] !== "elementwise" || k === n.id || outputs.has(n.id) || n.op === "broadcast" || n.op === "random") continue;
    const readers = users[n.id]!;
    const to = readers.length > 0 ? parent[readers[0]!]! : k;
    if (to === k || !readers.every((u) => parent[u] === to && role[u] === "elementwise" && nodes[u]!.op !== "broadcast" && nodes[u]!.op !== "random")) continue;
    const heldAnyway = (x: number) =>
      role[x] === "scalar" || role[x] === "index" || role[x] === "arg" || role[x] === "view" || outputs.has(x) || consumersThroughViews(x).some((u) => u !== n.id && parent[u] !== k);
    if (!n.inputs.every(heldAnyway)) continue;
    // Its store and the read back are saved; each memory it reads that the reader does not read yet costs a read.
    const inMemory = new Set(n.inputs.filter((x) => role[x] !== "scalar" && role[x] !== "index").map((x) => base[x]!));
    const readByTo = (b: number) => members.get(to)!.some((m) => nodes[m]!.inputs.some((x) => base[x] === b));
    if ([...inMemory].filter((b) => !readByTo(b)).length > 1) continue;
    members.set(k, members.get(k)!.filter((m) => m !== n.id));
    members.get(to)!.push(n.id);
    parent[n.id] = to;
  }

  // Storage: a value stays in a register only if every reader is in its own kernel's loop.
  const storage: Storage[] = nodes.map((n) => {
    const r = role[n.id]!;
    if (r === "arg" || r === "scalar" || r === "view" || r === "transposed") return r;
    if (r === "index") return "recomputed";
    if (r !== "elementwise" || outputs.has(n.id)) return "buffer";
    const k = find(n.id);
    const perElement = (u: number) =>
      find(u) === k && role[u] !== "view" && ((role[u] === "elementwise" && nodes[u]!.op !== "broadcast" && nodes[u]!.op !== "random") || (role[u] === "reduce" && head.get(k) === u));
    return users[n.id]!.every(perElement) ? "local" : "buffer";
  });
  // Anything viewed, read transposed or stored is memory.
  for (const n of nodes) if ((role[n.id] === "view" || role[n.id] === "transposed") && storage[base[n.id]!] === "local") storage[base[n.id]!] = "buffer";

  for (const list of members.values()) list.sort((x, y) => x - y);
  return { fn, kernels: orderKernels(fn, members, kind, head, storage, kernelOf, role), storage, base };
}

/**
 * The values to recompute in every kernel reading them: pure functions of the element's index
 * (an iota; an elementwise op whose operands are such values or constants) that are no output
 * and are read only per element, by loops of their own shape or as a reduction's input. A
 * broadcast, a view, a matmul or an op kernel reads memory, so a value one of them reads is
 * stored, and so are the index values it is computed from (recomputing those would make each
 * reader compute them from one more read of memory than storing them does).
 */
function indexValues(fn: Fn, role: readonly Role[], users: readonly number[][], outputs: ReadonlySet<number>): number[] {
  const nodes = fn.nodes;
  const pure = nodes.map(() => false);
  for (const n of nodes)
    pure[n.id] =
      role[n.id] === "elementwise" &&
      (n.op === "iota" || (n.op !== "broadcast" && n.op !== "random" && n.op !== "const" && n.inputs.every((x) => pure[x] || role[x] === "scalar")));
  const perElement = (u: number) => role[u] === "reduce" || (role[u] === "elementwise" && nodes[u]!.op !== "broadcast" && nodes[u]!.op !== "random");
  const recomputed = nodes.map((n) => pure[n.id]! && !outputs.has(n.id) && users[n.id]!.every(perElement));
  // Ids are topological: one pass drops every value computed from a stored one.
  for (const n of nodes) if (recomputed[n.id] && n.inputs.some((x) => pure[x] && !recomputed[x])) recomputed[n.id] = false;
  return nodes.flatMap((n) => (recomputed[n.id] ? [n.id] : []));
}

/** Kernels in an order that respects their dependences, earliest first node first (Kahn). */
function orderKernels(
  fn: Fn,
  members: Map<number, number[]>,
  kind: Map<number, KernelKind>,
  head: Map<number, number>,
  storage: Storage[],
  kernelOf: (x: number) => number,
  role: readonly Role[],
): Kernel[] {
  const reps = [...members.keys()].sort((a, b) => members.get(a)![0]! - members.get(b)![0]!);
  const deps = new Map(reps.map((r) => [r, new Set<number>()]));
  const after = new Map(reps.map((r) => [r, [] as number[]]));
  for (const r of reps)
    for (const m of members.get(r)!)
      for (const x of fn.nodes[m]!.inputs) {
        const k = kernelOf(x);
        if (k >= 0 && k !== r && !deps.get(r)!.has(k)) (deps.get(r)!.add(k), after.get(k)!.push(r));
      }
  const ready = reps.filter((r) => deps.get(r)!.size === 0);
  const order: Kernel[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => members.get(a)![0]! - members.get(b)![0]!);
    const r = ready.shift()!;
    const h = head.get(r);
    const all = members.get(r)!;
    const body = [...recomputedFor(fn, all, role), ...all.filter((m) => m !== h)].sort((x, y) => x - y);
    order.push({ kind: kind.get(r)!, ...(h !== undefined ? { head: h } : {}), body, stores: all.filter((m) => storage[m] === "buffer") });
    for (const s of after.get(r)!) {
      deps.get(s)!.delete(r);
      if (deps.get(s)!.size === 0) ready.push(s);
    }
  }
  if (order.length !== reps.length) throw new Error("fusion produced a cyclic kernel graph");
  return order;
}

/** The recomputed index values a kernel's nodes read, directly or through one another. */
function recomputedFor(fn: Fn, ids: readonly number[], role: readonly Role[]): Set<number> {
  const found = new Set<number>();
  const visit = (x: number) => {
    if (role[x] !== "index" || found.has(x)) return;
    found.add(x);
    for (const i of fn.nodes[x]!.inputs) visit(i);
  };
  for (const id of ids) for (const x of fn.nodes[id]!.inputs) visit(x);
  return found;
}
