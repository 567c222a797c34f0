// Runtime of every generated module (both targets): model.fit(data, options), the training loop
// Keras and TF.js users call — epochs of shuffled batches, validation, loss and (for classifiers)
// accuracy, callbacks, early stopping — over the model's own trainStep, evaluate and predict,
// which the CPU targets answer synchronously and the WebGPU one with promises. The data is
// checked whole before the first step (fit-data.ts); batches are gathered into buffers made
// once; an AbortSignal stops it between batches; and it yields to the event loop every
// YIELD_EVERY_MS so that a page stays responsive while a CPU model trains. docs/decisions/0012-fit.md
// says why it is shaped so. Real, type-checked code pasted (minus `export`) into the module.
import type { InputPlan } from "./inputs.ts";
import { ACCURACY_SAMPLE_EVERY, Confusion, classifierClasses } from "./metrics.ts";
import { epochSeed, mulberry32, shuffle, splitExamples } from "./random-order.ts";
import { FitBatches, checkFitData, countOption, pickExamples, type FitClass, type FitData } from "./fit-data.ts";
// dnnc:helpers-begin

/** What fit() reports after each epoch, and keeps in its history: Keras's and TF.js's names. */
export interface FitLogs {
  /** The mean training loss over the epoch's batches (weighted by their sizes). */
  loss: number;
  /** Classifiers: the training accuracy, measured on one batch in eight just before its step. */
  accuracy?: number;
  /** With validation data: the loss on it in inference mode (evaluate), after the epoch. */
  val_loss?: number;
  /** Classifiers with validation data: the accuracy on it, after the epoch. */
  val_accuracy?: number;
}

/** What fit() reports after each batch. */
export interface BatchLogs {
  /** The batch's loss (before its update). */
  loss: number;
  /** The examples in the batch (the last one of an epoch may be short). */
  size: number;
}

/** fit()'s callbacks (TF.js's names and arguments; epochs and batches are counted from 0). A promise returned is awaited. */
export interface FitCallbacks {
  onEpochEnd?: (epoch: number, logs: FitLogs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs: BatchLogs) => void | Promise<void>;
}

/** Stops training when the monitored metric has not improved for `patience` epochs (Keras's EarlyStopping). */
export interface EarlyStopping {
  /** Default: "val_loss" with validation data, "loss" without. Losses improve down, accuracies up. */
  monitor?: keyof FitLogs;
  /** Epochs without improvement before stopping (default 0: stop at the first). */
  patience?: number;
  /** The least change that counts as an improvement (default 0). */
  minDelta?: number;
  /** On stopping, put back the model (parameters and optimizer state) as it was after its best epoch (default false). */
  restoreBestWeights?: boolean;
}

/** What stops fit() between batches: an AbortSignal, or anything shaped like one. */
export interface FitSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

export interface FitOptions<Data> {
  /** Passes over the training data (default 1). */
  epochs?: number;
  /** Examples per step (default 32); the last batch of an epoch holds the rest. */
  batchSize?: number;
  /** Visit the examples in a new seeded order each epoch (default true). */
  shuffle?: boolean;
  /** Seeds the order of the examples and validationSplit's choice (default 0): the same seed, the same run. */
  seed?: number;
  /** Hold out this fraction of `data`, chosen at random by `seed`, to validate on after each epoch. */
  validationSplit?: number;
  /** Data to validate on after each epoch, as `data`. */
  validationData?: Data;
  callbacks?: FitCallbacks;
  earlyStopping?: EarlyStopping;
  /** Aborting it stops training before the next batch: fit() rejects with the signal's reason. */
  signal?: FitSignal;
}

/** What fit() resolves to: Keras's and TF.js's History, each metric an array with one value per epoch. */
export interface FitHistory {
  /** The epochs run, from 0. */
  epoch: number[];
  history: { loss: number[]; accuracy?: number[]; val_loss?: number[]; val_accuracy?: number[] };
  /** Set when early stopping ended training: the epoch it stopped after, the best one, whether the model was put back to it. */
  stoppedEarly?: { epoch: number; bestEpoch: number; restored: boolean };
}

/** The methods of a generated model fit() calls. */
export interface FitModel<Data> {
  trainStep(batch: Data): number | Promise<number>;
  evaluate(batch: Data): number | Promise<number>;
  predict?(inputs: Data): Float32Array | Promise<Float32Array>;
  save(): Uint8Array | Promise<Uint8Array>;
  load(bytes: Uint8Array): unknown;
}

/**
 * What fit() trains for a named training program (decision 0015): that program's step and loss,
 * and the model's predict (for accuracy), save and load.
 */
export function programFit<Data>(model: Omit<FitModel<Data>, "trainStep" | "evaluate">, trainStep: FitModel<Data>["trainStep"], evaluate: FitModel<Data>["evaluate"]): FitModel<Data> {
  const predict = model.predict;
  return { trainStep, evaluate, ...(predict ? { predict: (inputs: Data) => predict.call(model, inputs) } : {}), save: () => model.save(), load: (bytes) => model.load(bytes) };
}

