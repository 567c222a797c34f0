// The WebGPU module's training programs (decision 0015; the CPU targets' in
// test/backend/programs.test.ts): each program's step, run on the GPU and writing its results in
// place, changes its own trainable set and its own states only, and gives what the TypeScript
// target gives; its file loads on the CPU. Run with `-t programs` (lavapipe is slow).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSample, importGenerated, type CompiledSample } from "../helpers/compile-sample.ts";
import { requireGpu, type Gpu } from "../helpers/webgpu.ts";
import { readSafetensors, scalarF32 } from "../../src/fit/safetensors.ts";

type Arrays = Record<string, Float32Array | Int32Array>;
interface Programs<R> {
  trainStep(batch: Arrays): R;
  trainHead(batch: Arrays): R;
  trainBody(batch: Arrays): R;
}
interface GpuModel extends Programs<Promise<number>> {
  getParameters(): Promise<Record<string, Float32Array>>;
  save(): Promise<Uint8Array>;
  readonly steps: number;
  destroy(): void;
}
interface CpuModel extends Programs<number> {
  getParameters(): Record<string, Float32Array>;
  load(bytes: Uint8Array): CpuModel;
  save(): Uint8Array;
}

const B = 6;
const values = (n: number, seed: number, scale = 1) => Float32Array.from({ length: n }, (_, i) => ((((i * 7919 + seed * 104729) % 1000) / 1000) - 0.5) * scale);
const batch = (seed: number): Arrays => ({ x: values(B * 4, seed, 2), y: Int32Array.from({ length: B }, (_, i) => (i + seed) % 3), t: values(B * 3, seed + 1, 2) });
const changed = (before: Record<string, Float32Array>, after: Record<string, Float32Array>) =>
  Object.keys(before).filter((k) => !new Uint8Array(before[k]!.buffer).every((b, i) => b === new Uint8Array(after[k]!.buffer)[i]));

const compiled: CompiledSample[] = [];
let g: Gpu;
let Gpu: { create(options: { seed?: number; device: GPUDevice }): Promise<GpuModel> };
let Cpu: { create(options: { seed?: number }): CpuModel };
beforeAll(async () => {
  g = await requireGpu();
  const [w, t] = [await compileSample("test/backend/fixtures/programs.dnn", "wgsl"), await compileSample("test/backend/fixtures/programs.dnn", "ts")];
  compiled.push(w, t);
  Gpu = (await importGenerated<Record<string, typeof Gpu>>(w.file)).TwoWays!;
  Cpu = (await importGenerated<Record<string, typeof Cpu>>(t.file)).TwoWays!;
}, 180_000);
afterAll(() => compiled.forEach((c) => c.cleanup()));

describe("training programs on WebGPU", () => {
  it("programs: each step changes its own parameters and states only, as the TypeScript target's does", async () => {
    const gpu = await Gpu.create({ seed: 3, device: g.device });
    const cpu = Cpu.create({ seed: 3 });
    try {
      let before = await gpu.getParameters();
      await gpu.trainHead(batch(1));
      expect(changed(before, await gpu.getParameters())).toEqual(["dense_1.kernel", "dense_1.bias"]);
      before = await gpu.getParameters();
      await gpu.trainBody(batch(2));
      expect(changed(before, await gpu.getParameters())).toEqual(["dense.kernel", "dense.bias"]);
      await gpu.trainStep(batch(3));
      await gpu.trainHead(batch(4));
      for (const [i, step] of (["trainHead", "trainBody", "trainStep", "trainHead"] as const).entries()) cpu[step](batch(i + 1));

      const file = await gpu.save();
      const tensors = readSafetensors(file);
      expect([scalarF32(tensors.get("head/step")), scalarF32(tensors.get("body/step")), gpu.steps]).toEqual([2, 1, 1]);
      const want = cpu.save();
      const wanted = readSafetensors(want);
      expect([...tensors.keys()]).toEqual([...wanted.keys()]);
      for (const [name, e] of tensors) {
        const got = new Float32Array(e.data.slice().buffer);
        const expected = new Float32Array(wanted.get(name)!.data.slice().buffer);
        got.forEach((v, i) => expect(Math.abs(v - expected[i]!), `${name}[${i}]`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(expected[i]!))));
      }
      // The GPU's file goes on training on the CPU.
      const resumed = Cpu.create({ seed: 0 }).load(file);
      expect(Number.isFinite(resumed.trainBody(batch(9)))).toBe(true);
    } finally {
      gpu.destroy();
    }
  }, 300_000);
});
