// One IR function as Python statements over torch tensors, one statement per IR node, each
// assigned to a local named after the node (`matmul_19`, as `dnnc compile --emit ir` prints
// `%19 = matmul …`), but for the runs of nodes idioms.ts renders as one torch call (`conv_6 =
// F.conv2d(…)`, `max_pool_26`, …) and the broadcasts torch does itself, which have no statement.
// Elementwise ops, reductions and the structural ops are one torch call each;
// the neural-network primitives, scan, iota and the counter-based random draws call the
// package's _runtime.py (rt.windows, rt.gather, rt.scan, …), whose loops state each primitive's
// meaning as the reference interpreter (src/ir/interpret.ts) does. A scan's body becomes a
// nested function defined just before the scan that runs it.
import type { Fn, Node } from "../../ir/ir.ts";
import { addDim, subDim } from "../../ir/dim.ts";
import type { BinaryOp, UnaryOp } from "../../ir/ops.ts";
import { findIdioms } from "./idioms.ts";
import { indent, pyComment, pyDim, pyFloat, pyInts, pyShape, torchDtype } from "./python.ts";

const UNARY: Record<Exclude<UnaryOp, "neg" | "nonfinite">, string> = {
  exp: "torch.exp",
  log: "torch.log",
  sqrt: "torch.sqrt",
  recip: "torch.reciprocal",
  tanh: "torch.tanh",
  sigmoid: "torch.sigmoid",
  relu: "torch.relu",
  abs: "torch.abs",
  sign: "torch.sign",
  erf: "torch.erf",
  sin: "torch.sin",
  cos: "torch.cos",
};

/** Arithmetic as an operator or a torch function; the comparisons give the IR's 1 and 0 in the node's dtype. */
const BINARY: Record<BinaryOp, { infix?: string; call?: string; compare?: string }> = {
  add: { infix: "+" },
  sub: { infix: "-" },
  mul: { infix: "*" },
  div: { infix: "/" },
  max: { call: "torch.maximum" },
  min: { call: "torch.minimum" },
  pow: { call: "torch.pow" },
  cmplt: { compare: "<" },
  cmpeq: { compare: "==" },
};

/** The local a node's value is held in. */
export const localName = (n: Node): string => `${n.op}_${n.id}`;

export interface Rendered {
  lines: string[];
  /** The Python expression of each output of the function, in order. */
  outputs: string[];
}

/**
 * The statements computing `fn`'s outputs (those at the positions `outputs`, all by default),
 * where `args[i]` is the Python expression of argument i; a local `device` must hold the device
 * the tensors it creates go on. Nodes no wanted output needs are left out.
 */
export function renderFn(fn: Fn, args: readonly string[], outputs: readonly number[] = fn.outputs.map((_, i) => i)): Rendered {
  return renderNodes(fn, args, outputs.map((i) => fn.outputs[i]!.id));
}

/**
 * The statements computing the nodes `roots` of `fn`, as renderFn; a node of `given` is not
 * computed but read from its Python expression there (the gradients autograd left in .grad), and
 * the nodes only it needs are left out. `reads` lists the arguments the statements read.
 */
export function renderNodes(fn: Fn, args: readonly string[], roots: readonly number[], given: ReadonlyMap<number, string> = new Map()): Rendered & { reads: number[] } {
  const idioms = findIdioms(fn, roots, new Set(given.keys()));
  const live = liveNodes(fn, roots, given, (n) => idioms.calls.get(n.id)?.reads ?? (idioms.aliases.has(n.id) ? [idioms.aliases.get(n.id)!] : n.inputs));
  const reads: number[] = [];
  const values: string[] = [];
  const lines: string[] = [];
  // The function's named runs of nodes (a training step's forward, backward and update) as comment lines.
  const sections = [...(fn.sections ?? [])];
  let heading: string | undefined; // written before the section's first statement, so a section with none has none
  for (const n of fn.nodes) {
    while (sections.length > 0 && sections[0]!.start <= n.id) heading = `# ${pyComment(sections.shift()!.name)}`;
    if (!live[n.id]) {
      values.push("");
      continue;
    }
    if (given.has(n.id)) {
      values.push(given.get(n.id)!);
      continue;
    }
    if (n.op === "arg") {
      values.push(args[n.index]!);
      reads.push(n.index);
      continue;
    }
    const alias = idioms.aliases.get(n.id);
    if (alias !== undefined) {
      values.push(values[alias]!);
      continue;
    }
    if (heading) lines.push(heading), (heading = undefined);
    const call = idioms.calls.get(n.id);
    if (call) {
      lines.push(`${call.local} = ${call.render((id) => values[id]!)}`);
      values.push(call.local);
      continue;
    }
    const x = n.inputs.map((i) => values[i]!);
    const name = localName(n);
    if (n.op === "scan") lines.push(...scanBody(n, name));
    lines.push(`${name} = ${expression(n, x, fn, name)}`);
    values.push(name);
  }
  return { lines, outputs: roots.map((id) => values[id]!), reads };
}

/** Which nodes the roots depend on, short of the given ones (the init function also computes optimizer states, which a module's tensors leave out). */
function liveNodes(fn: Fn, roots: readonly number[], given: ReadonlyMap<number, string>, reads: (n: Node) => readonly number[]): boolean[] {
  const live = fn.nodes.map(() => false);
  for (const r of roots) live[r] = true;
  for (let id = fn.nodes.length - 1; id >= 0; id--) if (live[id] && !given.has(id)) for (const i of reads(fn.nodes[id]!)) live[i] = true;
  return live;
}

