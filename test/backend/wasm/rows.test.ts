// Reductions whose reduced axes are all inside the kept ones (a softmax's row max and sum, a mean
// over features, layer-norm statistics) in WebAssembly (backend/wasm/elementwise.ts's rows)
// against the TypeScript loop, which sums each row in a double local: rows of every length the
// vector tails reach (1, 2, 3, 4, 5, 7, 8, 17, 33, and a symbolic one), symbolic batch sizes, a
// prologue (stored too), two reduced loop levels, a reduction to one element, NaN and ±∞ inputs.
// Maxima are the TypeScript loop's bit for bit, a zero's sign included. Sums add the same float32
// values in f64 in another order (by lanes), so they are its values bit for bit or, where the two
// doubles round to float32 on either side of a boundary, 1 ulp apart: counted, and rare. A
// prologue that is a chain of ops rounds each op to float32 where the loop keeps a double (as every
// elementwise kernel does): close, not equal, there.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Builder, type Fn } from "../../../src/ir/ir.ts";
import type { Shape } from "../../../src/ir/shape.ts";
import { verify } from "../../../src/ir/verify.ts";
import { wasmFlavour, wasmKernelsBinary } from "../../../src/backend/wasm/target.ts";
import { wasmApi } from "../../helpers/wasm.ts";
import { compileFns, type TsModule } from "../../helpers/run-ts.ts";

/** `exact`: every folded value is a read or one exact op of reads (neg, abs, ReLU, max, select), the loop's value too. */
function fn(name: string, args: Record<string, Shape>, body: (b: Builder, a: number[]) => Record<string, number>, exact = true): Fn & { exact: boolean } {
  const b = new Builder(name);
  const ids = Object.entries(args).map(([n, shape]) => b.arg(n, "input", shape));
  for (const [out, id] of Object.entries(body(b, ids))) b.output(out, id);
  verify(b.fn);
  return Object.assign(b.fn, { exact });
}

const LENGTHS = [1, 2, 3, 4, 5, 7, 8, 17, 33];
const FNS: Record<string, Fn & { exact: boolean }> = {
  ...Object.fromEntries(LENGTHS.map((n) => [`plain${n}`, fn(`plain${n}`, { x: ["B", n] }, (b, [x]) => ({ s: b.reduce("sum", x!, [1]), m: b.reduce("reduce_max", x!, [1]) }))])),
  // A row of symbolic length: the vector part and the tail both from a parameter.
  symbolic: fn("symbolic", { x: ["B", "N"] }, (b, [x]) => ({ s: b.reduce("sum", x!, [1]), m: b.reduce("reduce_max", x!, [1]) })),
  // Layer-norm's statistics behind a prologue: a per-feature weight (stride 1 along the row, 0 along
  // the batch), a per-row value subtracted (a splat), squared; the centred values stored too.
  prologue: fn("prologue", { x: ["B", 3, 7], w: [7], mu: ["B", 3, 1] }, (b, [x, w, mu]) => {
    const shape = ["B", 3, 7];
    const centred = b.binary("sub", b.binary("mul", x!, b.broadcast(w!, shape)), b.broadcast(mu!, shape));
    return { centred, s: b.reduce("sum", b.binary("pow", centred, b.broadcast(b.const(2), shape)), [2]), m: b.reduce("reduce_max", b.unary("abs", centred), [2]) };
  }, false),
  // Two reduced axes that do not merge (a bound broadcast along the last): two reduced loop levels.
  twoLevels: fn("twoLevels", { x: ["B", 3, 5], w: [3, 1] }, (b, [x, w]) => {
    const y = b.binary("max", x!, b.broadcast(w!, ["B", 3, 5]));
    return { s: b.reduce("sum", y, [1, 2]), m: b.reduce("reduce_max", y, [1, 2]) };
  }),
  // Everything reduced to one element: the loop the threads would split is the row itself; the
  // non-finite step guard's count of the values that are not finite.
  whole: fn("whole", { x: ["B", 6] }, (b, [x]) => ({ s: b.reduce("sum", b.unary("neg", x!), [0, 1]), m: b.reduce("reduce_max", x!, [0, 1]), n: b.reduce("sum", b.unary("nonfinite", x!), [0, 1]) })),
  // A maximum of zeros of both signs behind a prologue that keeps them: the first zero's sign, as the loop keeps it.
  zeros: fn("zeros", { x: ["B", 9] }, (b, [x]) => ({ m: b.reduce("reduce_max", b.binary("max", x!, b.broadcast(b.const(-5), ["B", 9])), [1]) })),
};

