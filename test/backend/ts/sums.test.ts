// Sums whose reduced loops run outside a kept one — BatchNorm's batch mean and variance over
// B·H·W rows of channels, a bias's gradient over the batch — against the reference interpreter:
// the TypeScript loop folds them into float64 sums rounded once (runtime/cpu/memory.ts's
// zeroedSums), so each output is the exact sum's float32 to within one rounding. Folded into the
// float32 output element by element, as it once was, a sum of 2^17 values near 1 drifts by about
// 1e-5 of itself — which, in ResNetSmall's training step, moved a ReLU input 6e-7 above zero
// below it, and with it that element's gradient (docs/scale-out.md). A maximum stays exact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Builder, type Fn } from "../../../src/ir/ir.ts";
import { interpret } from "../../../src/ir/interpret.ts";
import { verify } from "../../../src/ir/verify.ts";
import { compileFns, type TsModule } from "../../helpers/run-ts.ts";

function fn(name: string, args: Record<string, (string | number)[]>, body: (b: Builder, a: number[]) => number): Fn {
  const b = new Builder(name);
  const ids = Object.entries(args).map(([n, shape]) => b.arg(n, "input", shape));
  b.output("y", body(b, ids));
  verify(b.fn);
  return b.fn;
}

const CASES: Record<string, { fn: Fn; args: (B: number) => number[][] }> = {
  // A batch mean's sum: rows of 4 channels, the batch axis outermost.
  rows: { fn: fn("rows", { x: ["B", 4] }, (b, [x]) => b.reduce("sum", x!, [0])), args: (B) => [near1(4 * B, 1)] },
  // A batch variance's sum: squared deviations from a per-channel mean, the square computed in the loop.
  variance: {
    fn: fn("variance", { x: ["B", 4], m: [4] }, (b, [x, m]) => {
      const d = b.binary("sub", x!, b.broadcast(m!, ["B", 4]));
      return b.reduce("sum", b.binary("mul", d, d), [0]);
    }),
    args: (B) => [near1(4 * B, 2).map((v) => Math.fround(3 * v)), [2.5, 3, 3.5, 2.75]],
  },
  // A reduced axis between two kept ones (global average pooling's sum over H·W, channels innermost).
  middle: { fn: fn("middle", { x: [2, "B", 3] }, (b, [x]) => b.reduce("sum", x!, [1])), args: (B) => [near1(6 * B, 3)] },
};

const MAX = fn("max", { x: ["B", 3] }, (b, [x]) => b.reduce("reduce_max", x!, [0]));

/** `n` float32 values in [0.99, 1.01]: a sum that grows far past each term, as a batch statistic's does. */
const near1 = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.fround(1 + 0.01 * Math.sin(i * 12.9898 + seed * 78.233)));

describe("sums over outer loops in the TypeScript target", () => {
  let mod: TsModule;
  beforeAll(async () => {
    mod = await compileFns({ ...Object.fromEntries(Object.entries(CASES).map(([k, c]) => [k, c.fn])), max: MAX });
  }, 180_000);
  afterAll(() => mod?.cleanup());

  it("emits a module that passes tsc --strict alone", () => expect(mod.tsc.output).toBe(""));

  it.each(Object.keys(CASES))("%s: the float64 sum rounded once to float32, over 2^17 rows", (name) => {
    const c = CASES[name]!;
    const B = 1 << 17;
    const args = c.args(B);
    const [want] = interpret(c.fn, args.map((a) => Float64Array.from(a)), { B });
    const [got] = mod.run(name, args, { B });
    expect(got!.length).toBe(want!.length);
    for (let i = 0; i < want!.length; i++) {
      // One rounding of a float64 sum (itself within 1e-12 of the exact one): at most half an ulp, and a little.
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(want![i]!))) - 23);
      expect(Math.abs(got![i]! - want![i]!), `${name}[${i}]: ${got![i]} vs ${want![i]}`).toBeLessThanOrEqual(0.501 * ulp);
    }
  });

  it("the same at small and empty batches, and a maximum over the batch exact", () => {
    for (const B of [0, 1, 5]) {
      const x = near1(4 * B, 4);
      expect(Array.from(mod.run("rows", [x], { B })[0]!)).toEqual(Array.from(interpret(CASES.rows!.fn, [Float64Array.from(x)], { B })[0]!, Math.fround));
      const y = near1(3 * B, 5);
      expect(Array.from(mod.run("max", [y], { B })[0]!)).toEqual(Array.from(interpret(MAX, [Float64Array.from(y)], { B })[0]!, Math.fround));
    }
  });
});
