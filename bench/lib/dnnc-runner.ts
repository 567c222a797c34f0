// dnnc's side of bench/train-speed.ts: compile a .dnn file for one target of the registry
// (src/backend/targets.ts) through the CLI's main() (the path a user takes) and import the
// generated module. The benchmark then uses only the generated class's public API, described here,
// so it keeps working whatever the backend does inside — and any CPU target whose module has the
// TS target's synchronous API (the same methods, no device, no promises) is one name away.
import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { main as dnnc } from "../../src/cli/main.ts";
import { compile } from "../../src/compiler.ts";
import { generate, TARGET_NAMES } from "../../src/backend/targets.ts";
import { measure } from "./timing.ts";
import { lossChecks, logitsCheck, type ModelCase } from "./train-case.ts";
import type { DnncImpl } from "./train-results.ts";

export interface TensorSpecLike {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly (number | string)[];
}

export interface GeneratedModel {
  forward(inputs: Record<string, Float32Array>): Record<string, Float32Array>;
  trainStep(batch: Record<string, Float32Array | Int32Array>): number;
  getParameter(name: string): Float32Array;
  setParameter(name: string, values: ArrayLike<number>): void;
}

export interface GeneratedClass {
  readonly name: string;
  readonly inputs: readonly TensorSpecLike[];
  readonly outputs: readonly TensorSpecLike[];
  readonly targets: readonly TensorSpecLike[];
  readonly parameters: readonly TensorSpecLike[];
  create(options?: { seed?: number }): GeneratedModel;
}

/**
 * The registry's targets whose modules this benchmark can time, in the registry's order: those
 * whose module runs on the CPU and answers synchronously (its API description says no device and
 * no promises), found by generating each target's module for `probeDnn` (a .dnn path). Every other
 * target is listed in `others` with the reason.
 */
export async function synchronousCpuTargets(probeDnn: string): Promise<{ targets: string[]; others: Map<string, string> }> {
  const { models, diagnostics } = compile(probeDnn);
  if (models.length === 0) throw new Error(`${probeDnn} does not compile: ${diagnostics.map((d) => d.message).join("; ")}`);
  const targets: string[] = [];
  const others = new Map<string, string>();
  for (const name of TARGET_NAMES) {
    let api;
    try {
      api = (await generate(name, models, basename(probeDnn))).api;
    } catch (e) {
      // A target under construction that cannot emit this model yet: reported, not fatal.
      others.set(name, `it does not compile ${basename(probeDnn)}: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`);
      continue;
    }
    if (api.device !== undefined) others.set(name, `its module runs on a ${api.device} device (bench/gpu-speed.ts times it)`);
    else if (api.async) others.set(name, "its module's methods return promises");
    else targets.push(name);
  }
  return { targets, others };
}

/**
 * `dnnc compile <root>/<dnn> --target <target> --out <outDir>/<target>`, then the generated file's
 * one exported model class; throws (with the compiler's output) if either fails. compileMs: the
 * compile alone.
 */
export async function compileModel(root: string, dnn: string, outDir: string, target = "ts"): Promise<{ cls: GeneratedClass; compileMs: number; file: string }> {
  const source = join(root, dnn);
  const dir = join(outDir, target); // each target's module under its own folder: they share a file name
  mkdirSync(dir, { recursive: true });
  let log = "";
  const io = { out: (s: string) => void (log += s), err: (s: string) => void (log += s), color: false };
  const t0 = performance.now();
  const code = await dnnc(["compile", source, "--target", target, "--out", dir], io);
  const compileMs = performance.now() - t0;
  if (code !== 0) throw new Error(`dnnc compile ${dnn} --target ${target} exited ${code}:\n${log}`);
  const file = join(dir, basename(dnn).replace(/\.dnn$/, ".ts"));
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const classes = Object.values(mod).filter((v): v is GeneratedClass => typeof v === "function" && typeof (v as { create?: unknown }).create === "function");
  if (classes.length !== 1) throw new Error(`${file}: expected one exported model class, found ${classes.length}`);
  return { cls: classes[0]!, compileMs, file };
}

/**
 * Times one dnnc target on a case: forward, then training steps. The reference target is timed on
 * `refModel`, the model the case's weights came from; another target gets its own model, given
 * those weights (setParameter) and checked to give the reference's logits first.
 */
export async function runDnnc(c: ModelCase, impl: DnncImpl, cls: GeneratedClass, refModel?: GeneratedModel): Promise<void> {
  const inputName = cls.inputs[0]!.name, outputName = cls.outputs[0]!.name, targetName = cls.targets[0]!.name;
  let model = refModel;
  if (!model) {
    model = cls.create();
    for (const [i, p] of cls.parameters.entries()) model.setParameter(p.name, c.weights[i]!);
    logitsCheck(c, impl, model.forward({ [inputName]: c.x })[outputName]!);
  }
  const m = model;
  c.out(`  ${impl}: forward …`);
  c.cells.forward[impl] = { status: "ok", timing: await measure(() => m.forward({ [inputName]: c.x }), c.policy) };
  c.out(`  ${impl}: train step …`);
  const losses: number[] = [];
  const ts = await measure(() => losses.push(m.trainStep({ [inputName]: c.x, [targetName]: c.y })), c.policy);
  c.cells.step[impl] = { status: "ok", timing: ts, losses };
  lossChecks(c, impl, losses);
  c.refLoss ??= losses[0];
}
