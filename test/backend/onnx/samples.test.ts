// Every model of every sample, exported to ONNX with the weights of its generated module
// (create({ seed: 1 }) then save(), passed as the checkpoint), run by onnxruntime-node on random
// inputs at several batch sizes: the outputs equal the generated ts module's forward to 1e-5
// (relative to the output's largest magnitude, as the other backend comparisons measure it).
import { afterAll, describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { exportModel } from "../../../src/api/export.ts";
import { runFrontEnd } from "../../../src/api/compile.ts";
import type { CompiledModel } from "../../../src/compiler.ts";
import { evalDim } from "../../../src/ir/dim.ts";
import { compileSample, importGenerated, type CompiledSample } from "../../helpers/compile-sample.ts";
import { noise } from "../../helpers/sample-values.ts";

const SAMPLES = readdirSync("samples").filter((f) => f.endsWith(".dnn")).sort();
const BATCHES = [1, 3, 8];
const TOLERANCE = 1e-5;

interface GeneratedModel {
  forward(inputs: Record<string, Float32Array | Int32Array>): Record<string, Float32Array>;
  save(): Uint8Array;
}
type GeneratedClass = { create(options: { seed: number }): GeneratedModel };

const compiled: CompiledSample[] = [];
afterAll(() => compiled.forEach((c) => c.cleanup()));

/** Inputs at batch size `batch` (every symbolic size takes it): f32 noise in (−1, 1), i32 values below the input's index range. */
function randomInputs(m: CompiledModel, batch: number, seed: number): Record<string, Float32Array | Int32Array> {
  return Object.fromEntries(
    m.inputs.map((input, k) => {
      const shape = input.shape.map((d) => evalDim(d, new Proxy({}, { get: () => batch })) ?? batch);
      const n = shape.reduce((a, b) => a * b, 1);
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

describe.each(SAMPLES)("ONNX export of samples/%s", (sample) => {
  const path = `samples/${sample}`;
  const models = runFrontEnd({ path }, "dce").compilation.models;

  it.each(models.map((m) => [m.name, m] as const))("%s: onnxruntime equals the generated module at batch 1, 3 and 8", async (name, m) => {
    const generated = await generatedModule(path);
    const model = (generated[name] as GeneratedClass).create({ seed: 1 });
    const result = exportModel({ path, model: name, weights: model.save() });
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
        expectNear(`${name}.${o.name} at batch ${batch}`, got[o.name]!.data as Float32Array, want[o.name]!);
      }
    }
    await session.release();
  }, 120_000);
});

const modules = new Map<string, Promise<Record<string, unknown>>>();
function generatedModule(path: string): Promise<Record<string, unknown>> {
  let m = modules.get(path);
  if (!m) {
    m = compileSample(path).then((s) => {
      compiled.push(s);
      if (s.code !== 0) throw new Error(`dnnc compile ${path} failed:\n${s.stderr}`);
      return importGenerated(s.file);
    });
    modules.set(path, m);
  }
  return m;
}

const shapeAt = (shape: readonly (number | string)[], batch: number): number[] => shape.map((d) => (typeof d === "number" ? d : batch));
