// One kernel of a schedule → one WGSL compute shader. All of a function's memory — arguments
// and its arena — lives in one storage buffer `mem`, so a kernel binds one buffer whatever it
// reads (no per-stage storage-buffer limit to trip over); each tensor's element offset and each
// symbolic size is a pipeline-overridable constant, set when the sizes are known.
//
// Elementwise and op kernels run one invocation per output element; matmuls in register blocks
// (matmul.ts), long reductions of few outputs in workgroup trees (reduce.ts).
import type { Node } from "../../ir/ir.ts";
import { isElementwise, type OpName } from "../../ir/ops.ts";
import { productDim } from "../../ir/dim.ts";
import type { Dim, Shape } from "../../ir/shape.ts";
import { printNode } from "../../ir/print.ts";
import type { Kernel, Schedule } from "../../schedule/kernel.ts";
import { scalarValue, type LoopOp } from "../../schedule/fuse.ts";
import { broadcastStrides, coalesce, rowMajor } from "../../schedule/strides.ts";
import { matmulKernel } from "./matmul.ts";
import { opKernel } from "./ops.ts";
import { dim, lit, OPS, PRELUDE } from "./prelude.ts";
import { reduceKernel } from "./reduce.ts";
import { commentText, userIdent } from "../names.ts";

/** Invocations per workgroup of the kernels that run one invocation per output element. */
export const WORKGROUP = 64;

export interface WgslKernel {
  code: string;
  /** Memory the kernel reads or writes, by node (each has an `o<id>` offset constant). */
  memory: number[];
  /** The symbolic sizes it declares as override constants named `userIdent(size)` (a pipeline may set no other). */
  sizes: string[];
  /**
   * Workgroups to dispatch, in all: the product of ⌈of / per⌉ over the factors (a Dim cannot
   * hold a ceiling, the host computes it), dispatched as `(min(g, 65535), ⌈g / 65535⌉)`, each
   * shader numbering its workgroups `wid.x + wid.y * groups.x` and returning past the last.
   */
  workgroups: Workgroups;
}

/** ∏ ⌈of / per⌉. */
export type Workgroups = readonly { of: Dim; per: number }[];


/** What the kernel renderers share: memory access and the per-element code of a kernel's body. */
export interface KernelContext {
  s: Schedule;
  k: Kernel;
  node: (id: number) => Node;
  /** Element `offset` of a node's memory, as an lvalue. */
  at: (id: number, offset: string) => string;
  /**
   * The body's code for the element whose row-major index in the body's shape is `flat`,
   * `coords` giving the offset of a strided read there; `given` names values already in
   * registers (a matmul's product). `value` is how the code refers to a node afterwards.
   */
  elementwise: (flat: string, coords: (strides: readonly Dim[]) => string, given?: ReadonlyMap<number, string>) => { out: string[]; value: (x: number) => string };
  /** The offset of strided access `strides` at the element whose row-major index in `shape` is `flat`. */
  coordsOf: (shape: Shape, flat: string) => (strides: readonly Dim[]) => string;
}

/** A kernel's main function body, run with `g` its linear workgroup index and `lid` its local invocation index. */
export interface KernelCode {
  lines: string[];
  /** Module-scope declarations: workgroup memory, helper functions. */
  decls?: string[];
  workgroups: Workgroups;
  size: number;
}

