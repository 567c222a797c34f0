// The IR of every sample (init, forward and the training steps, after all simplification passes)
// and the generated module of the smallest one (and the PyTorch forward of mnist_cnn), pinned as text: a change to elaboration,
// autodiff or a pass shows up here as a readable diff.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { printFn } from "../../src/ir/print.ts";
import { emitModule } from "../helpers/targets.ts";
import { expectGolden } from "./goldens.ts";
import { printModule } from "../../src/backend/wasm/print.ts";
import { gemmFuncs } from "../../src/backend/wasm/gemm.ts";
import { pytorchTarget } from "../../src/backend/pytorch/target.ts";
import { targetModels } from "../../src/backend/target.ts";

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

it("the PyTorch target's forward for mnist_cnn: F.conv2d, F.max_pool2d and x @ w + b, not sliding windows", () => {
  const c = compile("samples/mnist_cnn.dnn");
  const init = pytorchTarget.emitPackage({ models: targetModels(c.models), sourceName: "mnist_cnn.dnn" }).files.find((f) => f.name === "__init__.py")!.contents;
  const forward = /^ {4}def forward\(.*?^ {8}return [^\n]*\n/ms.exec(init)![0];
  expect(forward).toContain("F.conv2d(");
  expect(forward).not.toContain("rt.windows");
  expectGolden("test/golden/pytorch/mnist_cnn.forward.py.txt", forward);
});
