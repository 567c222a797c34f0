// The elementwise ops that SIMD128 has no instruction for, as WebAssembly: recip, sign and
// nonfinite exactly (the TypeScript target's values bit for bit); exp, log, tanh, sigmoid, erf and
// pow as vectorised approximations, four lanes at a time.
// Why these algorithms: each is the textbook range reduction that leaves a short interval, and a
// polynomial there, as Cephes, SLEEF and XNNPACK do; the coefficients are our own weighted
// least-squares fits on Chebyshev nodes (near minimax), rounded to float32, and every polynomial
// is evaluated by Horner's rule with separate multiplies and adds (SIMD128 has no fused
// multiply-add, and relaxed SIMD may not be required here).
// - exp: x = n·ln2 + r (Cody–Waite, ln2 in two parts so n·ln2_hi is exact), e^r = 1 + r + r²P(r)
//   (P of degree 4), 2^n applied as two halvings so results in the denormal range are rounded
//   once; x is clamped to [−104, 89] first: +Inf past ln(FLT_MAX) ≈ 88.72, 0 below ≈ −103.97.
// - log: x = m·2^e with m in [√½, √2) (denormals scaled by 2^23 first), s = f/(2 + f) for
//   f = m − 1, log(1 + f) = f − s(f − R(s²)) (R of degree 3), plus e·ln2 in two parts.
// - tanh: x + x³T(x²) below 0.55 (T of degree 4), 1 − 2/(e^{2|x|} + 1) above (|x| clamped to 10,
//   where tanh is 1 in float32, so no Inf/Inf), the sign copied back.
// - sigmoid: e = e^{−|x|} (never overflows), 1/(1 + e) for x ≥ 0 and e/(1 + e) below, one division.
// - erf: x + x·E(x²) below 0.9 (E of degree 6); above, 1 − e^{−x²}·G(1/x − c) (G of degree 8, |x|
//   clamped to 4 where erf is 1 in float32), the sign copied back.
// - pow: |a|^b = 2^{b·log2|a|} in double precision (f64x2, two lanes at a time), since the
//   product amplifies log's error by |b·log a| (up to ~150): log2 by the atanh series to 1e-14,
//   2^r by its Taylor series, 2^n by the exponent's bits; the double rounded to float32 once, as
//   the TypeScript target rounds Math.pow's double. Math.pow's special cases are made exactly: a
//   negative base with an odd integer exponent negative, with a non-integer one NaN; 0 and ±Inf
//   bases by the sign and parity of the exponent; x^±0 = 1 (NaN too); 1^±Inf and 1^NaN NaN.
// Accuracy against the double-precision functions, the largest error measured over every third
// float32 where the function is not constant / the bound test/backend/wasm/transcendental.test.ts
// holds over a sweep of every 1021st float32 and fast-check's float32s: exp 1.00 / 1.5 ulps, log
// 0.91 / 1.5, tanh 1.46 / 2.5, sigmoid 2.40 / 3 (e/(1 + e) rounds three times), erf 1.17 / 1.5,
// pow 0.5 / 1 (so its value is nearly always Math.pow's rounded to float32).
// The long ones are functions (v128 → v128, `exp4`…) in the kernels' binary, called by name; a
// kernel's last one to three elements go through the same function on a splat, so a value never
// depends on its position. `withHelpers` adds the functions a module's kernels call.
import { FuncBuilder, type Local } from "./builder.ts";
import type { Func, Instr } from "./encode.ts";
import type { ElementwiseOp } from "../../ir/ops.ts";

/** A v128 of four equal float32 lanes, of four equal int32 lanes, of two equal doubles. */
const f32x4 = (x: number): Instr => ["v128.const", "f32x4", x, x, x, x];
const i32x4 = (x: number): Instr => ["v128.const", "i32x4", x, x, x, x];
const f64x2 = (x: number): Instr => ["v128.const", "f64x2", x, x];
const SIGN = i32x4(-0x80000000);
const ABS = i32x4(0x7fffffff);
const INF = i32x4(0x7f800000);
const NAN = i32x4(0x7fc00000);
const NEG_INF = i32x4(0xff800000 | 0);

