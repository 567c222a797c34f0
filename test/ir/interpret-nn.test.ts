// The reference interpreter on the neural-network primitives, against values worked out by
// hand or by a plain loop written straight from each primitive's definition.
import { describe, expect, it } from "vitest";
import { Builder, type Fn, type Window } from "../../src/ir/ir.ts";
import type { Shape } from "../../src/ir/shape.ts";
import { interpret } from "../../src/ir/interpret.ts";
import { printFn } from "../../src/ir/print.ts";
import { verify } from "../../src/ir/verify.ts";

type In = [Shape, number[], ("f32" | "i32")?];

/** Builds fn(x0, x1, …) = body(…), runs it, and returns the single output as an array. */
function run(inputs: In[], body: (b: Builder, xs: number[]) => number, dims: Record<string, number> = {}): number[] {
  const b = new Builder("t");
  const xs = inputs.map(([shape, , dtype], i) => b.arg(`x${i}`, "input", shape, dtype ?? "f32"));
  b.output("y", body(b, xs));
  verify(b.fn);
  return [...interpret(b.fn, inputs.map(([, d]) => Float64Array.from(d)), dims)[0]!];
}

const win = (kernel: [number, number], stride: [number, number], dilation: [number, number], padBefore: [number, number], fill = 0): Window => ({ kernel, stride, dilation, padBefore, fill });
const iota = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);
/** Deterministic values in (−1, 1), different for every (seed, i). */
const noise = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(12.9898 * (i + 1) + 78.233 * seed));
const dot = (a: readonly number[], c: readonly number[]) => a.reduce((s, v, i) => s + v * c[i]!, 0);

/** A scan body (carry, x_t, ...consts) → carry. */
function body(args: [string, Shape][], f: (b: Builder, xs: number[]) => number): Fn {
  const b = new Builder("cell");
  const xs = args.map(([n, s]) => b.arg(n, "input", s));
  b.output("carry", f(b, xs));
  return b.fn;
}

