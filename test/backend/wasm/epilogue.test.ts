// Which matmul epilogues run in WebAssembly (backend/wasm/epilogue.ts) and what they compile to:
// the MNIST CNN's bias + ReLU in WebAssembly, pinned as text; the 2-2-1 network's sigmoid, which
// has no vector instruction, as a call of the kernels' helper function (transcendental.ts), and
// its backward product's multiply.
// Whether their numbers are right is test/backend/ts/samples.test.ts's business (every sample's
// functions against the interpreter, on the wasm target too).
import { describe, expect, it } from "vitest";
import { compile } from "../../../src/compiler.ts";
import { targetModels } from "../../../src/backend/target.ts";
import { emitTypeScript } from "../../../src/backend/ts/emit.ts";
import { wasmFlavour, wasmKernelsBinary } from "../../../src/backend/wasm/target.ts";
import { printFunc } from "../../../src/backend/wasm/print.ts";
import { expectGolden } from "../../golden/goldens.ts";
import { wasmApi } from "../../helpers/wasm.ts";

function emitted(sample: string) {
  const flavour = wasmFlavour();
  const module = emitTypeScript({ models: targetModels(compile(`samples/${sample}`).models), sourceName: sample }, flavour);
  return { module, epilogues: flavour.epilogues };
}

describe("matmul epilogues in WebAssembly", () => {
  it("the MNIST CNN: every product's bias and ReLU, each distinct epilogue once", () => {
    const { module, epilogues } = emitted("mnist_cnn.dnn");
    // forward: 5 products; the training step's forward ones are the same epilogues (its ReLU
    // masks are computed from the activations where the gradient reads them), and so are evaluate's.
    expect(epilogues.length).toBe(5);
    expect(module.match(/wasmKernels\.productWith\(/g)!.length).toBeGreaterThanOrEqual(15);
    expect(wasmApi.validate(wasmKernelsBinary(epilogues))).toBe(true);
    expectGolden("test/golden/wasm/mnist_cnn.epilogues.wat", epilogues.map((f) => printFunc(f).join("\n")).join("\n\n") + "\n");
  });

  it("the 2-2-1 network: its sigmoids run in the products' epilogues, as calls of the kernels' sigmoid function", () => {
    const { module, epilogues } = emitted("backprop_221.dnn");
    expect(module).toMatch(/%9: f32\[B, 2\] = sigmoid %8\nfunction [^\n]*\n  wasmKernels\.productWith\(0, /);
    expect(printFunc(epilogues[0]!).join("\n")).toContain("call $sigmoid4");
    // The backward product times the sigmoid's derivative (%49) is a multiply: WebAssembly too.
    expect(module).toMatch(/%50: f32\[B, 2\] = mul %44, %49\nfunction [^\n]*\n  wasmKernels\.productWith\(\d+, /);
    expect(wasmApi.validate(wasmKernelsBinary(epilogues))).toBe(true);
  });
});
