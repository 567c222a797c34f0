// One kernel of a schedule → one TypeScript function. Elementwise bodies become a loop nest
// (loops.ts) computing each fused node into a local and storing only what other kernels read;
// a reduction accumulates its prologue's values; a matmul calls the runtime's gemm, then runs its
// epilogue over the product; the other primitives call a runtime helper.
import { isReductionNode, type Fn, type Node } from "../../ir/ir.ts";
import { isElementwise, type ElementwiseOp, type OpName, type ReductionOp } from "../../ir/ops.ts";
import { productDim } from "../../ir/dim.ts";
import type { Dim, Shape } from "../../ir/shape.ts";
import { printNode } from "../../ir/print.ts";
import type { Kernel, Schedule } from "../../schedule/kernel.ts";
import { scalarValue, type LoopOp, type OpKernelOp } from "../../schedule/fuse.ts";
import { appendLines, dimExpr, fmtLiteral, shapeExpr, sizeExpr } from "../exprs.ts";
import { broadcastStrides, rowMajor } from "../../schedule/strides.ts";
import { loopNest, type Nest } from "./loops.ts";
import { commentText, userIdent } from "../names.ts";

export interface KernelCode {
  /** The function's text. */
  lines: string[];
  /** Memory the function reads or writes, by node: its parameters after the symbols. */
  memory: number[];
  /** Sub-workspaces (scan bodies) the kernel needs, by scan node. */
  scans: number[];
}

export interface RenderContext {
  schedule: Schedule;
  /** The symbolic sizes, as the user named them (each a parameter `userIdent(name)`). */
  symbols: readonly string[];
  /** The identifier of a node's memory inside kernel functions (an argument's or a buffer's). */
  memName: (id: number) => string;
  /** Emits a scan body as a function; returns its name. */
  nested: (body: Fn, id: number) => string;
  /** The function matmul kernels call, with the runtime gemm's parameters (cpu/threads.ts). */
  gemm: string;
  /** The function window and unwindow ops call, with windowsOf's parameters (cpu/nn.ts). */
  windows: string;
  /** A whole kernel as the target renders it (a product and its epilogue, a reduction…), or undefined: the loops below. */
  targetKernel?: (s: Schedule, k: Kernel, mem: (id: number) => string) => string[] | undefined;
}

/** Each elementwise op's value as a TypeScript expression of its operands' values. */
const OPS: Record<ElementwiseOp, (a: string[], n: Node) => string> = {
  neg: ([a]) => `-${a}`,
  exp: ([a]) => `Math.exp(${a})`,
  log: ([a]) => `Math.log(${a})`,
  sqrt: ([a]) => `Math.sqrt(${a})`,
  recip: ([a]) => `1 / ${a}`,
  tanh: ([a]) => `Math.tanh(${a})`,
  sigmoid: ([a]) => `sigmoid(${a})`,
  relu: ([a]) => `Math.max(${a}, 0)`,
  abs: ([a]) => `Math.abs(${a})`,
  sign: ([a]) => `Math.sign(${a})`,
  erf: ([a]) => `erf(${a})`,
  sin: ([a]) => `Math.sin(${a})`,
  cos: ([a]) => `Math.cos(${a})`,
  nonfinite: ([a]) => `Number.isFinite(${a}) ? 0 : 1`,
  add: ([a, b]) => `${a} + ${b}`,
  sub: ([a, b]) => `${a} - ${b}`,
  mul: ([a, b]) => `${a} * ${b}`,
  div: ([a, b]) => `${a} / ${b}`,
  max: ([a, b]) => `Math.max(${a}, ${b})`,
  min: ([a, b]) => `Math.min(${a}, ${b})`,
  pow: ([a, b]) => (b === "2" ? `${a} * ${a}` : `Math.pow(${a}, ${b})`),
  cmplt: (a) => `${TESTS.cmplt(a)} ? 1 : 0`,
  cmpeq: (a) => `${TESTS.cmpeq(a)} ? 1 : 0`,
  select: ([c, a, b]) => `${c} !== 0 ? ${a} : ${b}`,
  cast: ([a], n) => (n.dtype === "i32" ? `Math.trunc(${a})` : `${a}`),
};

