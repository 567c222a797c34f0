// What `dnnc train` needs of a generated model, whichever backend made it: the TypeScript
// target answers synchronously, the WebGPU one with promises; the loop awaits either.
type Maybe<T> = T | Promise<T>;
export type Tensor = Float32Array | Int32Array;

export interface TensorSpec {
  readonly name: string;
  readonly dtype: "f32" | "i32";
  readonly shape: readonly (number | string)[];
}

export interface TrainableModel {
  trainStep(batch: Record<string, Tensor>): Maybe<number>;
  evaluate(batch: Record<string, Tensor>): Maybe<number>;
  predict(inputs: Record<string, Tensor>): Maybe<Float32Array>;
  /** Every output by name (a regression measures one that is not the first). */
  forward?(inputs: Record<string, Tensor>): Maybe<Record<string, Float32Array | Int32Array>>;
  getParameter(name: string): Maybe<Float32Array>;
  setParameter(name: string, values: ArrayLike<number>): Maybe<void>;
  setParameters(values: Record<string, ArrayLike<number>>): Maybe<void>;
  save(): Maybe<Uint8Array>;
  load(bytes: Uint8Array, options?: { ignoreUnknown?: boolean }): Maybe<unknown>;
  readonly steps: number;
  destroy?(): void;
}

export interface TrainableClass {
  readonly name: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly targets?: readonly TensorSpec[];
  readonly parameters: readonly TensorSpec[];
  readonly optimizerStates?: readonly TensorSpec[];
  create(options?: { seed?: number; threads?: number; workerThreads?: unknown }): Maybe<TrainableModel>;
}

/** Elements per example of a tensor whose first dimension is the batch. */
export function perExample(spec: TensorSpec): number | undefined {
  let n = 1;
  for (const d of spec.shape.slice(1)) {
    if (typeof d !== "number") return undefined;
    n *= d;
  }
  return n;
}
