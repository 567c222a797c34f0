// The digits and the model: the UCI digits from data/, and DigitsMLP on WebGPU where the browser
// gives an adapter and a device, otherwise on the CPU (the wasm target). Both modules come from
// samples/mlp_digits.dnn through the bundler plugin (gpu-model.ts, cpu-model.ts); the page sees
// either through DigitsModel, the part of their API it uses, which both satisfy (the wasm
// module's methods return values where the wgsl module's return promises; the page awaits both).
import type { DigitsMLPBatch, FitHistory, FitOptions } from "../mlp_digits.dnn";

export type Backend = "webgpu" | "wasm";

export interface DigitsModel {
  fit(data: DigitsMLPBatch, options?: FitOptions<DigitsMLPBatch>): Promise<FitHistory>;
  /** The logits, 10 per row of `x`. */
  predict(inputs: { x: Float32Array }): Float32Array | Promise<Float32Array>;
}

/** What each module exports: create() is async on WebGPU, where it requests a device. */
interface DigitsModule {
  DigitsMLP: { create(options?: { seed?: number }): DigitsModel | Promise<DigitsModel> };
}

/** The 1,797 UCI digits: 64 pixels (0..16, the count of ink pixels in a 4×4 block of a 32×32 bitmap) and a label per row. */
export async function loadDigits(): Promise<DigitsMLPBatch> {
  const response = await fetch("data/digits.csv.gz");
  if (!response.ok) throw new Error(`data/digits.csv.gz: HTTP ${response.status}`);
  const text = await new Response(response.body!.pipeThrough(new DecompressionStream("gzip"))).text();
  const rows = text.trim().split("\n");
  const x = new Float32Array(rows.length * 64);
  const y = new Int32Array(rows.length);
  rows.forEach((line, i) => {
    const r = line.split(",").map(Number);
    x.set(r.slice(0, 64), i * 64);
    y[i] = r[64]!;
  });
  return { x, y };
}

export const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The model on WebGPU, or on the CPU where WebGPU is unavailable (the wgsl module's create()
 * throws, saying why, without navigator.gpu, an adapter or a device) or `requested` is "wasm";
 * `fallback` says why it is on the CPU. "webgpu" never falls back.
 */
export async function createModel(requested: string, seed: number): Promise<{ model: DigitsModel; backend: Backend; fallback?: string }> {
  if (!["auto", "webgpu", "wasm"].includes(requested)) throw new Error(`?backend=${requested}: expected webgpu or wasm`);
  let fallback = "?backend=wasm";
  if (requested !== "wasm") {
    // Imported by name at run time (build.ts keeps these modules out of main.js): a browser loads only the one it uses.
    const { DigitsMLP } = (await import("./gpu-model.js")) as DigitsModule;
    try {
      return { model: await DigitsMLP.create({ seed }), backend: "webgpu" };
    } catch (e) {
      if (requested === "webgpu") throw e;
      fallback = message(e);
    }
  }
  const { DigitsMLP } = (await import("./cpu-model.js")) as DigitsModule;
  return { model: await DigitsMLP.create({ seed }), backend: "wasm", fallback };
}