/** How often, at most, fit() lets the event loop run (a page repaint, an abort's handler): about a frame. */
const YIELD_EVERY_MS = 16;

/** model.fit(data, options) of the generated class `cls`, whose trainStep checks its batches as `plan` says. */
export async function fitModel<Data extends object>(model: FitModel<Data>, cls: FitClass, plan: InputPlan, data: Data, options: FitOptions<Data>): Promise<FitHistory> {
  const where = `${cls.name}.fit`;
  if (typeof options !== "object" || options === null) throw new TypeError(`${where}: options must be an object, received ${String(options)}`);
  const epochs = countOption(where, "epochs", options.epochs, 1);
  const batchSize = countOption(where, "batchSize", options.batchSize, 32);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new TypeError(`${where}: seed must be an integer, received ${String(seed)}`);
  const classes = model.predict ? classifierClasses(cls.targets ?? [], cls.outputs) : undefined;
  const all = checkFitData(where, cls, plan, data, classes);
  const { train, validation } = validationOf(where, cls, plan, all, options, seed, classes);
  const stopping = earlyStoppingOf(where, options.earlyStopping, validation !== undefined, classes !== undefined);
  const signal = options.signal;
  const onBatchEnd = options.callbacks?.onBatchEnd;
  const onEpochEnd = options.callbacks?.onEpochEnd;

  const trainBatches = new FitBatches(cls, all, batchSize);
  const validationBatches = validation && new FitBatches(cls, validation, batchSize);
  const order = new Int32Array(train.length);
  const validationOrder = Int32Array.from({ length: validation?.examples ?? 0 }, (_, i) => i);
  const confusion = classes !== undefined ? new Confusion(classes) : undefined;
  const history: FitHistory = { epoch: [], history: { loss: [] } };
  if (confusion) history.history.accuracy = [];
  if (validation) history.history.val_loss = [];
  if (confusion && validation) history.history.val_accuracy = [];
  const breather = eventLoopBreather();
  let best = { value: NaN, epoch: -1, weights: undefined as Uint8Array | undefined };
  let waited = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      // The same order as `dnnc train`'s for the same seed: positions in the training examples, shuffled.
      for (let i = 0; i < order.length; i++) order[i] = i;
      if (options.shuffle !== false) shuffle(order, mulberry32(epochSeed(seed, epoch + 1)));
      for (let i = 0; i < order.length; i++) order[i] = train[order[i]!]!;
      confusion?.clear();
      let lossSum = 0;
      for (let from = 0, step = 0; from < order.length; from += trainBatches.batchSize, step++) {
        if (signal?.aborted) throw aborted(where, signal);
        const size = Math.min(trainBatches.batchSize, order.length - from);
        const batch = trainBatches.fill(order, from, size) as Data;
        if (confusion && step % ACCURACY_SAMPLE_EVERY === 0) {
          const labels = trainBatches.labels(batch as Record<string, Int32Array>, cls.inputs.length);
          confusion.add(await model.predict!(batch), labels, labels.length);
        }
        const result = model.trainStep(batch);
        const loss = typeof result === "number" ? result : await result;
        lossSum += loss * size;
        if (onBatchEnd) {
          const done = onBatchEnd(step, { loss, size });
          if (done) await done;
        }
        if (breather.due()) await breather.yield();
      }
      const logs: FitLogs = { loss: lossSum / order.length };
      if (confusion) logs.accuracy = confusion.accuracy;
      if (validation && validationBatches) {
        const v = await validate(model, validationBatches, validationOrder, cls, confusion);
        logs.val_loss = v.loss;
        if (confusion) logs.val_accuracy = v.accuracy;
      }
      history.epoch.push(epoch);
      for (const key of ["loss", "accuracy", "val_loss", "val_accuracy"] as const) {
        const value = logs[key];
        if (value !== undefined) history.history[key]?.push(value);
      }
      if (onEpochEnd) await onEpochEnd(epoch, logs);
      if (!stopping) continue;
      const value = logs[stopping.monitor]!;
      const better = stopping.up ? value > best.value + stopping.minDelta : value < best.value - stopping.minDelta;
      if (best.epoch < 0 || better) {
        best = { value, epoch, weights: stopping.restoreBestWeights ? await model.save() : undefined };
        waited = 0;
      } else if (++waited >= stopping.patience) {
        const restored = best.weights !== undefined && best.epoch !== epoch;
        if (restored) await model.load(best.weights!);
        history.stoppedEarly = { epoch, bestEpoch: best.epoch, restored };
        break;
      }
    }
  } finally {
    breather.close();
  }
  return history;
}

