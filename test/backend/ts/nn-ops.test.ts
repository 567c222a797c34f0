// The generated TypeScript agrees with the reference interpreter on every neural-network
// primitive — forward, and through its VJP (so the backward graphs' unwindow, scatter_add and
// reverse scans run as generated code too). All functions go into one module, which must pass
// `tsc --strict` on its own. Inputs are rounded to float32 first, so the two differ only by
// float32 arithmetic.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Builder, type DType, type Fn, type Window } from "../../../src/ir/ir.ts";
import type { Shape } from "../../../src/ir/shape.ts";
import { interpret } from "../../../src/ir/interpret.ts";
import { verify } from "../../../src/ir/verify.ts";
import { grad } from "../../../src/autodiff/grad.ts";
import { compileFns, type TsModule } from "../../helpers/run-ts.ts";

interface Case {
  fn: Fn;
  args: number[][];
  dims?: Record<string, number>;
  /** |ts − reference| ≤ atol + rtol·|reference|. */
  rtol?: number;
  atol?: number;
}

type In = [Shape, number[], DType?];

/** Deterministic values in (−1, 1), float32-exact. */
const noise = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(12.9898 * (i + 1) + 78.233 * seed)));
const numel = (s: Shape, dims: Record<string, number>) => s.reduce<number>((p, d) => p * (typeof d === "number" ? d : dims[d]!), 1);
const win = (kernel: [number, number], stride: [number, number], dilation: [number, number], padBefore: [number, number], fill = 0): Window => ({ kernel, stride, dilation, padBefore, fill });

/**
 * fn(inputs) = y; with `withGrad`, also the gradient of Σ y² wrt every f32 input (a loss that
 * needs no literal, so it works over a symbolic batch too).
 */
function build(name: string, inputs: In[], f: (b: Builder, xs: number[]) => number, withGrad: boolean, dims: Record<string, number> = {}): Case {
  const b = new Builder(name);
  const xs = inputs.map(([s, , t], i) => b.arg(`x${i}`, t === "i32" ? "target" : "input", s, t ?? "f32"));
  const y = f(b, xs);
  b.output("y", y);
  if (withGrad) {
    const shape = b.node(y).shape;
    const loss = b.reduce("sum", b.binary("mul", y, y), [...shape.keys()]);
    const wrt = xs.filter((_, i) => inputs[i]![2] !== "i32");
    grad(b, loss, wrt).forEach((g, i) => b.output(`d${i}`, g));
  }
  verify(b.fn);
  return { fn: b.fn, args: inputs.map(([, d]) => d.map(Math.fround)), dims };
}

function body(name: string, args: [string, Shape, DType?][], f: (b: Builder, xs: number[]) => number): Fn {
  const b = new Builder(name);
  const xs = args.map(([n, s, t]) => b.arg(n, "input", s, t ?? "f32"));
  b.output("carry", f(b, xs));
  return b.fn;
}

const conv = win([2, 3], [2, 1], [2, 1], [1, 2]);
const pool = win([2, 2], [2, 2], [1, 1], [0, 0], -Infinity);
const rnn = body("rnn_cell", [["carry", ["B", 3]], ["x_t", ["B", 2]], ["W", [2, 3]], ["U", [3, 3]]], (b, [c, x, W, U]) => b.unary("tanh", b.binary("add", b.matmul(x!, W!), b.matmul(c!, U!))));
const addSq = body("add_sq", [["carry", [3]], ["x_t", [3]]], (b, [c, x]) => b.binary("add", b.binary("mul", c!, x!), b.binary("mul", x!, x!)));
const embed = body("embed_cell", [["carry", ["B", 3]], ["x_t", ["B"], "i32"], ["E", [5, 3]]], (b, [c, x, E]) => b.unary("tanh", b.binary("add", c!, b.gather(E!, x!))));
const inner = body("inner", [["carry", [2]], ["x_t", [2]], ["w", [2]]], (b, [c, x, w]) => b.unary("tanh", b.binary("add", b.binary("mul", c!, w!), x!)));
const outer = body("outer", [["carry", [2]], ["x_t", [3]], ["w", [2]]], (b, [c, x, w]) =>
  b.reshape(b.slice(b.scan(inner, c!, b.broadcast(b.reshape(x!, [3, 1]), [3, 2]), [w!], 0), [2, 0], [1, 2]), [2]),
);
const ERF_POINTS = Array.from({ length: 81 }, (_, i) => (i - 40) / 10);

