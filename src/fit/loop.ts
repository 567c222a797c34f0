// The training loop of `dnnc train`: epochs of shuffled (and optionally augmented) batches,
// validation after each, early stopping and learning-rate reduction on a plateau, a checkpoint
// after every epoch, and a clean stop when asked (Ctrl-C) with the last checkpoint written. A
// non-finite loss (training or validation) or a step the model refuses as non-finite ends the run
// with a DivergedError saying where, before anything is written for that epoch. A classifier is
// fed its labels and measured by accuracy; a model whose train block has no target (an
// autoencoder) is fed the inputs alone and measured by its reconstruction error. A regression
// (f32 targets) is fed its targets' values from a dataset kept aligned with the features (the
// same seeds shuffle both), and measured by the MSE and MAE of its first output against its first
// target (regression-data.ts).
// The learning rate changes only between epochs (a plateau, or a schedule): it is optimizer state
// that is rewritten through save/load, cheap once per epoch, a GPU readback if done every step.
import { batches } from "../data/batches.ts";
import { featureSize, type Dataset } from "../data/dataset.ts";
import { ACCURACY_SAMPLE_EVERY, Confusion } from "../runtime/metrics.ts";
import { epochSeed } from "../runtime/random-order.ts";
import type { TrainableModel } from "./model.ts";
import { EPOCH, HISTORY, historyMetadata, writeCheckpoint } from "./checkpoint.ts";
import { DivergedError, isNonFiniteStep, nonFiniteCause } from "./diverged.ts";
import { withMetadata } from "./safetensors.ts";
import type { RegressionTarget } from "./regression-data.ts";

export interface EpochStats {
  epoch: number; // 1-based
  loss: number; // mean training loss over the epoch's batches
  accuracy?: number; // a classifier's training accuracy, from the forward pass of one batch in ACCURACY_SAMPLE_EVERY
  valLoss?: number;
  valAccuracy?: number;
  /** A regression's metrics by name (mse, mae), over the epoch's training batches and the validation set. */
  metrics?: Record<string, number>;
  valMetrics?: Record<string, number>;
  lr?: number;
  seconds: number;
  examplesPerSecond: number;
}

export interface Progress {
  epoch: number;
  epochs: number;
  step: number; // batches done in this epoch
  steps: number; // batches per epoch
  loss: number; // running mean
  accuracy?: number; // a classifier's
  examplesPerSecond: number;
  etaSeconds: number;
}

export interface FitOptions {
  model: TrainableModel;
  input: string; // the model's input name, fed the dataset's x
  /** The train block's target name, fed the labels; absent for a model trained on its input alone. */
  target?: string;
  output: string; // the output whose arg max is the predicted class
  /** A classifier's number of classes (accuracy and a confusion matrix); absent for others. */
  classes?: number;
  train: Dataset;
  validation?: Dataset;
  /** 1 unless a resumed run goes on from a later epoch; `epochs` is the last. */
  firstEpoch?: number;
  epochs: number;
  batchSize: number;
  seed: number;
  /** Rewrites a batch's x (augmentation); may return `out`. */
  augment?: (x: Float32Array, batch: number, out: Float32Array) => Float32Array;
  earlyStopping?: { patience: number; restoreBest: boolean };
  reduceLr?: { patience: number; factor: number; minLr: number; get(): Promise<number>; set(lr: number): Promise<void> };
  /** A learning rate per epoch (1-based), set before the epoch's first step. */
  schedule?: { lrAt(epoch: number): number; set(lr: number): Promise<void> };
  checkpoint?: string;
  /** Kept in the checkpoint's metadata beside the epochs done and the history. */
  checkpointMetadata?: Record<string, string>;
  /** The epochs of the runs this one resumes: kept with this run's in the checkpoint's history. */
  earlierHistory?: EpochStats[];
  /** A regression's f32 targets and their values for the training and validation sets. */
  regression?: Regression;
  /** The learning rate, recorded per epoch when no schedule or plateau sets it. */
  learningRate?: () => Promise<number | undefined>;
  onProgress?: (p: Progress) => void;
  onEpoch?: (s: EpochStats) => void;
  onNote?: (message: string) => void;
  /** Called after each checkpoint is written, with the epochs it holds. */
  onCheckpoint?: (epochsDone: number) => void;
  /** Polled between batches: true stops training after the current batch. */
  interrupted?: () => boolean;
}

export interface Regression {
  targets: RegressionTarget[];
  /** The output measured against the first target (the first with as many values per example); none when no output has. */
  measured?: { output: string; first: boolean };
  train: Dataset;
  validation?: Dataset;
}

export interface FitResult {
  history: EpochStats[];
  stoppedEarly: boolean;
  interrupted: boolean;
  bestEpoch?: number;
}

