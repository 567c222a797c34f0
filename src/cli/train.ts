// `dnnc train FILE`: compile, load a dataset, train with a live progress display, evaluate on
// the test set, and leave a checkpoint and a report. It trains classifiers (an i32 target of class
// labels), regressions (f32 targets, their values from a CSV's last columns, measured by MSE and
// MAE) and models whose train block has no target, such as an autoencoder's loss of its output
// against its input: those are fed the examples alone, and measured by their reconstruction MSE.
// The report is rewritten after every epoch, with the whole run's history (kept in the
// checkpoint's metadata, so a --resume run shows the epochs before it too). Ctrl-C stops after
// the current batch and writes the checkpoint and the report (exit 130); a second Ctrl-C exits at
// once. Flags, output paths and every label are checked before training starts (exit 2); a run
// that goes non-finite stops with exit 1 and leaves the last good checkpoint as it was.
import { existsSync, statSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { Compilation } from "../compiler.ts";
import * as data from "../data/index.ts";
import type { Dataset } from "../data/index.ts";
import { fit, evaluate, type Regression } from "../fit/loop.ts";
import { loadRegression, type RegressionTarget } from "../fit/regression-data.ts";
import { loadGenerated, TrainError, type Backend } from "../fit/load-model.ts";
import { perExample, type TrainableModel } from "../fit/model.ts";
import { progressPrinter, duration } from "../fit/progress.ts";
import { htmlReport } from "../fit/report.ts";
import { imageShape, type Reconstructions } from "../fit/report-images.ts";
import { f32Entry, readMetadata, readSafetensors, scalarF32, withMetadata, writeSafetensors } from "../fit/safetensors.ts";
import { classifierClasses } from "../runtime/metrics.ts";
import { COMMANDS, EPOCH, FIRST_LR, HISTORY, historyMetadata, readCommands, readHistory, writeCheckpoint } from "../fit/checkpoint.ts";
import { dataLine, hyperparameters, type RunDescription } from "../fit/run-description.ts";
import { modelSummary, optimizerSource } from "./train-describe.ts";
import type { EpochStats } from "../fit/loop.ts";
import { DivergedError } from "../fit/diverged.ts";
import type { TensorSpec, TrainableClass } from "../fit/model.ts";
import { checkOutputPath, trainSettings, type TrainSettings } from "./train-flags.ts";
import { chosenParameters, loadCheckpoint, parametersOf } from "./train-init.ts";
import { chooseProgram, programClass, programModel } from "../fit/program.ts";

export interface TrainOptions {
  data: string;
  testData?: string;
  model?: string;
  program?: string;
  epochs: string;
  batch: string;
  lr?: string;
  seed: string;
  validationSplit: string;
  backend?: Backend;
  threads?: string;
  checkpoint?: string;
  resume?: string;
  initFrom?: string;
  initFromOnly?: string;
  classes?: string;
  earlyStopping?: string;
  reduceLr?: string;
  lrSchedule?: "constant" | "cosine";
  reduceLrFactor: string;
  minLr: string;
  augment?: string;
  label?: string;
  normalize?: boolean;
  limit?: string;
  report?: string;
  json?: boolean;
}

export interface TrainIo {
  out(s: string): void;
  err(s: string): void;
  tty: boolean;
  columns?: number;
}

export async function train(file: string, compiled: Compilation, o: TrainOptions, io: TrainIo, argv: string[]): Promise<number> {
  const started = performance.now();
  const flags = trainSettings(o);
  const compiledModel = pickModel(compiled, o.model);
  const program = chooseProgram(compiledModel, o.program);
  const base = basename(file).replace(/\.dnn$/, "");
  const checkpoint = o.checkpoint ?? `${base}.safetensors`;
  const reportPath = o.report ?? `${base}.report.html`;
  checkOutputPath(checkpoint, "--checkpoint");
  checkOutputPath(reportPath, "--report");
  if (resolve(checkpoint) === resolve(reportPath)) throw new TrainError(`--checkpoint and --report are both ${checkpoint}: the report would overwrite the checkpoint`);
  if (o.initFromOnly && !o.initFrom) throw new TrainError("--init-from-only chooses among the parameters of --init-from's checkpoint: give --init-from too");
  if (o.lrSchedule === "cosine" && o.reduceLr) throw new TrainError("--lr-schedule cosine and --reduce-lr each set the learning rate: choose one");

  // The WebAssembly target is the fastest on a CPU.
  const backend = o.backend ?? "wasm";
  const loaded = await loadGenerated(compiled.models, compiledModel.name, backend, basename(file));
  const cls = programClass(loaded.cls, program);
  const input = cls.inputs[0]!, target = cls.targets?.[0], output = cls.outputs[0]!;
  const reconstructs = cls.inputs.length === 1 && !target;
  const regresses = cls.inputs.length === 1 && !!target && cls.targets!.every((t) => t.dtype === "f32");
  if (!reconstructs && !regresses && (cls.inputs.length !== 1 || !target || cls.targets!.length !== 1 || target.dtype !== "i32"))
    throw new TrainError(`dnnc train trains classifiers (one input, and one i32 target of class labels), regressions (one input, f32 targets) and models trained on their input alone (one input, no target); ${cls.name} has inputs ${names(cls.inputs)} and targets ${cls.targets?.map((t) => `${t.name}: ${t.dtype}`).join(", ") || "none"}`);
  const classes = reconstructs || regresses ? undefined : modelClasses(cls, output);
  const regressionTargets = regresses ? regressionTargetsOf(cls) : undefined;
  if (regressionTargets && flags.classes) throw new TrainError(`--classes picks classes, and ${cls.name} is a regression (its targets are f32)`);
  const regressionData = regressionTargets && loadRegression(o.data, o.testData, regressionTargets, flags.label, flags.limit);
  if (reconstructs && (output.dtype !== "f32" || perExample(output) !== perExample(input)))
    throw new TrainError(`${cls.name}'s train block has no target, so dnnc train measures how well its output ${output.name} reproduces its input ${input.name}: it must be f32 with as many values per example, but it is ${output.dtype}[${output.shape.join(", ")}] and the input f32[${input.shape.join(", ")}]`);

  let { train: trainSet, test } = regressionData
    ? { train: regressionData.train.features, test: regressionData.test?.features }
    : loadData(o, flags, classes === undefined ? undefined : { count: classes, why: `${cls.name}'s output ${output.name} has ${classes} classes` });
  if (flags.classes) {
    trainSet = keepClasses(trainSet, flags.classes, classes ?? trainSet.classes.length, cls.name);
    test = test && keepClasses(test, flags.classes, classes ?? test.classes.length, cls.name);
  } else if (classes !== undefined && trainSet.classes.length > classes) {
    // Only a named dataset or class names get here: a numeric label ≥ classes is refused at its line.
    throw new TrainError(`${trainSet.name} has ${trainSet.classes.length} classes, but ${cls.name}'s output ${output.name} has ${classes}: train on ${classes} of them with --classes (e.g. --classes 0-${classes - 1}), or give the model ${trainSet.classes.length} outputs`);
  }
  if (classes !== undefined && trainSet.classes.length < classes)
    io.err(`note: ${trainSet.name} has ${trainSet.classes.length} classes and ${cls.name}'s output ${output.name} ${classes}: outputs ${trainSet.classes.length}${classes - trainSet.classes.length > 1 ? `–${classes - 1}` : ""} are never a target\n`);
  if (flags.limit && !regressionData) trainSet = data.subset(trainSet, Array.from({ length: Math.min(trainSet.n, flags.limit) }, (_, i) => i));
  const want = perExample(input);
  if (want !== data.featureSize(trainSet))
    throw new TrainError(`${cls.name}'s input ${input.name} is f32[${input.shape.join(", ")}] (${want} values per example), but ${trainSet.name} has ${data.featureSize(trainSet)} per example (shape [${trainSet.shape.join(", ")}])`);
  let stats: data.NormStats | undefined;
  if (o.normalize) ({ dataset: trainSet, stats } = data.normalize(trainSet, "auto"));
  if (stats && test) test = data.normalize(test, stats).dataset;
  const seed = flags.seed;
  const split = validationSplit(trainSet, flags.validationSplit, seed);
  // The targets' values split with the same seed: the same examples as the features.
  const valuesSplit = regressionData && validationSplit(regressionData.train.values, flags.validationSplit, seed);

  const created = (await cls.create({ seed, ...loaded.createOptions, ...(flags.threads ? { threads: flags.threads, workerThreads: await import("node:worker_threads") } : {}) })) as TrainableModel;
  const model = programModel(created, program);
  const regression: Regression | undefined = regressionTargets && { targets: regressionTargets, measured: measuredOutput(cls, regressionTargets[0]!, !!model.forward), train: valuesSplit!.train, ...(valuesSplit!.validation ? { validation: valuesSplit!.validation } : {}) };
  // A resumed run goes on from the epochs its checkpoint records, with the schedule's first rate.
  const resumed = o.resume ? await loadCheckpoint(o.resume, (b) => model.load(b)) : undefined;
  const done = resumed ? runEpochs(resumed, o.resume!) : 0;
  if (o.initFrom) {
    const fresh: string[] = [];
    const chosen = o.initFromOnly ? chosenParameters(o.initFromOnly, cls) : cls.parameters;
    for (const p of cls.parameters) if (!chosen.includes(p)) fresh.push(`${p.name} (not chosen by --init-from-only)`);
    await loadCheckpoint(o.initFrom, (b) => model.setParameters(parametersOf(b, chosen, fresh)));
    io.err(`parameters from ${o.initFrom}${fresh.length ? `; initialised afresh: ${fresh.join(", ")}` : ": all of them"}\n`);
  }
  const lr = learningRate(model, program.lr);
  if (flags.lr !== undefined) await lr.set(flags.lr);
  const epochCount = flags.epochs;
  if (done >= epochCount)
    throw new TrainError(`${o.resume} has ${done} of the run's epochs done, and --epochs is ${epochCount}: with --resume, --epochs counts the whole run; give more than ${done}, or start a new run from its weights with --init-from`);
  const recorded = resumed ? Number(readMetadata(resumed)[FIRST_LR]) : NaN;
  const firstLr = flags.lr ?? (recorded > 0 && recorded <= Number.MAX_VALUE ? recorded : await lr.peek());
  const schedule = o.lrSchedule === "cosine" ? { lrAt: cosineLr(firstLr ?? (await lr.get()), flags.minLr, epochCount), set: lr.set } : undefined;
  const earlier = resumed ? readHistory(readMetadata(resumed), done) : [];
  const commands = [...(resumed ? readCommands(readMetadata(resumed)) : []), ["dnnc", "train", ...argv.map(shellWord)].join(" ")];
  const runMetadata: Record<string, string> = { ...(firstLr ? { [FIRST_LR]: String(firstLr) } : {}), [COMMANDS]: JSON.stringify(commands) };
  const { optimizer, clipNorm } = optimizerSource(compiled, compiledModel.name, program.name);
  const run: RunDescription = {
    commands, model: cls.name, summary: modelSummary(compiled, compiledModel),
    hyperparameters: hyperparameters({
      optimizer, clipNorm, lr: firstLr ?? undefined, batch: flags.batch, epochs: epochCount, seed, validationSplit: flags.validationSplit,
      lrPolicy: o.lrSchedule === "cosine" ? `cosine to ${flags.minLr} over ${epochCount} epochs` : flags.reduceLr ? `× ${flags.reduceLrFactor} after ${flags.reduceLr} epochs without improvement, down to ${flags.minLr}` : "constant",
      earlyStopping: flags.earlyStopping, augment: o.augment, normalize: o.normalize, backend, program: program.name,
    }),
    data: [
      dataLine("training", split.train, classes !== undefined),
      ...(split.validation ? [dataLine("validation", split.validation, classes !== undefined, ` (--validation-split ${flags.validationSplit}, seed ${seed})`)] : []),
      ...(test ? [dataLine("test", test, classes !== undefined)] : []),
    ],
  };
  // The report shows the whole run: the epochs of the runs this one resumes, then its own.
  const history: EpochStats[] = [...earlier];
  const title = `${cls.name} on ${trainSet.name}`;
  const writeReport = (status: string, upTo: number, extra: Partial<Parameters<typeof htmlReport>[0]> = {}) =>
    writeFileSync(reportPath, htmlReport({ title, run, status, history: history.filter((h) => h.epoch <= upTo), classes: trainSet.classes, seconds: (performance.now() - started) / 1000, ...extra }));

  const augment = flags.augment ? augmentFor(flags.augment, trainSet, seed) : undefined;
  const printer = progressPrinter({ write: io.err, tty: io.tty, columns: () => io.columns });
  let stop = 0;
  const onSigint = () => {
    if (++stop > 1) process.exit(130);
    printer.note("stopping after this batch (Ctrl-C again to quit at once)…");
  };
  process.on("SIGINT", onSigint);
  printer.note(`training ${cls.name}${program.name !== undefined ? ` (program ${program.name})` : ""} on ${trainSet.name}: ${split.train.n.toLocaleString("en-US")} examples${split.validation ? `, ${split.validation.n.toLocaleString("en-US")} for validation` : ""}; ${backend} backend`);
  // Installed until the report is written: a Ctrl-C during the final test evaluation lets it
  // finish (it is short) rather than killing the process before the checkpoint and report.
  let saved: number | undefined; // the epochs the checkpoint written by this run holds
  try {
    const result = await fit({
      model, input: input.name, target: target?.name, output: output.name, classes, regression,
      train: split.train, validation: split.validation,
      firstEpoch: done + 1, epochs: epochCount, batchSize: flags.batch, seed,
      augment,
      earlyStopping: flags.earlyStopping ? { patience: flags.earlyStopping, restoreBest: true } : undefined,
      reduceLr: flags.reduceLr ? { patience: flags.reduceLr, factor: flags.reduceLrFactor, minLr: flags.minLr, get: lr.get, set: lr.set } : undefined,
      schedule, checkpoint, checkpointMetadata: runMetadata, earlierHistory: earlier, learningRate: lr.peek,
      onProgress: printer.progress, onNote: printer.note,
      onEpoch: (s) => (history.push(s), printer.epoch(s)),
      onCheckpoint: (epochs) => {
        saved = epochs;
        // After every epoch, so the report can be watched while the run goes on (Ctrl-C included).
        if (stop === 0) writeReport(`epoch ${epochs} of ${epochCount} done, training`, epochs);
      },
      interrupted: () => stop > 0,
    });
    const reached = result.history.at(-1)?.epoch ?? done + 1;
    if (result.interrupted) {
      writeReport(`interrupted in epoch ${reached} of ${epochCount} (resume with --resume ${checkpoint})`, reached - 1);
      printer.note(`interrupted in epoch ${reached} of ${epochCount}: checkpoint with ${model.steps} steps written to ${checkpoint}; the same command with --resume ${checkpoint} goes on from epoch ${reached}`);
      return 130;
    }
    const tested = test ? await evaluate(model, test, { input: input.name, target: target?.name, classes, batchSize: flags.batch, regression, values: regressionData?.test?.values }) : undefined;
    if (tested && !Number.isFinite(tested.loss)) throw new DivergedError(`after the last epoch, the test loss is ${tested.loss}`);
    writeCheckpoint(checkpoint, withMetadata(await model.save(), { ...runMetadata, [EPOCH]: String(reached), [HISTORY]: historyMetadata(history, reached) }));
    const seconds = (performance.now() - started) / 1000;
    const reconstructions = reconstructs && test ? await reconstructionsOf(model, input.name, test) : undefined;
    const ending = result.stoppedEarly ? `stopped early after epoch ${reached} of ${epochCount}` : `finished: ${epochCount} epochs`;
    writeReport(ending, reached, { test: tested && test && { ...tested, examples: test.n }, reconstructions });
    if (tested?.confusion) printer.note(`test: accuracy ${tested.confusion.accuracy.toFixed(4)}, loss ${tested.loss.toFixed(4)} on ${tested.confusion.total.toLocaleString("en-US")} examples`);
    else if (tested?.metrics) printer.note(`test: MSE ${tested.metrics["mse"]!.toPrecision(4)}, MAE ${tested.metrics["mae"]!.toPrecision(4)}, loss ${tested.loss.toFixed(4)} on ${test!.n.toLocaleString("en-US")} examples`);
    else if (tested?.reconstructionMse !== undefined) printer.note(`test: reconstruction MSE ${tested.reconstructionMse!.toFixed(5)}, loss ${tested.loss.toFixed(4)} on ${test!.n.toLocaleString("en-US")} examples`);
    printer.note(`${duration(seconds)} in all; checkpoint ${checkpoint}, report ${reportPath}`);
    if (o.json) io.out(JSON.stringify({ model: cls.name, data: o.data, epochs: result.history.length, seconds, testAccuracy: tested?.confusion?.accuracy, testReconstructionMse: tested?.reconstructionMse, testMetrics: tested?.metrics, testLoss: tested?.loss, testExamples: test?.n, history: result.history }) + "\n");
  } catch (e) {
    if (!(e instanceof DivergedError)) throw e;
    if (io.tty) io.err("\r\x1b[2K"); // the progress bar's line
    const kept = saved !== undefined ? `${checkpoint} keeps the weights of epoch ${saved}` : existsSync(checkpoint) ? `${checkpoint} is left as it was` : "no checkpoint was written";
    const rate = firstLr ? `; this run started at ${Number(firstLr.toPrecision(6))}` : "";
    io.err(`dnnc: training diverged: ${e.message}. Nothing was saved after it: ${kept}. Try a lower learning rate (--lr${rate}) or --normalize\n`);
    writeReport(`diverged: ${e.message}`, saved ?? done);
    model.destroy?.();
    loaded.dispose();
    return 1;
  } finally {
    process.off("SIGINT", onSigint);
  }
  model.destroy?.();
  loaded.dispose();
  return 0;
}

/** The first test examples and the model's output for each, for the report, when they are images. */
async function reconstructionsOf(model: TrainableModel, input: string, test: Dataset): Promise<Reconstructions | undefined> {
  const shape = imageShape(test.shape);
  if (!shape) return undefined;
  const count = Math.min(8, test.n), size = data.featureSize(test);
  const x = test.x.slice(0, count * size);
  const y = await model.predict({ [input]: x });
  const rows = (v: Float32Array) => Array.from({ length: count }, (_, i) => v.slice(i * size, (i + 1) * size));
  return { shape, inputs: rows(x), outputs: rows(y) };
}

function pickModel(c: Compilation, name: string | undefined) {
  const trainable = c.models.filter((m) => m.train || m.programs);
  if (name) {
    const m = c.models.find((x) => x.name === name);
    if (!m) throw new TrainError(`no model ${name} (models: ${c.models.map((x) => x.name).join(", ") || "none"})`);
    if (!m.train && !m.programs) throw new TrainError(`model ${name} has no train block`);
    return m;
  }
  if (trainable.length === 0) throw new TrainError("no model in this file has a train block");
  if (trainable.length > 1) throw new TrainError(`several models have train blocks (${trainable.map((m) => m.name).join(", ")}): choose one with --model`);
  return trainable[0]!;
}

/** The dataset, every label checked against `limit` (the model's classes) unless --classes picks some or there is none. */
function loadData(o: TrainOptions, flags: TrainSettings, limit: data.ClassLimit | undefined): { train: Dataset; test?: Dataset } {
  try {
    return loadDataOrThrow(o, flags, flags.classes ? undefined : limit);
  } catch (e) {
    if (e instanceof TrainError || e instanceof data.DatasetMissingError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    // Loaders' messages start with the file they are about (file:line:column); others get --data's.
    throw new TrainError([o.data, o.testData].some((p) => p && message.startsWith(p)) ? message : `--data ${o.data}: ${message}`);
  }
}

function loadDataOrThrow(o: TrainOptions, flags: TrainSettings, limit: data.ClassLimit | undefined): { train: Dataset; test?: Dataset } {
  const d = o.data;
  const csv = !(data.DATASET_NAMES as readonly string[]).includes(d) && existsSync(d) && !statSync(d).isDirectory();
  if (flags.label !== undefined && !csv) throw new TrainError(`--label chooses a column of a CSV file; --data ${d} is not one`);
  if ((data.DATASET_NAMES as readonly string[]).includes(d)) return { train: data.loadNamed(d, "train"), test: data.loadNamed(d, "test") };
  if (!existsSync(d)) throw new TrainError(`--data ${d}: no such dataset or file (named datasets: ${data.DATASET_NAMES.join(", ")}; or a directory of IDX files; or a .csv file)`);
  if (!csv) {
    const both = data.loadFromDir(d, limit ? { limit } : {});
    return { train: both.train, test: both.test };
  }
  const label = flags.label;
  const train = data.loadCsv(d, { ...(label !== undefined ? { label } : {}), ...(limit ? { limit } : {}) });
  // A test file's class names map to the training file's: the same names, the same indices.
  // Class indices are checked against the model's classes, as the training file's are.
  const named = train.classes.some((c, i) => c !== String(i));
  const test = o.testData ? data.loadCsv(o.testData, { ...(label !== undefined ? { label } : {}), ...(named ? { classes: train.classes } : {}), ...(limit ? { limit } : {}) }) : undefined;
  return { train, test };
}

/** The classes a classifier tells apart (the runtime's test, which fit() applies too): its output's last dimension, a number up to data.MAX_CLASSES. */
function modelClasses(cls: TrainableClass, output: TensorSpec): number {
  const k = classifierClasses(cls.targets ?? [], cls.outputs);
  if (k === undefined)
    throw new TrainError(`dnnc train trains classifiers: ${cls.name}'s output ${output.name} is f32[${output.shape.join(", ")}], and its last dimension must be the number of classes`);
  if (k > data.MAX_CLASSES) throw new TrainError(`${cls.name}'s output ${output.name} has ${k.toLocaleString("en-US")} classes; dnnc train handles at most ${data.MAX_CLASSES.toLocaleString("en-US")}`);
  return k;
}

/** A regression's targets and their values per example (numbers: the batch dimension is the only symbolic one). */
function regressionTargetsOf(cls: TrainableClass): RegressionTarget[] {
  return cls.targets!.map((t) => {
    const size = perExample(t);
    if (size === undefined) throw new TrainError(`${cls.name}'s target ${t.name} is f32[${t.shape.join(", ")}]: dnnc train reads a regression's targets from CSV columns, so only its first dimension may be symbolic`);
    return { name: t.name, size };
  });
}

/** The output a regression's MSE and MAE measure: the first with as many values per example as the first target. */
function measuredOutput(cls: TrainableClass, first: RegressionTarget, forward: boolean): Regression["measured"] {
  const i = cls.outputs.findIndex((out) => out.dtype === "f32" && perExample(out) === first.size);
  return i === 0 || (i > 0 && forward) ? { output: cls.outputs[i]!.name, first: i === 0 } : undefined;
}

/** --classes: those of `d`'s classes, relabelled from 0; no more of them than the model has outputs. */
function keepClasses(d: Dataset, keep: number[], classes: number, model: string): Dataset {
  const unknown = keep.find((k) => k >= d.classes.length);
  if (unknown !== undefined) throw new TrainError(`--classes: ${d.name} has no class ${unknown} (its classes are 0 to ${d.classes.length - 1})`);
  if (keep.length > classes) throw new TrainError(`--classes picks ${keep.length} classes, but ${model} has ${classes} outputs`);
  return data.filterClasses(d, keep, true);
}

/** --validation-split: a part held out, or a one-line error when it would leave a part empty. */
function validationSplit(d: Dataset, fraction: number, seed: number): { train: Dataset; validation?: Dataset } {
  if (fraction === 0) return { train: d };
  const held = Math.round(d.n * fraction);
  if (held < 1 || held >= d.n)
    throw new TrainError(`--validation-split ${fraction} of ${d.name}'s ${d.n.toLocaleString("en-US")} examples holds out ${held} for validation and leaves ${d.n - held} to train on: both need at least one (--validation-split 0 for none)`);
  return data.splitValidation(d, fraction, seed);
}

/** The learning rate, kept in the checkpoint as the tensor `lr` (a named program's `<name>/lr`; see docs/generated-api.md). */
function learningRate(model: TrainableModel, name: string) {
  const peek = async () => scalarF32(readSafetensors(await model.save()).get(name));
  return {
    peek,
    get: async () => {
      const v = await peek();
      if (v === undefined) throw new TrainError(`this model's optimizer has no learning rate \`${name}\` to change`);
      return v;
    },
    set: async (value: number) => {
      if (!(value > 0)) throw new TrainError(`the learning rate must be positive, received ${value}`);
      const bytes = await model.save();
      const tensors = readSafetensors(bytes);
      if (!tensors.has(name)) throw new TrainError(`this model's optimizer has no learning rate \`${name}\` to set`);
      tensors.set(name, f32Entry(value));
      await model.load(writeSafetensors(tensors, readMetadata(bytes)));
    },
  };
}

/** The epochs a checkpoint's run has done (0 for a file that does not say: a model's own save()). */
function runEpochs(bytes: Uint8Array, path: string): number {
  const text = readMetadata(bytes)[EPOCH];
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text)) throw new TrainError(`checkpoint ${path} refused: __metadata__ "${EPOCH}" must be a count of epochs, found ${JSON.stringify(text)}`);
  return Number(text);
}

