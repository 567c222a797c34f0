// Shared by the import tests: an imported model compiled the way a user compiles it (`dnnc compile
// --target ts`) and loaded with its imported weights, compared with onnxruntime on the ONNX file.
import { expect } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { importOnnx, type ImportResult } from "../../src/api/import.ts";
import { check } from "../../src/api/compile.ts";
import { format } from "../../src/api.ts";
import { compileSample, importGenerated, type CompiledSample } from "../helpers/compile-sample.ts";
import { noise } from "../helpers/sample-values.ts";

export interface Generated {
  forward(inputs: Record<string, Float32Array>): Record<string, Float32Array>;
  load(bytes: Uint8Array): Generated;
  trainStep(batch: Record<string, Float32Array | Int32Array>): number;
  evaluate(batch: Record<string, Float32Array | Int32Array>): number;
}
type GeneratedClass = { create(options?: { seed: number }): Generated };

export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), "dnnc-import-"));
  private compiled: CompiledSample[] = [];

  /** Imports `bytes`, checks and compiles the .dnn file, and loads the imported weights into its model. */
  async load(bytes: Uint8Array, path: string): Promise<{ result: ImportResult; model: Generated; inputName: string; inputShape: readonly (number | string)[] }> {
    const result = importOnnx({ bytes, path });
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    const file = join(this.dir, result.dnn!.name);
    writeFileSync(file, result.dnn!.text);
    // Written as `dnnc fmt` would lay it out: the file is meant to be read and edited.
    expect(format({ text: result.dnn!.text, path: file }).changed).toBe(false);
    const checked = check({ path: file });
    expect(checked.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    const s = await compileSample(file);
    this.compiled.push(s);
    expect(s.code, s.stderr).toBe(0);
    const cls = (await importGenerated<Record<string, GeneratedClass>>(s.file))[result.model!]!;
    const input = checked.models[0]!.inputs[0]!;
    return { result, model: cls.create().load(result.weights!.bytes), inputName: input.name, inputShape: input.shape };
  }

  /** The imported model's output equals onnxruntime's on the same noise at batch sizes 1 and 3; returns the .dnn text. */
  async expectSameAsOnnxruntime(bytes: Uint8Array, path: string, io: { input: string; output: string; ids?: number }, tolerance: { relative?: number; absolute?: number } = {}): Promise<string> {
    const { result, model, inputName, inputShape } = await this.load(bytes, path);
    const session = await ort.InferenceSession.create(bytes);
    for (const batch of [1, 3]) {
      const dims = inputShape.map((d) => (typeof d === "number" ? d : batch));
      const values = noise(dims.reduce((a, b) => a * b, 1), batch + 7);
      // Token ids (io.ids the vocabulary's size): int64 for onnxruntime, i32 for the generated model.
      const x = io.ids ? Int32Array.from(values, (v) => Math.floor(((v + 1) / 2) * io.ids!) % io.ids!) : Float32Array.from(values, (v) => v * 2);
      const feed = io.ids ? new ort.Tensor("int64", BigInt64Array.from(x, (v) => BigInt(v)), dims) : new ort.Tensor("float32", x as Float32Array, dims);
      const want = (await session.run({ [io.input]: feed }))[io.output]!.data as Float32Array;
      const got = Object.values(model.forward({ [inputName]: x as Float32Array }))[0]!;
      expect(got.length, `${path} at batch ${batch}: length`).toBe(want.length);
      const scale = Math.max(...Array.from(want, Math.abs));
      expect(scale, "all zero: a comparison that proves nothing").toBeGreaterThan(0);
      const bound = tolerance.absolute ?? (tolerance.relative ?? 1e-5) * scale;
      for (let i = 0; i < want.length; i++)
        if (!(Math.abs(got[i]! - want[i]!) <= bound)) expect.fail(`${path} output[${i}] at batch ${batch}: dnnc ${got[i]}, onnxruntime ${want[i]} (bound ${bound})`);
    }
    await session.release();
    return result.dnn!.text;
  }

  cleanup(): void {
    this.compiled.forEach((c) => c.cleanup());
    rmSync(this.dir, { recursive: true, force: true });
  }
}
