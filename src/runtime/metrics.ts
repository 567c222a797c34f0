// Runtime of every generated module (and of `dnnc train`): classification metrics. Which models
// are classifiers (one integer target of class labels, an output scoring each class), and their
// accuracy from the output scores (logits or probabilities: the arg max is the same),
// accumulated batch by batch into a confusion matrix. `dnnc train` (src/fit/loop.ts) and a
// generated model's fit() (fit.ts) measure with this one implementation. Real, type-checked code
// pasted (minus `export`) into the module (backend/runtime-parts.ts).
import type { TensorSpec } from "./model.ts";
// dnnc:helpers-begin

/**
 * Training accuracy is measured on one batch in this many, from a forward pass just before its
 * step (the step itself returns only the loss): an estimate, at an eighth of a forward pass per step.
 */
export const ACCURACY_SAMPLE_EVERY = 8;

/**
 * The number of classes of a classifier, or undefined when the model is not one: its first
 * output scores each class (its last dimension, a number ≥ 2) for each label of its only target,
 * an i32 tensor of the output's shape less that last dimension.
 */
export function classifierClasses(targets: readonly TensorSpec[], outputs: readonly TensorSpec[]): number | undefined {
  const target = targets[0];
  const output = outputs[0];
  if (targets.length !== 1 || target === undefined || target.dtype !== "i32" || output === undefined) return undefined;
  const k = output.shape[output.shape.length - 1];
  if (typeof k !== "number" || k < 2 || output.shape.length !== target.shape.length + 1) return undefined;
  return target.shape.every((d, i) => d === output.shape[i]) ? k : undefined;
}

export class Confusion {
  /** counts[truth * classes + predicted] */
  readonly counts: Int32Array;
  readonly classes: number;
  constructor(classes: number) {
    this.classes = classes;
    this.counts = new Int32Array(classes * classes);
  }

  /** Adds a batch: `scores` is size × classes, `labels` the size true classes. */
  add(scores: Float32Array, labels: Int32Array, size: number): void {
    const k = this.classes;
    for (let i = 0; i < size; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (scores[i * k + c]! > scores[i * k + best]!) best = c;
      const truth = labels[i]!;
      if (truth >= 0 && truth < k) this.counts[truth * k + best]!++;
    }
  }

  /** Forgets every batch added (a new epoch), allocating nothing. */
  clear(): void {
    this.counts.fill(0);
  }

  get total(): number {
    let n = 0;
    for (let i = 0; i < this.counts.length; i++) n += this.counts[i]!;
    return n;
  }

  /** The fraction of labels whose class scored highest; NaN before any batch. */
  get accuracy(): number {
    let right = 0;
    for (let c = 0; c < this.classes; c++) right += this.counts[c * this.classes + c]!;
    const total = this.total;
    return total ? right / total : NaN;
  }

  row(truth: number): number[] {
    return [...this.counts.subarray(truth * this.classes, (truth + 1) * this.classes)];
  }
}
// dnnc:helpers-end