/** Realistic values: activations of either sign and many magnitudes, every one a float32. */
const realistic = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 12.9898 + seed * 78.233) * 43758.5453 % 1 * Math.exp((i % 11) - 5)));
/** NaN, ±∞ and ±0 among them. */
const SPECIAL = [NaN, Infinity, -Infinity, 0, -0];
const special = (n: number, seed: number) => realistic(n, seed).map((v, i) => ((i * 7 + seed) % 13 === 0 ? SPECIAL[(i + seed) % SPECIAL.length]! : v));
/** Zeros of both signs and negative values only. */
const zeros = (n: number, seed: number) => Array.from({ length: n }, (_, i) => [0, -0, -1, -2][(i * 5 + seed) % 4]!);

describe("row reductions in WebAssembly", () => {
  let ts: TsModule;
  let wasm: TsModule;
  const flavour = wasmFlavour();
  beforeAll(async () => {
    ts = await compileFns(FNS);
    wasm = await compileFns(FNS, flavour);
  }, 180_000);
  afterAll(() => (ts?.cleanup(), wasm?.cleanup()));

  const kernels = (name: string) => wasm.text.split(/\n(?=\/\/ \w+ kernel)/).filter((k) => k.includes(`function fn_${name}_`)).join("\n");

  it("runs every row reduction in WebAssembly, no TypeScript loop left; the module passes tsc --strict and its binary validates", () => {
    expect(wasm.tsc.output).toBe("");
    expect(flavour.elementwise.length).toBeGreaterThan(Object.keys(FNS).length);
    expect(wasmApi.validate(wasmKernelsBinary(flavour.epilogues, flavour.elementwise))).toBe(true);
    for (const name of Object.keys(FNS)) {
      expect(kernels(name), name).toContain("wasmKernels.elementwise(");
      expect(kernels(name), name).not.toMatch(/let acc =|for \(let c0/);
    }
  });

  /** 1-ulp differences over the sums of `name`: [differing, sums]. */
  const compare = (name: string, values: (n: number, seed: number) => number[], dims: Record<string, number>): [number, number] => {
    const size = (shape: Shape) => shape.reduce<number>((n, d) => n * (typeof d === "number" ? d : dims[d]!), 1);
    const { exact } = FNS[name]!;
    // A chain's values near 1, so that its float32 roundings stay far below the tolerance.
    const args = FNS[name]!.args.map((a, i) => values(size(a.shape), i + 3 * dims.B!).map((v) => (exact ? v : Math.fround(v / 148))));
    const want = ts.run(name, args, dims);
    const got = wasm.run(name, args, dims);
    const outputs = FNS[name]!.outputs.map((o) => o.name);
    let differing = 0;
    let compared = 0;
    want.forEach((w, k) => {
      const g = got[k]!;
      expect(g.length).toBe(w.length);
      for (let i = 0; i < w.length; i++) {
        const [x, y] = [g[i]!, w[i]!];
        if (outputs[k] === "s") compared++;
        if (Object.is(x, y) || (x !== x && y !== y)) continue;
        if (!exact && Math.abs(x - y) <= 1e-5 * Math.max(1, Math.abs(y))) continue;
        const ulp = Math.abs(y) * 2 ** -23;
        if (outputs[k] === "s" && Number.isFinite(y) && Math.abs(x - y) <= ulp && ulp > 0) differing++;
        else expect.fail(`${name} ${JSON.stringify(dims)} ${outputs[k]}[${i}]: wasm ${x}, ts ${y}`);
      }
    });
    return [differing, compared];
  };

  it.each(Object.keys(FNS))("%s: the TypeScript loop's values (sums within 1 ulp), at every batch size, with NaN and ±∞", (name) => {
    for (const B of [0, 1, 3, 8])
      for (const values of [realistic, special, zeros]) for (const N of name === "symbolic" ? [0, 1, 6, 13] : [1]) compare(name, values, { B, N });
  });

  it("sums on realistic data: bit for bit but for a rare 1-ulp difference", () => {
    let differing = 0;
    let compared = 0;
    for (const name of [...LENGTHS.map((n) => `plain${n}`), "twoLevels", "whole"])
      for (const B of [1000, 4099]) {
        const [d, c] = compare(name, realistic, { B });
        differing += d;
        compared += c;
      }
    console.log(`row sums: ${differing} of ${compared} values 1 ulp from the TypeScript loop's`);
    expect(compared).toBeGreaterThan(50_000);
    expect(differing / compared).toBeLessThan(1e-3);
  });
});
