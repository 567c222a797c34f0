import { describe, expect, it } from "vitest";
import { Builder, type Fn } from "../../src/ir/ir.ts";
import type { Shape } from "../../src/ir/shape.ts";
import { interpret } from "../../src/ir/interpret.ts";
import { normalAt, uniformAt } from "../../src/runtime/cpu/random.ts";

const tsRandom = (seed: number, stream: number, n: number, normal: boolean) =>
  Float32Array.from({ length: n }, (_, i) => (normal ? normalAt : uniformAt)(seed, stream, i));

/** Builds fn(x: f32[xShape], ...) = body(...), runs it on the given data, returns the single output as an array. */
function run(inputs: [Shape, number[]][], body: (b: Builder, xs: number[]) => number, dims: Record<string, number> = {}): number[] {
  const b = new Builder("t");
  const xs = inputs.map(([shape], i) => b.arg(`x${i}`, "input", shape));
  b.output("y", body(b, xs));
  return [...interpret(b.fn, inputs.map(([, d]) => Float64Array.from(d)), dims)[0]!];
}

const un = (op: Parameters<Builder["unary"]>[0], data: number[]) => run([[[data.length], data]], (b, [x]) => b.unary(op, x!));
const bin = (op: Parameters<Builder["binary"]>[0], a: number[], c: number[]) => run([[[a.length], a], [[c.length], c]], (b, [x, y]) => b.binary(op, x!, y!));

