// The generated WGSL module (`dnnc compile --target wgsl`) against the generated TypeScript, for
// every sample: both created from the same seed, fed the same batches, on Dawn (lavapipe without
// a GPU). Initial parameters, forward outputs, losses and every parameter and optimizer state
// after each of 3 training steps agree within 1e-4 of the tensor's largest magnitude.
//
// Each step starts both models from the same state: before it, the WebGPU model loads what the
// TypeScript model saves (so safetensors moves between the targets on the way). Run freely,
// the two trajectories part by more than float32 rounding for reasons that are not the
// backends': ResNetSmall (SGD, lr 0.1, momentum 0.9, BatchNorm over 4 samples) turns step-1
// differences of 1e-7 into 1e-3 by step 3, on one backend against itself as much as across.
// Adam's step lr·g/(|g| + ε) does the same in one step to a gradient that is 0 in exact
// arithmetic (a bias before BatchNorm): in the shipped Adam steps at most 1 in 1,000 entries
// may be off, by less than 2·lr.
import { readdirSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { compileSample, importGenerated, tscCheck, type CompiledSample } from "../helpers/compile-sample.ts";
import { requireGpu, gpuSamples } from "../helpers/webgpu.ts";

type Batch = Record<string, Float32Array | Int32Array>;
interface Spec {
  name: string;
  dtype: "f32" | "i32";
  shape: readonly (number | string)[];
}
interface ModelClass<M> {
  inputs: readonly Spec[];
  outputs: readonly Spec[];
  targets?: readonly Spec[];
  parameters: readonly Spec[];
  create(options: object): M;
}
interface TsModel {
  forward(x: Batch): Record<string, Float32Array>;
  trainStep(b: Batch): number;
  getParameters(): Record<string, Float32Array>;
  save(): Uint8Array;
}
interface GpuModel {
  forward(x: Batch): Promise<Record<string, Float32Array>>;
  trainStep(b: Batch): Promise<number>;
  getParameters(): Promise<Record<string, Float32Array>>;
  save(): Promise<Uint8Array>;
  load(bytes: Uint8Array): GpuModel;
  dispatches(fn: string, batch: number): number | undefined;
  destroy(): void;
}

const B = 4;
const samples = gpuSamples(readdirSync("samples"));
const compiled: CompiledSample[] = [];
afterAll(() => compiled.forEach((c) => c.cleanup()));

/** Deterministic inputs: hashed values in [0, 1) for floats (as pixels), labels 0–2 for integers. */
function batchOf(specs: readonly Spec[], step: number): Batch {
  const out: Batch = {};
  specs.forEach((s, k) => {
    const n = s.shape.reduce<number>((a, d) => a * (typeof d === "number" ? d : B), 1);
    out[s.name] = s.dtype === "i32" ? Int32Array.from({ length: n }, (_, i) => (i * 7 + 3 * step + k) % 3) : Float32Array.from({ length: n }, (_, i) => Math.fround((((Math.sin(12.9898 * i + 78.233 * (step + 10 * k)) * 43758.5453) % 1) + 1) % 1));
  });
  return out;
}

/**
 * Entries of `got` further than `rel` × the tensor's largest magnitude (at least 1e-3: a tensor
 * that is all noise, such as a bias before BatchNorm, stays near 0) from `want`; `limit` at most.
 */
function far(name: string, got: Float32Array, want: Float32Array, rel: number, limit = 4): string[] {
  if (got.length !== want.length) return [`${name}: ${got.length} values, expected ${want.length}`];
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-3);
  return [...want.keys()]
    .filter((i) => !(Math.abs(got[i]! - want[i]!) <= rel * scale))
    .slice(0, limit)
    .map((i) => `${name}[${i}] = ${got[i]} on WebGPU, ${want[i]} in TypeScript, off by ${Math.abs(got[i]! - want[i]!)}`);
}

/** The tensors of a safetensors file (float32, as both targets write them), by name. */
function tensors(bytes: Uint8Array): Map<string, Float32Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { data_offsets: [number, number] }>;
  const data = bytes.slice(8 + n);
  return new Map(Object.entries(header).filter(([k]) => k !== "__metadata__").map(([k, t]) => [k, new Float32Array(data.buffer.slice(t.data_offsets[0], t.data_offsets[1]))]));
}

describe("the generated WGSL module", () => {
  it.each(samples)("%s agrees with the generated TypeScript", async (file) => {
    const g = await requireGpu();
    const ts = await compileSample(`samples/${file}`, "ts");
    const wgsl = await compileSample(`samples/${file}`, "wgsl");
    compiled.push(ts, wgsl);
    expect(wgsl.code, wgsl.stderr).toBe(0);
    // Strict TypeScript with WebGPU's types: checked for a convolutional and a recurrent model
    // (the emitter's every construct; tsc takes seconds a module).
    if (/mnist_cnn|lstm/.test(file)) expect(tscCheck(wgsl.file, { webgpu: true }).output).toBe("");
    const tsMod = await importGenerated<Record<string, ModelClass<TsModel>>>(ts.file);
    const gpuMod = await importGenerated<Record<string, ModelClass<Promise<GpuModel>>>>(wgsl.file);
    for (const [name, Ts] of Object.entries(tsMod).filter(([, v]) => typeof v === "function" && "parameters" in v)) {
      const a = Ts.create({ seed: 7 });
      const b = await gpuMod[name]!.create({ seed: 7, device: g.device });
      try {
        const problems: string[] = [];
        const params = async () => {
          const [pa, pb] = [a.getParameters(), await b.getParameters()];
          return Object.keys(pa).flatMap((p) => far(`${name}.${p}`, pb[p]!, pa[p]!, 1e-4));
        };
        problems.push(...(await params()));
        const x = batchOf(Ts.inputs, 0);
        const [fa, fb] = [a.forward(x), await b.forward(x)];
        for (const o of Ts.outputs) problems.push(...far(`${name} forward ${o.name}`, fb[o.name]!, fa[o.name]!, 1e-4));
        if (Ts.targets) {
          let entries = 0;
          const noisy: string[] = [];
          for (let step = 1; step <= 3; step++) {
            b.load(a.save());
            const batch = batchOf([...Ts.inputs, ...Ts.targets], step);
            const [la, lb] = [a.trainStep(batch), await b.trainStep(batch)];
            problems.push(...far(`${name} loss at step ${step}`, Float32Array.of(lb), Float32Array.of(la), 1e-4));
            const [sa, sb] = [tensors(a.save()), tensors(await b.save())];
            for (const [t, want] of sa) {
              entries += want.length;
              noisy.push(...far(`${name} step ${step}: ${t}`, sb.get(t)!, want, 1e-4, Infinity));
            }
          }
          // Adam's noise-driven steps: few, and each less than 2·lr (every sample's lr ≤ 0.005).
          expect(noisy.length, noisy.slice(0, 5).join("\n")).toBeLessThanOrEqual(entries / 1000);
          for (const n of noisy) expect(Number(/off by (\S+)/.exec(n)![1]), n).toBeLessThan(0.01);
          expect(b.dispatches("train_step", B)).toBeGreaterThan(0);
        }
        expect(problems).toEqual([]);
      } finally {
        b.destroy();
      }
    }
  }, 120_000);
});
