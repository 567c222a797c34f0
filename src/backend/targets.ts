// The registry of targets: the one place the CLI (`compile --target`, `train --backend`), the
// tests' module loaders and the benchmarks find backends. Adding a target is a folder under
// src/backend/ whose target.ts exports a `Target`, plus one line here. Each target is imported
// only when asked for, so `dnnc compile --target ts` does not load the WGSL backend.
import type { CompiledModel } from "../model.ts";
import { targetModels, type PackageOutput, type PackageTarget, type Target, type TargetOutput } from "./target.ts";

interface TargetEntry {
  /** One line for `--help`. */
  description: string;
  load: () => Promise<Target>;
}

const REGISTRY = {
  ts: { description: "TypeScript for the CPU (Node or a browser)", load: async () => (await import("./ts/target.ts")).tsTarget },
  wasm: { description: "TypeScript for the CPU with its matrix products in WebAssembly SIMD", load: async () => (await import("./wasm/target.ts")).wasmTarget },
  wgsl: { description: "WGSL shaders and a TypeScript module running them on WebGPU", load: async () => (await import("./wgsl/target.ts")).wgslTarget },
} satisfies Record<string, TargetEntry>;

export type TargetName = keyof typeof REGISTRY;

/**
 * Targets that write a package of another language instead of a TypeScript module (backend/target.ts's
 * PackageTarget): `dnnc compile --target` takes them; `dnnc train --backend`, the tests' module
 * loaders and the benchmarks, which run TypeScript modules, see only TARGET_NAMES.
 */
const PACKAGE_REGISTRY = {
  pytorch: { description: "a Python package of torch.nn.Modules, to train with PyTorch at scale (docs/scale-out.md)", load: async () => (await import("./pytorch/target.ts")).pytorchTarget },
} satisfies Record<string, { description: string; load: () => Promise<PackageTarget> }>;

export type PackageTargetName = keyof typeof PACKAGE_REGISTRY;

export const PACKAGE_TARGET_NAMES = Object.keys(PACKAGE_REGISTRY) as PackageTargetName[];

export const isPackageTargetName = (name: string): name is PackageTargetName => Object.hasOwn(PACKAGE_REGISTRY, name);

/** The package target called `name`. */
export async function loadPackageTarget(name: PackageTargetName): Promise<PackageTarget> {
  return PACKAGE_REGISTRY[name].load();
}

/** One line per target `dnnc compile --target` takes, modules' and packages'. */
export const compileTargetChoices = (): string => `${targetChoices()}, ${PACKAGE_TARGET_NAMES.map((n) => `${n} (${PACKAGE_REGISTRY[n].description})`).join(", ")}`;

/** The package that target `name` writes for the models of `sourceName`. */
export async function generatePackage(name: PackageTargetName, models: readonly CompiledModel[], sourceName: string): Promise<PackageOutput> {
  return (await loadPackageTarget(name)).emitPackage({ models: targetModels(models), sourceName });
}

/** Every target's name, in the registry's order (the first is the default). */
export const TARGET_NAMES = Object.keys(REGISTRY) as TargetName[];

export const isTargetName = (name: string): name is TargetName => Object.hasOwn(REGISTRY, name);

/** One line per target, for `--help`: "ts (…), wgsl (…)". */
export const targetChoices = (): string => TARGET_NAMES.map((n) => `${n} (${REGISTRY[n].description})`).join(", ");

/** The target called `name`; an Error naming the targets there are when there is none. */
export async function loadTarget(name: string): Promise<Target> {
  if (!isTargetName(name)) throw new UnknownTargetError(name);
  return REGISTRY[name].load();
}

/** A target name the registry lacks: the message lists the ones it has. */
export class UnknownTargetError extends Error {
  constructor(readonly target: string) {
    super(`unknown target '${target}' (expected one of: ${TARGET_NAMES.join(", ")})`);
  }
}

/** The output of target `name` for the models of `sourceName`. */
export async function generate(name: string, models: readonly CompiledModel[], sourceName: string): Promise<TargetOutput> {
  return (await loadTarget(name)).emit({ models: targetModels(models), sourceName });
}
