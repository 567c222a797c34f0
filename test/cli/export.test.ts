// `dnnc export FILE --format onnx`: the file it writes runs in onnxruntime-node, with the weights
// of create({ seed }) by default or a checkpoint's with --weights; a command line it cannot run
// is a usage error (exit 2) in one line; a .dnn file with errors, a model it cannot choose and
// weights that do not fit are diagnostics (exit 1), as exportModel returns them.
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { main } from "../../src/cli/main.ts";
import { compileSample, importGenerated, type CompiledSample } from "../helpers/compile-sample.ts";
import { noise } from "../helpers/sample-values.ts";

const dir = mkdtempSync(join(tmpdir(), "dnnc-export-"));
const compiled: CompiledSample[] = [];
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  compiled.forEach((c) => c.cleanup());
});

async function dnnc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { out: (s) => void (stdout += s), err: (s) => void (stderr += s), color: false });
  return { code, stdout, stderr };
}

interface Digits {
  forward(inputs: { x: Float32Array }): { logits: Float32Array };
  save(): Uint8Array;
}
type DigitsClass = { create(options: { seed: number }): Digits };

async function digits(): Promise<DigitsClass> {
  const s = await compileSample("samples/mlp_digits.dnn");
  compiled.push(s);
  return (await importGenerated<Record<string, DigitsClass>>(s.file))["DigitsMLP"]!;
}

async function run(file: string, x: Float32Array, batch: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file);
  const out = await session.run({ x: new ort.Tensor("float32", x, [batch, 64]) });
  await session.release();
  return out["logits"]!.data as Float32Array;
}

const largestDifference = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const largest = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe("dnnc export --format onnx", () => {
  it("writes the model with create({ seed })'s weights, or a checkpoint's with --weights", async () => {
    const Digits = await digits();
    const x = Float32Array.from(noise(5 * 64, 7));
    const seeded = join(dir, "seed3.onnx");
    const r = await dnnc("export", "samples/mlp_digits.dnn", "--format", "onnx", "--seed", "3", "--out", seeded);
    expect(r.stderr).toMatch(/^wrote .*seed3\.onnx \(model DigitsMLP, onnx, [\d.]+ kB\)\n$/);
    expect(r.code).toBe(0);
    const fromSeed = Digits.create({ seed: 3 }).forward({ x }).logits;
    // The initializers run in float64 here and in float32 in the module: equal to float32 rounding.
    expect(largestDifference(await run(seeded, x, 5), fromSeed)).toBeLessThanOrEqual(1e-5 * largest(fromSeed));

    const trained = Digits.create({ seed: 11 });
    const checkpoint = join(dir, "digits.safetensors");
    writeFileSync(checkpoint, trained.save());
    const weighted = join(dir, "weights.onnx");
    expect((await dnnc("export", "samples/mlp_digits.dnn", "--format", "onnx", "--weights", checkpoint, "--out", weighted)).code).toBe(0);
    const want = trained.forward({ x }).logits;
    expect(largestDifference(await run(weighted, x, 5), want)).toBeLessThanOrEqual(1e-5 * largest(want));
    expect(largestDifference(await run(weighted, x, 5), fromSeed)).toBeGreaterThan(1e-2 * largest(fromSeed)); // other weights, other logits
  }, 120_000);

  it("refuses a command it cannot run in one line (exit 2), writing nothing", async () => {
    const out = join(dir, "refused.onnx");
    const cases: [string[], RegExp][] = [
      [["samples/mlp_digits.dnn", "--weights", join(dir, "missing.safetensors")], /cannot read --weights .*missing\.safetensors: no such file/],
      [["samples/mlp_digits.dnn", "--seed", "1.5"], /--seed must be an integer/],
    ];
    for (const [args, message] of cases) {
      const r = await dnnc("export", ...args, "--format", "onnx", "--out", out);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.code, args.join(" ")).toBe(2);
    }
    expect((await dnnc("export", "samples/mlp_digits.dnn", "--format", "tflite", "--out", out)).code).toBe(2);
    expect((await dnnc("export", "samples/mlp_digits.dnn", "--out", out)).stderr).toMatch(/--format <format>' not specified/);
    expect(existsSync(out)).toBe(false);
  });

  it("reports a model it cannot choose as a diagnostic (exit 1), as exportModel does, writing nothing", async () => {
    const out = join(dir, "unchosen.onnx");
    const cases: [string[], RegExp][] = [
      [["samples/lstm_mnist.dnn"], /error\[DNN0760\]: this file has 2 models \(LstmClassifier, GruClassifier\): name the one to export/],
      [["samples/lstm_mnist.dnn", "--model", "LstmClasifier"], /error\[DNN0105\]: no model `LstmClasifier` in this file[^]*did you mean `LstmClassifier`\?/],
      [["stdlib/layers.dnn"], /error\[DNN0761\]: this file defines no model to export/],
    ];
    for (const [args, message] of cases) {
      const r = await dnnc("export", ...args, "--format", "onnx", "--out", out);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stderr, args.join(" ")).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.code, args.join(" ")).toBe(1);
    }
    const json = await dnnc("export", "samples/lstm_mnist.dnn", "--model", "Lstm", "--format", "onnx", "--out", out, "--json");
    expect(json.code).toBe(1);
    expect(json.stdout + json.stderr).toContain('"DNN0105"');
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a checkpoint of another model, naming what does not fit", async () => {
    const cnn = join(dir, "cnn.safetensors");
    const s = await compileSample("samples/mnist_cnn.dnn");
    compiled.push(s);
    const Cnn = (await importGenerated<Record<string, { create(o: { seed: number }): { save(): Uint8Array } }>>(s.file))["MnistCNN"]!;
    writeFileSync(cnn, Cnn.create({ seed: 0 }).save());
    const r = await dnnc("export", "samples/mlp_digits.dnn", "--format", "onnx", "--weights", cnn, "--out", join(dir, "mismatch.onnx"));
    expect(r.stderr).toMatch(/error\[DNN0762\]: the weights do not fit model `DigitsMLP`: .*cnn\.safetensors: tensor "dense\.kernel" has shape \[576, 64\], expected \[64, 64\]/);
    expect(r.code).toBe(1);
    expect(existsSync(join(dir, "mismatch.onnx"))).toBe(false);
  });

  it("reports a file with errors as check does, exit 1", async () => {
    const bad = join(dir, "bad.dnn");
    writeFileSync(bad, "model M {\n  input x: f32[B, 4]\n  output y = dense(x, 3) + z\n}\n");
    const r = await dnnc("export", bad, "--format", "onnx", "--out", join(dir, "bad.onnx"));
    expect(r.stderr).toMatch(/error\[DNN\d+\]/);
    expect(r.code).toBe(1);
    expect(existsSync(join(dir, "bad.onnx"))).toBe(false);
    expect(readFileSync(bad, "utf8")).toContain("model M");
  });
});
