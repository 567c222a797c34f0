// model.fit() of the generated CPU modules (ts and wasm), on samples/mlp_digits.dnn and the UCI
// digits: the same run as `dnnc train`'s loop with the same settings (bit for bit: one shared
// order, split and accuracy), the history's shape, validation, callbacks, early stopping, an
// AbortSignal (also one aborted by a timer, which fires only because fit() yields), data refused
// before the first step, and no memory allocated by the module after the first epoch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSample, importGenerated, type CompiledSample } from "../helpers/compile-sample.ts";
import { loadNamed, splitValidation, type Dataset } from "../../src/data/index.ts";
import { evaluate, fit as trainLoop } from "../../src/fit/loop.ts";
import type { TrainableModel } from "../../src/fit/model.ts";
import type { FitHistory, FitLogs, FitOptions as RuntimeFitOptions } from "../../src/runtime/fit.ts";

const TIMEOUT = 120_000;

type Data = { x: Float32Array; y: Int32Array };
type Logs = FitLogs;
type History = FitHistory;
type FitOptions = RuntimeFitOptions<Data>;
interface Model extends TrainableModel {
  fit(data: Data, options?: FitOptions): Promise<History>;
  predict(inputs: { x: Float32Array }): Float32Array;
  getParameters(): Record<string, Float32Array>;
}
interface Module {
  DigitsMLP: { create(options?: { seed?: number }): Model };
  memoryStats: { allocations: number; bytes: number; arenaBytes: number };
}

const digits = { train: loadNamed("digits", "train"), test: loadNamed("digits", "test") };
const dataOf = (d: Dataset): Data => ({ x: d.x, y: d.y });

/** The accuracy of `model` on `d`, from its predictions. */
function accuracyOn(model: Model, d: Dataset): number {
  const scores = model.predict({ x: d.x });
  let right = 0;
  for (let i = 0; i < d.n; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (scores[i * 10 + c]! > scores[i * 10 + best]!) best = c;
    if (best === d.y[i]) right++;
  }
  return right / d.n;
}

/** The rejection of `p`, failing the test if it resolves. */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected fit() to reject, but it resolved");
}