/** The comparisons as tests; `+(…)` keeps tsc from rejecting a comparison of two distinct literals. */
const TESTS = {
  cmplt: ([a, b]: string[]) => `+${a} < +${b}`,
  cmpeq: ([a, b]: string[]) => `+${a} === +${b}`,
};

/** An expression as an operand: bare if it is a name or an array element, else parenthesised. */
const operand = (e: string) => (/^[\w$]+(\[[^\]]*\]!?)?$/.test(e) ? e : `(${e})`);

/** Per-element code over a domain: the fused body's locals, memory reads as strided accesses. */
class ElementLoop {
  readonly accesses: Dim[][];
  readonly lines: string[] = [];
  /** Body values written into the one select that reads them instead of into a local. */
  private readonly inlined = new Map<number, { expr: string; test?: string }>();
  constructor(
    readonly domain: Shape,
    private readonly fn: Fn,
    private readonly inBody: ReadonlySet<number>,
    private readonly mem: (id: number) => string,
  ) {
    this.accesses = [rowMajor(domain)];
  }

  /** The index of an access with these strides (0: the domain's own row-major order). */
  access(strides: readonly Dim[]): number {
    const key = JSON.stringify(strides);
    const at = this.accesses.findIndex((a) => JSON.stringify(a) === key);
    return at >= 0 ? at : this.accesses.push([...strides]) - 1;
  }

  /** A node's value at the current element: a literal, a local of the body, or a read. */
  value(x: number): string {
    const c = scalarValue(this.fn, x);
    if (c !== undefined) return fmtLiteral(c);
    const inlined = this.inlined.get(x);
    if (inlined) return operand(inlined.expr);
    return this.inBody.has(x) ? `v${x}` : `${this.mem(x)}[@0@]!`;
  }

  /**
   * Adds the body's nodes, storing those in `stores`; `outside`: body values the kernel reads
   * after the body (a reduction's input). A value that only one select reads, once, and that is
   * neither stored nor read outside is written into that select: a comparison as its test
   * (`a < b ? x : y`, not a 1 or 0 tested again), a branch computed only when taken. Same values:
   * the expressions are pure, and each is evaluated in double precision either way.
   */
  addBody(body: readonly number[], stores: readonly number[], outside: readonly number[] = []): void {
    const fn = this.fn;
    // Linear in the body: a kernel of a long straight-line program has tens of thousands of nodes.
    const readers = new Map<number, number[]>();
    for (const id of body)
      for (const x of fn.nodes[id]!.inputs) {
        const r = readers.get(x);
        if (r) r.push(id);
        else readers.set(x, [id]);
      }
    const stored = new Set(stores);
    const readOutside = new Set(outside);
    const intoSelect = (id: number) => {
      const r = readers.get(id);
      return r?.length === 1 && fn.nodes[r[0]!]!.op === "select" && !stored.has(id) && !readOutside.has(id);
    };
    for (const id of body) {
      const n = fn.nodes[id]!;
      let expr: string;
      if (scalarValue(fn, id) !== undefined) expr = this.value(id);
      else if (n.op === "broadcast") {
        const u = n.inputs[0]!;
        expr = this.inBody.has(u) ? this.value(u) : `${this.mem(u)}[@${this.access(broadcastStrides(fn.nodes[u]!.shape, n.shape))}@]!`;
      } else if (n.op === "iota") expr = `@${this.access(n.shape.map((_, j) => (j === n.axis ? 1 : 0)))}@`;
      else if (n.op === "random") {
        const seed = n.inputs[0]!;
        const text = isSeed(fn, seed) ? this.mem(seed) : scalarValue(fn, seed) !== undefined ? this.value(seed) : `${this.mem(seed)}[0]!`;
        expr = `${n.dist === "normal" ? "normalAt" : "uniformAt"}(${text}, ${n.stream}, @0@)`;
      } else if (n.op === "select" && this.inlined.get(n.inputs[0]!)?.test !== undefined) {
        const [c, a, b] = n.inputs as [number, number, number];
        expr = `${this.inlined.get(c)!.test!} ? ${this.value(a)} : ${this.value(b)}`;
      } else if (isElementwise(n.op)) expr = OPS[n.op](n.inputs.map((x) => this.value(x)), n);
      else {
        // Every primitive of a fused loop has its branch above (a const is a scalar value, the
        // first): tsc rejects this line while one lacks it.
        n.op satisfies Exclude<OpName, Exclude<LoopOp, "const">>;
        throw new Error(`not elementwise: ${n.op}`);
      }
      if (scalarValue(fn, id) === undefined && intoSelect(id)) {
        const test = n.op === "cmplt" || n.op === "cmpeq" ? TESTS[n.op](n.inputs.map((x) => this.value(x))) : undefined;
        this.inlined.set(id, { expr, test });
        continue;
      }
      this.lines.push(`const v${id} = ${expr};`);
      if (stored.has(id)) this.lines.push(`${this.mem(id)}[@0@] = v${id};`);
    }
  }

