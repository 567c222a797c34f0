// CPU runtime: what every model class of the TypeScript target does that does not depend on the
// model — create()'s options, parameters by name, save() and load(), workspaces made on first use
// and reused, inputs staged for worker threads, the update after a training step. The generated
// class extends CpuModel with the model's description (data) and the methods that call its
// kernels. Real, type-checked code pasted (minus `export`) into the module (backend/runtime-parts.ts).
import { allocate, owned, type Workspace } from "./memory.ts";
import { MAX_THREADS, startThreads, threadsStarted, type WorkerThreads } from "./threads.ts";
import { checkParameterRecord, checkParameterValues, parameterIndex, savedMetadata, type LoadOptions, type ModelDescription } from "../model.ts";
import { safetensorsLoad, safetensorsRead, safetensorsSteps, safetensorsWrite } from "../safetensors.ts";
// dnnc:helpers-begin

export interface CreateOptions {
  /** Seed of the parameter initializers (an integer); the same seed gives the same model. */
  seed?: number;
  /** Threads for the matrix products (default 1, at most 64); results are bit-identical. Needs `workerThreads`. */
  threads?: number;
  /** Node's worker threads: `await import("node:worker_threads")` (the module imports nothing itself). */
  workerThreads?: WorkerThreads;
}

/** create()'s options checked (`where` is "Model.create"): the seed and the threads. */
export function createOptions(where: string, options: CreateOptions): { seed: number; threads: number } {
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new TypeError(`${where}: seed must be an integer, received ${String(seed)}`);
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new TypeError(`${where}: threads must be a positive integer, received ${String(threads)}`);
  if (threads > MAX_THREADS) throw new RangeError(`${where}: threads must be at most ${MAX_THREADS}, received ${threads}`);
  if (threads > 1 && !options.workerThreads) throw new TypeError(`${where}: threads: ${threads} needs workerThreads: await import("node:worker_threads")`);
  return { seed, threads };
}

/** create()'s options checked, the threads started: the seed. */
export function cpuCreateSeed(where: string, options: CreateOptions): number {
  const { seed, threads } = createOptions(where, options);
  if (threads > 1) startThreads(threads, options.workerThreads!);
  return seed;
}

export abstract class CpuModel {
  protected stepCount = 0;
  /** The step number the training step reads (Adam's bias correction). */
  protected readonly step: Float32Array = new Float32Array(1);
  /** Workspaces by function and batch size: made on first use, reused after. */
  private readonly workspaces = new Map<string, Workspace>();
  /** Integer inputs carried as float32, and inputs staged for threads, by name and length. */
  private readonly converted = new Map<string, Float32Array>();

  // Fields assigned in the body, not parameter properties: a consumer's `erasableSyntaxOnly`
  // (and Node's type stripping) refuses those.
  private readonly model: ModelDescription;
  protected readonly params: Float32Array[];
  protected readonly states: Float32Array[];

  protected constructor(model: ModelDescription, params: Float32Array[], states: Float32Array[]) {
    this.model = model;
    this.params = params;
    this.states = states;
    owned(this); // the parameters' and states' memory, copied just before
  }

  /** A copy of a parameter's values, row-major. */
  getParameter(name: string): Float32Array {
    return this.params[parameterIndex(this.model, name, "getParameter")]!.slice();
  }

  /** Overwrites a parameter; `values` must have exactly the parameter's size. */
  setParameter(name: string, values: ArrayLike<number>): void {
    this.params[checkParameterValues(this.model, "setParameter", name, values, (i) => this.params[i]!.length)]!.set(values);
  }

  /** Copies of every parameter, by name, in creation order. */
  getParameters(): Record<string, Float32Array> {
    // No prototype: a parameter named `__proto__` or `constructor` is an ordinary key.
    const out: Record<string, Float32Array> = Object.create(null);
    this.model.parameters.forEach((p, i) => (out[p.name] = this.params[i]!.slice()));
    return out;
  }

  /** Overwrites the named parameters (any of them), all or nothing: every name and size is checked first. */
  setParameters(values: Record<string, ArrayLike<number>>): void {
    for (const [i, v] of checkParameterRecord(this.model, values, (i) => this.params[i]!.length)) this.params[i]!.set(v);
  }

  /**
   * The parameters and the optimizer state as a safetensors file: float32 tensors named as in
   * `parameters` and `optimizerStates`, the model's name and step count in `__metadata__`.
   */
  save(): Uint8Array {
    const data = [...this.params, ...this.states];
    return safetensorsWrite(this.model.stored.map((t, i) => ({ name: t.name, shape: t.shape, data: data[i]! })), savedMetadata(this.model, this.stepCount));
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
    const values = [...this.params, ...this.states];
    const resumed = safetensorsLoad(where, file, m.stored.map((t) => t.name), m.stored.map((t) => t.shape), m.parameters.length, values, m.stateInitial, options.ignoreUnknown === true);
    // Training resumes at the file's step only with its optimizer state; otherwise it starts afresh.
    if (m.trains) this.stepCount = resumed ? (steps ?? 0) : 0;
    return this;
  }

  /** The workspace of a function at some batch size (`key`), made by `make` on first use. */
  protected workspace(key: string, make: () => Workspace): Workspace {
    let ws = this.workspaces.get(key);
    if (!ws) this.workspaces.set(key, (ws = owned(make())));
    return ws;
  }

  /** Inputs as they are, or, with threads, copied into shared memory the workers can read. */
  protected staged(name: string, values: Float32Array): Float32Array {
    if (!threadsStarted()) return values;
    return this.convert(`${name}:${values.length}:f32`, values);
  }

  /** Integer inputs as float32 (exact below 2^24), in memory kept for the next call. */
  protected asFloat32(name: string, values: Int32Array): Float32Array {
    return this.convert(`${name}:${values.length}`, values);
  }

  private convert(key: string, values: Float32Array | Int32Array): Float32Array {
    let f = this.converted.get(key);
    if (!f) {
      this.converted.set(key, (f = allocate(values.length)));
      owned(this);
    }
    f.set(values);
    return f;
  }

  /**
   * After a training step whose outputs are `out` (the loss, the new parameters, the new optimizer
   * state) was found finite: counts the step, stores the new values; returns the loss.
   */
  protected applyStep(out: readonly Float32Array[]): number {
    this.stepCount++;
    return this.applyProgramStep(out, 0);
  }

  /**
   * As applyStep, for a training program whose states begin at `firstState` (decision 0015): its
   * outputs are the loss, every parameter (the others unchanged), its own states and the
   * finiteness flag. A named program counts its steps in a state of its own, not here.
   */
  protected applyProgramStep(out: readonly Float32Array[], firstState: number): number {
    const P = this.params.length;
    for (let i = 0; i < P; i++) if (out[1 + i] !== this.params[i]) this.params[i]!.set(out[1 + i]!);
    for (let i = 0; i < out.length - P - 2; i++) this.states[firstState + i]!.set(out[1 + P + i]!);
    return out[0]![0]!;
  }
}
// dnnc:helpers-end
