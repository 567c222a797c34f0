// An export checked against the generated module: the model of a .dnn file, exported with the
// weights of its generated ts module (create({ seed: 1 }) then save(), passed as the checkpoint),
// run by onnxruntime-node on random inputs at several batch sizes; every output must equal the
// module's forward to 1e-5 of the output's largest magnitude (as the other backend comparisons
// measure it).
import { expect } from "vitest";
import * as ort from "onnxruntime-node";
import { exportModel } from "../../../src/api/export.ts";
import type { CompiledModel } from "../../../src/compiler.ts";
import { evalDim } from "../../../src/ir/dim.ts";
import { compileSample, importGenerated, type CompiledSample } from "../../helpers/compile-sample.ts";
import { noise } from "../../helpers/sample-values.ts";

export const BATCHES = [1, 3, 8];
const TOLERANCE = 1e-5;

interface GeneratedModel {
  forward(inputs: Record<string, Float32Array | Int32Array>): Record<string, Float32Array>;
  save(): Uint8Array;
}
type GeneratedClass = { create(options: { seed: number }): GeneratedModel };

/** Compiles each .dnn file once; `cleanup` removes every temporary directory. */
export class GeneratedModules {
  private compiled: CompiledSample[] = [];
  private modules = new Map<string, Promise<Record<string, unknown>>>();

  get(path: string): Promise<Record<string, unknown>> {
    let m = this.modules.get(path);
    if (!m) {
      m = compileSample(path).then((s) => {
        this.compiled.push(s);
        if (s.code !== 0) throw new Error(`dnnc compile ${path} failed:\n${s.stderr}`);
        return importGenerated(s.file);
      });
      this.modules.set(path, m);
    }
    return m;
  }

  cleanup(): void {
    this.compiled.forEach((c) => c.cleanup());
  }
}

/** Exports model `m` of `path` and compares onnxruntime's outputs with the generated module's at every batch size of BATCHES; returns the export's bytes. */
export async function expectExportMatches(path: string, m: CompiledModel, modules: GeneratedModules): Promise<Uint8Array> {
  const model = ((await modules.get(path))[m.name] as GeneratedClass).create({ seed: 1 });
  const result = exportModel({ path, model: m.name, weights: model.save() });
  expect(result.ok).toBe(true);
  const session = await ort.InferenceSession.create(result.bytes!);
  expect(session.inputNames).toEqual(m.inputs.map((i) => i.name));
  expect(session.outputNames).toEqual(m.outputs.map((o) => o.name));
  for (const batch of BATCHES) {
    const inputs = randomInputs(m, batch, batch);
    const feeds = Object.fromEntries(m.inputs.map((i) => [i.name, new ort.Tensor(i.dtype === "i32" ? "int32" : "float32", inputs[i.name]!, shapeAt(i.shape, batch))]));
    const got = await session.run(feeds);
    const want = model.forward(inputs);
    for (const o of m.outputs) {
      expect(got[o.name]!.dims, `${o.name} at batch ${batch}`).toEqual(shapeAt(o.shape, batch));
      expectNear(`${m.name}.${o.name} at batch ${batch}`, got[o.name]!.data as Float32Array, want[o.name]!);
    }
  }
  await session.release();
  return result.bytes!;
}

/** Inputs at batch size `batch` (every symbolic size takes it): f32 noise in (−1, 1), i32 values below the input's index range. */
function randomInputs(m: CompiledModel, batch: number, seed: number): Record<string, Float32Array | Int32Array> {
  return Object.fromEntries(
    m.inputs.map((input, k) => {
      const n = shapeAt(input.shape, batch).reduce((a, b) => a * b, 1);
      const values = noise(n, seed * 31 + k);
      if (input.dtype === "f32") return [input.name, Float32Array.from(values)];
      const below = Math.min(...(m.indexRanges.find((r) => r.name === input.name)?.below.filter((d): d is number => typeof d === "number") ?? [4]));
      return [input.name, Int32Array.from(values, (v) => Math.floor(((v + 1) / 2) * below) % below)];
    }),
  );
}

function expectNear(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  expect(scale, `${what}: all zero, a comparison that proves nothing`).toBeGreaterThan(0);
  for (let i = 0; i < expected.length; i++)
    if (!(Math.abs(actual[i]! - expected[i]!) <= TOLERANCE * scale)) expect.fail(`${what}[${i}]: onnxruntime ${actual[i]}, dnnc ${expected[i]} (largest |value| ${scale})`);
}

/** A shape with every symbolic size (a polynomial in them, such as 2*B) at `batch`. */
const shapeAt = (shape: readonly (number | string)[], batch: number): number[] => shape.map((d) => evalDim(d, new Proxy({}, { get: () => batch })) ?? batch);