describe("reference interpreter: neural-network primitives", () => {
  it("erf to double precision, odd", () => {
    const xs = [0, 0.1, 0.5, 1, 2, 2.5, 3, 5];
    // Python's math.erf (the C library's) at the same points.
    const want = [0, 0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.999593047982555, 0.9999779095030014, 0.9999999999984626];
    const got = run([[[8], xs]], (b, [x]) => b.unary("erf", x!));
    const neg = run([[[8], xs.map((v) => -v)]], (b, [x]) => b.unary("erf", x!));
    got.forEach((v, i) => expect(Math.abs(v - want[i]!), `erf(${xs[i]})`).toBeLessThan(1e-15));
    neg.forEach((v, i) => expect(v).toBe(-got[i]!));
  });

  it("takes sliding windows: plain, padded (reading the fill), strided and dilated", () => {
    // 1 2 3 / 4 5 6 / 7 8 9, 2×2 windows: each window's elements in (kh, kw) order.
    expect(run([[[1, 3, 3, 1], iota(9, 1)]], (b, [x]) => b.window(x!, win([2, 2], [1, 1], [1, 1], [0, 0]), [0, 0]))).toEqual([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
    // 1 2 / 3 4 padded by one row and column before: positions outside read the fill, −1.
    const f = -1;
    expect(run([[[1, 2, 2, 1], [1, 2, 3, 4]]], (b, [x]) => b.window(x!, win([2, 2], [1, 1], [1, 1], [1, 1], f), [0, 0]))).toEqual([f, f, f, 1, f, f, 1, 2, f, 1, f, 3, 1, 2, 3, 4]);
    // x[h, w] = 5h + w on 5×5; stride 2, dilation 2 read rows and columns 2·o + 2·k.
    expect(run([[[1, 5, 5, 1], iota(25)]], (b, [x]) => b.window(x!, win([2, 2], [2, 2], [2, 2], [0, 0]), [0, 0]))).toEqual([0, 2, 10, 12, 2, 4, 12, 14, 10, 12, 20, 22, 12, 14, 22, 24]);
    // Channels are innermost: window (0, 0) of a two-channel image, kernel 1×2.
    expect(run([[[1, 1, 2, 2], [1, 10, 2, 20]]], (b, [x]) => b.window(x!, win([1, 2], [1, 1], [1, 1], [0, 0]), [0, 0]))).toEqual([1, 10, 2, 20]);
  });

  it("convolves as window + reshape + matmul, matching a direct convolution loop", () => {
    const [N, H, W, Ci, Co, KH, KW] = [2, 6, 5, 2, 3, 2, 3];
    const [s, d, p] = [[2, 1], [2, 1], [1, 1]] as const;
    const w = win([KH, KW], [s[0], s[1]], [d[0], d[1]], [p[0], p[1]]);
    const x = noise(N * H * W * Ci, 1);
    const k = noise(KH * KW * Ci * Co, 2); // [KH, KW, Ci, Co], which is the patch layout
    const got = run([[[N, H, W, Ci], x], [[KH * KW * Ci, Co], k]], (b, [xi, ki]) => {
      const v = b.window(xi!, w, [1, 1]);
      const [, OH, OW] = b.node(v).shape as number[];
      return b.reshape(b.matmul(b.reshape(v, [N * OH! * OW!, KH * KW * Ci]), ki!), [N, OH!, OW!, Co]);
    });
    const OH = Math.floor((H + p[0] + 1 - d[0] * (KH - 1) - 1) / s[0]) + 1;
    const OW = Math.floor((W + p[1] + 1 - d[1] * (KW - 1) - 1) / s[1]) + 1;
    const want: number[] = [];
    for (let n = 0; n < N; n++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++)
          for (let co = 0; co < Co; co++) {
            let acc = 0;
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++)
                for (let ci = 0; ci < Ci; ci++) {
                  const [h, v] = [oh * s[0] - p[0] + kh * d[0], ow * s[1] - p[1] + kw * d[1]];
                  if (h >= 0 && h < H && v >= 0 && v < W) acc += x[((n * H + h) * W + v) * Ci + ci]! * k[((kh * KW + kw) * Ci + ci) * Co + co]!;
                }
            want.push(acc);
          }
    expect(got.length).toBe(N * OH * OW * Co);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 14));
  });

  it("pools: max over windows with −∞ padding, and the mean as a window sum", () => {
    const img = [1, 3, 2, 0, 5, 4, 7, 6, 9, 8, 1, 2, 0, 3, 4, 5];
    const maxPool = (x: number, pad: [number, number]) => (b: Builder) => b.reduce("reduce_max", b.window(x, win([2, 2], [2, 2], [1, 1], [0, 0], -Infinity), pad), [3, 4]);
    expect(run([[[1, 4, 4, 1], img]], (b, [x]) => maxPool(x!, [0, 0])(b))).toEqual([5, 7, 9, 5]);
    // All negative, with the last row and column padded: a fill of 0 would win every edge window.
    expect(run([[[1, 3, 3, 1], iota(9, 1).map((v) => -v)]], (b, [x]) => maxPool(x!, [1, 1])(b))).toEqual([-1, -3, -7, -9]);
    const avg = run([[[1, 4, 4, 1], img]], (b, [x]) => b.binary("div", b.reduce("sum", b.window(x!, win([2, 2], [2, 2], [1, 1], [0, 0]), [0, 0]), [3, 4]), b.broadcast(b.const(4), [1, 2, 2, 1])));
    expect(avg).toEqual([13 / 4, 15 / 4, 20 / 4, 12 / 4]);
  });

  it("unwindows: sums every window element back into its source, dropping padding", () => {
    // 2×2 windows of a 3×3 image: each pixel counts the windows that cover it.
    expect(run([[[1, 2, 2, 2, 2, 1], Array(16).fill(1)]], (b, [x]) => b.unwindow(x!, win([2, 2], [1, 1], [1, 1], [0, 0]), [1, 3, 3, 1]))).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
    // Padded by one before: pixel (0, 0) sits in all four windows, (1, 1) only in the last.
    expect(run([[[1, 2, 2, 2, 2, 1], Array(16).fill(1)]], (b, [x]) => b.unwindow(x!, win([2, 2], [1, 1], [1, 1], [1, 1]), [1, 2, 2, 1]))).toEqual([4, 2, 2, 1]);
  });

  it("unwindow is the transpose of window: ⟨window(x), y⟩ = ⟨x, unwindow(y)⟩", () => {
    const w = win([2, 3], [2, 1], [2, 1], [1, 2]);
    const image = [2, 7, 6, 3];
    const b = new Builder("t");
    const x = b.arg("x", "input", image);
    const v = b.window(x, w, [0, 1]);
    const y = b.arg("y", "input", b.node(v).shape);
    b.output("wx", v);
    b.output("uy", b.unwindow(y, w, image));
    const xs = noise(2 * 7 * 6 * 3, 3);
    const ys = noise(b.node(v).shape.reduce<number>((p, d) => p * (d as number), 1), 4);
    const [wx, uy] = interpret(b.fn, [Float64Array.from(xs), Float64Array.from(ys)]);
    expect(dot([...wx!], ys)).toBeCloseTo(dot(xs, [...uy!]), 12);
  });

  it("gathers rows, reading 0 out of range; scatter_add sums repeats and drops the out of range", () => {
    const table: In = [[3, 2], [1, 2, 3, 4, 5, 6]];
    expect(run([table, [[2, 2], [2, 0, -1, 3], "i32"]], (b, [t, i]) => b.gather(t!, i!))).toEqual([5, 6, 1, 2, 0, 0, 0, 0]);
    expect(run([[[3], [10, 20, 30]], [[4], [1, 1, 5, 0], "i32"]], (b, [t, i]) => b.gather(t!, i!))).toEqual([20, 20, 0, 10]);
    expect(run([[[4, 2], iota(8, 1)], [[4], [0, 2, 0, -1], "i32"]], (b, [u, i]) => b.scatterAdd(u!, i!, 3))).toEqual([6, 8, 0, 0, 3, 4]);
    // The adjoint pair: ⟨gather(t, i), u⟩ = ⟨t, scatter_add(u, i)⟩.
    const b = new Builder("t");
    const [t, i, u] = [b.arg("t", "input", [4, 3]), b.arg("i", "input", [5], "i32"), b.arg("u", "input", [5, 3])];
    b.output("g", b.gather(t, i));
    b.output("s", b.scatterAdd(u, i, 4));
    const [tv, iv, uv] = [noise(12, 5), [3, 0, 3, 7, -2], noise(15, 6)];
    const [g, s] = interpret(b.fn, [tv, iv, uv].map((d) => Float64Array.from(d)));
    expect(dot([...g!], uv)).toBeCloseTo(dot(tv, [...s!]), 14);
  });

  it("scans a running sum: the carry after each step, stacked along the axis, forwards and in reverse", () => {
    const add = body([["carry", [2]], ["x_t", [2]]], (b, [c, x]) => b.binary("add", c!, x!));
    const sum = (init: number[], xs: In, axis: number, reverse: boolean) => run([[[2], init], xs], (b, [c, x]) => b.scan(add, c!, x!, [], axis, reverse));
    const steps: In = [[3, 2], [1, 2, 3, 4, 5, 6]];
    expect(sum([0, 0], steps, 0, false)).toEqual([1, 2, 4, 6, 9, 12]);
    expect(sum([10, 0], steps, 0, false)).toEqual([11, 2, 14, 6, 19, 12]);
    // In reverse the last step runs first, and the output is still indexed by t.
    expect(sum([0, 0], steps, 0, true)).toEqual([9, 12, 8, 10, 5, 6]);
    // Time on axis 1 of [2, 3]: the output is [2, 3] too, each row a running sum.
    const rows: In = [[2, 3], [1, 2, 3, 4, 5, 6]];
    expect(sum([0, 0], rows, 1, false)).toEqual([1, 3, 6, 4, 9, 15]);
    expect(sum([0, 0], rows, 1, true)).toEqual([6, 5, 3, 15, 11, 6]);
  });

  it("scans an RNN step h' = tanh(x_t W + h U + b) over a symbolic batch, like a plain loop", () => {
    const [B, T, I, Hd] = [2, 3, 2, 3];
    const cell = body([["carry", ["B", Hd]], ["x_t", ["B", I]], ["W", [I, Hd]], ["U", [Hd, Hd]], ["bias", ["B", Hd]]], (b, [h, x, W, U, bias]) =>
      b.unary("tanh", b.binary("add", b.binary("add", b.matmul(x!, W!), b.matmul(h!, U!)), bias!)),
    );
    const [h0, xs, W, U, bias] = [noise(B * Hd, 7), noise(B * T * I, 8), noise(I * Hd, 9), noise(Hd * Hd, 10), noise(B * Hd, 11)];
    const got = run(
      [[["B", Hd], h0], [["B", T, I], xs], [[I, Hd], W], [[Hd, Hd], U], [["B", Hd], bias]],
      (b, [h, x, w, u, c]) => b.scan(cell, h!, x!, [w!, u!, c!], 1),
      { B },
    );
    const want = new Array<number>(B * T * Hd);
    for (let n = 0; n < B; n++) {
      let h = h0.slice(n * Hd, (n + 1) * Hd);
      for (let t = 0; t < T; t++) {
        h = iota(Hd).map((j) => {
          let z = bias[n * Hd + j]!;
          for (let i = 0; i < I; i++) z += xs[(n * T + t) * I + i]! * W[i * Hd + j]!;
          for (let k = 0; k < Hd; k++) z += h[k]! * U[k * Hd + j]!;
          return Math.tanh(z);
        });
        h.forEach((v, j) => (want[(n * T + t) * Hd + j] = v));
      }
    }
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 14));
  });
});