export async function fit(o: FitOptions): Promise<FitResult> {
  const history: EpochStats[] = [];
  let best = { loss: Infinity, epoch: 0, weights: undefined as Uint8Array | undefined };
  let sinceImproved = 0;
  let sinceLrImproved = 0;
  let lrBest = Infinity;
  const steps = Math.ceil(o.train.n / o.batchSize);
  let augmented: Float32Array | undefined;
  let lastYield = performance.now();

  for (let epoch = o.firstEpoch ?? 1; epoch <= o.epochs; epoch++) {
    const started = performance.now();
    const scheduled = o.schedule?.lrAt(epoch);
    if (scheduled !== undefined) await o.schedule!.set(scheduled);
    let lossSum = 0, lossCount = 0, seen = 0, step = 0;
    const sampled = o.classes === undefined ? undefined : new Confusion(o.classes);
    const errors = o.regression?.measured ? new RegressionErrors() : undefined;
    // The targets' values, batched in the same order as the features (the same seed).
    const values = o.regression && batches(o.regression.train, o.batchSize, { shuffle: true, seed: epochSeed(o.seed, epoch) });
    for (const b of batches(o.train, o.batchSize, { shuffle: true, seed: epochSeed(o.seed, epoch) })) {
      const v = values?.next().value?.x;
      let x = b.x;
      if (o.augment) {
        const out = augmented?.length === b.x.length ? augmented : (augmented = new Float32Array(b.x.length));
        x = o.augment(b.x, b.size, out);
      }
      if (sampled && step % ACCURACY_SAMPLE_EVERY === 0) sampled.add(await o.model.predict({ [o.input]: x }), b.y, b.size);
      if (errors && step % ACCURACY_SAMPLE_EVERY === 0) errors.add(await measuredOutput(o.model, o, x), v!, o.regression!.targets[0]!.size, o.regression!.targets);
      const where = `epoch ${epoch}, batch ${step + 1} of ${steps}`;
      let loss: number;
      try {
        loss = await o.model.trainStep(feed(o, x, b.y, v));
      } catch (e) {
        if (isNonFiniteStep(e)) throw new DivergedError(`${where}: ${nonFiniteCause(e)}`);
        throw e;
      }
      if (!Number.isFinite(loss)) throw new DivergedError(`${where}: the training loss is ${loss}`);
      lossSum += loss * b.size, lossCount += b.size, seen += b.size, step++;
      const elapsed = (performance.now() - started) / 1000;
      o.onProgress?.({ epoch, epochs: o.epochs, step, steps, loss: lossSum / lossCount, accuracy: sampled?.accuracy, examplesPerSecond: seen / elapsed, etaSeconds: (elapsed / step) * (steps - step) });
      if (performance.now() - lastYield > 50) {
        // The TypeScript backend never waits, so without this a signal (Ctrl-C) would not be
        // delivered until training ended: its handler runs only when the event loop turns.
        await new Promise((done) => setImmediate(done));
        lastYield = performance.now();
      }
      if (o.interrupted?.()) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const stats: EpochStats = { epoch, loss: lossSum / lossCount, accuracy: sampled?.accuracy, seconds, examplesPerSecond: seen / seconds };
    if (errors) stats.metrics = errors.metrics();
    if (o.reduceLr) stats.lr = await o.reduceLr.get();
    else if (scheduled !== undefined) stats.lr = scheduled;
    else if (o.learningRate) stats.lr = await o.learningRate();
    const stopped = o.interrupted?.() ?? false;
    if (o.validation && !stopped) {
      const v = await evaluate(o.model, o.validation, { ...o, values: o.regression?.validation });
      if (!Number.isFinite(v.loss)) throw new DivergedError(`epoch ${epoch}: the validation loss is ${v.loss}`);
      stats.valLoss = v.loss;
      stats.valAccuracy = v.confusion?.accuracy;
      if (v.metrics) stats.valMetrics = v.metrics;
    }
    history.push(stats);
    o.onEpoch?.(stats);
    if (o.checkpoint) {
      const done = stopped ? epoch - 1 : epoch;
      const whole = historyMetadata([...(o.earlierHistory ?? []), ...history], done);
      writeCheckpoint(o.checkpoint, withMetadata(await o.model.save(), { ...o.checkpointMetadata, [EPOCH]: String(done), [HISTORY]: whole }));
      o.onCheckpoint?.(done);
    }
    if (stopped) return { history, stoppedEarly: false, interrupted: true, bestEpoch: best.epoch || undefined };

    const monitored = stats.valLoss ?? stats.loss;
    if (monitored < best.loss) {
      best = { loss: monitored, epoch, weights: o.earlyStopping?.restoreBest ? await o.model.save() : undefined };
      sinceImproved = 0;
    } else sinceImproved++;
    if (o.reduceLr) {
      if (monitored < lrBest) (lrBest = monitored), (sinceLrImproved = 0);
      else if (++sinceLrImproved >= o.reduceLr.patience) {
        const lr = stats.lr!;
        const next = Math.max(o.reduceLr.minLr, lr * o.reduceLr.factor);
        if (next < lr) {
          await o.reduceLr.set(next);
          o.onNote?.(`no improvement for ${epochs(sinceLrImproved)}: learning rate ${lr.toPrecision(3)} → ${next.toPrecision(3)}`);
        }
        sinceLrImproved = 0;
      }
    }
    if (o.earlyStopping && sinceImproved >= o.earlyStopping.patience) {
      if (best.weights) await o.model.load(best.weights);
      o.onNote?.(`no improvement for ${epochs(sinceImproved)}: stopped${best.weights ? `, weights of epoch ${best.epoch} restored` : ""}`);
      return { history, stoppedEarly: true, interrupted: false, bestEpoch: best.epoch };
    }
  }
  return { history, stoppedEarly: false, interrupted: false, bestEpoch: best.epoch || undefined };
}

/** A training or evaluation batch: the input, and the labels where the train block has a target,
 * or a regression's values, split among its targets (each a copy: a batch's arrays are reused). */
function feed(o: Pick<FitOptions, "input" | "target" | "regression">, x: Float32Array, y: Int32Array, values?: Float32Array): Record<string, Float32Array | Int32Array> {
  if (o.regression && values) {
    const batch: Record<string, Float32Array | Int32Array> = { [o.input]: x };
    const width = o.regression.targets.reduce((a, t) => a + t.size, 0), n = values.length / width;
    let at = 0;
    for (const t of o.regression.targets) {
      const out = (batch[t.name] = new Float32Array(n * t.size));
      for (let i = 0; i < n; i++) for (let j = 0; j < t.size; j++) out[i * t.size + j] = values[i * width + at + j]!;
      at += t.size;
    }
    return batch;
  }
  return o.target === undefined ? { [o.input]: x } : { [o.input]: x, [o.target]: y };
}

/** The output a regression measures, for the inputs `x`. */
async function measuredOutput(model: TrainableModel, o: Pick<FitOptions, "input" | "regression">, x: Float32Array): Promise<Float32Array | Int32Array> {
  const m = o.regression!.measured!;
  if (m.first || !model.forward) return model.predict({ [o.input]: x });
  return (await model.forward({ [o.input]: x }))[m.output]!;
}

/** Sums of squared and absolute differences of a regression's first output against its first target. */
class RegressionErrors {
  private squares = 0;
  private absolutes = 0;
  private count = 0;
  /** `out`: the first output, `size` values per example; `values`: every target's, side by side. */
  add(out: Float32Array | Int32Array, values: Float32Array, size: number, targets: RegressionTarget[]): void {
    const width = targets.reduce((a, t) => a + t.size, 0), n = values.length / width;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < size; j++) {
        const d = out[i * size + j]! - values[i * width + j]!;
        (this.squares += d * d), (this.absolutes += Math.abs(d)), this.count++;
      }
  }
  metrics(): Record<string, number> {
    return { mse: this.squares / this.count, mae: this.absolutes / this.count };
  }
}