const CASES: Record<string, Case> = {
  erf: { ...build("erf", [[[81], ERF_POINTS]], (b, [x]) => b.unary("erf", x!), false), atol: 3e-7, rtol: 0 },
  erf_grad: build("erf_grad", [[[81], ERF_POINTS]], (b, [x]) => b.unary("erf", x!), true),
  conv: build("conv", [[[2, 7, 6, 3], noise(252, 1)], [[18, 4], noise(72, 2)]], (b, [x, k]) => {
    const v = b.window(x!, conv, [0, 1]);
    const [N, OH, OW] = b.node(v).shape as number[];
    return b.matmul(b.reshape(v, [N! * OH! * OW!, 18]), k!);
  }, true),
  max_pool: build("max_pool", [[[1, 5, 5, 2], noise(50, 3)]], (b, [x]) => b.reduce("reduce_max", b.window(x!, pool, [1, 1]), [3, 4]), true),
  cropped_window: build("cropped_window", [[[1, 7, 6, 1], noise(42, 4)]], (b, [x]) => b.window(x!, win([2, 2], [2, 2], [1, 1], [0, 0]), [-2, -1]), true),
  unwindow: build("unwindow", [[[2, 3, 6, 2, 3, 3], noise(648, 5)]], (b, [x]) => b.unwindow(x!, conv, [2, 7, 6, 3]), true),
  gather: build("gather", [[[4, 3], noise(12, 6)], [[2, 3], [0, 3, -1, 4, 2, 2], "i32"]], (b, [t, i]) => b.gather(t!, i!), true),
  scatter_add: build("scatter_add", [[[2, 3, 2], noise(12, 7)], [[2, 3], [0, 3, -1, 4, 2, 2], "i32"]], (b, [u, i]) => b.scatterAdd(u!, i!, 4), true),
  rnn: build("rnn", [[["B", 3], noise(9, 8)], [["B", 4, 2], noise(24, 9)], [[2, 3], noise(6, 10)], [[3, 3], noise(9, 11)]], (b, [c, x, W, U]) => b.scan(rnn, c!, x!, [W!, U!], 1), true, { B: 3 }),
  rnn_reverse: build("rnn_reverse", [[["B", 3], noise(9, 12)], [["B", 4, 2], noise(24, 13)], [[2, 3], noise(6, 14)], [[3, 3], noise(9, 15)]], (b, [c, x, W, U]) => b.scan(rnn, c!, x!, [W!, U!], 1, true), true, { B: 3 }),
  scan_axis0: build("scan_axis0", [[[3], noise(3, 16)], [[5, 3], noise(15, 17)]], (b, [c, x]) => b.scan(addSq, c!, x!, [], 0), true),
  scan_embedding: build("scan_embedding", [[["B", 3], noise(6, 18)], [["B", 4], [0, 4, -1, 2, 3, 3, 1, 5], "i32"], [[5, 3], noise(15, 19)]], (b, [c, x, E]) => b.scan(embed, c!, x!, [E!], 1), true, { B: 2 }),
  scan_nested: build("scan_nested", [[[2], noise(2, 20)], [[3, 3], noise(9, 21)], [[2], noise(2, 22)]], (b, [c, x, w]) => b.scan(outer, c!, x!, [w!], 0, true), true),
};

describe("generated TypeScript agrees with the interpreter on the neural-network primitives", () => {
  let mod: TsModule;
  beforeAll(async () => {
    mod = await compileFns(Object.fromEntries(Object.entries(CASES).map(([k, c]) => [k, c.fn])));
  }, 120_000);
  afterAll(() => mod?.cleanup());

  it("emits a module that passes tsc --strict alone", () => {
    expect(mod.tsc.output).toBe("");
    expect(mod.tsc.status).toBe(0);
  });

  it("emits a scan body as a function that takes the batch size", () => {
    // Every name from the program is an identifier of backend/names.ts: the size B is u_B, argument W u_W_input.
    expect(mod.text).toMatch(/function fn_rnn_impl_scan\d+\(ws: Workspace, u_B: number, u_carry_input: Float32Array, u_x__t_input: Float32Array, u_W_input: Float32Array, u_U_input: Float32Array\)/);
  });

  it.each(Object.keys(CASES))("%s", (name) => {
    const c = CASES[name]!;
    const dims = c.dims ?? {};
    c.fn.args.forEach((a, i) => expect(c.args[i]!.length, `${name}: argument ${a.name}`).toBe(numel(a.shape, dims)));
    const want = interpret(c.fn, c.args.map((a) => Float64Array.from(a)), dims);
    const got = mod.run(name, c.args, dims);
    const [rtol, atol] = [c.rtol ?? 1e-4, c.atol ?? 1e-5];
    expect(got.length).toBe(want.length);
    want.forEach((w, k) => {
      const out = c.fn.outputs[k]!.name;
      expect(got[k]!.length, `${name}.${out}: length`).toBe(w.length);
      // Some output must carry signal, or agreement would prove nothing.
      expect(w.some((v) => v !== 0), `${name}.${out} is all zeros`).toBe(true);
      w.forEach((v, i) => {
        const g = got[k]![i]!;
        const ok = g === v || Math.abs(g - v) <= atol + rtol * Math.abs(v);
        expect(ok, `${name}.${out}[${i}]: generated ${g}, interpreter ${v}`).toBe(true);
      });
    });
  });
});
