// Elementwise kernels in WebAssembly (backend/wasm/elementwise.ts) against the TypeScript target's
// loops on the same IR: broadcasts along any axis (a vector or a splatted float per lane), selects,
// comparisons and max/min over NaN, ±0 and infinities (bit for bit), iotas along the vectorized
// axis and along outer ones, casts, symbolic batch sizes, innermost sizes that leave a scalar tail,
// a domain with no axis; the ops without a SIMD instruction (transcendental.ts) — recip, sign and
// nonfinite bit for bit, exp, log, tanh, sigmoid, erf and pow within a few ulps — over NaN, ±0
// and infinities, each row's tail on the vector code's splat.
// Maxima that the TypeScript loop folds into the output's memory (max pooling's argmax, a reduced
// innermost axis outside a kept one) are the same bit for bit (a row reduced in a double local,
// the innermost axes reduced: rows.test.ts); a sum over the outermost axis (a bias's gradient
// behind a mask) is summed in float64 and rounded once: the exact sum's float32.
// Where the engine has no shared memory, the arrays are copied into the kernels' memory and back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Builder, type Fn } from "../../../src/ir/ir.ts";
import type { Shape } from "../../../src/ir/shape.ts";
import { verify } from "../../../src/ir/verify.ts";
import { wasmFlavour } from "../../../src/backend/wasm/target.ts";
import { compileFns, type TsModule } from "../../helpers/run-ts.ts";

/** Floats that test every edge: NaN, ±0, ±∞, equal neighbours, fractions. */
const SPECIAL = [1, -2, 0, -0, NaN, Infinity, 3.5, -Infinity, 2, 2, -0.75, 1e-3, 7, -7.25, 0.5];
const data = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? SPECIAL[(i + seed) % SPECIAL.length]! : Math.fround(Math.sin(i * 1.3 + seed) * 4)));

interface Case {
  fn: Fn;
  /** Exact: every value is one rounding of an exact result (or a comparison, a select…), bit for bit as the TS loop's. */
  exact: boolean;
  /** Where not exact, the absolute difference allowed besides 1e-6 relative (the TS target's erf is good to 1.5e-7 absolute). */
  atol?: number;
  /** Outputs summed over the outermost axis, by number: their float64 sum rounded once, from the arguments and the TypeScript loop's outputs. */
  sums?: Record<number, (args: number[][], ts: Float32Array[]) => number[]>;
}

function fn(name: string, args: Record<string, Shape>, body: (b: Builder, a: number[]) => Record<string, number>, exact = true, atol?: number): Case {
  const b = new Builder(name);
  const ids = Object.entries(args).map(([n, shape]) => b.arg(n, "input", shape));
  for (const [out, id] of Object.entries(body(b, ids))) b.output(out, id);
  verify(b.fn);
  return { fn: b.fn, exact, atol };
}

/** `length` float64 sums of `values`, value j into sum `into(j)`, each rounded once to float32. */
function sumOver(values: ArrayLike<number>, length: number, into: (j: number) => number): number[] {
  const sums = new Array<number>(length).fill(0);
  for (let j = 0; j < values.length; j++) sums[into(j)]! += values[j]!;
  return sums.map(Math.fround);
}

