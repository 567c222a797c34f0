// The fused, memory-planned generated code of both CPU targets (ts, and wasm with its products in
// WebAssembly) computes what the reference interpreter computes:
// every function (init, forward, training steps) of every sample, on random inputs, with the
// parameters and optimizer states init produces. The interpreter runs the unfused IR in float64;
// the generated code float32 buffers with float64 registers.
//
// Adam's first step, lr·g/(|g| + ε), turns float32 noise in a gradient that is 0 in exact
// arithmetic (the bias of a layer followed by BatchNorm: ~1e-8 here) into a step of a sizeable
// fraction of lr, so the shipped training steps are compared to 0.1·lr; each sample's training
// step is also compiled with `sgd(lr: 0.1)` in place of its optimizer, where the new parameters
// are linear in the gradients, and compared tightly: 2e-7, and 1e-6 on the wasm target, whose
// kernels round every op of a chain to float32 where JavaScript keeps a double (decision 0011) —
// the BatchNorm'd bias's zero gradient comes out at ~2e-6 there, 2.3e-7 after sgd's 0.1.
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile, type CompiledModel } from "../../../src/compiler.ts";
import { symbolsOf } from "../../../src/ir/dim.ts";
import { interpret } from "../../../src/ir/interpret.ts";
import type { Fn } from "../../../src/ir/ir.ts";
import { size } from "../../../src/ir/shape.ts";
import { evalDim } from "../../../src/ir/dim.ts";
import { compileFns, type TsModule } from "../../helpers/run-ts.ts";
import { wasmFlavour } from "../../../src/backend/wasm/target.ts";
import { initialValues, noise } from "../../helpers/sample-values.ts";

const DIMS = { B: 3 };
const samples = readdirSync("samples").filter((f) => f.endsWith(".dnn"));
const withSgd = (text: string) => text.replace(/import std\.optimizers\.\{\w+\}/, "import std.optimizers.{sgd}").replace(/optimizer\s*=\s*[^\n]+/g, "optimizer = sgd(lr: 0.1)");
const models: [string, CompiledModel, number][] = samples.flatMap((file) => {
  const text = readFileSync(`samples/${file}`, "utf8");
  const base = file.replace(/\.dnn$/, "");
  return [
    ...compile(`samples/${file}`).models.map((m): [string, CompiledModel, number] => [`${base}_${m.name}`, m, 1e-4]),
    ...compile(`samples/${file}`, withSgd(text)).models.map((m): [string, CompiledModel, number] => [`${base}_${m.name}_sgd`, m, 2e-7]),
  ];
});
/** Every training step of a model: the default program's and each named one's (`train M.name`). */
const trainSteps = (m: CompiledModel) => [...(m.train ? [m.train.fn] : []), ...(m.programs ?? []).map((p) => p.train.fn)];
const functionsOf = (m: CompiledModel, name: string) => (name.endsWith("_sgd") ? trainSteps(m) : [m.init, m.forward, ...trainSteps(m)]);

function argsFor(fn: Fn, m: CompiledModel): number[][] {
  const initByName = initialValues(m);
  return fn.args.map((a, i) => {
    if (a.role === "seed") return [5];
    if (a.role === "step") return [1];
    if (a.role === "param" || a.role === "state") return initByName.get(a.name)!;
    const n = evalDim(size(a.shape), DIMS)!;
    return a.dtype === "i32" ? Array.from({ length: n }, (_, j) => (j * 7 + i) % 2) : noise(n, i + 1);
  });
}

// Both CPU targets: the TypeScript one, and the WebAssembly one (its products in float32 SIMD).
const mods = new Map<string, TsModule>();
beforeAll(async () => {
  const fns: Record<string, Fn> = {};
  for (const [name, m] of models) for (const fn of functionsOf(m, name)) fns[`${name}_${fn.name}`] = fn;
  mods.set("ts", await compileFns(fns));
  mods.set("wasm", await compileFns(fns, wasmFlavour()));
}, 240_000);
afterAll(() => mods.forEach((m) => m.cleanup()));

describe.each(["ts", "wasm"])("generated code = reference interpreter, on every sample (%s target)", (target) => {
  let mod: TsModule;
  beforeAll(() => void (mod = mods.get(target)!));

  it("the module of every sample's functions passes tsc --strict alone", () => {
    expect(mod.tsc.output).toBe("");
  });

  it.each(models.flatMap(([name, m, atol]) => functionsOf(m, name).map((fn): [string, Fn, CompiledModel, number] => [`${name}.${fn.name}`, fn, m, !fn.name.startsWith("train_step") ? 2e-7 : target === "wasm" && atol === 2e-7 ? 1e-6 : atol])))(
    "%s",
    (name, fn, m, atol) => {
      const args = argsFor(fn, m);
      const dims = Object.fromEntries([...new Set(fn.args.flatMap((a) => a.shape.flatMap((d) => symbolsOf(d))))].map((x) => [x, DIMS[x as "B"]]));
      const want = interpret(fn, args.map((a) => Float64Array.from(a)), dims);
      const got = mod.run(name.replace(".", "_"), args, dims);
      fn.outputs.forEach((o, k) => {
        const w = want[k]!;
        const g = got[k]!;
        expect(g.length, `${o.name}: length`).toBe(w.length);
        const scale = w.reduce((acc, v) => Math.max(acc, Math.abs(v)), 0);
        // float32 storage against float64, relative to the output's largest entry (NaN fails).
        const i = w.findIndex((v, j) => !(Math.abs(g[j]! - v) <= atol + 2e-4 * scale));
        if (i >= 0) expect.fail(`${name} ${o.name}[${i}] = ${g[i]}, interpreter ${w[i]} (|diff| ${Math.abs(g[i]! - w[i]!)}, largest ${scale})`);
      });
    },
    60_000,
  );
});
