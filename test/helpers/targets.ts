// Every target of the registry (src/backend/targets.ts), loaded once, for tests that emit modules
// synchronously: `emitModule("wgsl", models, "program.dnn")`.
import type { CompiledModel } from "../../src/compiler.ts";
import { targetModels, type Target, type TargetOutput } from "../../src/backend/target.ts";
import { loadTarget, TARGET_NAMES, type TargetName } from "../../src/backend/targets.ts";

const TARGETS = new Map<TargetName, Target>(await Promise.all(TARGET_NAMES.map(async (n) => [n, await loadTarget(n)] as const)));

/** What target `name` generates for `models`. */
export function emitModule(name: TargetName, models: readonly CompiledModel[], sourceName: string): TargetOutput {
  return TARGETS.get(name)!.emit({ models: targetModels(models), sourceName });
}

/** The sidecar files of an output (the WGSL target's shaders) as name and text, the name without its extension. */
export const sidecarFiles = (o: TargetOutput): { name: string; code: string }[] =>
  (o.sidecar?.files ?? []).map((f) => ({ name: f.name.slice(0, f.name.lastIndexOf(".")), code: f.contents }));