export interface Evaluation {
  loss: number; // the train block's, in inference mode
  confusion?: Confusion; // a classifier's
  /** Without a target: the mean squared difference between the output and the input, per element. */
  reconstructionMse?: number;
  /** A regression's metrics (mse, mae) of the output against the target. */
  metrics?: Record<string, number>;
}

/** The loss over a whole dataset, and a classifier's confusion matrix or a reconstruction's error. */
export async function evaluate(model: TrainableModel, d: Dataset, o: Pick<FitOptions, "input" | "target" | "classes" | "batchSize" | "regression"> & { values?: Dataset }): Promise<Evaluation> {
  const confusion = o.classes === undefined ? undefined : new Confusion(o.classes);
  const errors = o.regression?.measured ? new RegressionErrors() : undefined;
  const values = o.values && batches(o.values, o.batchSize, { shuffle: false, seed: 0 });
  const reconstructs = o.target === undefined && !o.regression;
  let lossSum = 0, squares = 0;
  for (const b of batches(d, o.batchSize, { shuffle: false, seed: 0 })) {
    const v = values?.next().value?.x;
    const out = await model.predict({ [o.input]: b.x });
    confusion?.add(out, b.y, b.size);
    if (errors) errors.add(o.regression!.measured!.first ? out : await measuredOutput(model, o, b.x), v!, o.regression!.targets[0]!.size, o.regression!.targets);
    if (reconstructs) for (let i = 0; i < b.x.length; i++) squares += (out[i]! - b.x[i]!) ** 2;
    lossSum += (await model.evaluate(feed(o, b.x, b.y, v))) * b.size;
  }
  const result: Evaluation = { loss: lossSum / d.n };
  if (confusion) result.confusion = confusion;
  if (errors) result.metrics = errors.metrics();
  if (reconstructs) result.reconstructionMse = squares / (d.n * featureSize(d));
  return result;
}

const epochs = (n: number) => `${n} epoch${n === 1 ? "" : "s"}`;