/** Cosine annealing per epoch, as PyTorch's CosineAnnealingLR stepped once an epoch: the first
 * epoch at `initial`, then along half a cosine towards `min` (reached after the last epoch). */
function cosineLr(initial: number, min: number, epochs: number): (epoch: number) => number {
  return (epoch) => min + ((initial - min) * (1 + Math.cos((Math.PI * (epoch - 1)) / epochs))) / 2;
}

function augmentFor(s: data.AugmentSpec, d: Dataset, seed: number) {
  if (d.shape.length !== 3) throw new TrainError(`--augment works on images [height, width, channels]; ${d.name} has examples of shape [${d.shape.join(", ")}]`);
  if (s.shift !== undefined && s.shift >= Math.min(d.shape[0]!, d.shape[1]!))
    throw new TrainError(`--augment shift=${s.shift} would move ${d.name}'s ${d.shape[0]}×${d.shape[1]} images out of sight: give less than ${Math.min(d.shape[0]!, d.shape[1]!)}`);
  const shape = d.shape as [number, number, number];
  const f = data.augmenter(s, seed);
  return (x: Float32Array, batch: number, out: Float32Array) => f(x, batch, shape, out);
}

/** An argument as a POSIX shell reads it back: quoted when it holds anything but safe characters. */
const shellWord = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);

const names = (xs: readonly { name: string }[]) => (xs.length ? xs.map((x) => x.name).join(", ") : "none");
