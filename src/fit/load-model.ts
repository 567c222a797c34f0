// Turning a compiled model into a live one for `dnnc train`: the generated module is written
// to a temporary directory and imported, exactly the code `dnnc compile` would give a user.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { CompiledModel } from "../model.ts";
import { generate, type TargetName } from "../backend/targets.ts";
import type { TrainableClass } from "./model.ts";

/** A target (backend/targets.ts) that runs training. */
export type Backend = TargetName;

export interface LoadedModel {
  cls: TrainableClass;
  /** For create(): the device the module needs (its API description says which), if any. */
  createOptions: Record<string, unknown>;
  dispose(): void;
}

export async function loadGenerated(models: CompiledModel[], name: string, backend: Backend, sourceName: string): Promise<LoadedModel> {
  const dir = mkdtempSync(join(tmpdir(), "dnnc-train-"));
  const file = join(dir, "model.mjs"); // an ES module wherever the temporary directory is
  try {
    // Only the backend asked for is loaded.
    const { module, api } = await generate(backend, models, sourceName);
    // The module is TypeScript: esbuild (a dependency, loaded only here) strips its types, so the
    // command needs no TypeScript loader at run time, from its sources or from dist/ alike.
    const { transform } = await import("esbuild");
    writeFileSync(file, (await transform(module, { loader: "ts", format: "esm", target: "node20", sourcefile: "model.ts" })).code);
    const mod = (await import(pathToFileURL(file).href)) as Record<string, TrainableClass>;
    const cls = mod[name];
    if (!cls) throw new Error(`the generated module has no class ${name}`);
    const createOptions: Record<string, unknown> = api.device === "webgpu" ? { device: await nodeDevice(backend) } : {};
    return { cls, createOptions, dispose: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

// Dawn's binding must outlive its devices (see test/helpers/webgpu.ts): held for the process.
let dawn: unknown;

/** A WebGPU device in Node, from the `webgpu` package (Dawn). */
async function nodeDevice(backend: string): Promise<unknown> {
  let webgpu: { create(flags: string[]): GPU; globals: object };
  try {
    webgpu = (await import("webgpu")) as unknown as typeof webgpu;
  } catch {
    throw new TrainError(`--backend ${backend} needs the \`webgpu\` package (Dawn for Node): run \`npm install\` in the dnnc repository`);
  }
  Object.assign(globalThis, webgpu.globals);
  dawn ??= webgpu.create([]);
  const adapter = await (dawn as GPU).requestAdapter();
  if (!adapter) throw new TrainError(`--backend ${backend}: no WebGPU adapter (on a machine without a GPU, scripts/setup-webgpu.sh installs Mesa's lavapipe)`);
  return adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize } });
}

/** A problem with how `dnnc train` was asked to run: printed as one line, no stack trace. */
export class TrainError extends Error {}
