// The IR of every sample (init, forward and the training steps, after all simplification passes)
// and the generated module of the smallest one, pinned as text: a change to elaboration,
// autodiff or a pass shows up here as a readable diff.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { printFn } from "../../src/ir/print.ts";
import { emitModule } from "../helpers/targets.ts";
import { expectGolden } from "./goldens.ts";
import { printModule } from "../../src/backend/wasm/print.ts";
import { gemmFuncs } from "../../src/backend/wasm/gemm.ts";

const samples = readdirSync("samples").filter((f) => f.endsWith(".dnn"));

describe("IR of each sample", () => {
  it("covers every sample", () => expect(samples.length).toBeGreaterThanOrEqual(7));

  it.each(samples)("%s", (file) => {
    const c = compile(`samples/${file}`);
    expect(c.diagnostics).toEqual([]);
    const text = c.models.flatMap((m) => [m.init, m.forward, ...(m.train ? [m.train.fn] : []), ...(m.programs ?? []).map((p) => p.train.fn)].map((fn) => `// ${m.name}\n${printFn(fn)}`)).join("\n");
    expectGolden(`test/golden/ir/${file.replace(/\.dnn$/, ".ir")}`, text);
  });
});

it("generated TypeScript for backprop_221", () => {
  const c = compile("samples/backprop_221.dnn");
  expectGolden("test/golden/ts/backprop_221.ts.txt", emitModule("ts", c.models, "backprop_221.dnn").module);
});

it("the wasm target's kernels, as WebAssembly text", () => {
  expectGolden("test/golden/wasm/kernels.wat", printModule({ funcs: gemmFuncs(), memoryPages: 1 }));
});

it("generated WGSL module for backprop_221 (runtime left out: it is src/runtime/ verbatim)", () => {
  const c = compile("samples/backprop_221.dnn");
  const { module } = emitModule("wgsl", c.models, "backprop_221.dnn");
  const runtime = module.indexOf("// ---- runtime ----");
  expectGolden("test/golden/wgsl/backprop_221.ts.txt", module.slice(0, runtime) + module.slice(module.indexOf("// ---- models ----", runtime)));
});
