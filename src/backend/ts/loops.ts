// Loop nests over a kernel's domain. Every memory access of the kernel is a stride per domain
// axis (0 where it broadcasts); adjacent axes that every access walks contiguously merge into
// one loop (schedule/strides.ts), so a same-shape elementwise kernel is one flat loop and a bias
// add two. Offsets are built up one loop level at a time, so the innermost loop adds at most one
// product per access.
import type { Dim, Shape } from "../../ir/shape.ts";
import { coalesce, type Axis } from "../../schedule/strides.ts";
import { dimExpr } from "../exprs.ts";

export interface Nest {
  /** Loop levels after coalescing. */
  axes: Axis[];
  /** The offset expression of access k at the innermost level. */
  offset: (k: number) => string;
  /** The offset of access k inside the loop at `level` (−1: outside every loop). */
  offsetAt: (k: number, level: number) => string;
  /** Lines of the nest with `body` innermost; `around(level)` adds lines before/after the loop at `level`. */
  render: (body: string[], around?: (level: number) => { before: string[]; after: string[] }) => string[];
}

/** `prefix` keeps variable names unique when several nests share one function. */
export function loopNest(domain: Shape, accesses: readonly (readonly Dim[])[], prefix = ""): Nest {
  const axes = coalesce(domain, accesses);
  const name = (k: number, level: number) => `${prefix}o${k}_${level}`;
  // The offset of access k after `level` loops: the previous level's plus this loop's term.
  const term = (k: number, level: number): string => {
    const s = axes[level]!.strides[k]!;
    const c = `${prefix}c${level}`;
    return s === 0 ? "" : s === 1 ? c : `${c} * ${dimExpr(s)}`;
  };
  const exprAt = (k: number, level: number): string => {
    const parts = [level > 0 ? lastNamed(k, level - 1) : "", term(k, level)].filter((p) => p !== "" && p !== "0");
    return parts.length === 0 ? "0" : parts.join(" + ");
  };
  // The innermost variable holding access k's offset at or above `level` ("0" if none).
  const lastNamed = (k: number, level: number): string => {
    for (let l = level; l >= 0; l--) if (axes[l]!.strides[k] !== 0) return name(k, l);
    return "0";
  };
  const offset = (k: number) => (axes.length === 0 ? "0" : lastNamed(k, axes.length - 1));
  const render: Nest["render"] = (body, around) => {
    const open = (level: number): string[] => {
      if (level === axes.length) return body;
      const c = `${prefix}c${level}`;
      const decls = accesses.flatMap((_, k) => (axes[level]!.strides[k] !== 0 ? [`const ${name(k, level)} = ${exprAt(k, level)};`] : []));
      const inner = open(level + 1).map((l) => `  ${l}`);
      const wrap = around?.(level) ?? { before: [], after: [] };
      return [...wrap.before, `for (let ${c} = 0; ${c} < ${dimExpr(axes[level]!.size)}; ${c}++) {`, ...decls.map((d) => `  ${d}`), ...inner, "}", ...wrap.after];
    };
    return open(0);
  };
  return { axes, offset, offsetAt: (k, level) => (level < 0 ? "0" : lastNamed(k, level)), render };
}