  /** The loop nest, once every access is known, and a function filling offsets into lines. */
  finish(prefix = ""): { nest: Nest; fill: (line: string) => string } {
    const nest = loopNest(this.domain, this.accesses, prefix);
    return { nest, fill: (l) => l.replace(/@(\d+)@/g, (_, a: string) => nest.offset(Number(a))) };
  }
}

export function renderKernel(ctx: RenderContext, k: Kernel, name: string): KernelCode {
  const { schedule: s } = ctx;
  const fn = s.fn;
  const node = (id: number) => fn.nodes[id]!;
  const memory = new Set<number>();
  const scans: number[] = [];
  const mem = (id: number) => {
    const b = s.base[id]!;
    memory.add(b);
    return ctx.memName(b);
  };
  const loopOver = (domain: Shape, outside: readonly number[] = []) => {
    const loop = new ElementLoop(domain, fn, new Set(k.body), mem);
    loop.addBody(k.body, k.stores, outside);
    return loop;
  };
  const elementwise = (domain: Shape) => {
    const loop = loopOver(domain);
    const { nest, fill } = loop.finish();
    return nest.render(loop.lines.map(fill));
  };

  const body: string[] = [];
  const byTarget = ctx.targetKernel?.(s, k, mem);
  if (byTarget) appendLines(body, byTarget);
  else if (k.kind === "elementwise") appendLines(body, elementwise(node(k.body[0]!).shape));
  else if (k.kind === "reduce") {
    const input = node(k.head!).inputs[0]!;
    appendLines(body, reduce(node(k.head!), loopOver(node(input).shape, [input]), mem));
  } else if (k.kind === "matmul") {
    appendLines(body, matmul(node(k.head!), s, mem, ctx.gemm));
    // The epilogue runs over its own shape: the product's, or a reshape of it.
    if (k.body.length > 0) appendLines(body, elementwise(node(k.body[0]!).shape));
  } else appendLines(body, op(node(k.head!), ctx, mem, scans));

  dropUnusedOffsets(body);
  const text = body.join("\n");
  const ops = [...(k.head !== undefined ? [k.head] : []), ...k.body];
  const params = [
    // Every kernel takes every size; one it does not read is named `_…`, which a consumer's
    // noUnusedParameters accepts.
    ...ctx.symbols.map((x) => `${mentions(text, userIdent(x)) ? "" : "_"}${userIdent(x)}: number`),
    ...[...memory].map((m) => `${ctx.memName(m)}: ${isSeed(fn, m) ? "number" : "Float32Array"}`),
    ...scans.map((id) => `ws${id}: Workspace`),
  ];
  return {
    lines: [`// ${k.kind} kernel of ${ops.length} op${ops.length === 1 ? "" : "s"}:`, ...ops.map((id) => `//   ${commentText(printNode(node(id), fn))}`), `function ${name}(${params.join(", ")}): void {`, ...body.map((l) => `  ${l}`), "}", ""],
    memory: [...memory],
    scans,
  };
}

const mentions = (text: string, ident: string): boolean => new RegExp(`\\b${ident}\\b`).test(text);

