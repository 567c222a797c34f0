// The generated WGSL module's API at its edges: what happens without WebGPU, with inputs of the
// wrong shape, past the device's binding-size limit; weights moving between the WebGPU and
// TypeScript targets through safetensors; and every shader of every sample compiling in Dawn
// with no message at all.
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { emitModule, sidecarFiles } from "../helpers/targets.ts";
import { compileSample, importGenerated, type CompiledSample } from "../helpers/compile-sample.ts";
import { requireGpu, type Gpu } from "../helpers/webgpu.ts";

interface Digits {
  forward(x: { x: Float32Array }): Promise<{ logits: Float32Array }>;
  trainStep(b: { x: Float32Array; y: Int32Array }): Promise<number>;
  getParameters(): Promise<Record<string, Float32Array>>;
  save(): Promise<Uint8Array>;
  load(bytes: Uint8Array): Digits;
  destroy(): void;
}
interface DigitsClass {
  create(options?: { seed?: number; device?: GPUDevice }): Promise<Digits>;
}
interface TsDigits {
  trainStep(b: { x: Float32Array; y: Int32Array }): number;
  getParameters(): Record<string, Float32Array>;
  save(): Uint8Array;
  load(bytes: Uint8Array): TsDigits;
}

const compiled: CompiledSample[] = [];
let g: Gpu;
let Gpu: DigitsClass;
let Ts: { create(o: object): TsDigits };
beforeAll(async () => {
  g = await requireGpu();
  const [w, t] = [await compileSample("samples/mlp_digits.dnn", "wgsl"), await compileSample("samples/mlp_digits.dnn", "ts")];
  compiled.push(w, t);
  Gpu = (await importGenerated<Record<string, DigitsClass>>(w.file)).DigitsMLP!;
  Ts = (await importGenerated<Record<string, { create(o: object): TsDigits }>>(t.file)).DigitsMLP!;
}, 120_000);
afterAll(() => compiled.forEach((c) => c.cleanup()));

const batch = (B: number) => ({ x: Float32Array.from({ length: 64 * B }, (_, i) => (i * 7) % 17), y: Int32Array.from({ length: B }, (_, i) => i % 10) });

describe("the generated WGSL module's API", () => {
  it("refuses to start without WebGPU, saying how to give it a device", async () => {
    const nav = Object.getOwnPropertyDescriptor(globalThis, "navigator");
    Object.defineProperty(globalThis, "navigator", { value: {}, configurable: true });
    try {
      await expect(Gpu.create()).rejects.toThrow(/DigitsMLP\.create: WebGPU is not available here \(navigator\.gpu is missing\).*create\(\{ device \}\)/);
    } finally {
      if (nav) Object.defineProperty(globalThis, "navigator", nav);
    }
    await expect(Gpu.create({ seed: 1.5, device: g.device })).rejects.toThrow(/seed must be an integer in \[0, 2\^24\), received 1\.5/);
  });

  it("checks inputs before queueing anything, naming the input and the shape", async () => {
    const m = await Gpu.create({ device: g.device });
    try {
      await expect(m.forward({ x: new Float32Array(65) })).rejects.toThrow('DigitsMLP.forward: "x" expects f32[B, 64], a positive multiple of 64 values, received 65');
      await expect(m.trainStep({ x: new Float32Array(128), y: new Int32Array(3) })).rejects.toThrow('DigitsMLP.trainStep: "y" expects i32[B], 2 values (B = 2 from the length of "x"), received 3');
    } finally {
      m.destroy();
    }
  });

  it("names the device limit a batch would exceed instead of computing garbage", async () => {
    const m = await Gpu.create({ device: g.device });
    try {
      const B = Math.ceil(g.device.limits.maxStorageBufferBindingSize / 4 / 64) + 1;
      await expect(m.forward({ x: new Float32Array(64 * B) })).rejects.toThrow(/maxStorageBufferBindingSize of \d+: use a smaller batch/);
      // The model still works afterwards.
      expect((await m.forward({ x: new Float32Array(64) })).logits.length).toBe(10);
    } finally {
      m.destroy();
    }
  }, 60_000);

  it("moves weights and optimizer state to the TypeScript target and back through safetensors", async () => {
    const m = await Gpu.create({ seed: 3, device: g.device });
    try {
      for (let i = 0; i < 2; i++) await m.trainStep(batch(8));
      const t = Ts.create({ seed: 9 }).load(await m.save());
      const back = await Gpu.create({ seed: 9, device: g.device });
      back.load(t.save());
      // One more step on each, from the same weights and Adam state, at step 3 on both.
      const [lt, lg] = [t.trainStep(batch(8)), await back.trainStep(batch(8))];
      expect(Math.abs(lt - lg)).toBeLessThan(1e-5 * Math.max(1, Math.abs(lt)));
      const [pt, pg] = [t.getParameters(), await back.getParameters()];
      for (const name of Object.keys(pt)) pt[name]!.forEach((v, i) => expect(Math.abs(pg[name]![i]! - v), name).toBeLessThan(1e-5));
      expect(() => back.load(new Uint8Array([1, 2, 3]))).toThrow(/DigitsMLP\.load/);
      // The same reader as the TypeScript target's, with its bounds: a header length of 2^40 is refused before anything is read.
      const huge = new Uint8Array(10);
      new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
      expect(() => back.load(huge)).toThrow("DigitsMLP.load: not a valid safetensors file: the header length is 1099511627776 bytes, more than the 100000000 a safetensors header may have");
      back.destroy();
    } finally {
      m.destroy();
    }
  }, 60_000);

  it("every shader of every sample compiles in Dawn with no message", async () => {
    const files = readdirSync("samples").filter((f) => f.endsWith(".dnn"));
    const shaders = files.flatMap((f) => sidecarFiles(emitModule("wgsl", compile(`samples/${f}`).models, f)).map((s) => ({ ...s, file: f })));
    expect(shaders.length).toBeGreaterThan(100);
    const infos = await Promise.all(shaders.map((s) => g.device.createShaderModule({ code: s.code }).getCompilationInfo()));
    const messages = infos.flatMap((info, i) => info.messages.map((m) => `${shaders[i]!.file} ${shaders[i]!.name} ${m.type} ${m.lineNum}:${m.linePos} ${m.message}`));
    expect(messages).toEqual([]);
  }, 120_000);
});