describe("reference interpreter", () => {
  it("evaluates unary ops", () => {
    expect(un("neg", [1, -2, 0])).toEqual([-1, 2, -0]);
    expect(un("exp", [0, 1])).toEqual([1, Math.E]);
    expect(un("log", [1, Math.E])).toEqual([0, 1]);
    expect(un("sqrt", [4, 9, 0])).toEqual([2, 3, 0]);
    expect(un("recip", [2, -4])).toEqual([0.5, -0.25]);
    expect(un("tanh", [0])).toEqual([0]);
    expect(un("tanh", [1])[0]).toBeCloseTo(0.7615941559557649, 15);
    expect(un("sigmoid", [0, -1000, 1000])).toEqual([0.5, 0, 1]);
    expect(un("sigmoid", [2])[0]).toBeCloseTo(0.8807970779778823, 15);
    expect(un("relu", [-1, 0, 2.5])).toEqual([0, 0, 2.5]);
    expect(un("abs", [-3, 0, 2])).toEqual([3, 0, 2]);
    expect(un("sign", [-3, 0, 2])).toEqual([-1, 0, 1]);
  });

  it("evaluates binary ops", () => {
    expect(bin("add", [1, 2], [10, 20])).toEqual([11, 22]);
    expect(bin("sub", [1, 2], [10, 20])).toEqual([-9, -18]);
    expect(bin("mul", [3, -2], [4, 5])).toEqual([12, -10]);
    expect(bin("div", [1, 9], [4, -3])).toEqual([0.25, -3]);
    expect(bin("max", [1, 5, -2], [3, 2, -2])).toEqual([3, 5, -2]);
    expect(bin("min", [1, 5, -2], [3, 2, -2])).toEqual([1, 2, -2]);
    expect(bin("pow", [2, 9, 4], [3, 0.5, -1])).toEqual([8, 3, 0.25]);
    expect(bin("cmplt", [1, 2, 3], [2, 2, 2])).toEqual([1, 0, 0]);
    expect(bin("cmpeq", [1, 2, 3], [2, 2, 2])).toEqual([0, 1, 0]);
  });

  it("selects where the condition is nonzero", () => {
    const y = run([[[4], [0, 1, -2, 0.5]], [[4], [1, 2, 3, 4]], [[4], [10, 20, 30, 40]]], (b, [c, t, e]) => b.select(c!, t!, e!));
    expect(y).toEqual([10, 2, 3, 4]);
  });

  it("sums and maximises over axes, removing them", () => {
    const x: [Shape, number[]] = [[2, 3], [1, 5, 3, 4, 2, 6]];
    expect(run([x], (b, [v]) => b.reduce("sum", v!, [0]))).toEqual([5, 7, 9]);
    expect(run([x], (b, [v]) => b.reduce("sum", v!, [1]))).toEqual([9, 12]);
    expect(run([x], (b, [v]) => b.reduce("sum", v!, [0, 1]))).toEqual([21]);
    expect(run([x], (b, [v]) => b.reduce("reduce_max", v!, [0]))).toEqual([4, 5, 6]);
    expect(run([x], (b, [v]) => b.reduce("reduce_max", v!, [1]))).toEqual([5, 6]);
    expect(run([x], (b, [v]) => b.reduce("sum", v!, []))).toEqual([1, 5, 3, 4, 2, 6]);
    // [2, 2, 2]: 0..7; sum over axes 0 and 2 leaves axis 1: (0+1+4+5, 2+3+6+7).
    const cube: [Shape, number[]] = [[2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]];
    expect(run([cube], (b, [v]) => b.reduce("sum", v!, [0, 2]))).toEqual([10, 18]);
    expect(run([cube], (b, [v]) => b.reduce("reduce_max", v!, [1]))).toEqual([2, 3, 6, 7]);
  });

  it("reshapes, permutes and broadcasts", () => {
    const x: [Shape, number[]] = [[2, 3], [1, 2, 3, 4, 5, 6]];
    expect(run([x], (b, [v]) => b.reshape(v!, [3, 2]))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(run([x], (b, [v]) => b.permute(v!, [1, 0]))).toEqual([1, 4, 2, 5, 3, 6]);
    // [2, 2, 2] -> perm [2, 0, 1]: out[i][j][k] = in[j][k][i].
    const cube: [Shape, number[]] = [[2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]];
    expect(run([cube], (b, [v]) => b.permute(v!, [2, 0, 1]))).toEqual([0, 2, 4, 6, 1, 3, 5, 7]);
    expect(run([[[2, 1], [1, 2]]], (b, [v]) => b.broadcast(v!, [2, 3]))).toEqual([1, 1, 1, 2, 2, 2]);
    expect(run([[[1, 3], [1, 2, 3]]], (b, [v]) => b.broadcast(v!, [2, 3]))).toEqual([1, 2, 3, 1, 2, 3]);
    expect(run([[[], [7]]], (b, [v]) => b.broadcast(v!, [2, 2]))).toEqual([7, 7, 7, 7]);
  });

  it("slices and pads", () => {
    const x: [Shape, number[]] = [[3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]];
    expect(run([x], (b, [v]) => b.slice(v!, [1, 1], [2, 2]))).toEqual([5, 6, 8, 9]);
    expect(run([x], (b, [v]) => b.slice(v!, [0, 2], [3, 1]))).toEqual([3, 6, 9]);
    expect(run([[[1, 2], [1, 2]]], (b, [v]) => b.pad(v!, [1, 0], [2, 4]))).toEqual([0, 0, 0, 0, 1, 2, 0, 0]);
    expect(() => run([x], (b, [v]) => b.slice(v!, [2, 0], [2, 2]))).toThrow(/does not fit/);
    expect(() => run([x], (b, [v]) => b.pad(v!, [1, 0], [3, 3]))).toThrow(/does not fit/);
  });

  it("multiplies matrices, batched over equal leading dims", () => {
    // [[1, 2], [3, 4]] @ [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
    expect(run([[[2, 2], [1, 2, 3, 4]], [[2, 2], [5, 6, 7, 8]]], (b, [p, q]) => b.matmul(p!, q!))).toEqual([19, 22, 43, 50]);
    // [1, 3] @ [3, 2]
    expect(run([[[1, 3], [1, 2, 3]], [[3, 2], [1, 0, 0, 1, 1, 1]]], (b, [p, q]) => b.matmul(p!, q!))).toEqual([4, 5]);
    // batch of 2: identity times M, then 2·I times M.
    const a = [1, 0, 0, 1, 2, 0, 0, 2];
    const m = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(run([[[2, 2, 2], a], [[2, 2, 2], m]], (b, [p, q]) => b.matmul(p!, q!))).toEqual([1, 2, 3, 4, 10, 12, 14, 16]);
  });

  it("casts, counts along an axis, and produces constants and literals", () => {
    expect(run([[[4], [1.7, -1.7, 2, -0.2]]], (b, [v]) => b.cast(v!, "i32"))).toEqual([1, -1, 2, -0]);
    expect(run([[[2], [3, 4]]], (b, [v]) => b.cast(b.cast(v!, "i32"), "f32"))).toEqual([3, 4]);
    expect(run([], (b) => b.iota([2, 3], 1))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(run([], (b) => b.iota([2, 3], 0))).toEqual([0, 0, 0, 1, 1, 1]);
    expect(run([], (b) => b.const(2.5))).toEqual([2.5]);
    expect(run([], (b) => b.broadcast(b.const(2), [3]))).toEqual([2, 2, 2]);
    expect(run([], (b) => b.literal([1, 2, 3, 4], [2, 2]))).toEqual([1, 2, 3, 4]);
  });

  it("binds symbolic dimensions from dims", () => {
    const y = run([[["B", 2], [1, 2, 3, 4, 5, 6]]], (b, [v]) => b.reduce("sum", b.binary("mul", v!, b.broadcast(b.const(2), ["B", 2])), [1]), { B: 3 });
    expect(y).toEqual([6, 14, 22]);
    expect(run([], (b) => b.iota(["B"], 0), { B: 4 })).toEqual([0, 1, 2, 3]);
  });

  it("returns one array per output, and leaves its arguments alone", () => {
    const b = new Builder("t");
    const x = b.arg("x", "input", [2]);
    b.output("x", x);
    b.output("y", b.unary("neg", x));
    const xs = Float64Array.of(1, 2);
    const [p, q] = interpret(b.fn, [xs], {});
    p![0] = 99;
    expect([...q!]).toEqual([-1, -2]);
    expect([...xs]).toEqual([1, 2]);
  });

  it("rejects arguments of the wrong number or size, and unbound dimensions", () => {
    const b = new Builder("f");
    b.output("y", b.unary("neg", b.arg("x", "input", ["B", 2])));
    expect(() => interpret(b.fn, [], { B: 1 })).toThrow(/f: expected 1 arguments, received 0/);
    expect(() => interpret(b.fn, [new Float64Array(3)], { B: 1 })).toThrow(/argument x of shape \[B, 2\] needs 2 values, received 3/);
    expect(() => interpret(b.fn, [new Float64Array(2)], {})).toThrow(/dimension B has no value/);
    const bad: Fn = { ...b.fn, nodes: [...b.fn.nodes, { op: "frobnicate", id: 2, inputs: [], shape: [], dtype: "f32" } as never] };
    expect(() => interpret(bad, [new Float64Array(2)], { B: 1 })).toThrow(/unknown op frobnicate/);
  });

  it("draws the same random numbers as the TypeScript backend, bit for bit", () => {
    const b = new Builder("init");
    const seed = b.arg("seed", "seed", [], "i32");
    const cases: [number, "uniform" | "normal", Shape][] = [[0, "uniform", [5, 7]], [1, "normal", [33]], [7, "uniform", [2, 3, 4]], [3, "normal", [4, 4]]];
    for (const [stream, dist, shape] of cases) b.output(`${dist}${stream}`, b.random(seed, shape, dist, stream));
    for (const s of [0, 1, 42, 123456789, -5, 2 ** 32 - 1]) {
      const got = interpret(b.fn, [Float64Array.of(s)], {});
      cases.forEach(([stream, dist], k) => {
        const want = tsRandom(s, stream, got[k]!.length, dist === "normal");
        expect(Float32Array.from(got[k]!), `seed ${s} stream ${stream}`).toEqual(want);
        expect([...got[k]!], `seed ${s} stream ${stream} is already float32`).toEqual([...want]);
      });
    }
    // Sanity: uniform draws lie in [0, 1) and differ between streams and seeds.
    const [u0] = interpret(b.fn, [Float64Array.of(0)], {});
    const [u1] = interpret(b.fn, [Float64Array.of(1)], {});
    expect([...u0!].every((v) => v >= 0 && v < 1)).toBe(true);
    expect([...u0!]).not.toEqual([...u1!]);
  });
});
