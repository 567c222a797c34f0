// What each elementwise arithmetic primitive computes on one float64 number: the reference
// interpreter maps these over tensors and constant folding applies them to constants, so the
// two cannot disagree. Keyed by the op unions of ops.ts: a new unary or binary op without its
// function here is a tsc error.
import { erf } from "./interpret-nn.ts";
import type { BinaryOp, UnaryOp } from "./ops.ts";

export const UNARY_FN: Record<UnaryOp, (a: number) => number> = {
  neg: (a) => -a,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  recip: (a) => 1 / a,
  tanh: Math.tanh,
  sigmoid: (a) => 1 / (1 + Math.exp(-a)),
  relu: (a) => Math.max(a, 0),
  abs: Math.abs,
  sign: Math.sign,
  erf,
  sin: Math.sin,
  cos: Math.cos,
  nonfinite: (a) => (Number.isFinite(a) ? 0 : 1),
};

export const BINARY_FN: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: Math.max,
  min: Math.min,
  pow: Math.pow,
  cmplt: (a, b) => (a < b ? 1 : 0),
  cmpeq: (a, b) => (a === b ? 1 : 0),
};