const CASES: Record<string, Case> = {
  // A bias over a batch of rows of 7 (vectors of 4, a tail of 3), times a literal, then ReLU.
  bias: fn("bias", { x: ["B", 7], bias: [7] }, (b, [x, bias]) => ({
    y: b.unary("relu", b.binary("add", x!, b.binary("mul", b.broadcast(bias!, ["B", 7]), b.broadcast(b.const(2), ["B", 7])))),
  })),
  // A per-row value (stride 0 along the row: one float splatted) dividing each row, and subtracted.
  perRow: fn("perRow", { x: ["B", 2, 9], s: ["B", 2, 1] }, (b, [x, s]) => {
    const r = b.broadcast(s!, ["B", 2, 9]);
    return { q: b.binary("div", x!, r), d: b.binary("sub", r, x!) };
  }),
  // Comparisons and selects (the max-pooling gradient's mask), max/min, abs, sqrt, neg, the
  // non-finite test: several outputs.
  masks: fn("masks", { a: [5, 11], c: [5, 11], m: [5, 1] }, (b, [a, c, m]) => {
    const lt = b.binary("cmplt", a!, c!);
    const eq = b.binary("cmpeq", a!, b.broadcast(m!, [5, 11]));
    return {
      lt,
      eq,
      pick: b.select(lt, a!, b.unary("neg", c!)),
      onEq: b.select(eq, c!, b.broadcast(b.const(0), [5, 11])),
      // A select whose condition is a value, NaN included: NaN !== 0 takes the first branch.
      byValue: b.select(a!, c!, b.broadcast(b.const(-1), [5, 11])),
      hi: b.binary("max", a!, c!),
      lo: b.binary("min", a!, c!),
      root: b.unary("sqrt", b.unary("abs", a!)),
      sq: b.binary("pow", c!, b.broadcast(b.const(2), [5, 11])),
      bad: b.unary("nonfinite", a!),
    };
  }),
  // Iotas along the innermost (vectorized) axis and an outer one, as floats, with a cast to i32 and back.
  iota: fn("iota", { x: ["B", 3, 6] }, (b, [x]) => {
    const shape = ["B", 3, 6];
    const index = b.binary("add", b.iota(shape, 2), b.binary("mul", b.iota(shape, 1), b.broadcast(b.const(10), shape)));
    const truncated = b.cast(b.cast(b.binary("mul", x!, b.broadcast(b.const(3.7), shape)), "i32"), "f32");
    return { index, y: b.binary("add", index, truncated) };
  }),
  // Iota along the batch axis, the last axis of size 1 dropped.
  iotaOuter: fn("iotaOuter", { x: ["B", 1] }, (b, [x]) => ({ y: b.binary("mul", x!, b.iota(["B", 1], 0)) })),
  // No axis at all: one element.
  scalar: fn("scalar", { a: [], c: [1, 1] }, (b, [a, c]) => ({ y: b.binary("sub", b.broadcast(a!, [1, 1]), c!) })),
  // A broadcast along a leading axis of a 3-D tensor: [4, 1, 5] read as [4, 3, 5].
  middle: fn("middle", { x: [4, 3, 5], m: [4, 1, 5] }, (b, [x, m]) => ({ y: b.binary("max", x!, b.broadcast(m!, [4, 3, 5])) })),
  // Max pooling's argmax over 2×2 windows (axes 2, 3), the index stored too; rows of 6 (a tail of 2).
  pool: fn("pool", { x: ["B", 3, 2, 2, 6] }, (b, [x]) => {
    const shape = ["B", 3, 2, 2, 6];
    const index = b.binary("add", b.iota(shape, 3), b.binary("mul", b.iota(shape, 2), b.broadcast(b.const(2), shape)));
    const picked = b.select(b.binary("cmplt", x!, b.broadcast(b.const(1), shape)), b.unary("neg", index), b.broadcast(b.const(-Infinity), shape));
    return { index, max: b.reduce("reduce_max", picked, [2, 3]) };
  }),
  // A bias's gradient behind a mask: a sum over the batch and a middle axis, the masked values stored.
  biasGrad: {
    ...fn("biasGrad", { g: ["B", 3, 7], m: ["B", 3, 7] }, (b, [g, m]) => {
      const masked = b.select(m!, g!, b.broadcast(b.const(0), ["B", 3, 7]));
      return { masked, sum: b.reduce("sum", masked, [0, 1]) };
    }),
    sums: { 1: (_, [masked]) => sumOver(masked!, 7, (j) => j % 7) },
  },
  // Max pooling as reshape + reduce_max: no prologue, the reduced axes apart (rows of 5, a tail);
  // a zero maximum's sign may differ from the TypeScript loop's.
  poolView: fn("poolView", { x: ["B", 4, 6, 5] }, (b, [x]) => ({ y: b.reduce("reduce_max", b.reshape(x!, ["B", 2, 2, 3, 2, 5]), [2, 4]) }), false),
  // Reduced axes outside and inside a kept one: folded into memory one element at a time.
  outerInner: { ...fn("outerInner", { x: [4, 3, 5] }, (b, [x]) => ({ s: b.reduce("sum", b.unary("abs", x!), [0, 2]), m: b.reduce("reduce_max", b.unary("neg", x!), [0, 2]) })), sums: { 0: ([x]) => sumOver(x!.map(Math.abs), 3, (j) => Math.floor(j / 5) % 3) } },
  // The ops without a SIMD instruction that are exact: recip, sign, nonfinite (rows of 7: a tail of 3).
  exactCalls: fn("exactCalls", { x: ["B", 7] }, (b, [x]) => ({ r: b.unary("recip", x!), s: b.unary("sign", x!), n: b.unary("nonfinite", x!) })),
  // The approximations, each alone on a value read from memory; pow of two arrays and to a literal.
  approx: fn("approx", { x: ["B", 7], p: ["B", 7] }, (b, [x, p]) => ({
    exp: b.unary("exp", x!),
    log: b.unary("log", x!),
    tanh: b.unary("tanh", x!),
    sigmoid: b.unary("sigmoid", x!),
    pow: b.binary("pow", x!, p!),
    cube: b.binary("pow", x!, b.broadcast(b.const(3), ["B", 7])),
  }), false),
  erf: fn("erf", { x: ["B", 7] }, (b, [x]) => ({ y: b.unary("erf", x!) }), false, 2e-7),
  // Softmax's exp over a row minus its maximum (a per-row value, splatted), and a log of the sum.
  softmaxExp: fn("softmaxExp", { x: ["B", 10], m: ["B", 1] }, (b, [x, m]) => ({ e: b.unary("exp", b.binary("sub", x!, b.broadcast(m!, ["B", 10]))), l: b.unary("log", m!) }), false),
};

