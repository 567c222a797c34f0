// The ops without a SIMD instruction (backend/wasm/transcendental.ts), run as WebAssembly over
// float32 inputs — a sweep of the whole float32 range (every 1021st bit pattern, both signs), the
// special values, and fast-check's random float32s — against the double-precision functions
// rounded to float32 (erf: the interpreter's, accurate to double): each approximation within its
// stated ulp bound and its special values exact; recip, sign and nonfinite the TypeScript target's
// values bit for bit; pow Math.pow's on every pair of special values and on integer exponents of
// negative bases. Each input goes through the four-lane code or, at a kernel's end, the one-lane
// code on a splat: the same value either way.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FuncBuilder, type Local } from "../../../src/backend/wasm/builder.ts";
import { encodeModule, type Func, type Instr } from "../../../src/backend/wasm/encode.ts";
import { TRANSCENDENTAL_OPS, withHelpers } from "../../../src/backend/wasm/transcendental.ts";
import { erf } from "../../../src/ir/interpret-nn.ts";
import type { ElementwiseOp } from "../../../src/ir/ops.ts";
import { instantiate, wasmApi } from "../../helpers/wasm.ts";

const UNARY = ["exp", "log", "tanh", "sigmoid", "erf", "recip", "sign", "nonfinite"] as const;
type Unary = (typeof UNARY)[number];

/** `run_<op>(a, b, out, n)`: out[i] = op(a[i], b[i]) for i < n, four at a time, the last n mod 4 one by one. */
function runner(op: ElementwiseOp, arity: 1 | 2): Func {
  const f = new FuncBuilder(`run_${op}`, [["a", "i32"], ["b", "i32"], ["out", "i32"], ["n", "i32"]]);
  const [a, b, out, n] = f.params as [Local, Local, Local, Local];
  const i = f.local("i");
  const { get, i32 } = f;
  const addr = (p: Local): Instr[] => [get(p), get(i), i32(4), ["i32.mul"], ["i32.add"]];
  const whole = f.local("whole");
  f.assign(whole, get(n), i32(-4), ["i32.and"]);
  const args = arity === 1 ? [a] : [a, b];
  f.forRange(i, [i32(0)], [get(whole)], 4, () =>
    f.emit(...addr(out), ...args.flatMap((p): Instr[] => [...addr(p), ["v128.load", 0, 2]]), ...TRANSCENDENTAL_OPS[op]!.vector, ["v128.store", 0, 2]),
  );
  f.forRange(i, [get(whole)], [get(n)], 1, () => f.emit(...addr(out), ...args.flatMap((p): Instr[] => [...addr(p), ["f32.load", 0]]), ...TRANSCENDENTAL_OPS[op]!.scalar, ["f32.store", 0]));
  return f.finish(true);
}

const bytes = encodeModule({ funcs: withHelpers([...UNARY.map((op) => runner(op, 1)), runner("pow", 2)]), memoryPages: 1 });
const { exports, memory } = instantiate(bytes);
const CHUNK = 4096;

/** op over xs (and ys), in chunks of `chunk` elements: each chunk's last chunk mod 4 one lane at a time. */
function run(op: ElementwiseOp, xs: Float32Array, ys?: Float32Array, chunk = CHUNK - 3): Float32Array {
  const mem = new Float32Array(memory.buffer);
  const out = new Float32Array(xs.length);
  const fn = exports[`run_${op}`] as (a: number, b: number, out: number, n: number) => void;
  for (let s = 0; s < xs.length; s += chunk) {
    const n = Math.min(chunk, xs.length - s);
    mem.set(xs.subarray(s, s + n), 0);
    if (ys) mem.set(ys.subarray(s, s + n), CHUNK);
    fn(0, 4 * CHUNK, 8 * CHUNK, n);
    out.set(mem.subarray(2 * CHUNK, 2 * CHUNK + n), s);
  }
  return out;
}

const SPECIALS = [0, -0, Infinity, -Infinity, NaN, 1, -1, 2 ** -149, -(2 ** -149), 2 ** -126, 3.4028234663852886e38, -3.4028234663852886e38, 0.5, 88.72283, 88.72284, 89, -87.33654, -103.97, -104, 0.55, 0.9, 4, 9, 10, 3.92];
/** Every 1021st float32 bit pattern (both signs, denormals to NaNs), and the special values. */
const SWEEP = (() => {
  const bits = new Uint32Array(Math.ceil(2 ** 32 / 1021));
  for (let i = 0; i < bits.length; i++) bits[i] = i * 1021;
  return Float32Array.from([...new Float32Array(bits.buffer), ...SPECIALS]);
})();