/** Removes the loop offsets (`const o0_1 = …;`) nothing reads: a consumer's noUnusedLocals
 * refuses them. Repeated, since an offset may be read only by another unread one. */
function dropUnusedOffsets(lines: string[]): void {
  for (let changed = true; changed; ) {
    changed = false;
    const text = lines.join("\n");
    for (let i = lines.length - 1; i >= 0; i--) {
      const name = /^\s*const (o\d+_\d+) = [^;]*;$/.exec(lines[i]!)?.[1];
      if (name && (text.match(new RegExp(`\\b${name}\\b`, "g"))?.length ?? 0) === 1) (lines.splice(i, 1), (changed = true));
    }
  }
}

const isSeed = (fn: Fn, id: number) => {
  const n = fn.nodes[id]!;
  return n.op === "arg" && fn.args[n.index]!.role === "seed";
};

/**
 * Each reduction's start value and how it folds `v` into the accumulator read as `acc` and
 * written as `into` (reduce_max keeps a NaN it meets: NaN compares false both ways). An array
 * element is written `a[i]!` even as a target: under a consumer's noUncheckedIndexedAccess,
 * `a[i] += v` is an error.
 */
const REDUCTIONS: Record<ReductionOp, { init: string; fold: (into: string, acc: string, v: string) => string }> = {
  sum: { init: "0", fold: (into, _acc, v) => `${into} += ${v};` },
  reduce_max: { init: "-Infinity", fold: (into, acc, v) => `if (${v} > ${acc} || ${v} !== ${v}) ${into} = ${v};` },
};

/** A sum or max: the prologue's value of each input element folded into its output element. */
function reduce(r: Node, loop: ElementLoop, mem: (id: number) => string): string[] {
  if (!isReductionNode(r)) throw new Error("reduce kernel without a reduction");
  const outStrides = rowMajor(r.shape);
  let kept = 0;
  const outK = loop.access(loop.domain.map((_, j) => (r.axes.includes(j) ? 0 : outStrides[kept++]!)));
  const x = loop.value(r.inputs[0]!);
  const out = mem(r.id);
  const { init, fold } = REDUCTIONS[r.op];
  const { nest, fill } = loop.finish();
  const reduced = nest.axes.map((a) => a.strides[outK] === 0);
  const split = reduced.indexOf(true);
  if (split >= 0 && reduced.slice(split).every((b) => b)) {
    // Reduced loops innermost: accumulate in a local, store once per output element.
    const at = nest.offsetAt(outK, split - 1);
    const around = (level: number) => (level === split ? { before: [`let acc = ${init};`], after: [`${out}[${at}] = acc;`] } : { before: [], after: [] });
    return nest.render([...loop.lines, `const r = ${x};`, fold("acc", "acc", "r")].map(fill), around);
  }
  const o = `@${outK}@`;
  if (r.op === "reduce_max") return [`${out}.fill(${init});`, ...nest.render([...loop.lines, `const r = ${x};`, fold(`${out}[${o}]!`, `${out}[${o}]!`, "r")].map(fill))];
  // A sum folds into float64 sums (the runtime's zeroedSums), rounded once into the output, as the
  // double local above and the wasm target's partial sums: folded into the float32 output, each of
  // BatchNorm's 8192 rows would round, and that drift put ResNetSmall's step off the interpreter.
  const size = sizeExpr(r.shape);
  return [
    `const sums = zeroedSums(${size});`,
    ...nest.render([...loop.lines, `const r = ${x};`, fold(`sums[${o}]!`, `sums[${o}]!`, "r")].map(fill)),
    `for (let i = 0; i < ${size}; i++) ${out}[i] = sums[i]!;`,
  ];
}