/** c[0] + u·(c[1] + u·(…)) with u in local `u`, by Horner's rule in lanes of `kind`. */
function horner(get: (l: Local) => Instr, u: Local, c: readonly number[], kind: "f32x4" | "f64x2" = "f32x4"): Instr[] {
  const k = kind === "f32x4" ? f32x4 : f64x2;
  const out: Instr[] = [k(c[c.length - 1]!)];
  for (let i = c.length - 2; i >= 0; i--) out.push(get(u), [`${kind}.mul`], k(c[i]!), [`${kind}.add`]);
  return out;
}

// exp: e^r = 1 + r + r²·EXP_P(r) on |r| ≤ ln2/2 + 0.01 (relative error of the fit 5.3e-9).
const LOG2E = 1.4426950408889634;
/** ln2 as 0.693359375 (9 bits: n·LN2_HI is exact for |n| < 2^15) plus the rest. */
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444005469057e-4;
const EXP_P = [0.49999985098838806, 0.1666650027036667, 0.04166986793279648, 0.008370989933609962, 0.0013743897434324026];

function expFunc(): Func {
  const f = new FuncBuilder("exp4", [["x", "v128"]], ["v128"]);
  const { get } = f;
  const [x] = f.params as [Local];
  const n = f.local("n", "v128");
  const r = f.local("r", "v128");
  const k = f.local("k", "v128");
  const half = f.local("half", "v128");
  f.assign(x, get(x), f32x4(-104), ["f32x4.max"], f32x4(89), ["f32x4.min"]);
  f.assign(n, get(x), f32x4(LOG2E), ["f32x4.mul"], ["f32x4.nearest"]);
  f.assign(r, get(x), get(n), f32x4(LN2_HI), ["f32x4.mul"], ["f32x4.sub"], get(n), f32x4(LN2_LO), ["f32x4.mul"], ["f32x4.sub"]);
  f.assign(k, get(n), ["i32x4.trunc_sat_f32x4_s"]);
  f.assign(half, get(k), f.i32(1), ["i32x4.shr_s"]);
  // (1 + (r + r²P(r))) · 2^half · 2^(k − half): the first product exact, the second rounds once.
  f.emit(get(r), get(r), get(r), ["f32x4.mul"], ...horner(get, r, EXP_P), ["f32x4.mul"], ["f32x4.add"], f32x4(1), ["f32x4.add"]);
  f.emit(get(half), i32x4(127), ["i32x4.add"], f.i32(23), ["i32x4.shl"], ["f32x4.mul"]);
  f.emit(get(k), get(half), ["i32x4.sub"], i32x4(127), ["i32x4.add"], f.i32(23), ["i32x4.shl"], ["f32x4.mul"]);
  return f.finish(false);
}

// log: log(1 + f) = f − s·(f − s²·LOG_Q(s²)), s = f/(2 + f), s² ≤ 0.0295 (fit error 1.1e-9).
const LOG_Q = [0.6666678190231323, 0.3997724652290344, 0.29878970980644226];
/** The bits of √½: the mantissa is reduced to [√½, √2). */
const SQRT_HALF_BITS = 0x3f3504f3;

/**
 * Instructions leaving, for x ≥ 0 in local `x`, its exponent e (int32 lanes) in `e` and its
 * mantissa m in [√½, √2) (float32 lanes) in `m`, x = m·2^e; denormals are scaled by 2^23 first.
 */
function reduceMantissa(f: FuncBuilder, x: Local, m: Local, e: Local): void {
  const { get } = f;
  const tiny = f.local("tiny", "v128");
  f.assign(tiny, get(x), i32x4(0x00800000), ["i32x4.lt_s"]);
  f.assign(m, get(x), f32x4(2 ** 23), ["f32x4.mul"], get(x), get(tiny), ["v128.bitselect"], i32x4(SQRT_HALF_BITS), ["i32x4.sub"]);
  f.assign(e, get(m), f.i32(23), ["i32x4.shr_s"], get(tiny), i32x4(23), ["v128.and"], ["i32x4.sub"]);
  f.assign(m, get(m), i32x4(0x007fffff), ["v128.and"], i32x4(SQRT_HALF_BITS), ["i32x4.add"]);
}