const fns = Object.fromEntries(Object.entries(CASES).map(([k, c]) => [k, c.fn]));

describe("elementwise kernels in WebAssembly", () => {
  let ts: TsModule;
  let wasm: TsModule;
  /** Another instance of the wasm module, to run without shared memory. */
  let unshared: TsModule;
  beforeAll(async () => {
    ts = await compileFns(fns);
    wasm = await compileFns(fns, wasmFlavour());
    unshared = await compileFns(fns, wasmFlavour());
  }, 180_000);
  afterAll(() => (ts?.cleanup(), wasm?.cleanup(), unshared?.cleanup()));

  it("emits a module that passes tsc --strict alone", () => {
    expect(wasm.tsc.output).toBe("");
    expect(wasm.tsc.status).toBe(0);
  });

  /** The text of function `name`'s kernels. */
  const kernels = (name: string) => wasm.text.split(/\n(?=\/\/ \w+ kernel)/).filter((k) => k.includes(`function fn_${name}_`)).join("\n");

  it("runs every elementwise kernel in WebAssembly, exp, pow and row sums too", () => {
    for (const name of Object.keys(CASES)) {
      expect(kernels(name), name).toContain("wasmKernels.elementwise(");
      expect(kernels(name), name).not.toMatch(/for \(let c0/);
    }
  });

  /** Function `name` of `mod` against the TypeScript loop at batch size B. */
  const compare = (mod: TsModule, name: string, B: number) => {
    const c = CASES[name]!;
    {
      const args = c.fn.args.map((a, i) => data(a.shape.reduce<number>((n, d) => n * (d === "B" ? B : (d as number)), 1), i + B));
      const want = ts.run(name, args, { B });
      const got = mod.run(name, args, { B });
      expect(got.length).toBe(want.length);
      want.forEach((loop, k) => {
        const g = got[k]!;
        const w = c.sums?.[k]?.(args, want) ?? loop;
        expect(g.length).toBe(w.length);
        for (let i = 0; i < w.length; i++) {
          const [x, y] = [g[i]!, w[i]!];
          const same = c.exact ? Object.is(x, y) || (x !== x && y !== y) : Object.is(x, y) || (x !== x && y !== y) || Math.abs(x - y) <= 1e-6 * Math.abs(y) + (c.atol ?? 0);
          if (!same) expect.fail(`${name} B=${B} output ${k}[${i}]: wasm ${x}, ts ${y}`);
        }
      });
      return got;
    }
  };

  it.each(Object.keys(CASES))("%s: the TypeScript loop's values, at every batch size", (name) => {
    // A sum over a batch of 4096: in the runtime's blocks (backend/wasm/elementwise.ts's partials).
    for (const B of [0, 1, 3, 8, ...(CASES[name]!.sums ? [4096] : [])]) compare(wasm, name, B);
  });

  it("copies arrays in and out of the kernels' own memory where the engine cannot share it (a page that is not cross-origin isolated)", () => {
    const shared = globalThis.SharedArrayBuffer;
    // Hidden while the module compiles its kernels (on first use), so they get a memory of their own.
    delete (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer;
    try {
      for (const name of Object.keys(CASES)) {
        const got = compare(unshared, name, 3);
        expect(got.every((x) => !(x.buffer instanceof shared))).toBe(true);
      }
    } finally {
      globalThis.SharedArrayBuffer = shared;
    }
  });
});
