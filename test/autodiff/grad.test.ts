// Finite-difference checks of reverse-mode autodiff. Each case builds a tiny function with the
// Builder (inputs as args, the op under test applied, loss = sum(output * W) with W a literal of
// random weights so every output element matters), calls grad(), and compares the gradients the
// reference interpreter computes from the backward graph with central differences of the loss.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { BINARY, Builder, UNARY, type BinaryOp, type DType, type Fn, type OpName, type UnaryOp, type Window } from "../../src/ir/ir.ts";
import type { Shape } from "../../src/ir/shape.ts";
import { printFn } from "../../src/ir/print.ts";
import { verify } from "../../src/ir/verify.ts";
import { interpret } from "../../src/ir/interpret.ts";
import { grad } from "../../src/autodiff/grad.ts";
import { vjpRules } from "../../src/autodiff/grad.ts";

const VJP = vjpRules();

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

// Every primitive of the IR: the members of the Op union in ir.ts (read from its source, since
// the union exists only as a type), the UNARY and BINARY lists, and the keys of the VJP table.
const irSource = readFileSync(new URL("../../src/ir/ir.ts", import.meta.url), "utf8");
const opUnion = irSource.slice(irSource.indexOf("export type Op ="), irSource.indexOf("export type OpName"));
const unionNames = [...opUnion.matchAll(/op: ((?:"\w+"(?: \| )?)+)/g)].flatMap((m) => [...m[1]!.matchAll(/"(\w+)"/g)].map((x) => x[1]!));
const ALL_OPS = new Set<string>([...unionNames, ...UNARY, ...BINARY, ...Object.keys(VJP)]);

// Ops with no gradient to check: their VJP rule is `none`.
//  - arg, const, literal, iota: leaves or no inputs at all;
//  - random: its only input is the integer seed;
//  - cast: only converts integer data (labels), no gradient by design;
//  - sign, cmplt, cmpeq: piecewise constant, zero gradient almost everywhere.
// The last four still get a finite-difference check below ("piecewise-constant ops"), which
// confirms their gradient is zero away from the jumps.
const NON_DIFFERENTIABLE: readonly OpName[] = ["arg", "const", "literal", "iota", "random", "cast", "sign", "cmplt", "cmpeq"];

/** Ops some finite-difference case claims to cover (each case then checks it really built one). */
const COVERED = new Set<string>();

interface Input {
  shape: Shape;
  data: number[];
  dtype?: DType; // i32 inputs (labels) are never differentiated
}

