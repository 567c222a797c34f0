// `importOnnx` on the models PyTorch itself exported (test/fixtures/pytorch/, made by
// make_fixtures.py): the generated .dnn checks with no diagnostics, compiles to a TypeScript module,
// and that module, loaded with the imported weights, computes what onnxruntime computes from the
// ONNX file on the same random inputs, at batch sizes 1 and 3. The generated source of each is
// pinned as a golden (it is meant to be read), and the imported MLP trains.
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/compile-sample.ts";
import { noise } from "../helpers/sample-values.ts";
import { expectGolden } from "../golden/goldens.ts";
import { Workspace } from "./helpers.ts";

const FIXTURES = join(ROOT, "test", "fixtures", "pytorch");
const ws = new Workspace();
afterAll(() => ws.cleanup());

const fixture = (name: string) => ({ bytes: readFileSync(join(FIXTURES, `${name}.onnx`)), path: join(FIXTURES, `${name}.onnx`) });
const same = (name: string, tolerance: { relative?: number; absolute?: number }) => ws.expectSameAsOnnxruntime(fixture(name).bytes, fixture(name).path, { input: "x", output: "logits" }, tolerance);

describe("importing PyTorch's exports", () => {
  it("mlp.onnx: Dense(32, activation: relu) |> Dense(10), equal to onnxruntime", async () => {
    const text = await same("mlp", { relative: 1e-5 });
    expectGolden(join(ROOT, "test", "golden", "import", "mlp.dnn"), text);
  }, 120_000);

  it("cnn_bn.onnx: NCHW input transposed once, Conv2D + BatchNorm, the Dense's rows permuted after Flatten", async () => {
    const text = await same("cnn_bn", { relative: 1e-5 });
    expect(text).toContain("BatchNorm(momentum: 0.9, epsilon: 0.00001)");
    expectGolden(join(ROOT, "test", "golden", "import", "cnn_bn.dnn"), text);
  }, 120_000);

  it("resnet.onnx: residual Adds in NHWC, the strided conv's padding as ZeroPadding2D, GlobalAvgPool2D", async () => {
    const text = await same("resnet", { absolute: 1e-4 });
    expect(text.match(/Conv2D\(/g)).toHaveLength(6);
    expect(text.match(/BatchNorm\(/g)).toHaveLength(6);
    expect(text).toContain("GlobalAvgPool2D()");
    expectGolden(join(ROOT, "test", "golden", "import", "resnet.dnn"), text);
  }, 120_000);

  it("lstm.onnx: the batch_first LSTM as std.layers' LSTM, its gates reordered, its last step read as the layer's output", async () => {
    const text = await same("lstm", { relative: 1e-5 });
    // y[:, -1, :] of every step is the layer's last state: no sequence is kept.
    expect(text).toContain("logits = x\n    |> LSTM(32)");
    expectGolden(join(ROOT, "test", "golden", "import", "lstm.dnn"), text);
  }, 120_000);

  it("the weights file holds the BatchNorm states and exactly the generated model's parameters", async () => {
    const { result } = await ws.load(fixture("cnn_bn").bytes, fixture("cnn_bn").path);
    const header = new TextDecoder().decode(result.weights!.bytes.subarray(8, 8 + Number(new DataView(result.weights!.bytes.buffer, result.weights!.bytes.byteOffset).getBigUint64(0, true))));
    const names = Object.keys(JSON.parse(header)).filter((n) => n !== "__metadata__");
    expect(names).toEqual(["conv2d.kernel", "conv2d.bias", "batch_norm.gamma", "batch_norm.beta", "batch_norm.moving_mean", "batch_norm.moving_variance", "conv2d_1.kernel", "conv2d_1.bias", "batch_norm_1.gamma", "batch_norm_1.beta", "batch_norm_1.moving_mean", "batch_norm_1.moving_variance", "dense.kernel", "dense.bias"]);
  }, 120_000);

  it("the imported MLP fine-tunes: a few training steps lower its loss on a batch", async () => {
    const { model } = await ws.load(fixture("mlp").bytes, fixture("mlp").path);
    const x = Float32Array.from(noise(16 * 64, 3), (v) => (v + 1) * 8);
    const y = Int32Array.from({ length: 16 }, (_, i) => (i * 7) % 10);
    const before = model.evaluate({ x, y });
    for (let i = 0; i < 10; i++) model.trainStep({ x, y });
    expect(model.evaluate({ x, y })).toBeLessThan(before * 0.9);
  }, 120_000);
});
