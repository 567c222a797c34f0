// WebGPU runtime: what every model class of the WGSL target does that does not depend on the
// model — create()'s seed and device, parameters by name read back from and written to GPU memory,
// save() and load(), dispatch counts, destroy(). The generated class extends GpuModel with the
// model's description (data: parameters, where they live in GPU memory) and the methods that run
// its plans. Real, type-checked code pasted (minus `export`) into the module (backend/runtime-parts.ts).
import { GpuMachine, type GpuPlan } from "./webgpu.ts";
import { checkParameterRecord, checkParameterValues, parameterIndex, savedMetadata, type LoadOptions, type ModelDescription } from "./model.ts";
import { safetensorsLoad, safetensorsRead, safetensorsSteps, safetensorsWrite } from "./safetensors.ts";
// dnnc:helpers-begin

export interface CreateOptions {
  /** Seed of the parameter initializers, an integer in [0, 2^24); the same seed gives the same model as the TypeScript backend's. */
  seed?: number;
  /** The device to run on; by default one is requested from navigator.gpu (and destroyed by destroy()). */
  device?: GPUDevice;
}

export interface TrainStepOptions {
  /** Read the loss back (default true); without it the step is queued and the result is NaN. */
  readLoss?: boolean;
}

/** A model on the GPU: its description, and where its persistent tensors live in GPU memory (float offsets). */
export interface GpuModelDescription extends ModelDescription {
  /** Offsets and sizes of the parameters, then the optimizer state. */
  readonly offsets: readonly number[];
  readonly sizes: readonly number[];
  /** Where the step counter and the seed are, one float each; the floats of persistent memory in all. */
  readonly step: number;
  readonly seed: number;
  readonly keep: number;
  /** Whether calls are recorded per batch size (the model has symbolic sizes). */
  readonly batched: boolean;
}

/** A new model's GPU machine (`where` is "Model.create"): shaders compiled, the parameters drawn by `init` from the seed. */
export async function gpuCreate(where: string, model: GpuModelDescription, options: CreateOptions, shaders: readonly string[], init: () => GpuPlan): Promise<GpuMachine> {
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed >= 16777216) throw new TypeError(`${where}: seed must be an integer in [0, 2^24), received ${String(seed)}`);
  const gpu = await GpuMachine.create(where, options, shaders, model.keep);
  gpu.write(model.seed, Float32Array.of(seed));
  await gpu.run("init", init, [], []);
  return gpu;
}

export abstract class GpuModel {
  protected stepCount = 0;

  // Fields assigned in the body, not parameter properties: a consumer's `erasableSyntaxOnly`
  // (and Node's type stripping) refuses those.
  private readonly model: GpuModelDescription;
  protected readonly gpu: GpuMachine;

  protected constructor(model: GpuModelDescription, gpu: GpuMachine) {
    this.model = model;
    this.gpu = gpu;
  }

  /** A copy of a parameter's values, row-major, read back from the GPU. */
  async getParameter(name: string): Promise<Float32Array> {
    const i = parameterIndex(this.model, name, "getParameter");
    return (await this.gpu.read([[this.model.offsets[i]!, this.model.sizes[i]!]]))[0]!;
  }

  /** Overwrites a parameter (queued before any later call); `values` must have exactly its size. */
  setParameter(name: string, values: ArrayLike<number>): void {
    const i = checkParameterValues(this.model, "setParameter", name, values, (i) => this.model.sizes[i]!);
    this.gpu.write(this.model.offsets[i]!, Float32Array.from(values));
  }

  /** Copies of every parameter, by name, in creation order. */
  async getParameters(): Promise<Record<string, Float32Array>> {
    const m = this.model;
    const values = await this.gpu.read(m.parameters.map((_, i) => [m.offsets[i]!, m.sizes[i]!] as const));
    // No prototype: a parameter named `__proto__` or `constructor` is an ordinary key.
    const out: Record<string, Float32Array> = Object.create(null);
    m.parameters.forEach((p, i) => (out[p.name] = values[i]!));
    return out;
  }

  /** Overwrites the named parameters (any of them), all or nothing: every name and size is checked first. */
  setParameters(values: Record<string, ArrayLike<number>>): void {
    for (const [i, v] of checkParameterRecord(this.model, values, (i) => this.model.sizes[i]!)) this.gpu.write(this.model.offsets[i]!, Float32Array.from(v));
  }

  /**
   * The parameters and the optimizer state as a safetensors file: float32 tensors named as in
   * `parameters` and `optimizerStates`, the model's name and step count in `__metadata__`.
   */
  async save(): Promise<Uint8Array> {
    const m = this.model;
    const data = await this.gpu.read(m.stored.map((_, i) => [m.offsets[i]!, m.sizes[i]!] as const));
    return safetensorsWrite(m.stored.map((t, i) => ({ name: t.name, shape: t.shape, data: data[i]! })), savedMetadata(m, this.stepCount));
  }

  /**
   * Reads a safetensors file into this model, all or nothing: a file that is malformed, lacks a
   * parameter, has one of another shape or a tensor the model lacks (unless
   * `options.ignoreUnknown`) is refused with an Error and the model is left unchanged. With the
   * optimizer state in the file, training resumes where it stopped; without it, the state and the
   * step count restart from their initial values. Returns the model.
   */
  load(bytes: Uint8Array | ArrayBuffer, options: LoadOptions = {}): this {
    const m = this.model;
    const where = `${m.name}.load`;
    const file = safetensorsRead(where, bytes);
    const steps = m.trains ? safetensorsSteps(where, file) : undefined;
    // Loaded into fresh arrays first, written to the GPU only once the whole file has passed.
    const values = m.sizes.map((n) => new Float32Array(n));
    const resumed = safetensorsLoad(where, file, m.stored.map((t) => t.name), m.stored.map((t) => t.shape), m.parameters.length, values, m.stateInitial, options.ignoreUnknown === true);
    // Training resumes at the file's step only with its optimizer state; otherwise it starts afresh.
    if (m.trains) this.stepCount = resumed ? (steps ?? 0) : 0;
    values.forEach((v, i) => this.gpu.write(m.offsets[i]!, v));
    return this;
  }

  /** Dispatches a call of `fn` ("forward", "train_step", …) recorded for batch size `batch`, once it has run. */
  dispatches(fn: string, batch: number): number | undefined {
    return this.gpu.dispatchCount(this.model.batched ? `${fn}:${batch}` : fn);
  }

  /** Frees the model's GPU memory (and the device, if create requested it). Later calls throw. */
  destroy(): void {
    this.gpu.destroy();
  }
}
// dnnc:helpers-end
