// Sizes, shapes and numbers as TypeScript expressions: the host code of every target is TypeScript.
import type { Dim, Shape } from "../ir/shape.ts";
import { dimCode } from "./names.ts";

// Compound sizes ("T - 1", "169*B") are bracketed so they stay whole inside larger expressions;
// their symbols are the sizes' identifiers (names.ts), never the user's names as they are.
export const dimExpr = (d: Dim): string => (typeof d === "number" ? String(d) : /^\w+$/.test(d) ? dimCode(d) : `(${dimCode(d)})`);
export const shapeExpr = (s: Shape): string => `[${s.map(dimExpr).join(", ")}]`;
export function sizeExpr(s: Shape): string {
  const k = s.filter((d): d is number => typeof d === "number").reduce((a, b) => a * b, 1);
  const syms = s.filter((d): d is string => typeof d === "string").map(dimExpr);
  return [...syms, ...(k !== 1 || syms.length === 0 ? [String(k)] : [])].join(" * ");
}

/**
 * An IR constant (a float32) as a TypeScript literal: the exact value of the float32, since fused
 * loops compute in doubles (1 − 1e-7 must be 1 − 2⁻²³, as a float32 tensor holds it). Negative
 * ones are bracketed, so `a - (-1)` stays valid.
 */
export function fmtLiteral(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  const s = String(Math.fround(v));
  return s.startsWith("-") ? `(${s})` : s;
}

/** `to.push(...lines)` without the spread, which overflows the stack past ~100,000 lines (a long kernel). */
export function appendLines(to: string[], lines: readonly string[]): void {
  for (const l of lines) to.push(l);
}
