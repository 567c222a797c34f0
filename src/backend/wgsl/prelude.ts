// What every WGSL kernel shares: sizes and f32 literals as WGSL text, the elementwise ops, and
// the helper functions a shader may call.
import type { Node } from "../../ir/ir.ts";
import type { ElementwiseOp } from "../../ir/ops.ts";
import type { Dim } from "../../ir/shape.ts";
import { dimCode } from "../names.ts";

/** A size as a WGSL u32 expression (integer literals next to a u32 symbol become u32), its symbols as identifiers (names.ts). */
export const dim = (d: Dim): string => (typeof d === "number" ? `${d}u` : `(${dimCode(d)})`);

/** An f32 literal (WGSL rejects infinities and NaN in constant expressions: made at run time). */
export function lit(v: number): string {
  if (Number.isNaN(v)) return "nan_()";
  if (!Number.isFinite(v)) return v > 0 ? "inf_()" : "-inf_()";
  const s = String(Math.fround(v));
  return /[.e]/.test(s) ? `f32(${s})` : `f32(${s}.0)`;
}

/** Each elementwise op's value as a WGSL expression of its operands' values. */
export const OPS: Record<ElementwiseOp, (a: string[], n: Node) => string> = {
  neg: ([a]) => `-(${a})`,
  exp: ([a]) => `exp(${a})`,
  log: ([a]) => `log(${a})`,
  sqrt: ([a]) => `sqrt(${a})`,
  recip: ([a]) => `1.0 / ${a}`,
  tanh: ([a]) => `tanh(${a})`,
  sigmoid: ([a]) => `sigmoid_(${a})`,
  relu: ([a]) => `max(${a}, 0.0)`,
  abs: ([a]) => `abs(${a})`,
  sign: ([a]) => `sign(${a})`,
  erf: ([a]) => `erf_(${a})`,
  sin: ([a]) => `sin(${a})`,
  cos: ([a]) => `cos(${a})`,
  nonfinite: ([a]) => `nonfinite_(${a})`,
  add: ([a, b]) => `${a} + ${b}`,
  sub: ([a, b]) => `${a} - ${b}`,
  mul: ([a, b]) => `${a} * ${b}`,
  div: ([a, b]) => `${a} / ${b}`,
  max: ([a, b]) => `max(${a}, ${b})`,
  min: ([a, b]) => `min(${a}, ${b})`,
  pow: ([a, b]) => (b === "f32(2.0)" ? `${a} * ${a}` : `pow_(${a}, ${b})`),
  cmplt: ([a, b]) => `select(0.0, 1.0, ${a} < ${b})`,
  cmpeq: ([a, b]) => `select(0.0, 1.0, ${a} == ${b})`,
  select: ([c, a, b]) => `select(${b}, ${a}, ${c} != 0.0)`,
  cast: ([a], n) => (n.dtype === "i32" ? `trunc(${a})` : `${a}`),
};

// Helpers every shader may call: stable sigmoid, erf (A&S 7.1.26), pow with a real base,
// and the counter-based random numbers of the TypeScript backend, bit for bit.
export const PRELUDE = `fn inf_() -> f32 { var b = 0x7f800000u; return bitcast<f32>(b); }
fn nan_() -> f32 { var b = 0x7fc00000u; return bitcast<f32>(b); }
// WGSL lets an implementation assume floats are finite (fast math may fold x * 0.0 == 0.0 to
// true), so the finiteness test reads the exponent bits, which no float assumption can touch.
fn nonfinite_(x: f32) -> f32 { return select(0.0, 1.0, (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u); }
fn sigmoid_(x: f32) -> f32 { if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); } let e = exp(x); return e / (1.0 + e); }
fn erf_(x: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.3275911 * abs(x));
  let y = 1.0 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-x * x);
  return select(y, -y, x < 0.0);
}
fn pow_(x: f32, y: f32) -> f32 {
  if (x > 0.0) { return exp2(y * log2(x)); }
  if (x == 0.0) { return select(select(1.0, 0.0, y > 0.0), inf_(), y < 0.0); }
  let r = exp2(y * log2(-x));
  if (y == trunc(y)) { return select(r, -r, (i32(y) & 1) == 1); }
  return nan_();
}
fn mix32(x0: u32) -> u32 { var x = x0; x ^= x >> 16u; x *= 0x7feb352du; x ^= x >> 15u; x *= 0x846ca68bu; x ^= x >> 16u; return x; }
fn bits_(seed: u32, stream: u32, i: u32) -> u32 { return mix32(mix32(mix32(seed) ^ stream) ^ i); }
fn uniform_(seed: u32, stream: u32, i: u32) -> f32 { return f32(bits_(seed, stream, i) >> 8u) / 16777216.0; }
fn normal_(seed: u32, stream: u32, i: u32) -> f32 {
  let u1 = f32((bits_(seed, stream, 2u * i) >> 8u) + 1u) / 16777216.0;
  let u2 = f32(bits_(seed, stream, 2u * i + 1u) >> 8u) / 16777216.0;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}`;