/** The product by the runtime's `gemm`, once per leading (batch) index. */
function matmul(n: Node, s: Schedule, mem: (id: number) => string, gemm: string): string[] {
  const [a, b] = n.inputs as [number, number];
  const sh = n.shape;
  const aShape = s.fn.nodes[a]!.shape;
  const [m, cols, k] = [sh[sh.length - 2]!, sh[sh.length - 1]!, aShape[aShape.length - 1]!];
  const batch = productDim(sh.slice(0, -2));
  const at = (size: Dim) => (batch === 1 ? "0" : `t * ${dimExpr(size)}`);
  const ta = s.storage[a] === "transposed";
  const tb = s.storage[b] === "transposed";
  const call = `${gemm}(${mem(a)}, ${at(productDim([m, k]))}, ${ta}, ${mem(b)}, ${at(productDim([k, cols]))}, ${tb}, ${mem(n.id)}, ${at(productDim([m, cols]))}, ${dimExpr(m)}, ${dimExpr(cols)}, ${dimExpr(k)});`;
  return batch === 1 ? [call] : [`for (let t = 0; t < ${dimExpr(batch)}; t++) ${call}`];
}

function op(n: Node, ctx: RenderContext, mem: (id: number) => string, scans: number[]): string[] {
  const fn = ctx.schedule.fn;
  const t = mem(n.id);
  const x = n.inputs[0] !== undefined ? mem(n.inputs[0]) : "";
  const inShape = (k: number) => shapeExpr(fn.nodes[n.inputs[k]!]!.shape);
  switch (n.op) {
    case "literal": return [`${t}.set([${n.data.map(fmtLiteral).join(", ")}]);`];
    case "permute": {
      const from = fn.nodes[n.inputs[0]!]!.shape;
      const st = rowMajor(from);
      return [`stridedCopy(${t}, ${x}, [${n.perm.map((p) => dimExpr(st[p]!)).join(", ")}], 0, ${shapeExpr(n.shape)});`];
    }
    case "slice": {
      const st = rowMajor(fn.nodes[n.inputs[0]!]!.shape);
      const offset = n.starts.map((d, i) => `${dimExpr(d)} * ${dimExpr(st[i]!)}`).join(" + ") || "0";
      return [`stridedCopy(${t}, ${x}, [${st.map(dimExpr).join(", ")}], ${offset}, ${shapeExpr(n.shape)});`];
    }
    case "pad": return [`padInto(${t}, ${x}, ${inShape(0)}, [${n.before.map(dimExpr).join(", ")}], ${shapeExpr(n.shape)});`];
    case "window": return [`${ctx.windows}(${t}, ${x}, ${inShape(0)}, ${shapeExpr(n.shape)}, [${n.stride.join(", ")}], [${n.dilation.join(", ")}], [${n.padBefore.join(", ")}], ${fmtLiteral(n.fill)}, false);`];
    case "unwindow": return [`${ctx.windows}(${x}, ${t}, ${shapeExpr(n.shape)}, ${inShape(0)}, [${n.stride.join(", ")}], [${n.dilation.join(", ")}], [${n.padBefore.join(", ")}], 0, true);`];
    case "gather": {
      const table = fn.nodes[n.inputs[0]!]!.shape;
      return [`gatherRows(${t}, ${x}, ${dimExpr(table[0]!)}, ${sizeExpr(table.slice(1))}, ${mem(n.inputs[1]!)});`];
    }
    case "scatter_add": return [`scatterRows(${t}, ${x}, ${dimExpr(n.shape[0]!)}, ${sizeExpr(n.shape.slice(1))}, ${mem(n.inputs[1]!)});`];
    case "scan": {
      scans.push(n.id);
      const body = ctx.nested(n.body, n.id);
      const consts = n.inputs.slice(2).map((i) => `, ${mem(i)}`).join("");
      const syms = ctx.symbols.map((s) => `${userIdent(s)}, `).join("");
      return [
        `scanInto(${t}, ${x}, ${mem(n.inputs[1]!)}, ${inShape(1)}, ${shapeExpr(n.shape)}, ${n.axis}, ${n.reverse}, ws${n.id}, (c, xt) => ${body}(ws${n.id}.sub[0]!, ${syms}c, xt${consts})[0]!);`,
      ];
    }
    default:
      // Every "op" kernel of fusion has its case above: tsc rejects this line while one lacks it.
      n.op satisfies Exclude<OpName, OpKernelOp>;
      throw new Error(`no kernel for ${n.op}`);
  }
}
