// The built-ins added for issue 20 (sin, cos, range, argmax/argmin, tril/triu, equal/not_equal,
// where over i32 values, i32 arithmetic with whole numbers, reversed slices), compiled from
// .dnn source: the reference interpreter gives the values written out here by hand (NumPy's
// meaning), and the generated code of both CPU targets (ts, wasm) gives the interpreter's.
// A training step through sin, cos, tril and a reversed slice checks their gradients run as
// generated code too (their finite-difference checks are in test/autodiff/grad.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../../src/compiler.ts";
import { interpret } from "../../../src/ir/interpret.ts";
import type { Fn } from "../../../src/ir/ir.ts";
import { wasmFlavour } from "../../../src/backend/wasm/target.ts";
import { compileFns, type TsModule } from "../../helpers/run-ts.ts";
import { argsFor, DIMS, M, model, SOURCE, X, Y } from "../../helpers/builtins-model.ts";
import { compile as compileModule } from "../../../src/api.ts";

const run = (fn: Fn) => interpret(fn, argsFor(fn).map((a) => Float64Array.from(a)), DIMS);
const outputs = (fn: Fn) => Object.fromEntries(run(fn).map((v, i) => [fn.outputs[i]!.name, Array.from(v)]));

describe("the new built-ins mean what NumPy's do (reference interpreter)", () => {
  const out = outputs(model.forward);
  const close = (got: number[], want: number[]) => got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 12));

  it("sin and cos", () => close(out.waves!, X.map((v) => Math.sin(v) + Math.cos(2 * v))));
  it("argmax and argmin: the first extreme along the axis, as i32", () => {
    expect(out.ids).toEqual([2, 0, 1, /* ties: the first */ 0, 0, 2, 0, 0]);
    expect(out.lows).toEqual([1, 2, 0, 1, 0, 1, 1, 0]);
  });
  it("range over a symbolic size, and with a start and a step", () => {
    expect(out.pos).toEqual([0, 0.5, 1, 1.5]);
    expect(out.odd).toEqual([1, 3, 5]);
  });
  it("i32 arithmetic with whole numbers", () => expect(out.shifted).toEqual([0, 5]));
  it("tril and triu over the last two axes", () => {
    expect(out.lower).toEqual([1, 0, 0, 4, 5, 0, 7, 8, 9, -1, 0, 0, -4, -5, 0, -7, -8, -9]);
    expect(out.upper).toEqual([0, 2, 3, 0, 0, 6, 0, 0, 0, 0, -2, -3, 0, 0, -6, 0, 0, 0]);
  });
  it("equal, not_equal, and where choosing between i32 values by an f32 condition", () => {
    expect(out.same).toEqual(X.map((v) => (v === 0 ? 5 : v !== 1 ? 1 : 0)));
    expect(out.picked).toEqual([0, 1]);
  });
  it("a reversed slice reverses its axes", () => {
    const want: number[] = [];
    for (let b = 0; b < 2; b++) for (let t = 3; t >= 0; t--) for (let c = 2; c >= 0; c--) want.push(X[b * 12 + t * 3 + c]!);
    expect(out.flipped).toEqual(want);
  });
});

describe("a loss computed from argmax is refused (DNN0414)", () => {
  it("names argmax and points at the loss", () => {
    const text = SOURCE.replace("loss = mse(fit, t)", "loss = mean(float(argmax(fit)) - t[:, 0])");
    const c = compile("builtins.dnn", text);
    expect(c.diagnostics.map((d) => d.code)).toEqual(["DNN0414"]);
    expect(c.diagnostics[0]!.message).toContain("`argmax`");
  });
  it("but argmax beside the loss, as an output, is fine", () => {
    expect(compile("builtins.dnn", SOURCE).diagnostics).toEqual([]);
  });
});

const functions = [model.forward, model.train!.fn];
const mods = new Map<string, TsModule>();
beforeAll(async () => {
  const fns = Object.fromEntries(functions.map((fn) => [fn.name, fn]));
  mods.set("ts", await compileFns(fns));
  mods.set("wasm", await compileFns(fns, wasmFlavour()));
}, 120_000);
afterAll(() => mods.forEach((m) => m.cleanup()));

describe.each(["ts", "wasm"])("generated code = reference interpreter on the new built-ins (%s target)", (target) => {
  it("the module passes tsc --strict alone", () => expect(mods.get(target)!.tsc.output).toBe(""));
  it.each(functions.map((fn): [string, Fn] => [fn.name, fn]))("%s", (name, fn) => {
    const want = run(fn);
    const got = mods.get(target)!.run(name, argsFor(fn), DIMS);
    fn.outputs.forEach((o, k) => {
      const w = want[k]!;
      const g = got[k]!;
      expect(g.length, o.name).toBe(w.length);
      const i = w.findIndex((v, j) => !(Math.abs(g[j]! - v) <= 2e-6 * (1 + Math.abs(v))));
      if (i >= 0) expect.fail(`${name} ${o.name}[${i}] = ${g[i]}, interpreter ${w[i]}`);
    });
  });
});

describe("the generated class gives i32 outputs as the Int32Array its type says", () => {
  it.each(["ts", "wasm"] as const)("%s target: forward's argmax and argmin are Int32Array, the f32 outputs Float32Array", async (target) => {
    const r = await compileModule({ path: "builtins.dnn", text: SOURCE, target, emit: "js" });
    expect(r.ok).toBe(true);
    expect(r.files[1]!.contents).toMatch(/"ids": Int32Array;/);
    const { Builtins } = (await import(`data:text/javascript,${encodeURIComponent(r.files[0]!.contents)}`)) as { Builtins: { create(): { forward(inputs: object): Record<string, Float32Array | Int32Array> } } };
    const out = Builtins.create().forward({ x: Float32Array.from(X), m: Float32Array.from(M), y: Int32Array.from(Y) });
    const want = outputs(model.forward);
    for (const name of ["ids", "lows", "odd", "shifted", "picked"]) {
      expect(out[name], name).toBeInstanceOf(Int32Array);
      expect(Array.from(out[name]!), name).toEqual(want[name]);
    }
    expect(out["waves"]).toBeInstanceOf(Float32Array);
  });
});
