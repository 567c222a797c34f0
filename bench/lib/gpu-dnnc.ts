// dnnc's WGSL side of bench/gpu-speed.ts: compile a .dnn file, emit the WebGPU module, write it to
// a temporary .ts file and import it (the benchmark runs under tsx), then use only the public API.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { compile } from "../../src/compiler.ts";

export interface GpuModel {
  trainStep(batch: Record<string, Float32Array | Int32Array>, options?: { readLoss?: boolean }): Promise<number>;
  predict(inputs: Record<string, Float32Array>): Promise<Float32Array>;
  destroy(): void;
}

export interface GpuClass {
  readonly name: string;
  create(options?: { seed?: number; device?: GPUDevice }): Promise<GpuModel>;
}

export interface LoadedGpuModel {
  cls: GpuClass;
  input: string;
  target: string;
  shaders: number;
  compileMs: number;
}

export async function compileWgsl(root: string, dnn: string, outDir: string): Promise<LoadedGpuModel> {
  const t0 = performance.now();
  const c = compile(join(root, dnn));
  const errors = c.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) throw new Error(`${dnn}: ${errors.map((d) => d.message).join("; ")}`);
  if (c.models.length !== 1 || !c.models[0]!.train) throw new Error(`${dnn}: expected one model with a train block`);
  const m = c.models[0]!;
  // Imported late so that the TF.js side still runs where the WGSL emitter fails to load.
  const { generate } = await import("../../src/backend/targets.ts");
  const emitted = await generate("wgsl", c.models, dnn);
  const compileMs = performance.now() - t0;
  const file = join(outDir, `${m.name}.wgsl-module.ts`);
  writeFileSync(file, emitted.module);
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const classes = Object.values(mod).filter((v): v is GpuClass => typeof v === "function" && typeof (v as { create?: unknown }).create === "function");
  const cls = (mod[m.name] as GpuClass | undefined) ?? (classes.length === 1 ? classes[0] : undefined);
  if (!cls) throw new Error(`${file}: no exported class ${m.name} with a static create()`);
  return { cls, input: m.inputs[0]!.name, target: m.train!.targets[0]!.name, shaders: emitted.sidecar?.files.length ?? 0, compileMs };
}
