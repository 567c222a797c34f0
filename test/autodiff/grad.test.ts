// Finite-difference checks of reverse-mode autodiff (the harness is in fd.ts; the cases of the
// neural-network primitives in grad-nn.ts), plus the conventions at non-differentiable points
// and a check that every primitive of the IR has a case.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Builder } from "../../src/ir/ir.ts";
import { BINARY, OP_NAMES, UNARY, type BinaryOp, type OpName, type UnaryOp } from "../../src/ir/ops.ts";
import { interpret } from "../../src/ir/interpret.ts";
import { grad } from "../../src/autodiff/grad.ts";
import { vjpRules } from "../../src/autodiff/grad.ts";
import { awayFromZero, COVERED, distinct, dim, fdProperty, permutation, positive, range, real, shapeOf, tensor, uniform, unzip, type Case } from "./fd.ts";
import { nnGradientCases } from "./grad-nn.ts";

const VJP = vjpRules();

// Every primitive of the IR: the list of ops.ts (tsc holds ir.ts's Op union to it) and the keys
// of the VJP table.
const ALL_OPS = new Set<string>([...OP_NAMES, ...Object.keys(VJP)]);

// Ops with no gradient to check: their VJP rule is `none`.
//  - arg, const, literal, iota: leaves or no inputs at all;
//  - random: its only input is the integer seed;
//  - cast: only converts integer data (labels), no gradient by design;
//  - sign, cmplt, cmpeq: piecewise constant, zero gradient almost everywhere;
//  - nonfinite: 0 on every finite value (the training step's guard), so zero gradient there.
// The last five still get a finite-difference check below ("piecewise-constant ops"), which
// confirms their gradient is zero away from the jumps.
const NON_DIFFERENTIABLE: readonly OpName[] = ["arg", "const", "literal", "iota", "random", "cast", "sign", "cmplt", "cmpeq", "nonfinite"];

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
  sin: real,
  cos: real,
  nonfinite: null,
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
    ["sign", "cmplt", "cmpeq", "cast", "nonfinite"],
    shapeOf().chain((s) =>
      tensor(s, fc.tuple(offInteger, awayFromZero(0.01))).map((pairs): Case => {
        const [x, d] = unzip(pairs);
        return {
          inputs: [{ shape: s, data: x }, { shape: s, data: x.map((v, i) => v + d[i]!) }],
          build: (b, [x, y]) => {
            const add = (p: number, q: number) => b.binary("add", p, q);
            const jumps = add(add(b.unary("sign", x!), b.binary("cmplt", x!, y!)), add(add(b.binary("cmpeq", x!, y!), b.unary("nonfinite", y!)), b.cast(b.cast(x!, "i32"), "f32")));
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
  nnGradientCases();
});

describe("autodiff conventions at non-differentiable points", () => {
  const gradOf = (shapes: number[][], data: number[][], f: (b: Builder, xs: number[]) => number): number[][] => {
    const b = new Builder("t");
    const xs = shapes.map((s, i) => b.arg(`x${i}`, "input", s));
    grad(b, f(b, xs), xs).forEach((g, i) => b.output(`d${i}`, g));
    return interpret(b.fn, data.map((d) => Float64Array.from(d)), {}).map((v) => [...v]);
  };

  it("reduce_max sends the whole adjoint to the first maximum (row-major over the reduced axes), as max-pooling's gradient does", () => {
    expect(gradOf([[4]], [[1, 3, 3, 2]], (b, [x]) => b.reduce("reduce_max", x!, [0]))).toEqual([[0, 1, 0, 0]]);
    // Two reduced axes of a [2, 2, 3] tensor: per row of axis 0, the first of the tied maxima in
    // (axis 1, axis 2) order: [0][0][2] before [0][1][0] and [0][1][2]; [1][1][1] before [1][1][2].
    const x = [1, 2, 5, 5, 0, 5, -Infinity, 0, 1, 3, 7, 7];
    const sumOfMax = (b: Builder, [v]: number[]) => b.reduce("sum", b.reduce("reduce_max", v!, [1, 2]), [0]);
    expect(gradOf([[2, 2, 3]], [x], sumOfMax)).toEqual([[0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0]]);
  });

  it("max pooling of tiling windows as a view (reshape + reduce_max) sends each adjoint where the window op's form does, ties and all", () => {
    // [1, 4, 6, 2] pooled 2×2: plenty of ties (values from {0, 1, 2}), an all −∞ window and a NaN one.
    const x = Array.from({ length: 48 }, (_, i) => (i * 7) % 3);
    x[0] = x[2] = x[12] = x[14] = -Infinity;
    x[5] = NaN;
    const pooled = (tiled: boolean) => (b: Builder, [v]: number[]) => {
      const max = tiled
        ? b.reduce("reduce_max", b.reshape(v!, [1, 2, 2, 3, 2, 2]), [2, 4])
        : b.reduce("reduce_max", b.window(v!, { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], padBefore: [0, 0], fill: -Infinity }, [0, 0]), [3, 4]);
      const weights = b.binary("add", b.iota([1, 2, 3, 2], 2), b.broadcast(b.const(1), [1, 2, 3, 2]));
      return b.reduce("sum", b.binary("mul", max, weights), [0, 1, 2, 3]);
    };
    const viaView = gradOf([[1, 4, 6, 2]], [x], pooled(true));
    expect(viaView).toEqual(gradOf([[1, 4, 6, 2]], [x], pooled(false)));
    expect(viaView[0]!.filter((g) => g !== 0).length).toBe(11); // one per window, none where the maximum is NaN
  });

  it("max and min send a tie's adjoint to the first operand; relu's and abs's at 0 is 0", () => {
    expect(gradOf([[2], [2]], [[1, 2], [1, 3]], (b, [x, y]) => b.reduce("sum", b.binary("max", x!, y!), [0]))).toEqual([[1, 0], [0, 1]]);
    expect(gradOf([[2], [2]], [[1, 2], [1, 3]], (b, [x, y]) => b.reduce("sum", b.binary("min", x!, y!), [0]))).toEqual([[1, 1], [0, 0]]);
    expect(gradOf([[3]], [[-1, 0, 1]], (b, [x]) => b.reduce("sum", b.unary("relu", x!), [0]))).toEqual([[0, 0, 1]]);
    expect(gradOf([[3]], [[-1, 0, 1]], (b, [x]) => b.reduce("sum", b.unary("abs", x!), [0]))).toEqual([[-1, 0, 1]]);
  });

  it("pow: d/dx at x = 0 is y·0^(y−1) where finite (1 for y = 1, else 0), d/dy takes log x only where x > 0", () => {
    const [dx, dy] = gradOf([[7], [7]], [[0, 0, 0, 0, -1, 2, -2], [1, 2, 3, 0, 2, 3, 0.5]], (b, [x, y]) => b.reduce("sum", b.binary("pow", x!, y!), [0]));
    expect(dx).toEqual([1, 0, 0, 0, -2, 12, NaN]); // (−2)^0.5 is not real, so neither is its slope
    expect(dy!.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(dy![5]).toBeCloseTo(8 * Math.LN2, 14);
    expect(dy![6]).toBe(0);
  });

  it("gives a zero gradient to an input the loss does not depend on", () => {
    expect(gradOf([[2], [3]], [[1, 2], [4, 5, 6]], (b, [x]) => b.reduce("sum", x!, [0]))).toEqual([[1, 1], [0, 0, 0]]);
  });
});

describe("finite-difference coverage", () => {
  it("finds every primitive of the IR", () => {
    expect(OP_NAMES.length).toBeGreaterThan(10);
    expect(new Set(OP_NAMES).size, "a primitive listed in two groups").toBe(OP_NAMES.length);
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

describe("autodiff's origins: the forward node each backward node was made for", () => {
  it("notes every node grad appends with the node whose adjoint or VJP it computes, and changes nothing else", () => {
    // A dense layer and a loss: y = relu(x @ w + b), loss = sum(y * y).
    const build = () => {
      const b = new Builder("t");
      const x = b.arg("x", "input", [2, 3]);
      const w = b.arg("w", "param", [3, 4]);
      const bias = b.arg("b", "param", [4]);
      const mm = b.matmul(x, w);
      const pre = b.binary("add", mm, b.broadcast(b.reshape(bias, [1, 4]), [2, 4]));
      const y = b.unary("relu", pre);
      const loss = b.reduce("sum", b.binary("mul", y, y), [0, 1]);
      return { b, w, bias, mm, y, loss };
    };
    const plain = build();
    grad(plain.b, plain.loss, [plain.w, plain.bias]);
    const traced = build();
    const origins: number[] = [];
    const end = traced.b.fn.nodes.length;
    const gs = grad(traced.b, traced.loss, [traced.w, traced.bias], undefined, origins);
    // Asking for origins builds the same graph.
    expect(traced.b.fn.nodes).toEqual(plain.b.fn.nodes);
    // Every backward node but the seed (made before any node is differentiated) is noted, with a forward node.
    const noted = traced.b.fn.nodes.slice(end).map((n) => origins[n.id]);
    expect(noted.filter((o) => o === undefined).length).toBe(1);
    for (const o of noted) if (o !== undefined) expect(o).toBeLessThan(end);
    // The weight's gradient (xᵀ @ g) is the matmul's VJP; relu's mask is relu's.
    expect(origins[gs[0]!]).toBe(traced.mm);
    const nodes = traced.b.fn.nodes;
    const weightGrad = nodes[gs[0]!]!;
    expect(weightGrad.op).toBe("matmul");
    expect(nodes.slice(end).filter((n) => n.op === "select").map((n) => origins[n.id])).toEqual([traced.y]);
    // The bias's gradient: the sum over the batch (the broadcast's VJP) reshaped back (the reshape's).
    const biasGrad = nodes[gs[1]!]!;
    expect([nodes[origins[biasGrad.id]!]!.op, nodes[origins[biasGrad.inputs[0]!]!]!.op]).toEqual(["reshape", "broadcast"]);
    expect(origins.length).toBe(nodes.length);
  });
});