function logFunc(): Func {
  const f = new FuncBuilder("log4", [["x", "v128"]], ["v128"]);
  const { get } = f;
  const [x] = f.params as [Local];
  const m = f.local("m", "v128");
  const e = f.local("e", "v128");
  const s = f.local("s", "v128");
  const z = f.local("z", "v128");
  reduceMantissa(f, x, m, e);
  f.assign(m, get(m), f32x4(1), ["f32x4.sub"]); // f = m − 1, exact
  f.assign(s, get(m), f32x4(2), get(m), ["f32x4.add"], ["f32x4.div"]);
  f.assign(z, get(s), get(s), ["f32x4.mul"]);
  f.assign(e, get(e), ["f32x4.convert_i32x4_s"]);
  // log(±0) = −Inf and log(+Inf) = +Inf (those selects' first operands pushed first), then the
  // value f − s·(f − z·Q(z)) + e·ln2, then NaN below 0 and for NaN.
  f.emit(NEG_INF, INF);
  f.emit(get(m), get(s), get(m), get(z), ...horner(get, z, LOG_Q), ["f32x4.mul"], ["f32x4.sub"], ["f32x4.mul"], ["f32x4.sub"]);
  f.emit(get(e), f32x4(LN2_LO), ["f32x4.mul"], ["f32x4.add"], get(e), f32x4(LN2_HI), ["f32x4.mul"], ["f32x4.add"]);
  f.emit(get(x), INF, ["f32x4.eq"], ["v128.bitselect"], get(x), f32x4(0), ["f32x4.eq"], ["v128.bitselect"]);
  f.emit(NAN, get(x), f32x4(0), ["f32x4.ge"], ["v128.bitselect"]);
  return f.finish(false);
}

// tanh: x + x³·TANH_T(x²) for |x| < 0.55 (fit error 2.6e-9).
const TANH_T = [-0.33333316445350647, 0.13332565128803253, -0.05385030433535576, 0.021064162254333496, -0.0062644025310873985];

function tanhFunc(): Func {
  const f = new FuncBuilder("tanh4", [["x", "v128"]], ["v128"]);
  const { get } = f;
  const [x] = f.params as [Local];
  const a = f.local("a", "v128");
  const u = f.local("u", "v128");
  f.assign(a, get(x), ["f32x4.abs"]);
  f.assign(u, get(a), get(a), ["f32x4.mul"]);
  // |x| + |x|³T(x²) below 0.55, else 1 − 2/(e^{2·min(|x|, 10)} + 1); x's sign or-ed in.
  f.emit(get(a), get(a), get(u), ["f32x4.mul"], ...horner(get, u, TANH_T), ["f32x4.mul"], ["f32x4.add"]);
  f.emit(f32x4(1), f32x4(2), get(a), f32x4(10), ["f32x4.min"], f32x4(2), ["f32x4.mul"], ["call", "exp4"], f32x4(1), ["f32x4.add"], ["f32x4.div"], ["f32x4.sub"]);
  f.emit(get(a), f32x4(0.55), ["f32x4.lt"], ["v128.bitselect"], get(x), SIGN, ["v128.and"], ["v128.or"]);
  return f.finish(false);
}

function sigmoidFunc(): Func {
  const f = new FuncBuilder("sigmoid4", [["x", "v128"]], ["v128"]);
  const { get } = f;
  const [x] = f.params as [Local];
  const e = f.local("e", "v128");
  f.assign(e, get(x), ["f32x4.abs"], ["f32x4.neg"], ["call", "exp4"]);
  // (x ≥ 0 ? 1 : e) / (1 + e); x = NaN gives e = NaN.
  f.emit(f32x4(1), get(e), get(x), f32x4(0), ["f32x4.ge"], ["v128.bitselect"], get(e), f32x4(1), ["f32x4.add"], ["f32x4.div"]);
  return f.finish(false);
}