/** The positions of the examples to train on and the data set to validate on, as the options say. */
function validationOf<Data>(where: string, cls: FitClass, plan: InputPlan, all: FitData, options: FitOptions<Data>, seed: number, classes: number | undefined): { train: Int32Array; validation?: FitData } {
  const everything = () => Int32Array.from({ length: all.examples }, (_, i) => i);
  const split = options.validationSplit;
  if (options.validationData !== undefined) {
    if (split !== undefined) throw new TypeError(`${where}: give validationSplit or validationData, not both`);
    return { train: everything(), validation: checkFitData(`${where}: validationData`, cls, plan, options.validationData, classes) };
  }
  if (split === undefined) return { train: everything() };
  if (typeof split !== "number" || !(split > 0 && split < 1)) throw new RangeError(`${where}: validationSplit must be a fraction strictly between 0 and 1, received ${String(split)}`);
  const held = Math.round(all.examples * split);
  if (held < 1 || held >= all.examples)
    throw new RangeError(`${where}: validationSplit ${split} of ${all.examples} examples holds out ${held} and leaves ${all.examples - held} to train on: both need at least one`);
  const parts = splitExamples(all.examples, held, seed);
  return { train: Int32Array.from(parts.train), validation: pickExamples(all, parts.validation) };
}

/** earlyStopping checked, its defaults filled in; undefined without it. */
function earlyStoppingOf(where: string, e: EarlyStopping | undefined, validating: boolean, classifier: boolean) {
  if (e === undefined) return undefined;
  const monitor = e.monitor ?? (validating ? "val_loss" : "loss");
  const known: (keyof FitLogs)[] = ["loss", ...(classifier ? (["accuracy"] as const) : []), ...(validating ? (["val_loss"] as const) : []), ...(classifier && validating ? (["val_accuracy"] as const) : [])];
  if (!known.includes(monitor)) throw new RangeError(`${where}: earlyStopping.monitor is "${String(monitor)}", but this run reports ${known.map((k) => `"${k}"`).join(", ")}${validating ? "" : " (validation metrics need validationSplit or validationData)"}`);
  const patience = e.patience ?? 0;
  if (!Number.isInteger(patience) || patience < 0) throw new TypeError(`${where}: earlyStopping.patience must be an integer ≥ 0, received ${String(patience)}`);
  const minDelta = e.minDelta ?? 0;
  if (typeof minDelta !== "number" || !(minDelta >= 0)) throw new TypeError(`${where}: earlyStopping.minDelta must be a number ≥ 0, received ${String(minDelta)}`);
  return { monitor, patience, minDelta, up: monitor.endsWith("accuracy"), restoreBestWeights: e.restoreBestWeights === true };
}

/** The loss (evaluate, inference mode) and, for a classifier, the accuracy over a validation set. */
async function validate<Data>(model: FitModel<Data>, batches: FitBatches, order: Int32Array, cls: FitClass, confusion: Confusion | undefined): Promise<{ loss: number; accuracy: number }> {
  confusion?.clear();
  let lossSum = 0;
  for (let from = 0; from < order.length; from += batches.batchSize) {
    const size = Math.min(batches.batchSize, order.length - from);
    const batch = batches.fill(order, from, size) as Data;
    if (confusion) {
      const labels = batches.labels(batch as Record<string, Int32Array>, cls.inputs.length);
      confusion.add(await model.predict!(batch), labels, labels.length);
    }
    const result = model.evaluate(batch);
    lossSum += (typeof result === "number" ? result : await result) * size;
  }
  return { loss: lossSum / order.length, accuracy: confusion ? confusion.accuracy : NaN };
}

/** What fit() rejects with once its signal is aborted: the signal's reason, as fetch() does. */
function aborted(where: string, signal: FitSignal): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const e = new Error(`${where}: aborted`);
  e.name = "AbortError";
  return e;
}

/**
 * Lets the event loop run once YIELD_EVERY_MS have passed since it last did (`due`), as a
 * macrotask: setImmediate where there is one (Node: a MessagePort drains the messages posted
 * while it drains before timers run, so a timer would starve), else a MessageChannel (browsers:
 * not throttled as nested setTimeouts are), else setTimeout. `close` frees the channel (in Node
 * an open port keeps the process alive).
 */
function eventLoopBreather(): { due(): boolean; yield(): Promise<void>; close(): void } {
  interface Port {
    onmessage: ((e: unknown) => void) | null;
    postMessage(message: unknown): void;
    close(): void;
  }
  const host = globalThis as unknown as {
    setImmediate?: (f: () => void) => unknown;
    MessageChannel?: new () => { port1: Port; port2: Port };
    setTimeout?: (f: () => void, ms: number) => unknown;
  };
  let channel: { port1: Port; port2: Port } | undefined;
  let wake: (() => void) | undefined;
  let last = Date.now();
  return {
    due: () => Date.now() - last >= YIELD_EVERY_MS,
    async yield() {
      await new Promise<void>((resolve) => {
        if (host.setImmediate) host.setImmediate(resolve);
        else if (host.MessageChannel) {
          if (!channel) {
            channel = new host.MessageChannel();
            channel.port1.onmessage = () => wake?.();
          }
          wake = resolve;
          channel.port2.postMessage(0);
        } else if (host.setTimeout) host.setTimeout(resolve, 0);
        else resolve();
      });
      last = Date.now();
    },
    close() {
      channel?.port1.close();
      channel?.port2.close();
    },
  };
}
// dnnc:helpers-end