export function renderWgsl(s: Schedule, k: Kernel, symbols: readonly string[]): WgslKernel {
  const fn = s.fn;
  const node = (id: number) => fn.nodes[id]!;
  const memory = new Set<number>();
  const at = (id: number, offset: string) => {
    const b = s.base[id]!;
    memory.add(b);
    return `mem[o${b} + ${offset}]`;
  };
  const inBody = new Set(k.body);

  const elementwise: KernelContext["elementwise"] = (flat, coords, given) => {
    const value = (x: number): string => {
      const c = scalarValue(fn, x);
      if (c !== undefined) return lit(c);
      const g = given?.get(x);
      if (g !== undefined) return g;
      return inBody.has(x) ? `v${x}` : at(x, flat);
    };
    const out: string[] = [];
    for (const id of k.body) {
      const n = node(id);
      let expr: string;
      const c = scalarValue(fn, id);
      if (c !== undefined) expr = lit(c);
      else if (n.op === "broadcast") {
        const u = n.inputs[0]!;
        expr = inBody.has(u) ? `v${u}` : at(u, coords(broadcastStrides(node(u).shape, n.shape)));
      } else if (n.op === "iota") expr = `f32(${coords(n.shape.map((_, j) => (j === n.axis ? 1 : 0)))})`;
      else if (n.op === "random") {
        const seed = n.inputs[0]!;
        const sv = scalarValue(fn, seed);
        const seedText = sv !== undefined ? `${sv >>> 0}u` : `u32(${at(seed, "0u")})`;
        expr = `${n.dist === "normal" ? "normal_" : "uniform_"}(${seedText}, ${n.stream}u, ${flat})`;
      } else if (isElementwise(n.op)) expr = OPS[n.op](n.inputs.map(value), n);
      else {
        // Every primitive of a fused loop has its branch above (a const is a scalar value, the
        // first): tsc rejects this line while one lacks it.
        n.op satisfies Exclude<OpName, Exclude<LoopOp, "const">>;
        throw new Error(`not elementwise: ${n.op}`);
      }
      out.push(`let v${id} = ${expr};`);
      if (k.stores.includes(id)) out.push(`${at(id, flat)} = v${id};`);
    }
    return { out, value };
  };

  const coordsOf = (shape: Shape, flat: string) => (strides: readonly Dim[]): string => {
    const axes = coalesce(shape, [rowMajor(shape), strides]);
    const terms: string[] = [];
    let inner: Dim = 1;
    for (let j = axes.length - 1; j >= 0; j--) {
      const a = axes[j]!;
      const st = a.strides[1]!;
      if (st !== 0) {
        const c = inner === 1 ? flat : `(${flat} / ${dim(inner)})`;
        const coord = j === 0 ? c : `(${c} % ${dim(a.size)})`;
        terms.push(st === 1 ? coord : `${coord} * ${dim(st)}`);
      }
      inner = productDim([inner, a.size]);
    }
    return terms.length === 0 ? "0u" : terms.join(" + ");
  };

  const ctx: KernelContext = { s, k, node, at, elementwise, coordsOf };
  /** One invocation per element of `count`, each running `lines` with `i` its element. */
  const perElement = (count: Dim, lines: string[]): KernelCode => ({
    lines: [`let i = g * ${WORKGROUP}u + lid;`, `if (i >= ${dim(count)}) { return; }`, ...lines],
    workgroups: [{ of: count, per: WORKGROUP }],
    size: WORKGROUP,
  });
  let c: KernelCode;
  if (k.kind === "elementwise") {
    const domain = node(k.body[0]!).shape;
    c = perElement(productDim(domain), elementwise("i", coordsOf(domain, "i")).out);
  } else if (k.kind === "reduce") c = reduceKernel(ctx);
  else if (k.kind === "matmul") c = matmulKernel(ctx);
  else {
    const n = node(k.head!);
    c = perElement(productDim(n.shape), opKernel(n, fn, at, coordsOf));
  }

  const ops = [...(k.head !== undefined ? [k.head] : []), ...k.body];
  const body = [...(c.decls ?? []), ...c.lines].join("\n");
  // Only the sizes the code mentions: a pipeline may set no constant its shader lacks.
  const used = symbols.filter((x) => new RegExp(`\\b${userIdent(x)}\\b`).test(body));
  const code = [
    `// ${k.kind} kernel of ${ops.length} op${ops.length === 1 ? "" : "s"}:`,
    ...ops.map((id) => `//   ${commentText(printNode(node(id), fn))}`),
    "@group(0) @binding(0) var<storage, read_write> mem: array<f32>;",
    ...used.map((x) => `override ${userIdent(x)}: u32;`),
    ...[...memory].map((id) => `override o${id}: u32;`),
    PRELUDE,
    ...(c.decls ?? []),
    `@compute @workgroup_size(${c.size}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) groups: vec3u) {`,
    "  let g = wid.x + wid.y * groups.x;",
    ...c.lines.map((l) => `  ${l}`),
    "}",
    "",
  ].join("\n");
  return { code, memory: [...memory], sizes: used, workgroups: c.workgroups };
}