/** A float32's distance to a double in units of the float32 spacing there (denormal spacing below 2^−126). */
function ulps(got: number, want: number): number {
  if (Number.isNaN(want) || Number.isNaN(got)) return Number.isNaN(want) && Number.isNaN(got) ? 0 : Infinity;
  // Past the largest float32 (by half a spacing or more) a double rounds to ±Inf.
  if (!Number.isFinite(want) || !Number.isFinite(got)) return got === Math.fround(want) ? 0 : Infinity;
  const a = Math.min(Math.abs(want), 3.4028234663852886e38);
  const e = a === 0 ? -126 : Math.max(Math.floor(Math.log2(a)), -126);
  return Math.abs(got - want) / 2 ** (e - 23);
}

/** The reference in double, and the ulp bound each approximation is held to (measured maxima in the header of transcendental.ts). */
const APPROX: Partial<Record<Unary, { ref: (x: number) => number; bound: number }>> = {
  exp: { ref: Math.exp, bound: 1.5 },
  log: { ref: Math.log, bound: 1.5 },
  tanh: { ref: Math.tanh, bound: 2.5 },
  sigmoid: { ref: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))), bound: 3 },
  erf: { ref: erf, bound: 1.5 },
};
const EXACT: Partial<Record<Unary, (x: number) => number>> = {
  recip: (x) => 1 / x,
  sign: Math.sign,
  nonfinite: (x) => (Number.isFinite(x) ? 0 : 1),
};