// erf: x + x·ERF_E(x²) for |x| < 0.9 (the 1 of 2/√π = 1.128… apart, so its rounding to float32
// costs nothing; relative fit error 8.6e-10); 1 − e^{−x²}·ERFC_G(1/x − ERFC_C) above (absolute
// fit error 2.8e-9).
const ERF_E = [0.12837916612625122, -0.37612634897232056, 0.11283714324235916, -0.026860464364290237, 0.00520375557243824, -0.0008174516842700541, 0.00008508528117090464];
const ERFC_C = 0.6805555820465088;
const ERFC_G = [0.32666659355163574, 0.3635479509830475, -0.16474275290966034, 0.04764200374484062, 0.012127616442739964, -0.034244757145643234, 0.03377194702625275, -0.021583331748843193, 0.007249060086905956];

function erfFunc(): Func {
  const f = new FuncBuilder("erf4", [["x", "v128"]], ["v128"]);
  const { get } = f;
  const [x] = f.params as [Local];
  const a = f.local("a", "v128");
  const u = f.local("u", "v128");
  const c = f.local("c", "v128");
  f.assign(a, get(x), ["f32x4.abs"]);
  f.assign(u, get(a), get(a), ["f32x4.mul"]);
  // |x| + |x|·E(x²) below 0.9, else 1 − e^{−c²}·G(1/c − C) for c = min(|x|, 4); x's sign or-ed in.
  f.emit(get(a), get(a), ...horner(get, u, ERF_E), ["f32x4.mul"], ["f32x4.add"]);
  f.assign(c, get(a), f32x4(4), ["f32x4.min"]);
  f.assign(u, f32x4(1), get(c), ["f32x4.div"], f32x4(ERFC_C), ["f32x4.sub"]);
  f.emit(f32x4(1), get(c), get(c), ["f32x4.mul"], ["f32x4.neg"], ["call", "exp4"], ...horner(get, u, ERFC_G), ["f32x4.mul"], ["f32x4.sub"]);
  f.emit(get(a), f32x4(0.9), ["f32x4.lt"], ["v128.bitselect"], get(x), SIGN, ["v128.and"], ["v128.or"]);
  return f.finish(false);
}