/** The nested function a scan runs at each step: (carry, step of the sequence, constants…) → the next carry. */
function scanBody(n: Extract<Node, { op: "scan" }>, name: string): string[] {
  const params = n.body.args.map((_, i) => (i === 0 ? "carry" : i === 1 ? "step" : `c${i - 2}`));
  const body = renderFn(n.body, params);
  return [`def ${name}_body(${params.join(", ")}):`, ...indent(body.lines), ...indent([`return ${body.outputs[0]!}`])];
}

function expression(n: Node, x: string[], fn: Fn, name: string): string {
  const inShape = (i: number) => fn.nodes[n.inputs[i]!]!.shape;
  switch (n.op) {
    case "const": return `torch.tensor(${n.dtype === "f32" ? pyFloat(n.value) : String(Math.trunc(n.value))}, dtype=${torchDtype(n.dtype)}, device=device)`;
    case "literal": return `torch.tensor([${n.data.map(pyFloat).join(", ")}], dtype=torch.float32, device=device).reshape(${pyShape(n.shape)})`;
    case "select": return `torch.where(${x[0]} != 0, ${x[1]}, ${x[2]})`;
    case "cast": return `${x[0]}.to(${torchDtype(n.dtype)})`; // float to int truncates toward zero, as the IR's cast does
    case "sum":
      if (n.axes.length === 0) return x[0]!;
      // torch sums int32 into int64; the IR keeps the input's type.
      return `torch.sum(${x[0]}, dim=${pyInts(n.axes)}${n.dtype === "i32" ? ", dtype=torch.int32" : ""})`;
    case "reduce_max": return n.axes.length === 0 ? x[0]! : `torch.amax(${x[0]}, dim=${pyInts(n.axes)})`;
    case "reshape": return `${x[0]}.reshape(${pyShape(n.shape)})`;
    case "permute": return `${x[0]}.permute(${pyInts(n.perm)})`;
    case "broadcast": return `${x[0]}.expand(${pyShape(n.shape)})`;
    case "slice": {
      const from = inShape(0);
      const ranges = n.shape.map((d, i) => (n.starts[i] === 0 && d === from[i] ? ":" : `${pyDim(n.starts[i]!)}:${pyDim(addDim(n.starts[i]!, d))}`));
      return ranges.every((r) => r === ":") ? x[0]! : `${x[0]}[${ranges.join(", ")}]`;
    }
    case "pad": {
      const from = inShape(0);
      const after = n.shape.map((d, i) => subDim(subDim(d, from[i]!), n.before[i]!));
      return `rt.pad(${x[0]}, before=${pyShape(n.before)}, after=${pyShape(after)})`;
    }
    case "matmul": return `${x[0]} @ ${x[1]}`;
    case "iota": return `rt.iota(${pyShape(n.shape)}, axis=${n.axis}, dtype=${torchDtype(n.dtype)}, device=device)`;
    case "random": return `rt.random(${x[0]}, ${pyShape(n.shape)}, ${JSON.stringify(n.dist)}, stream=${n.stream}, device=device)`;
    case "window": {
      const [, oh, ow] = n.shape;
      return `rt.windows(${x[0]}, ${geometry(n)}, out_hw=${pyShape([oh!, ow!])}, fill=${pyFloat(n.fill)})`;
    }
    case "unwindow": {
      const [, h, w] = n.shape;
      return `rt.unwindows(${x[0]}, ${geometry(n)}, image_hw=${pyShape([h!, w!])})`;
    }
    case "gather": return `rt.gather(${x[0]}, ${x[1]})`;
    case "scatter_add": return `rt.scatter_add(${x[0]}, ${x[1]}, rows=${pyDim(n.shape[0]!)})`;
    case "scan": {
      const consts = x.slice(2);
      return `rt.scan(${name}_body, ${x[0]}, ${x[1]}, (${consts.join(", ")}${consts.length === 1 ? "," : ""}), axis=${n.axis}, reverse=${n.reverse ? "True" : "False"})`;
    }
    case "arg": throw new Error("unreachable: arguments are bound, not computed");
    default: {
      // Every other primitive has its case above: tsc rejects this line while one lacks it.
      const op: UnaryOp | BinaryOp = n.op;
      return elementwise(op, x, n);
    }
  }
}

const geometry = (w: Extract<Node, { op: "window" | "unwindow" }>): string =>
  `kernel=${pyInts(w.kernel)}, stride=${pyInts(w.stride)}, dilation=${pyInts(w.dilation)}, pad_before=${pyInts(w.padBefore)}`;

function elementwise(op: UnaryOp | BinaryOp, x: string[], n: Node): string {
  if (op === "neg") return `-${x[0]}`;
  if (op === "nonfinite") return `(~torch.isfinite(${x[0]})).to(${torchDtype(n.dtype)})`;
  if (op in UNARY) return `${UNARY[op as keyof typeof UNARY]}(${x[0]})`;
  const b = BINARY[op as BinaryOp];
  // The IR's i32 division is exact in the cases it makes; truncation keeps the type an integer.
  if (op === "div" && n.dtype === "i32") return `torch.div(${x[0]}, ${x[1]}, rounding_mode="trunc")`;
  if (b.infix) return `${x[0]} ${b.infix} ${x[1]}`;
  if (b.call) return `${b.call}(${x[0]}, ${x[1]})`;
  return `(${x[0]} ${b.compare} ${x[1]}).to(${torchDtype(n.dtype)})`;
}
