// Primitive-op kernels (data movement and the neural-network primitives), one invocation per
// output element.
import type { Fn, Node } from "../../ir/ir.ts";
import type { OpName } from "../../ir/ops.ts";
import { productDim } from "../../ir/dim.ts";
import type { Dim, Shape } from "../../ir/shape.ts";
import type { OpKernelOp } from "../../schedule/fuse.ts";
import { rowMajor } from "../../schedule/strides.ts";
import { dim, lit } from "./prelude.ts";

/** The j-th coordinate of the element whose row-major index in `shape` is `flat`. */
function coord(shape: Shape, flat: string, j: number): string {
  const inner = productDim(shape.slice(j + 1));
  const c = inner === 1 ? flat : `(${flat} / ${dim(inner)})`;
  return j === 0 ? c : `(${c} % ${dim(shape[j]!)})`;
}

/**
 * A primitive op, one invocation per output element, each gathering what it needs (adjoints
 * such as unwindow and scatter_add sum their sources instead of scattering into them: no atomics).
 */
export function opKernel(n: Node, fn: Fn, at: (id: number, offset: string) => string, coordsOf: (shape: Shape, flat: string) => (strides: readonly Dim[]) => string): string[] {
  const x = n.inputs[0]!;
  const inShape = (k: number) => fn.nodes[n.inputs[k]!]!.shape;
  const out = (v: string) => `${at(n.id, "i")} = ${v};`;
  switch (n.op) {
    case "literal": return [`var data = array<f32, ${n.data.length}>(${n.data.map(lit).join(", ")});`, out("data[i]")];
    case "permute": {
      const st = rowMajor(inShape(0));
      return [out(at(x, coordsOf(n.shape, "i")(n.perm.map((p) => st[p]!))))];
    }
    case "slice": {
      const st = rowMajor(inShape(0));
      const start = n.starts.map((d, j) => `${dim(d)} * ${dim(st[j]!)}`).join(" + ") || "0u";
      return [out(at(x, `${start} + ${coordsOf(n.shape, "i")(st)}`))];
    }
    case "pad": {
      const src = inShape(0);
      const lines = n.shape.map((_, j) => `let s${j} = i32(${coord(n.shape, "i", j)}) - i32(${dim(n.before[j]!)});`);
      const inside = src.map((d, j) => `s${j} >= 0 && s${j} < i32(${dim(d)})`).join(" && ") || "true";
      const st = rowMajor(src);
      const offset = src.map((_, j) => `u32(s${j}) * ${dim(st[j]!)}`).join(" + ") || "0u";
      return [...lines, `var v = 0.0;`, `if (${inside}) { v = ${at(x, offset)}; }`, out("v")];
    }
    case "window": {
      const [, H, W, C] = inShape(0) as [Dim, Dim, Dim, Dim];
      const c = (j: number) => coord(n.shape, "i", j);
      return [
        `let h = i32(${c(1)} * ${n.stride[0]}u + ${c(3)} * ${n.dilation[0]}u) - ${n.padBefore[0]};`,
        `let w = i32(${c(2)} * ${n.stride[1]}u + ${c(4)} * ${n.dilation[1]}u) - ${n.padBefore[1]};`,
        `var v = ${lit(n.fill)};`,
        `if (h >= 0 && h < i32(${dim(H)}) && w >= 0 && w < i32(${dim(W)})) { v = ${at(x, `((${c(0)} * ${dim(H)} + u32(h)) * ${dim(W)} + u32(w)) * ${dim(C)} + ${c(5)}`)}; }`,
        out("v"),
      ];
    }
    case "unwindow": {
      // Each image element sums the window entries that read it.
      const [, OH, OW, KH, KW, C] = inShape(0) as [Dim, Dim, Dim, Dim, Dim, Dim];
      const c = (j: number) => coord(n.shape, "i", j);
      return [
        `let h = i32(${c(1)}) + ${n.padBefore[0]};`,
        `let w = i32(${c(2)}) + ${n.padBefore[1]};`,
        "var v = 0.0;",
        `for (var kh = 0; kh < ${KH}; kh++) {`,
        `  let th = h - kh * ${n.dilation[0]};`,
        `  if (th < 0 || th % ${n.stride[0]} != 0 || th / ${n.stride[0]} >= i32(${dim(OH)})) { continue; }`,
        `  for (var kw = 0; kw < ${KW}; kw++) {`,
        `    let tw = w - kw * ${n.dilation[1]};`,
        `    if (tw < 0 || tw % ${n.stride[1]} != 0 || tw / ${n.stride[1]} >= i32(${dim(OW)})) { continue; }`,
        `    v += ${at(x, `((((${c(0)} * ${dim(OH)} + u32(th / ${n.stride[0]})) * ${dim(OW)} + u32(tw / ${n.stride[1]})) * ${KH}u + u32(kh)) * ${KW}u + u32(kw)) * ${dim(C)} + ${c(3)}`)};`,
        "  }",
        "}",
        out("v"),
      ];
    }
    case "gather": {
      const table = inShape(0);
      const row = productDim(table.slice(1));
      return [
        `let r = ${at(n.inputs[1]!, `i / ${dim(row)}`)};`,
        "var v = 0.0;",
        `if (r >= 0.0 && r < f32(${dim(table[0]!)}) && r == trunc(r)) { v = ${at(x, `u32(r) * ${dim(row)} + i % ${dim(row)}`)}; }`,
        out("v"),
      ];
    }
    case "scatter_add": {
      const row = productDim(n.shape.slice(1));
      const count = productDim(inShape(1));
      return [
        `let row = f32(i / ${dim(row)});`,
        "var v = 0.0;",
        `for (var s = 0u; s < ${dim(count)}; s++) { if (${at(n.inputs[1]!, "s")} == row) { v += ${at(x, `s * ${dim(row)} + i % ${dim(row)}`)}; } }`,
        out("v"),
      ];
    }
    default:
      // Every "op" kernel of fusion has its case above but scan, which runs as a loop of
      // dispatches of its body's kernels (plan.ts): tsc rejects this line while one lacks it.
      n.op satisfies Exclude<OpName, Exclude<OpKernelOp, "scan">>;
      throw new Error(`no WGSL kernel for ${n.op}`);
  }
}