/** The largest ulp error of `op` over `xs`, failing on the first input past `bound`. */
function worst(op: Unary, xs: Float32Array, ref: (x: number) => number, bound: number): number {
  const got = run(op, xs);
  let max = 0;
  for (let i = 0; i < xs.length; i++) {
    const err = ulps(got[i]!, ref(xs[i]!));
    if (!(err <= bound)) expect.fail(`${op}(${xs[i]}) = ${got[i]}, want ${ref(xs[i]!)} (${err} ulps)`);
    max = Math.max(max, err);
  }
  return max;
}

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe("the ops without a SIMD instruction, in WebAssembly", () => {
  it("validates as plain SIMD128 (no relaxed SIMD)", () => {
    expect(wasmApi.validate(bytes)).toBe(true);
  });

  it.each(Object.keys(APPROX) as Unary[])("%s: within its ulp bound over the float32 range and fast-check's float32s", (op) => {
    const { ref, bound } = APPROX[op]!;
    const max = worst(op, SWEEP, ref, bound);
    fc.assert(fc.property(fc.float32Array({ minLength: 1, maxLength: 64 }), (xs) => void worst(op, xs, ref, bound)), { numRuns: 300 });
    console.log(`${op}: max ${max.toFixed(3)} ulps over the sweep`);
  }, 60_000);

  it("special values exactly", () => {
    const cases: [Unary, number, number][] = [
      ["exp", NaN, NaN], ["exp", Infinity, Infinity], ["exp", -Infinity, 0], ["exp", 88.8, Infinity], ["exp", -104, 0], ["exp", 0, 1], ["exp", -0, 1],
      ["exp", -100, Math.fround(Math.exp(Math.fround(-100)))], ["exp", 88.72, Math.fround(Math.exp(Math.fround(88.72)))],
      ["log", 0, -Infinity], ["log", -0, -Infinity], ["log", -1, NaN], ["log", -Infinity, NaN], ["log", Infinity, Infinity], ["log", 1, 0], ["log", NaN, NaN],
      ["log", 2 ** -149, Math.fround(Math.log(2 ** -149))], ["log", 2, Math.fround(Math.LN2)],
      ["tanh", Infinity, 1], ["tanh", -Infinity, -1], ["tanh", 0, 0], ["tanh", -0, -0], ["tanh", NaN, NaN], ["tanh", 20, 1], ["tanh", -1e30, -1], ["tanh", 2 ** -149, 2 ** -149],
      ["sigmoid", -Infinity, 0], ["sigmoid", Infinity, 1], ["sigmoid", 0, 0.5], ["sigmoid", -0, 0.5], ["sigmoid", NaN, NaN], ["sigmoid", -1e30, 0], ["sigmoid", 1e30, 1],
      ["erf", Infinity, 1], ["erf", -Infinity, -1], ["erf", 0, 0], ["erf", -0, -0], ["erf", NaN, NaN], ["erf", 5, 1], ["erf", -4, -1],
    ];
    for (const [op, x, want] of cases) {
      const got = run(op, Float32Array.of(x))[0]!;
      if (!same(got, want)) expect.fail(`${op}(${x}) = ${got}, want ${want}`);
    }
  });

  it("exp and sigmoid reach the denormals; log of a denormal is right", () => {
    const xs = Float32Array.from({ length: 2000 }, (_, i) => -87.3 - (i / 2000) * 16.7);
    expect(worst("exp", xs, Math.exp, 1.5)).toBeLessThanOrEqual(1.5);
    expect(run("exp", Float32Array.of(-100))[0]).toBeGreaterThan(0);
    expect(worst("sigmoid", xs, APPROX.sigmoid!.ref, 3)).toBeLessThanOrEqual(3);
    const tiny = Float32Array.from({ length: 2000 }, (_, i) => (i + 1) * 2 ** -149 * 4099);
    expect(worst("log", tiny, Math.log, 1.5)).toBeLessThanOrEqual(1.5);
  });

  it.each(Object.keys(EXACT) as Unary[])("%s: the TypeScript target's values bit for bit", (op) => {
    const check = (xs: Float32Array) => {
      const got = run(op, xs);
      xs.forEach((x, i) => {
        const want = Math.fround(EXACT[op]!(x));
        if (!same(got[i]!, want)) expect.fail(`${op}(${x}) = ${got[i]}, want ${want}`);
      });
    };
    check(SWEEP);
    fc.assert(fc.property(fc.float32Array({ minLength: 1, maxLength: 64 }), (xs) => void check(xs)), { numRuns: 300 });
  }, 60_000);

  describe("pow", () => {
    const pairs = (as: number[], bs: number[]) => {
      const a = new Float32Array(as.length * bs.length);
      const b = new Float32Array(a.length);
      as.forEach((x, i) => bs.forEach((y, j) => ((a[i * bs.length + j] = x), (b[i * bs.length + j] = y))));
      return [a, b] as const;
    };
    const compare = (a: Float32Array, b: Float32Array, bound: number) => {
      const got = run("pow", a, b);
      let max = 0;
      for (let i = 0; i < a.length; i++) {
        const want = Math.pow(a[i]!, b[i]!);
        const err = bound === 0 ? (same(got[i]!, Math.fround(want)) ? 0 : Infinity) : ulps(got[i]!, want);
        if (!(err <= bound)) expect.fail(`pow(${a[i]}, ${b[i]}) = ${got[i]}, Math.pow ${want} (${err} ulps)`);
        max = Math.max(max, err);
      }
      return max;
    };
    const EDGES = [0, -0, Infinity, -Infinity, NaN, 1, -1, 2, -2, 0.5, -0.5, 3, -3, 2 ** -149, -(2 ** -149), 2 ** 24, 2 ** 25, -(2 ** 25), 1.5, -1.5, 2 ** 31, 3.4028234663852886e38];

    it("Math.pow's value on every pair of special values, bit for bit", () => {
      compare(...pairs(EDGES, EDGES), 0);
    });

    it("negative bases with integer exponents, and exact powers, bit for bit", () => {
      const bases = Array.from({ length: 41 }, (_, i) => i - 20).concat([-0.5, -0.25, -1.5, -0.125]);
      const exps = Array.from({ length: 61 }, (_, i) => i - 30);
      compare(...pairs(bases, exps), 0);
    });

    it("within 1 ulp over the float32 range and fast-check's float32 pairs", () => {
      const b = Float32Array.from(SWEEP, (_, i) => [0.5, -1.5, 2.25, 3, -7, 0.1, 1e-3, 17.5][i % 8]!);
      const max = compare(SWEEP, b, 1);
      const bs = Float32Array.from({ length: 4096 }, (_, i) => Math.fround((i - 2048) / 37.3));
      compare(Float32Array.from(bs, (_, i) => Math.fround(0.01 + i / 512)), bs, 1);
      fc.assert(fc.property(fc.float32Array({ minLength: 1, maxLength: 32 }), fc.float32Array({ minLength: 32, maxLength: 32 }), (a, b) => void compare(a, b.subarray(0, a.length), 1)), { numRuns: 300 });
      console.log(`pow: max ${max.toFixed(3)} ulps over the sweep`);
    }, 60_000);
  });

  it("a value is the same in the four-lane code and in the one-lane tail", () => {
    const xs = SWEEP.filter((_, i) => i % 16 === 0 || i >= SWEEP.length - SPECIALS.length);
    for (const op of UNARY) {
      const [lanes, tails] = [run(op, xs, undefined, CHUNK), run(op, xs, undefined, 3)];
      lanes.forEach((v, i) => void (same(v, tails[i]!) || expect.fail(`${op}(${xs[i]}): ${v} in four lanes, ${tails[i]} alone`)));
    }
    const b = Float32Array.from(xs, (_, i) => (i % 7) - 3.5);
    const [lanes, tails] = [run("pow", xs, b, CHUNK), run("pow", xs, b, 3)];
    lanes.forEach((v, i) => void (same(v, tails[i]!) || expect.fail(`pow(${xs[i]}, ${b[i]}) differs by position`)));
  }, 60_000);
});