interface Case {
  inputs: Input[];
  /** The op's output, or it with the nodes whose values must stay clear of 0 (a kink such as relu's). */
  build: (b: Builder, xs: number[]) => number | { out: number; kinks: number[] };
  dims?: Record<string, number>;
}

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Small deterministic PRNG for the loss weights: ±[0.5, 1.5), distinct per element. */
function weights(seed: number, n: number): number[] {
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
function checkCase(c: Case, seed: number): string[] {
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
function fdProperty(name: string, covers: readonly OpName[], arb: fc.Arbitrary<Case>, numRuns = 100): void {
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

const dim = fc.integer({ min: 1, max: 4 });
const shapeOf = (minRank = 0, maxRank = 3) => fc.array(dim, { minLength: minRank, maxLength: maxRank });
const range = (n: number) => [...Array(n).keys()];
/** Spread evenly over [lo, hi] (fc.double draws by bit pattern, so mostly tiny magnitudes). */
const uniform = (lo: number, hi: number) => fc.integer({ min: 0, max: 1_000_000 }).map((k) => lo + ((hi - lo) * k) / 1_000_000);
const real = uniform(-2, 2);
const positive = uniform(0.1, 3);
/** |x| in [lo, 2]: clear of 0 for relu/abs/recip/divisors, and of ties for max/min. */
const awayFromZero = (lo: number) => fc.tuple(fc.boolean(), uniform(lo, 2)).map(([neg, v]) => (neg ? -v : v));
const tensor = <T>(s: readonly number[], d: fc.Arbitrary<T>) => fc.array(d, { minLength: numel(s), maxLength: numel(s) });
/** Pairwise distinct values, at least 0.01 apart: no ties for reduce_max. */
const distinct = (s: readonly number[]) => fc.uniqueArray(fc.integer({ min: -300, max: 300 }), { minLength: numel(s), maxLength: numel(s) }).map((v) => v.map((k) => k / 100));
const unzip = (pairs: [number, number][]) => [pairs.map((p) => p[0]), pairs.map((p) => p[1])] as const;
const permutation = (n: number) => fc.shuffledSubarray(range(n), { minLength: n, maxLength: n });

// ---- elementwise ops ---------------------------------------------------------------------------

// Domains keep inputs clear of non-differentiable points and singularities; null: see below.
const UNARY_DOMAIN: Record<UnaryOp, fc.Arbitrary<number> | null> = {
  neg: real,
  exp: real,
  log: positive,
  sqrt: positive,
  recip: awayFromZero(0.2),
  tanh: real,
  sigmoid: real,
  relu: awayFromZero(1e-3),
  abs: awayFromZero(1e-3),
  sign: null,
  erf: real,
};

const BINARY_DOMAIN: Record<BinaryOp, fc.Arbitrary<[number, number]> | null> = {
  add: fc.tuple(real, real),
  sub: fc.tuple(real, real),
  mul: fc.tuple(real, real),
  div: fc.tuple(real, awayFromZero(0.2)),
  max: fc.tuple(real, awayFromZero(1e-3)).map(([a, d]) => [a, a + d]),
  min: fc.tuple(real, awayFromZero(1e-3)).map(([a, d]) => [a, a + d]),
  pow: fc.tuple(uniform(0.2, 2.5), real),
  cmplt: null,
  cmpeq: null,
};

describe("autodiff matches central differences", () => {
  for (const op of UNARY) {
    const d = UNARY_DOMAIN[op];
    if (!d) continue;
    fdProperty(op, [op], shapeOf().chain((s) => tensor(s, d).map((data): Case => ({ inputs: [{ shape: s, data }], build: (b, [x]) => b.unary(op, x!) }))));
  }

  for (const op of BINARY) {
    const d = BINARY_DOMAIN[op];
    if (!d) continue;
    fdProperty(
      op,
      [op],
      shapeOf().chain((s) =>
        tensor(s, d).map((pairs): Case => {
          const [a, c] = unzip(pairs);
          return { inputs: [{ shape: s, data: a }, { shape: s, data: c }], build: (b, [x, y]) => b.binary(op, x!, y!) };
        }),
      ),
    );
  }

  fdProperty(
    "select (both branches; the condition gets none)",
    ["select"],
    shapeOf().chain((s) =>
      fc.tuple(tensor(s, awayFromZero(1e-3)), tensor(s, real), tensor(s, real)).map(([c, t, e]): Case => ({
        inputs: [{ shape: s, data: c }, { shape: s, data: t }, { shape: s, data: e }],
        build: (b, [cx, tx, ex]) => b.select(b.binary("cmplt", cx!, b.broadcast(b.const(0), s)), tx!, ex!),
      })),
    ),
  );

  // Zero gradient away from the jumps; x is kept ≥ 0.01 from every integer (cast truncates) and
  // from y (cmplt, cmpeq). mul(x, y) gives the gradient something nonzero to carry alongside.
  const offInteger = fc.tuple(fc.integer({ min: -2, max: 2 }), uniform(0.01, 0.99)).map(([k, f]) => k + f);
  fdProperty(
    "piecewise-constant ops (zero gradient)",
    ["sign", "cmplt", "cmpeq", "cast"],
    shapeOf().chain((s) =>
      tensor(s, fc.tuple(offInteger, awayFromZero(0.01))).map((pairs): Case => {
        const [x, d] = unzip(pairs);
        return {
          inputs: [{ shape: s, data: x }, { shape: s, data: x.map((v, i) => v + d[i]!) }],
          build: (b, [x, y]) => {
            const add = (p: number, q: number) => b.binary("add", p, q);
            const jumps = add(add(b.unary("sign", x!), b.binary("cmplt", x!, y!)), add(b.binary("cmpeq", x!, y!), b.cast(b.cast(x!, "i32"), "f32")));
            return add(jumps, b.binary("mul", x!, y!));
          },
        };
      }),
    ),
  );

  // ---- reductions and data movement ------------------------------------------------------------

  for (const op of ["sum", "reduce_max"] as const) {
    fdProperty(
      `${op} over a random subset of axes`,
      [op],
      shapeOf().chain((s) =>
        fc.tuple(op === "sum" ? tensor(s, real) : distinct(s), fc.subarray(range(s.length))).map(([data, axes]): Case => ({ inputs: [{ shape: s, data }], build: (b, [x]) => b.reduce(op, x!, axes) })),
      ),
    );
  }

  // Target shape: the factors of the source dims (4 split as 2·2 or not), shuffled, adjacent
  // ones merged at random, with a 1 inserted somewhere or not.
  fdProperty(
    "reshape",
    ["reshape"],
    shapeOf()
      .chain((s) => fc.tuple(fc.constant(s), fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length })))
      .chain(([s, split]) => {
        const factors = s.flatMap((d, i) => (d === 4 && split[i] ? [2, 2] : [d]));
        return fc.tuple(fc.constant(s), fc.shuffledSubarray(factors, { minLength: factors.length, maxLength: factors.length }), fc.array(fc.boolean(), { minLength: factors.length, maxLength: factors.length }), fc.option(fc.nat(factors.length)));
      })
      .chain(([s, factors, merge, one]) => {
        const target: number[] = [];
        factors.forEach((f, i) => (i > 0 && merge[i] ? (target[target.length - 1]! *= f) : target.push(f)));
        if (one !== null) target.splice(Math.min(one, target.length), 0, 1);
        return tensor(s, real).map((data): Case => ({ inputs: [{ shape: s, data }], build: (b, [x]) => b.reshape(x!, target) }));
      }),
  );

  fdProperty(
    "permute",
    ["permute"],
    shapeOf().chain((s) => fc.tuple(tensor(s, real), permutation(s.length)).map(([data, perm]): Case => ({ inputs: [{ shape: s, data }], build: (b, [x]) => b.permute(x!, perm) }))),
  );

  // Random dims of the target set to 1 in the source, and random leading dims dropped (the
  // Builder reshapes those back as 1s).
  fdProperty(
    "broadcast",
    ["broadcast"],
    shapeOf()
      .chain((s) => fc.tuple(fc.constant(s), fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }), fc.nat(s.length)))
      .chain(([s, ones, drop]) => {
        const src = s.map((d, i) => (ones[i] ? 1 : d)).slice(drop);
        return tensor(src, real).map((data): Case => ({ inputs: [{ shape: src, data }], build: (b, [x]) => b.broadcast(x!, s) }));
      }),
  );

  const window = (d: number) => fc.integer({ min: 1, max: d }).chain((len) => fc.tuple(fc.constant(len), fc.integer({ min: 0, max: d - len })));
  fdProperty(
    "slice",
    ["slice"],
    shapeOf().chain((s) =>
      fc.tuple(tensor(s, real), fc.tuple(...s.map(window))).map(([data, win]): Case => ({ inputs: [{ shape: s, data }], build: (b, [x]) => b.slice(x!, win.map((w) => w[1]), win.map((w) => w[0])) })),
    ),
  );

  const padding = fc.integer({ min: 0, max: 3 }).chain((extra) => fc.tuple(fc.constant(extra), fc.integer({ min: 0, max: extra })));
  fdProperty(
    "pad",
    ["pad"],
    shapeOf().chain((s) =>
      fc.tuple(tensor(s, real), fc.tuple(...s.map(() => padding))).map(([data, pads]): Case => ({
        inputs: [{ shape: s, data }],
        build: (b, [x]) => b.pad(x!, pads.map((p) => p[1]), s.map((d, i) => d + pads[i]![0])),
      })),
    ),
  );

  for (const batched of [false, true]) {
    fdProperty(
      batched ? "matmul, batched 3-D" : "matmul, 2-D",
      ["matmul"],
      fc.tuple(dim, dim, dim, dim).chain(([t, m, k, n]) => {
        const lead = batched ? [t] : [];
        const [sa, sb] = [[...lead, m, k], [...lead, k, n]];
        return fc.tuple(tensor(sa, real), tensor(sb, real)).map(([a, c]): Case => ({ inputs: [{ shape: sa, data: a }, { shape: sb, data: c }], build: (b, [x, y]) => b.matmul(x!, y!) }));
      }),
    );
  }

  // ---- composites ------------------------------------------------------------------------------

  // One node feeding several consumers, and the same node as both operands: adjoints must add up.
  fdProperty(
    "fan-out: x·x + exp(x) − (x + x)",
    ["add", "mul", "exp", "sub"],
    shapeOf().chain((s) =>
      tensor(s, real).map((data): Case => ({
        inputs: [{ shape: s, data }],
        build: (b, [x]) => b.binary("sub", b.binary("add", b.binary("mul", x!, x!), b.unary("exp", x!)), b.binary("add", x!, x!)),
      })),
    ),
  );

  // 2-layer MLP, relu hidden layer, mean softmax cross-entropy over a symbolic batch B = 3, with
  // labels one-hot encoded in the graph (cast, iota, cmpeq). Gradients w.r.t. x and all params.
  const [B, I, Hd, C] = ["B", 4, 5, 3] as const;
  const mlpLoss = (b: Builder, [x, labels, w1, b1, w2, b2]: number[]) => {
    const pre = b.binary("add", b.matmul(x!, w1!), b.broadcast(b1!, [B, Hd]));
    const h = b.unary("relu", pre);
    const z = b.binary("add", b.matmul(h, w2!), b.broadcast(b2!, [B, C]));
    const keep = (v: number) => b.broadcast(b.reshape(v, [B, 1]), [B, C]);
    const shifted = b.binary("sub", z, keep(b.reduce("reduce_max", z, [1])));
    const logp = b.binary("sub", shifted, keep(b.unary("log", b.reduce("sum", b.unary("exp", shifted), [1]))));
    const onehot = b.binary("cmpeq", keep(b.cast(labels!, "f32")), b.iota([B, C], 1));
    const nll = b.unary("neg", b.reduce("sum", b.binary("mul", onehot, logp), [0, 1]));
    return { out: b.binary("div", nll, b.reduce("sum", b.broadcast(b.const(1), [B]), [0])), kinks: [pre] };
  };
  fdProperty(
    "2-layer MLP with softmax cross-entropy, B = 3",
    ["matmul", "relu", "reduce_max", "exp", "log", "sum", "broadcast", "reshape", "div"],
    fc.tuple(tensor([3, I], real), tensor([3], fc.integer({ min: 0, max: C - 1 })), tensor([I, Hd], real), tensor([Hd], real), tensor([Hd, C], real), tensor([C], real)).map(
      (d): Case => ({
        inputs: [
          { shape: [B, I], data: d[0] },
          { shape: [B], data: d[1], dtype: "i32" },
          { shape: [I, Hd], data: d[2] },
          { shape: [Hd], data: d[3] },
          { shape: [Hd, C], data: d[4] },
          { shape: [C], data: d[5] },
        ],
        dims: { B: 3 },
        build: mlpLoss,
      }),
    ),
  );
  // ---- neural-network primitives -----------------------------------------------------------

  // Convolution geometry: stride 2, dilation 2 and padding, and a plain 2×2 window.
  const geometries: { image: number[]; w: Window; after: [number, number] }[] = [
    { image: [2, 5, 6, 2], w: { kernel: [2, 3], stride: [2, 1], dilation: [1, 2], padBefore: [1, 1], fill: 0 }, after: [1, 0] },
    { image: [1, 4, 4, 1], w: { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], padBefore: [0, 0], fill: 0 }, after: [0, 0] },
  ];
  fdProperty(
    "conv2d as window + matmul (stride, dilation, padding)",
    ["window"],
    fc.constantFrom(...geometries).chain((g) => {
      const C = g.image[3]!;
      const patch = g.w.kernel[0] * g.w.kernel[1] * C;
      return fc.tuple(tensor(g.image, real), tensor([patch, 3], real)).map(([x, k]): Case => ({
        inputs: [{ shape: g.image, data: x }, { shape: [patch, 3], data: k }],
        build: (b, [xi, ki]) => {
          const win = b.window(xi!, g.w, g.after);
          const [N, OH, OW] = b.node(win).shape as number[];
          return b.matmul(b.reshape(win, [N! * OH! * OW!, patch]), ki!);
        },
      }));
    }),
    40,
  );
  fdProperty(
    "max pooling as window (fill −∞, padding) + reduce_max",
    ["window", "reduce_max"],
    distinct([1, 5, 5, 2]).map((x): Case => ({
      inputs: [{ shape: [1, 5, 5, 2], data: x }],
      build: (b, [xi]) => b.reduce("reduce_max", b.window(xi!, { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], padBefore: [0, 0], fill: -Infinity }, [1, 1]), [3, 4]),
    })),
    40,
  );
  fdProperty(
    "unwindow (the adjoint of window)",
    ["unwindow"],
    fc.constantFrom(...geometries).chain((g) => {
      const probe = new Builder("probe");
      const shape = probe.node(probe.window(probe.arg("x", "input", g.image), g.w, g.after)).shape as number[];
      return tensor(shape, real).map((d): Case => ({ inputs: [{ shape, data: d }], build: (b, [x]) => b.unwindow(x!, g.w, g.image) }));
    }),
    40,
  );
  fdProperty(
    "gather (embedding lookup, rows out of range read 0)",
    ["gather"],
    fc.tuple(tensor([4, 3], real), tensor([2, 3], fc.integer({ min: -1, max: 4 }))).map(([t, i]): Case => ({
      inputs: [{ shape: [4, 3], data: t }, { shape: [2, 3], data: i, dtype: "i32" }],
      build: (b, [table, idx]) => b.gather(table!, idx!),
    })),
  );
  fdProperty(
    "scatter_add (repeated and out-of-range indices)",
    ["scatter_add"],
    fc.tuple(tensor([2, 3, 2], real), tensor([2, 3], fc.integer({ min: -1, max: 4 }))).map(([u, i]): Case => ({
      inputs: [{ shape: [2, 3, 2], data: u }, { shape: [2, 3], data: i, dtype: "i32" }],
      build: (b, [upd, idx]) => b.scatterAdd(upd!, idx!, 4),
    })),
  );
  // An RNN: c' = tanh(x_t @ W + c @ U), over 4 steps, forwards and in reverse, batch 2.
  const rnnCell = (() => {
    const cb = new Builder("cell");
    const carry = cb.arg("carry", "input", [2, 3]);
    const xt = cb.arg("x_t", "input", [2, 2]);
    const W = cb.arg("W", "input", [2, 3]);
    const U = cb.arg("U", "input", [3, 3]);
    cb.output("carry", cb.unary("tanh", cb.binary("add", cb.matmul(xt, W), cb.matmul(carry, U))));
    return cb.fn;
  })();
  for (const reverse of [false, true])
    fdProperty(
      `scan: an RNN over 4 steps${reverse ? ", in reverse" : ""} (init, sequence and weights)`,
      ["scan"],
      fc.tuple(tensor([2, 3], real), tensor([2, 4, 2], real), tensor([2, 3], real), tensor([3, 3], real)).map(([c0, xs, w, u]): Case => ({
        inputs: [{ shape: [2, 3], data: c0 }, { shape: [2, 4, 2], data: xs }, { shape: [2, 3], data: w }, { shape: [3, 3], data: u }],
        build: (b, [c, x, W, U]) => b.scan(rnnCell, c!, x!, [W!, U!], 1, reverse),
      })),
      25,
    );
});