describe.each(["ts", "wasm"] as const)("fit() of the %s target", (target) => {
  let sample: CompiledSample;
  let mod: Module;
  const create = (seed = 1) => mod.DigitsMLP.create({ seed });

  beforeAll(async () => {
    sample = await compileSample("samples/mlp_digits.dnn", target);
    if (sample.code !== 0) throw new Error(sample.stderr);
    mod = await importGenerated<Module>(sample.file);
  }, TIMEOUT);
  afterAll(() => sample?.cleanup());

  it("trains as `dnnc train` does with the same settings: the same history, bit for bit, and the same test accuracy (≥ 95%)", async () => {
    const settings = { epochs: 12, batchSize: 32, seed: 3 };
    const model = create();
    const history = await model.fit(dataOf(digits.train), { ...settings, validationSplit: 0.2 });

    const cli = create();
    const split = splitValidation(digits.train, 0.2, settings.seed);
    const run = await trainLoop({ model: cli, input: "x", target: "y", output: "logits", classes: 10, train: split.train, validation: split.validation, ...settings });
    expect(history.epoch).toEqual(run.history.map((s) => s.epoch - 1));
    expect(history.history).toEqual({
      loss: run.history.map((s) => s.loss),
      accuracy: run.history.map((s) => s.accuracy),
      val_loss: run.history.map((s) => s.valLoss),
      val_accuracy: run.history.map((s) => s.valAccuracy),
    });
    const tested = await evaluate(cli, digits.test, { input: "x", target: "y", classes: 10, batchSize: 32 });
    expect(accuracyOn(model, digits.test)).toBe(tested.confusion!.accuracy);
    expect(tested.confusion!.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(history.history.loss.at(-1)!).toBeLessThan(history.history.loss[0]! / 5);
  }, TIMEOUT);

  it("returns Keras's history: one entry per epoch, loss and accuracy, validation metrics only with validation data", async () => {
    const plain = await create().fit(dataOf(digits.train), { epochs: 3, batchSize: 64 });
    expect(plain.epoch).toEqual([0, 1, 2]);
    expect(Object.keys(plain.history)).toEqual(["loss", "accuracy"]);
    expect(plain.history.loss).toHaveLength(3);
    expect(plain.history.accuracy!.every((a) => a > 0 && a <= 1)).toBe(true);
    expect(plain.stoppedEarly).toBeUndefined();

    // validationData: its metrics are the model's on it after each epoch.
    const model = create();
    let after: number[] = [];
    const validated = await model.fit(dataOf(digits.train), {
      epochs: 2,
      batchSize: 64,
      validationData: dataOf(digits.test),
      callbacks: { onEpochEnd: () => void after.push(accuracyOn(model, digits.test)) },
    });
    expect(Object.keys(validated.history)).toEqual(["loss", "accuracy", "val_loss", "val_accuracy"]);
    expect(validated.history.val_accuracy).toEqual(after);
    expect(validated.history.val_loss!.every(Number.isFinite)).toBe(true);
  }, TIMEOUT);

  it("the same seed gives the same run, another seed another order; shuffle: false keeps the data's order", async () => {
    const run = (seed: number, shuffle = true) => create().fit(dataOf(digits.train), { epochs: 2, batchSize: 50, seed, shuffle });
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(b.history).toEqual(a.history);
    expect(c.history.loss).not.toEqual(a.history.loss);
    const [d, e] = [await run(5, false), await run(6, false)];
    expect(e.history).toEqual(d.history);
    expect(d.history.loss).not.toEqual(a.history.loss);
  }, TIMEOUT);

  it("calls onBatchEnd once per batch and onEpochEnd once per epoch, with the logs the history keeps", async () => {
    const batches: [number, number][] = [];
    const epochs: [number, Logs][] = [];
    const history = await create().fit(dataOf(digits.train), {
      epochs: 3,
      batchSize: 64,
      callbacks: { onBatchEnd: (b, logs) => void batches.push([b, logs.size]), onEpochEnd: async (e, logs) => void epochs.push([e, logs]) },
    });
    // 1500 examples in batches of 64: 23 full batches and one of 28, each epoch.
    const perEpoch = Array.from({ length: 24 }, (_, i): [number, number] => [i, i < 23 ? 64 : 28]);
    expect(batches).toEqual([...perEpoch, ...perEpoch, ...perEpoch]);
    expect(epochs.map(([e]) => e)).toEqual([0, 1, 2]);
    expect(epochs.map(([, l]) => l.loss)).toEqual(history.history.loss);
    expect(epochs.map(([, l]) => l.accuracy)).toEqual(history.history.accuracy);
  }, TIMEOUT);

  it("earlyStopping stops when the monitored metric stops improving, and restores the best epoch's weights", async () => {
    // No epoch improves on the first by 10: with patience 1 the second epoch is the last.
    const model = create();
    let best: Record<string, Float32Array> = {};
    let bestSteps = 0;
    const history = await model.fit(dataOf(digits.train), {
      epochs: 10,
      batchSize: 64,
      validationSplit: 0.2,
      earlyStopping: { patience: 1, minDelta: 10, restoreBestWeights: true },
      callbacks: { onEpochEnd: (e) => void (e === 0 && ((best = model.getParameters()), (bestSteps = model.steps))) },
    });
    expect(history.epoch).toEqual([0, 1]);
    expect(history.stoppedEarly).toEqual({ epoch: 1, bestEpoch: 0, restored: true });
    expect(model.getParameters()).toEqual(best);
    expect(model.steps).toBe(bestSteps);

    // Patience 2, monitoring accuracy, keeping the last weights: three epochs, nothing restored.
    const kept = create();
    const more = await kept.fit(dataOf(digits.train), { epochs: 10, batchSize: 64, earlyStopping: { monitor: "accuracy", patience: 2, minDelta: 10 } });
    expect(more.epoch).toEqual([0, 1, 2]);
    expect(more.stoppedEarly).toEqual({ epoch: 2, bestEpoch: 0, restored: false });
    expect(kept.steps).toBe(3 * 24);

    // A patient run that keeps improving is not stopped.
    const patient = await create().fit(dataOf(digits.train), { epochs: 3, batchSize: 64, earlyStopping: { patience: 3 } });
    expect(patient.epoch).toEqual([0, 1, 2]);
    expect(patient.stoppedEarly).toBeUndefined();
  }, TIMEOUT);

  it("an AbortSignal stops it before the next batch: fit() rejects with the signal's reason", async () => {
    const model = create();
    const controller = new AbortController();
    const e = await rejection(
      model.fit(dataOf(digits.train), { epochs: 5, batchSize: 64, signal: controller.signal, callbacks: { onBatchEnd: (b) => void (b === 5 && controller.abort()) } }),
    );
    expect(e.name).toBe("AbortError");
    expect(e).toBe(controller.signal.reason);
    expect(model.steps).toBe(6);

    // Aborted by a timer while a CPU model trains: the timer fires only because fit() yields.
    const timed = create();
    const started = performance.now();
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error("enough")), 100);
    const reason = await rejection(timed.fit(dataOf(digits.train), { epochs: 100_000, batchSize: 64, signal: stop.signal }));
    expect(reason.message).toBe("enough");
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(timed.steps).toBeGreaterThan(0);

    // Already aborted: no step at all.
    const never = create();
    await rejection(never.fit(dataOf(digits.train), { signal: AbortSignal.abort() }));
    expect(never.steps).toBe(0);
  }, TIMEOUT);

  it("refuses bad data and options before the first step, saying what was expected", async () => {
    const model = create();
    const { x, y } = dataOf(digits.train);
    const refused = async (data: Data, options: FitOptions, message: RegExp) => expect((await rejection(model.fit(data, options))).message).toMatch(message);
    await refused({ x, y: y.subarray(1) }, {}, /^DigitsMLP\.fit: "y" expects i32\[B\], 1500 values \(B = 1500 from the length of "x"\), received 1499$/);
    await refused({ x: x.subarray(3), y }, {}, /^DigitsMLP\.fit: "x" expects f32\[B, 64\], a positive multiple of 64 values, received 95997$/);
    const badLabel = y.slice();
    badLabel[7] = 10;
    await refused({ x, y: badLabel }, {}, /^DigitsMLP\.fit: "y" has 10 at index 7, outside the valid range \[0, 10\): a class label of DigitsMLP, whose output "logits" scores 10 classes$/);
    const nan = x.slice();
    nan[64 * 4 + 2] = NaN;
    await refused({ x: nan, y }, {}, /^DigitsMLP\.fit: "x" has NaN at index 258 \(example 4\): fit\(\) trains on finite numbers only$/);
    await refused({ x, y: new Float32Array(1500) as unknown as Int32Array }, {}, /"y" must be an Int32Array \(i32\[B\]\), received Float32Array of 1500 values/);
    await refused({ x, y }, { validationData: { x, y: y.subarray(2) } }, /^DigitsMLP\.fit: validationData: "y" expects i32\[B\], 1500 values/);
    await refused({ x, y }, { validationSplit: 1.5 }, /validationSplit must be a fraction strictly between 0 and 1, received 1\.5/);
    await refused({ x, y }, { validationSplit: 0.0001 }, /validationSplit 0\.0001 of 1500 examples holds out 0 and leaves 1500 to train on: both need at least one/);
    await refused({ x, y }, { validationSplit: 0.2, validationData: { x, y } }, /give validationSplit or validationData, not both/);
    await refused({ x, y }, { earlyStopping: { monitor: "val_loss" } }, /earlyStopping\.monitor is "val_loss", but this run reports "loss", "accuracy" \(validation metrics need validationSplit or validationData\)/);
    await refused({ x, y }, { epochs: 0 }, /epochs must be a positive integer, received 0/);
    await refused({ x, y }, { batchSize: 2.5 }, /batchSize must be a positive integer, received 2\.5/);
    expect(model.steps).toBe(0);
  }, TIMEOUT);

  it("allocates nothing in the module after the first epoch: batches, validation and the arenas are reused", async () => {
    const model = create();
    const seen: (typeof mod.memoryStats)[] = [];
    await model.fit(dataOf(digits.train), { epochs: 4, batchSize: 64, validationSplit: 0.2, callbacks: { onEpochEnd: () => void seen.push({ ...mod.memoryStats }) } });
    expect(seen[0]!.arenaBytes).toBeGreaterThan(0);
    expect(seen.slice(1)).toEqual([seen[0], seen[0], seen[0]]);
  }, TIMEOUT);
});
