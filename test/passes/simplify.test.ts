// The simplification passes: golden before/after IR for each rewrite, and proof that the whole
// pipeline preserves meaning — every sample's training step computes the same values, in the
// float64 reference interpreter, before and after.
import { describe, expect, it } from "vitest";
import { Builder, type Fn } from "../../src/ir/ir.ts";
import { printFn } from "../../src/ir/print.ts";
import { verify } from "../../src/ir/verify.ts";
import { interpret } from "../../src/ir/interpret.ts";
import { evalDim } from "../../src/ir/dim.ts";
import { foldConstants } from "../../src/passes/fold.ts";
import { eliminateCommonSubexpressions } from "../../src/passes/cse.ts";
import { eliminateDeadCode } from "../../src/passes/dce.ts";
import { compile } from "../../src/compiler.ts";
import { expectGolden } from "../golden/goldens.ts";

function beforeAfter(name: string, fn: Fn, pass: (f: Fn) => Fn): Fn {
  const out = eliminateDeadCode(pass(fn));
  verify(out);
  expectGolden(`test/golden/passes/${name}.txt`, `// before\n${printFn(fn)}\n// after\n${printFn(out)}`);
  return out;
}

describe("constant folding and exact algebraic rewrites", () => {
  it("folds constants and removes x + 0, x * 1, x / 1, −(−x), a select on a constant, reshape and permute chains", () => {
    const b = new Builder("f");
    const x = b.arg("x", "input", [2, 3]);
    const c = (v: number) => b.broadcast(b.const(v), [2, 3]);
    const zero = b.binary("sub", c(6), b.binary("mul", c(2), c(3))); // 6 − 2·3 = 0
    const y1 = b.binary("add", x, zero);
    const y2 = b.binary("div", b.binary("mul", y1, c(1)), c(1));
    const y3 = b.unary("neg", b.unary("neg", y2));
    const y4 = b.select(b.binary("cmplt", c(0), c(1)), y3, c(7));
    const y5 = b.reshape(b.reshape(y4, [6]), [3, 2]);
    const y6 = b.permute(b.permute(b.reshape(y5, [2, 3]), [1, 0]), [1, 0]);
    b.output("y", y6);
    b.output("e", b.unary("exp", b.broadcast(b.const(0), [2])));
    const out = beforeAfter("fold", b.fn, foldConstants);
    // y is x itself; e is the constant 1.
    expect(out.outputs[0]!.id).toBe(0);
    expect(interpret(out, [Float64Array.from([1, 2, 3, 4, 5, 6])])[1]).toEqual(Float64Array.from([1, 1]));
  });

  it("keeps x * 0 (not 0 when x is infinite) and x − 0 − … only where exact", () => {
    const b = new Builder("g");
    const x = b.arg("x", "input", [2]);
    b.output("y", b.binary("mul", x, b.broadcast(b.const(0), [2])));
    const out = foldConstants(b.fn);
    expect(interpret(out, [Float64Array.from([Infinity, 1])])[0]![0]).toBeNaN();
  });
});

describe("common-subexpression elimination", () => {
  it("merges equal nodes, and never constants that differ only as −0, NaN or ±∞", () => {
    const b = new Builder("h");
    const x = b.arg("x", "input", [3]);
    const a1 = b.unary("exp", x);
    const a2 = b.unary("exp", x);
    b.output("sum", b.binary("add", a1, a2));
    b.output("zeros", b.binary("add", b.broadcast(b.const(0), [3]), b.broadcast(b.const(-0), [3])));
    b.output("infs", b.binary("add", b.broadcast(b.const(Infinity), [3]), b.broadcast(b.const(-Infinity), [3])));
    const out = beforeAfter("cse", b.fn, eliminateCommonSubexpressions);
    expect(out.nodes.filter((n) => n.op === "exp")).toHaveLength(1);
    expect(out.nodes.filter((n) => n.op === "const")).toHaveLength(4);
  });
});

describe("the pipeline preserves what every training step computes", () => {
  it.each(["mlp_digits.dnn", "backprop_221.dnn", "lstm_mnist.dnn"])("%s", (file) => {
    const raw = compile(`samples/${file}`, undefined, undefined, "none");
    const done = compile(`samples/${file}`);
    for (const [i, m] of raw.models.entries()) {
      const before = m.train!.fn;
      const after = done.models[i]!.train!.fn;
      expect(after.nodes.length).toBeLessThan(before.nodes.length);
      const dims = { B: 2 };
      const args = before.args.map((a, k) => {
        const n = a.shape.reduce<number>((p, d) => p * evalDim(d, dims)!, 1);
        // Optimizer states positive (Adam's v is a running mean of squares), labels valid.
        return Float64Array.from({ length: n }, (_, j) =>
          a.role === "target" && a.dtype === "i32" ? j % 2 : a.role === "step" ? 3 : a.role === "state" ? 0.01 + 0.01 * Math.abs(Math.sin(j)) : 0.1 * Math.sin(k * 13 + j),
        );
      });
      const want = interpret(before, args, dims);
      const got = interpret(after, args, dims);
      got.forEach((o, k) => {
        let worst = 0;
        o.forEach((v, j) => (worst = Math.max(worst, Number.isFinite(v) ? Math.abs(v - want[k]![j]!) : Infinity)));
        expect(worst, `${m.name} output ${before.outputs[k]!.name}`).toBeLessThan(1e-12);
      });
    }
  }, 60_000);
});
