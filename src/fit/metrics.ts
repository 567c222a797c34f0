// Classification metrics from a model's output scores (logits or probabilities: the arg max is
// the same), accumulated batch by batch.

export class Confusion {
  /** counts[truth * classes + predicted] */
  readonly counts: Int32Array;
  constructor(readonly classes: number) {
    this.counts = new Int32Array(classes * classes);
  }

  /** Adds a batch: `scores` is batch × classes, `labels` the true classes. */
  add(scores: Float32Array, labels: Int32Array, size: number): void {
    const k = this.classes;
    for (let i = 0; i < size; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (scores[i * k + c]! > scores[i * k + best]!) best = c;
      const truth = labels[i]!;
      if (truth >= 0 && truth < k) this.counts[truth * k + best]!++;
    }
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts) n += c;
    return n;
  }

  get accuracy(): number {
    let right = 0;
    for (let c = 0; c < this.classes; c++) right += this.counts[c * this.classes + c]!;
    return this.total ? right / this.total : NaN;
  }

  row(truth: number): number[] {
    return [...this.counts.subarray(truth * this.classes, (truth + 1) * this.classes)];
  }
}
