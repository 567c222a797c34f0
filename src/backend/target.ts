// The contract between the compiler and a backend ("target"). A target receives the compiled
// models with every IR function already scheduled (fused into kernels, schedule/fuse.ts) and its
// memory planned (schedule/memory.ts), and returns the files of one standalone module plus a
// description of the module's API, which the CLI, `dnnc train`, the tests and the benchmarks read
// instead of knowing each target. Targets are found through the registry in targets.ts.
import type { CompiledModel } from "../model.ts";
import type { Fn } from "../ir/ir.ts";
import type { Dim } from "../ir/shape.ts";
import { fuse } from "../schedule/fuse.ts";
import { planBuffers, type PlannedBuffer } from "../schedule/memory.ts";
import type { Schedule } from "../schedule/kernel.ts";
import { programsOf } from "./model-api.ts";

/** One IR function with its schedule and its memory plan (buffers placed by liveness). */
export interface ScheduledFn {
  fn: Fn;
  schedule: Schedule;
  buffers: PlannedBuffer[];
}

/** A compiled model as a target receives it: the model and each of its functions scheduled. */
export interface TargetModel {
  model: CompiledModel;
  init: ScheduledFn;
  forward: ScheduledFn;
  train?: ScheduledFn;
  evaluate?: ScheduledFn;
  /** The named training programs' functions, as model.programs. */
  programs?: { train: ScheduledFn; evaluate?: ScheduledFn }[];
}

/** What a target is given: the models of one .dnn file, and the file's name (for the header). */
export interface TargetInput {
  models: readonly TargetModel[];
  sourceName: string;
}

/** A file a target generates: a name relative to its directory, and the text. */
export interface GeneratedFile {
  name: string;
  contents: string;
}

/** A tensor of a model's API: its name, element type and shape (numbers and symbolic sizes). */
export interface ApiTensor {
  name: string;
  dtype: "f32" | "i32";
  shape: readonly Dim[];
}

/** One exported model class of a module. */
export interface ModelApi {
  /** The exported class name (the model's name). */
  name: string;
  inputs: readonly ApiTensor[];
  outputs: readonly ApiTensor[];
  /** The training targets (labels), with a train block. */
  targets?: readonly ApiTensor[];
  parameters: readonly ApiTensor[];
  /** Whether the class has trainStep and evaluate. */
  trains: boolean;
  /** The named training programs (`train M.name { … }`, decision 0015): each one's methods and training targets. */
  programs?: readonly { name: string; trainMethod: string; evaluateMethod?: string; targets: readonly ApiTensor[] }[];
}

/** What a generated module offers its user, for the tools that load it. */
export interface ModuleApi {
  models: readonly ModelApi[];
  /** The device `create` takes (`options.device`) or requests; undefined: none, the module runs on the CPU. */
  device?: "webgpu";
  /** Whether the model methods return promises. */
  async: boolean;
}

/** What a target returns. */
export interface TargetOutput {
  /** The module: written as `<out>/<base>.ts`, where `<base>` is the .dnn file's name. */
  module: string;
  /**
   * Files the module also holds, written apart for people and tools to read (the WGSL target's
   * shaders): `<out>/<base>.<sidecar.dir>/<name>`, each under the generated-file header.
   */
  sidecar?: Sidecar;
  api: ModuleApi;
}

/** Files a target writes apart from its module, in `<out>/<base>.<dir>/`, every one named `*.<dir>`. */
export interface Sidecar {
  dir: string;
  /** What the files are, plural, for messages: "shaders". */
  what: string;
  files: readonly GeneratedFile[];
}

/** A backend. */
export interface Target {
  /** The name `--target` and `--backend` take. */
  name: string;
  emit(input: TargetInput): TargetOutput;
}

/**
 * What a package target returns (the PyTorch target: a Python package rather than a TypeScript
 * module): its files, written as `<out>/<package>/<name>`, each already starting with its own
 * generated-file header; and what it could not express, one problem per model, which the compiler
 * reports as diagnostics instead of writing the package.
 */
export interface PackageOutput {
  files: readonly GeneratedFile[];
  /** `tensor`: the tensor the problem concerns, if one does (its layer's application is where it is reported). */
  problems: readonly { model: string; message: string; tensor?: string }[];
}

/** A backend that writes a package of another language (the registry's package targets, targets.ts). */
export interface PackageTarget {
  /** The name `--target` takes. */
  name: string;
  emitPackage(input: TargetInput): PackageOutput;
}

/** A function with its schedule and memory plan (fuse is memoised per function, so this is cheap to repeat). */
export function scheduled(fn: Fn): ScheduledFn {
  const schedule = fuse(fn);
  return { fn, schedule, buffers: planBuffers(schedule) };
}

/** The models of a compilation as targets receive them. */
export function targetModels(models: readonly CompiledModel[]): TargetModel[] {
  return models.map((model) => ({
    model,
    init: scheduled(model.init),
    forward: scheduled(model.forward),
    ...(model.train ? { train: scheduled(model.train.fn) } : {}),
    ...(model.evaluate ? { evaluate: scheduled(model.evaluate) } : {}),
    ...(model.programs ? { programs: model.programs.map((p) => ({ train: scheduled(p.train.fn), ...(p.evaluate ? { evaluate: scheduled(p.evaluate) } : {}) })) } : {}),
  }));
}

/** The API description of a model, as every target exports it. */
export function modelApi(m: CompiledModel): ModelApi {
  const f32 = (t: { name: string; shape: readonly Dim[] }): ApiTensor => ({ name: t.name, dtype: "f32", shape: t.shape });
  return {
    name: m.name,
    inputs: m.inputs.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })),
    outputs: m.outputs.map(f32),
    ...(m.train ? { targets: m.train.targets.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })) } : {}),
    parameters: m.params.map(f32),
    trains: m.train !== undefined,
    ...(m.programs
      ? {
          programs: programsOf(m).flatMap((p) =>
            p.name === undefined ? [] : [{ name: p.name, trainMethod: p.trainMethod, ...(p.evaluate ? { evaluateMethod: p.evaluateMethod } : {}), targets: p.train.targets.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })) }],
          ),
        }
      : {}),
  };
}