describe("autodiff conventions at non-differentiable points", () => {
  const gradOf = (shapes: number[][], data: number[][], f: (b: Builder, xs: number[]) => number): number[][] => {
    const b = new Builder("t");
    const xs = shapes.map((s, i) => b.arg(`x${i}`, "input", s));
    grad(b, f(b, xs), xs).forEach((g, i) => b.output(`d${i}`, g));
    return interpret(b.fn, data.map((d) => Float64Array.from(d)), {}).map((v) => [...v]);
  };

  it("reduce_max shares the adjoint equally between tied maxima", () => {
    expect(gradOf([[4]], [[1, 3, 3, 2]], (b, [x]) => b.reduce("reduce_max", x!, [0]))).toEqual([[0, 0.5, 0.5, 0]]);
  });

  it("max and min send a tie's adjoint to the first operand; relu's and abs's at 0 is 0", () => {
    expect(gradOf([[2], [2]], [[1, 2], [1, 3]], (b, [x, y]) => b.reduce("sum", b.binary("max", x!, y!), [0]))).toEqual([[1, 0], [0, 1]]);
    expect(gradOf([[2], [2]], [[1, 2], [1, 3]], (b, [x, y]) => b.reduce("sum", b.binary("min", x!, y!), [0]))).toEqual([[1, 1], [0, 0]]);
    expect(gradOf([[3]], [[-1, 0, 1]], (b, [x]) => b.reduce("sum", b.unary("relu", x!), [0]))).toEqual([[0, 0, 1]]);
    expect(gradOf([[3]], [[-1, 0, 1]], (b, [x]) => b.reduce("sum", b.unary("abs", x!), [0]))).toEqual([[-1, 0, 1]]);
  });

  it("gives a zero gradient to an input the loss does not depend on", () => {
    expect(gradOf([[2], [3]], [[1, 2], [4, 5, 6]], (b, [x]) => b.reduce("sum", x!, [0]))).toEqual([[1, 1], [0, 0, 0]]);
  });
});

describe("finite-difference coverage", () => {
  it("finds every primitive of the IR", () => {
    expect(unionNames.length).toBeGreaterThan(10);
    expect(opUnion).toMatch(/UnaryOp/);
    expect(opUnion).toMatch(/BinaryOp/);
    // vjp.ts has one rule per primitive: exactly the ops found.
    expect(new Set(Object.keys(VJP))).toEqual(ALL_OPS);
  });

  it("covers every op by a finite-difference case or lists it as non-differentiable", () => {
    const missing = [...ALL_OPS].filter((op) => !COVERED.has(op) && !(NON_DIFFERENTIABLE as readonly string[]).includes(op));
    expect(missing, "ops with neither a finite-difference case nor a place on NON_DIFFERENTIABLE").toEqual([]);
  });

  it("lists as non-differentiable exactly the ops whose VJP rule gives no adjoint", () => {
    const none = VJP.arg;
    expect(new Set(Object.keys(VJP).filter((op) => VJP[op as OpName] === none))).toEqual(new Set(NON_DIFFERENTIABLE));
  });
});
