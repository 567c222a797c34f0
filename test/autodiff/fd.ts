// The finite-difference harness of the autodiff tests: build a tiny function with the Builder
// (inputs as args, the op under test applied, loss = sum(output * W) with W a literal of random
// weights so every output element matters), call grad(), and compare the gradients the
// reference interpreter computes from the backward graph with central differences of the loss.
import { expect, it } from "vitest";
import fc from "fast-check";
import { Builder, type DType, type Fn, type OpName } from "../../src/ir/ir.ts";
import type { Shape } from "../../src/ir/shape.ts";
import { printFn } from "../../src/ir/print.ts";
import { verify } from "../../src/ir/verify.ts";
import { interpret } from "../../src/ir/interpret.ts";
import { grad } from "../../src/autodiff/grad.ts";

// Central differences (f(x+h) - f(x-h)) / 2h in float64 have two error sources:
//  - truncation, |f'''|·h²/6 ≈ 1.7e-13·|f'''|: inputs stay ≥ 0.1 from every singularity
//    (log, sqrt, recip, div, pow), so |f'''| ≲ 1e4 and this stays below ~1e-8 — relatively far
//    smaller still, since f' grows along with f''' near a singularity;
//  - rounding, about ε·k·S/h ≈ 2.2e-10·k·S, where S = Σ|wᵢ·yᵢ| bounds the magnitude of the terms
//    of the loss and k (≲ 30) counts the roundings along the way.
// RTOL·|g| + ATOL·(1 + S) sits two to three orders of magnitude above both, while a wrong rule
// (sign, factor, transposition, a missing contribution) is off by O(|g|).
const H = 1e-6;
const RTOL = 1e-5;
const ATOL = 1e-7;

/** Ops some finite-difference case claims to cover (each case then checks it really built one). */
export const COVERED = new Set<string>();

export interface Input {
  shape: Shape;
  data: number[];
  dtype?: DType; // i32 inputs (labels) are never differentiated
}

export interface Case {
  inputs: Input[];
  /** The op's output, or it with the nodes whose values must stay clear of 0 (a kink such as relu's). */
  build: (b: Builder, xs: number[]) => number | { out: number; kinks: number[] };
  dims?: Record<string, number>;
}

export const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Small deterministic PRNG for the loss weights: ±[0.5, 1.5), distinct per element. */
export function weights(seed: number, n: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    const u = ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    return (u < 0.5 ? -1 : 1) * (0.5 + 2 * (u < 0.5 ? u : u - 0.5));
  });
}

/** Builds the case, differentiates it, and compares with central differences. Returns the forward ops. */
export function checkCase(c: Case, seed: number): string[] {
  const b = new Builder("case");
  const xs = c.inputs.map((x, i) => b.arg(`x${i}`, x.dtype === "i32" ? "target" : "input", x.shape, x.dtype ?? "f32"));
  const built = c.build(b, xs);
  const [y, kinks] = typeof built === "number" ? [built, []] : [built.out, built.kinks];
  const yShape = b.node(y).shape as number[];
  const w = b.literal(weights(seed, numel(yShape)), yShape);
  const terms = b.binary("mul", y, w);
  const loss = b.reduce("sum", terms, [...yShape.keys()]);
  b.output("loss", loss);
  const nFwd = b.fn.nodes.length;
  const wrtArgs = c.inputs.flatMap((x, i) => (x.dtype === "i32" ? [] : [i]));
  grad(b, loss, wrtArgs.map((i) => xs[i]!)).forEach((g, k) => b.output(`d${k}`, g));
  verify(b.fn);

  const dims = c.dims ?? {};
  const args = c.inputs.map((x) => Float64Array.from(x.data));
  const fwd: Fn = { ...b.fn, nodes: b.fn.nodes.slice(0, nFwd), outputs: [{ name: "loss", id: loss }, { name: "terms", id: terms }, ...kinks.map((id) => ({ name: `k${id}`, id }))] };
  const [, termValues, ...kinkValues] = interpret(fwd, args, dims);
  fc.pre(kinkValues.every((v) => v.every((x) => Math.abs(x) > 1e-4)));
  const scale = 1 + termValues!.reduce((a, v) => a + Math.abs(v), 0);
  const [, ...analytic] = interpret(b.fn, args, dims);

  const lossAt = (i: number, j: number, v: number): number => {
    const old = args[i]![j]!;
    args[i]![j] = v;
    const l = interpret(fwd, args, dims)[0]![0]!;
    args[i]![j] = old;
    return l;
  };
  wrtArgs.forEach((i, k) => {
    const g = analytic[k]!;
    for (let j = 0; j < args[i]!.length; j++) {
      const x = args[i]![j]!;
      const [up, down] = [x + H, x - H];
      const numeric = (lossAt(i, j, up) - lossAt(i, j, down)) / (up - down);
      const a = g[j]!;
      if (!(Math.abs(a - numeric) <= RTOL * Math.max(Math.abs(a), Math.abs(numeric)) + ATOL * scale))
        throw new Error(`d loss / d x${i}[${j}]: autodiff ${a}, central difference ${numeric}\ninputs: ${JSON.stringify(c.inputs)}\n${printFn(b.fn)}`);
    }
  });
  return b.fn.nodes.slice(0, nFwd).map((n) => n.op);
}

/** A property over `arb`, plus a check that the runs between them built every op in `covers`. */
export function fdProperty(name: string, covers: readonly OpName[], arb: fc.Arbitrary<Case>, numRuns = 100): void {
  for (const op of covers) COVERED.add(op);
  it(name, () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(arb, fc.integer(), (c, seed) => {
        for (const op of checkCase(c, seed)) seen.add(op);
      }),
      { numRuns },
    );
    for (const op of covers) expect(seen.has(op), `${name}: no run built a ${op} node`).toBe(true);
  });
}

// ---- arbitraries -------------------------------------------------------------------------------

export const dim = fc.integer({ min: 1, max: 4 });
export const shapeOf = (minRank = 0, maxRank = 3) => fc.array(dim, { minLength: minRank, maxLength: maxRank });
export const range = (n: number) => [...Array(n).keys()];
/** Spread evenly over [lo, hi] (fc.double draws by bit pattern, so mostly tiny magnitudes). */
export const uniform = (lo: number, hi: number) => fc.integer({ min: 0, max: 1_000_000 }).map((k) => lo + ((hi - lo) * k) / 1_000_000);
export const real = uniform(-2, 2);
export const positive = uniform(0.1, 3);
/** |x| in [lo, 2]: clear of 0 for relu/abs/recip/divisors, and of ties for max/min. */
export const awayFromZero = (lo: number) => fc.tuple(fc.boolean(), uniform(lo, 2)).map(([neg, v]) => (neg ? -v : v));
export const tensor = <T>(s: readonly number[], d: fc.Arbitrary<T>) => fc.array(d, { minLength: numel(s), maxLength: numel(s) });
/** Pairwise distinct values, at least 0.01 apart: no ties for reduce_max. */
export const distinct = (s: readonly number[]) => fc.uniqueArray(fc.integer({ min: -300, max: 300 }), { minLength: numel(s), maxLength: numel(s) }).map((v) => v.map((k) => k / 100));
export const unzip = (pairs: [number, number][]) => [pairs.map((p) => p[0]), pairs.map((p) => p[1])] as const;
export const permutation = (n: number) => fc.shuffledSubarray(range(n), { minLength: n, maxLength: n });
