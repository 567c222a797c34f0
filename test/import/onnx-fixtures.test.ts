// `importOnnx` on the models PyTorch itself exported (test/fixtures/pytorch/, made by
// make_fixtures.py): the generated .dnn checks with no diagnostics, compiles to a TypeScript module,
// and that module, loaded with the imported weights, computes what onnxruntime computes from the
// ONNX file on the same random inputs, at batch sizes 1 and 3. The generated source of the MLP and
// the CNN is pinned as a golden (it is meant to be read), and the imported MLP trains.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { importOnnx } from "../../src/api/import.ts";
import { check } from "../../src/api/compile.ts";
import { compileSample, importGenerated, ROOT, type CompiledSample } from "../helpers/compile-sample.ts";
import { noise } from "../helpers/sample-values.ts";
import { expectGolden } from "../golden/goldens.ts";

const FIXTURES = join(ROOT, "test", "fixtures", "pytorch");
const dir = mkdtempSync(join(tmpdir(), "dnnc-import-"));
const compiled: CompiledSample[] = [];
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  compiled.forEach((c) => c.cleanup());
});

interface Generated {
  forward(inputs: Record<string, Float32Array>): Record<string, Float32Array>;
  load(bytes: Uint8Array): Generated;
  trainStep(batch: Record<string, Float32Array | Int32Array>): number;
  evaluate(batch: Record<string, Float32Array | Int32Array>): number;
}
type GeneratedClass = { create(options?: { seed: number }): Generated };

/** Imports a fixture, writes the .dnn file, compiles it with `dnnc compile --target ts` and loads the imported weights into its model. */
async function imported(name: string): Promise<{ text: string; model: Generated; shape: number[] }> {
  const result = importOnnx({ bytes: readFileSync(join(FIXTURES, `${name}.onnx`)), path: join(FIXTURES, `${name}.onnx`) });
  expect(result.diagnostics).toEqual([]);
  const file = join(dir, result.dnn!.name);
  writeFileSync(file, result.dnn!.text);
  const checked = check({ path: file });
  expect(checked.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  const s = await compileSample(file);
  compiled.push(s);
  expect(s.code, s.stderr).toBe(0);
  const cls = (await importGenerated<Record<string, GeneratedClass>>(s.file))[result.model!]!;
  const inputShape = checked.models[0]!.inputs[0]!.shape;
  return { text: result.dnn!.text, model: cls.create().load(result.weights!.bytes), shape: inputShape.map((d) => (typeof d === "number" ? d : -1)) };
}

/** onnxruntime's and the imported model's outputs on the same noise, at batch sizes 1 and 3. */
async function expectSameAsOnnxruntime(name: string, tolerance: { relative?: number; absolute?: number }): Promise<string> {
  const { text, model, shape } = await imported(name);
  const session = await ort.InferenceSession.create(join(FIXTURES, `${name}.onnx`));
  for (const batch of [1, 3]) {
    const dims = shape.map((d) => (d === -1 ? batch : d));
    const x = Float32Array.from(noise(dims.reduce((a, b) => a * b, 1), batch + 7), (v) => v * 2);
    const want = (await session.run({ x: new ort.Tensor("float32", x, dims) }))["logits"]!.data as Float32Array;
    const got = model.forward({ x })["logits"]!;
    expect(got.length, `${name} at batch ${batch}: length`).toBe(want.length);
    const scale = Math.max(...Array.from(want, Math.abs));
    expect(scale).toBeGreaterThan(0);
    const bound = tolerance.absolute ?? (tolerance.relative ?? 1e-5) * scale;
    for (let i = 0; i < want.length; i++)
      if (!(Math.abs(got[i]! - want[i]!) <= bound)) expect.fail(`${name} logits[${i}] at batch ${batch}: dnnc ${got[i]}, onnxruntime ${want[i]} (bound ${bound})`);
  }
  await session.release();
  return text;
}

describe("importing PyTorch's exports", () => {
  it("mlp.onnx: Dense(32, activation: relu) |> Dense(10), equal to onnxruntime", async () => {
    const text = await expectSameAsOnnxruntime("mlp", { relative: 1e-5 });
    expectGolden(join(ROOT, "test", "golden", "import", "mlp.dnn"), text);
  }, 120_000);

  it("cnn_bn.onnx: NCHW input transposed once, Conv2D + BatchNorm, the Dense's rows permuted after Flatten", async () => {
    const text = await expectSameAsOnnxruntime("cnn_bn", { relative: 1e-5 });
    expect(text).toContain("BatchNorm(momentum: 0.9, epsilon: 0.00001)");
    expectGolden(join(ROOT, "test", "golden", "import", "cnn_bn.dnn"), text);
  }, 120_000);

  it("resnet.onnx: residual Adds in NHWC, the strided conv's padding as ZeroPadding2D, GlobalAvgPool2D", async () => {
    const text = await expectSameAsOnnxruntime("resnet", { absolute: 1e-4 });
    expect(text.match(/Conv2D\(/g)).toHaveLength(6);
    expect(text.match(/BatchNorm\(/g)).toHaveLength(6);
    expect(text).toContain("GlobalAvgPool2D()");
  }, 120_000);

  it("lstm.onnx: the batch_first LSTM as std.layers' LSTM, its gates reordered, then the last step", async () => {
    const text = await expectSameAsOnnxruntime("lstm", { relative: 1e-5 });
    expect(text).toContain("|> LSTM(32, return_sequences: true)");
    expect(text).toContain("[:, -1, :]");
  }, 120_000);

  it("the imported MLP fine-tunes: a few training steps lower its loss on a batch", async () => {
    const { model } = await imported("mlp");
    const x = Float32Array.from(noise(16 * 64, 3), (v) => (v + 1) * 8);
    const y = Int32Array.from({ length: 16 }, (_, i) => (i * 7) % 10);
    const before = model.evaluate({ x, y });
    for (let i = 0; i < 10; i++) model.trainStep({ x, y });
    expect(model.evaluate({ x, y })).toBeLessThan(before * 0.9);
  }, 120_000);
});