describe("printing and verifying the neural-network primitives", () => {
  it("prints window geometry, and a scan's body indented beneath it", () => {
    const add = body([["carry", [2]], ["x_t", [2]]], (b, [c, x]) => b.binary("add", c!, x!));
    const b = new Builder("f");
    const x = b.arg("x", "input", ["B", 5, 5, 1]);
    b.output("pool", b.window(x, win([2, 2], [2, 2], [1, 1], [0, 1], -Infinity), [1, 0]));
    b.output("conv", b.window(x, win([3, 3], [1, 1], [2, 2], [0, 0]), [0, 0]));
    const xs = b.arg("xs", "input", [4, 2]);
    b.output("sums", b.scan(add, b.broadcast(b.const(0), [2]), xs, [], 0, true));
    expect(printFn(b.fn)).toBe(
      [
        "fn f(",
        "  x: f32[B, 5, 5, 1] input,",
        "  xs: f32[4, 2] input",
        ") {",
        "  %1: f32[B, 3, 3, 2, 2, 1] = window kernel=2x2 stride=2x2 dilation=1x1 pad=[0, 1] fill=-inf x",
        "  %2: f32[B, 1, 1, 3, 3, 1] = window kernel=3x3 stride=1x1 dilation=2x2 pad=[0, 0] x",
        "  %4: f32[] = const 0.0",
        "  %5: f32[1] = reshape %4",
        "  %6: f32[2] = broadcast %5",
        "  %7: f32[4, 2] = scan axis=0 reverse body=cell %6, xs",
        "    fn cell(",
        "      carry: f32[2] input,",
        "      x_t: f32[2] input",
        "    ) {",
        "      %2: f32[2] = add carry, x_t",
        "      return carry=%2",
        "    }",
        "  return pool=%1, conv=%2, sums=%7",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("verifies a scan's body along with the function", () => {
    const add = body([["carry", [2]], ["x_t", [2]]], (b, [c, x]) => b.binary("add", c!, x!));
    const b = new Builder("f");
    const [c, xs] = [b.arg("c", "input", [2]), b.arg("xs", "input", [3, 2])];
    b.output("y", b.scan(add, c, xs, [], 0));
    expect(() => verify(b.fn)).not.toThrow();
    // The body's add claims a shape its inputs do not give.
    const bad: Fn = { ...add, nodes: add.nodes.map((n) => (n.op === "add" ? { ...n, shape: [3] } : n)) };
    const scan = b.fn.nodes.findIndex((n) => n.op === "scan");
    b.fn.nodes[scan] = { ...b.fn.nodes[scan]!, body: bad } as (typeof b.fn.nodes)[number];
    expect(() => verify(b.fn)).toThrow(/cell: %2 \(add\) is declared f32\[3\]/);
  });
});
