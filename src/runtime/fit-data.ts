// Runtime of every generated module (both targets): the data of model.fit() (fit.ts) — checked
// whole before the first step, so that bad data is refused with an error naming what was
// expected rather than found at some batch of some epoch — and gathered into batches in buffers
// made once and reused for every batch. Real, type-checked code pasted (minus `export`) into the
// module (backend/runtime-parts.ts).
import type { TensorSpec } from "./model.ts";
import { bindInputs, type InputPlan } from "./inputs.ts";
import { checkIndices } from "./input-checks.ts";
import { describe } from "./describe.ts";
// dnnc:helpers-begin

/** What fit() knows of a model's class: its name and its tensors (the generated class's statics). */
export interface FitClass {
  readonly name: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly targets?: readonly TensorSpec[];
}

/** A data set of fit(), checked: its tensors (inputs, then targets) and how many examples they hold. */
export interface FitData {
  readonly tensors: readonly (Float32Array | Int32Array)[];
  readonly examples: number;
}

/** The tensors fit() trains on, inputs then targets: each holds its examples along its first dimension. */
const fitTensors = (cls: FitClass): readonly TensorSpec[] => [...cls.inputs, ...(cls.targets ?? [])];

/**
 * Checks `data` (a whole data set: the object trainStep takes, every example in it) before
 * training: the types and lengths (as trainStep's bindInputs would, for the batch of all of
 * them), every float finite, every label of a classifier of `classes` classes in [0, classes).
 * `where` names it in errors: "DigitsMLP.fit" or "DigitsMLP.fit: validationData".
 */
export function checkFitData(where: string, cls: FitClass, plan: InputPlan, data: unknown, classes: number | undefined): FitData {
  const specs = fitTensors(cls);
  const batch = specs[0]?.shape[0];
  // Examples are cut along the first dimension: it must be the batch size, and nothing else may depend on it.
  const alone = (d: number | string) => typeof d !== "string" || typeof batch !== "string" || !new RegExp(`\\b${batch}\\b`).test(d);
  if (typeof batch !== "string" || specs.some((t) => t.shape[0] !== batch || !t.shape.slice(1).every(alone)))
    throw new TypeError(`${where}: fit() needs every input and target to hold the examples along its first dimension, the batch size; ${cls.name} has ${specs.map((t) => `"${t.name}": ${t.dtype}[${t.shape.join(", ")}]`).join(", ")}`);
  const sizes = bindInputs(where, plan, data);
  const examples = sizes[plan.symbols.indexOf(batch)]!;
  const obj = data as Record<string, Float32Array | Int32Array>;
  const tensors = specs.map((t) => obj[t.name]!);
  specs.forEach((t, k) => {
    const values = tensors[k]!;
    if (values instanceof Float32Array) {
      for (let i = 0; i < values.length; i++)
        if (!Number.isFinite(values[i]!)) {
          const per = values.length / examples;
          throw new RangeError(`${where}: "${t.name}" has ${values[i]} at index ${i} (example ${Math.floor(i / per)}): fit() trains on finite numbers only`);
        }
    }
  });
  const target = cls.targets?.[0];
  if (classes !== undefined && target !== undefined) {
    const labels = tensors[cls.inputs.length] as Int32Array;
    const per = labels.length / examples;
    checkIndices(where, target.name, labels, classes, per === 1 ? [examples] : [examples, per], `a class label of ${cls.name}, whose output "${cls.outputs[0]!.name}" scores ${classes} classes`);
  }
  return { tensors, examples };
}

/** The examples of `data` at `picked` (ascending positions), as a data set of their own: validationSplit's held-out part. */
export function pickExamples(data: FitData, picked: readonly number[]): FitData {
  const tensors = data.tensors.map((t) => {
    const per = t.length / data.examples;
    const out = t instanceof Int32Array ? new Int32Array(picked.length * per) : new Float32Array(picked.length * per);
    picked.forEach((r, i) => out.set(t.subarray(r * per, (r + 1) * per), i * per));
    return out;
  });
  return { tensors, examples: picked.length };
}

/**
 * Batches of up to `batchSize` examples of one data set gathered into buffers made here once:
 * `fill` copies the examples at `order[from…from+size)` into them and returns the object the
 * model's methods take (by tensor name; a short last batch gets its own object of views, also
 * made once), so that gathering a batch allocates nothing.
 */
export class FitBatches {
  private readonly data: FitData;
  private readonly per: readonly number[];
  private readonly full: Record<string, Float32Array | Int32Array>;
  private readonly buffers: readonly (Float32Array | Int32Array)[];
  private short: Record<string, Float32Array | Int32Array> | undefined;
  private readonly names: readonly string[];
  readonly batchSize: number;

  constructor(cls: FitClass, data: FitData, batchSize: number) {
    this.data = data;
    this.names = fitTensors(cls).map((t) => t.name);
    this.batchSize = Math.min(batchSize, data.examples);
    this.per = data.tensors.map((t) => t.length / data.examples);
    this.buffers = data.tensors.map((t, k) => (t instanceof Int32Array ? new Int32Array(this.batchSize * this.per[k]!) : new Float32Array(this.batchSize * this.per[k]!)));
    this.full = this.record(this.buffers);
  }

  /** The batch of the `size` examples at order[from], order[from + 1], …: the buffers reused. */
  fill(order: Int32Array, from: number, size: number): Record<string, Float32Array | Int32Array> {
    const tensors = this.data.tensors;
    for (let k = 0; k < tensors.length; k++) {
      const src = tensors[k]!, dst = this.buffers[k]!, per = this.per[k]!;
      // A plain loop, not set(subarray()): a subarray is an object per example.
      for (let i = 0; i < size; i++) for (let j = 0, a = order[from + i]! * per, b = i * per; j < per; j++) dst[b + j] = src[a + j]!;
    }
    if (size === this.batchSize) return this.full;
    // The data's size never changes, so only one size of short batch ever comes: its views are made once.
    return (this.short ??= this.record(this.buffers.map((b, k) => b.subarray(0, size * this.per[k]!))));
  }

  /** The labels (the first target) of the batch last filled. */
  labels(batch: Record<string, Float32Array | Int32Array>, inputs: number): Int32Array {
    return batch[this.names[inputs]!] as Int32Array;
  }

  private record(tensors: readonly (Float32Array | Int32Array)[]): Record<string, Float32Array | Int32Array> {
    // No prototype: a tensor named `__proto__` or `constructor` is an ordinary key.
    const out: Record<string, Float32Array | Int32Array> = Object.create(null);
    this.names.forEach((n, k) => (out[n] = tensors[k]!));
    return out;
  }
}

/** A positive integer option of fit(), or its default; a TypeError naming it otherwise. */
export function countOption(where: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) throw new TypeError(`${where}: ${name} must be a positive integer, received ${typeof value === "number" ? value : describe(value)}`);
  return value;
}
// dnnc:helpers-end