// pow, in double: ln m = 2s·Σ z^k/(2k + 1), s = (m − 1)/(m + 1), z = s² ≤ 0.0295 (k ≤ 8: 2e-14);
// 2^r = Σ (r·ln2)^k/k! for |r| ≤ ½ (k ≤ 12: 1e-16).
const ATANH_SERIES = Array.from({ length: 9 }, (_, k) => 2 / (2 * k + 1) / Math.LN2);
const EXP2_SERIES = Array.from({ length: 13 }, (_, k) => Math.LN2 ** k / [...Array(k).keys()].reduce((p, i) => p * (i + 1), 1));
/** 1.5·2^52: a double in [−2^51, 2^51] added to it is rounded to an integer, found in the low bits. */
const ROUNDER = 6755399441055744;
/** Lanes 0 and 1 of a and lanes 0 and 1 of b (the second operand): two halves into one vector. */
const LOW_HALVES: Instr = ["i8x16.shuffle", 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
/** Lanes 2 and 3 of a vector (given twice) moved to 0 and 1. */
const HIGH_HALF: Instr = ["i8x16.shuffle", 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

/**
 * `pow2d(m, e, b, edge, isEdge)`: the two low lanes of float32 m·2^e raised to float32 b, as two
 * doubles; where isEdge, log2 of the base is edge's lane instead (−Inf, Inf or NaN).
 */
function powHalfFunc(): Func {
  const f = new FuncBuilder("pow2d", [["m", "v128"], ["e", "v128"], ["b", "v128"], ["edge", "v128"], ["isEdge", "v128"]], ["v128"]);
  const { get } = f;
  const [m, e, b, edge, isEdge] = f.params as [Local, Local, Local, Local, Local];
  const s = f.local("s", "v128");
  const z = f.local("z", "v128");
  const t = f.local("t", "v128");
  const n = f.local("n", "v128");
  f.assign(m, get(m), ["f64x2.promote_low_f32x4"]);
  f.assign(s, get(m), f64x2(1), ["f64x2.sub"], get(m), f64x2(1), ["f64x2.add"], ["f64x2.div"]);
  f.assign(z, get(s), get(s), ["f64x2.mul"]);
  // t = b·log2(m·2^e), clamped to [−200, 200], where 2^t is 0 or Inf in float32 (NaN stays NaN).
  f.assign(t, get(e), ["f64x2.convert_low_i32x4_s"], get(s), ...horner(get, z, ATANH_SERIES, "f64x2"), ["f64x2.mul"], ["f64x2.add"]);
  f.assign(t, get(b), ["f64x2.promote_low_f32x4"], get(edge), ["f64x2.promote_low_f32x4"], get(t), get(isEdge), ["i64x2.extend_low_i32x4_s"], ["v128.bitselect"], ["f64x2.mul"]);
  f.assign(t, get(t), f64x2(-200), ["f64x2.max"], f64x2(200), ["f64x2.min"]);
  f.assign(n, get(t), ["f64x2.nearest"]);
  f.assign(s, get(t), get(n), ["f64x2.sub"]);
  // 2^r · 2^n, 2^n from n's bits: n + 1023 in the exponent field.
  f.emit(...horner(get, s, EXP2_SERIES, "f64x2"));
  f.emit(get(n), f64x2(ROUNDER), ["f64x2.add"], ["v128.const", "i32x4", 1023, 0, 1023, 0], ["i64x2.add"], f.i32(52), ["i64x2.shl"], ["f64x2.mul"]);
  return f.finish(false);
}

function powFunc(): Func {
  const f = new FuncBuilder("pow4", [["a", "v128"], ["b", "v128"]], ["v128"]);
  const { get } = f;
  const [a, b] = f.params as [Local, Local];
  const x = f.local("x", "v128");
  const m = f.local("m", "v128");
  const e = f.local("e", "v128");
  const edge = f.local("edge", "v128");
  const isEdge = f.local("isEdge", "v128");
  const y = f.local("y", "v128");
  const int = f.local("int", "v128");
  f.assign(x, get(a), ["f32x4.abs"]);
  // |a| = 0, Inf or NaN: log2|a| is −Inf, or |a| itself.
  f.assign(isEdge, get(x), f32x4(0), ["f32x4.gt"], get(x), INF, ["f32x4.lt"], ["v128.and"], ["v128.not"]);
  f.assign(edge, NEG_INF, get(x), get(x), f32x4(0), ["f32x4.eq"], ["v128.bitselect"]);
  reduceMantissa(f, x, m, e);
  const half = (high: boolean): Instr[] => [...[m, e, b, edge, isEdge].flatMap((l) => (high ? [get(l), get(l), HIGH_HALF] : [get(l)])), ["call", "pow2d"], ["f32x4.demote_f64x2_zero"]];
  f.assign(y, ...half(false), ...half(true), LOW_HALVES);
  // A negative base (−0 and −Inf too) with an odd integer exponent: negative. |b| ≥ 2^24 is even.
  f.assign(int, get(b), ["f32x4.trunc"], get(b), ["f32x4.eq"]);
  f.assign(y, get(y), get(b), ["i32x4.trunc_sat_f32x4_s"], f.i32(31), ["i32x4.shl"], get(int), ["v128.and"], get(b), ["f32x4.abs"], f32x4(2 ** 24), ["f32x4.lt"], ["v128.and"], get(a), ["v128.and"], ["v128.xor"]);
  // A finite negative base with a non-integer exponent: NaN. Any base to ±0: 1.
  f.assign(y, NAN, get(y), get(a), f32x4(0), ["f32x4.lt"], get(a), NEG_INF, ["f32x4.gt"], ["v128.and"], get(int), ["v128.andnot"], ["v128.bitselect"]);
  f.emit(f32x4(1), get(y), get(b), f32x4(0), ["f32x4.eq"], ["v128.bitselect"]);
  return f.finish(false);
}

/** `pow1(a, b)`: one float through pow4, on a splat. */
function powScalarFunc(): Func {
  const f = new FuncBuilder("pow1", [["a", "f32"], ["b", "f32"]], ["f32"]);
  const [a, b] = f.params as [Local, Local];
  f.emit(f.get(a), ["f32x4.splat"], f.get(b), ["f32x4.splat"], ["call", "pow4"], ["f32x4.extract_lane", 0]);
  return f.finish(false);
}

/** `recip4(x)`: 1/x. A function since the 1 must be on the stack before x. */
function recipFunc(): Func {
  const f = new FuncBuilder("recip4", [["x", "v128"]], ["v128"]);
  f.emit(f32x4(1), f.get(f.params[0]!), ["f32x4.div"]);
  return f.finish(false);
}

/** Each helper function by name, with the helpers it calls. */
const HELPERS: Record<string, { make: () => Func; calls: string[] }> = {
  recip4: { make: recipFunc, calls: [] },
  exp4: { make: expFunc, calls: [] },
  log4: { make: logFunc, calls: [] },
  tanh4: { make: tanhFunc, calls: ["exp4"] },
  sigmoid4: { make: sigmoidFunc, calls: ["exp4"] },
  erf4: { make: erfFunc, calls: ["exp4"] },
  pow2d: { make: powHalfFunc, calls: [] },
  pow4: { make: powFunc, calls: ["pow2d"] },
  pow1: { make: powScalarFunc, calls: ["pow4"] },
};
const made = new Map<string, Func>();

/** `funcs` and, after them, the helper functions they call (each once, in HELPERS' order). */
export function withHelpers(funcs: readonly Func[]): Func[] {
  const needed = new Set<string>();
  const need = (name: string) => {
    if (needed.has(name) || !HELPERS[name]) return;
    needed.add(name);
    HELPERS[name]!.calls.forEach(need);
  };
  for (const f of funcs) for (const ins of f.body) if (ins[0] === "call" && typeof ins[1] === "string") need(ins[1]);
  const helpers = Object.keys(HELPERS).filter((name) => needed.has(name)).map((name) => {
    if (!made.has(name)) made.set(name, HELPERS[name]!.make());
    return made.get(name)!;
  });
  return [...funcs, ...helpers];
}

/** A unary op as a call of helper `name`: four lanes, and one lane on a splat (the same code). */
const call = (name: string) => ({ vector: [["call", name]] as Instr[], scalar: [["f32x4.splat"], ["call", name], ["f32x4.extract_lane", 0]] as Instr[] });

/** The ops without a SIMD instruction, as instructions over their operands (epilogue.ts's OPS). */
export const TRANSCENDENTAL_OPS: Partial<Record<ElementwiseOp, { vector: Instr[]; scalar: Instr[] }>> = {
  // 1/x in double rounded to float32 is the float32 division (double rounding is harmless for a quotient).
  recip: call("recip4"),
  // Math.sign: ±0 and NaN kept, else ±1. Two multiplies by 2^127 carry any nonzero float32 (even
  // 2^−149) past 1 without changing its sign; clamping to [−1, 1] keeps ±0 and NaN as they are.
  sign: {
    vector: [f32x4(2 ** 127), ["f32x4.mul"], f32x4(2 ** 127), ["f32x4.mul"], f32x4(-1), ["f32x4.max"], f32x4(1), ["f32x4.min"]],
    scalar: [["f32.const", 2 ** 127], ["f32.mul"], ["f32.const", 2 ** 127], ["f32.mul"], ["f32.const", -1], ["f32.max"], ["f32.const", 1], ["f32.min"]],
  },
  // 1 where |x|'s bits are past the largest finite float's (Inf, NaN), else 0.
  nonfinite: {
    vector: [ABS, ["v128.and"], i32x4(0x7f7fffff), ["i32x4.gt_s"], f32x4(1), ["v128.and"]],
    scalar: [["i32.reinterpret_f32"], ["i32.const", 0x7fffffff], ["i32.and"], ["i32.const", 0x7f7fffff], ["i32.gt_u"], ["f32.convert_i32_u"]],
  },
  exp: call("exp4"),
  log: call("log4"),
  tanh: call("tanh4"),
  sigmoid: call("sigmoid4"),
  erf: call("erf4"),
  pow: { vector: [["call", "pow4"]], scalar: [["call", "pow1"]] },
};
