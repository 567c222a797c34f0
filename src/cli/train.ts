// `dnnc train FILE`: compile, load a dataset, train with a live progress display, evaluate on
// the test set, and leave a checkpoint and a report. Ctrl-C stops after the current batch and
// writes the checkpoint; a second Ctrl-C exits at once.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import type { Compilation } from "../compiler.ts";
import * as data from "../data/index.ts";
import type { Dataset } from "../data/index.ts";
import { fit, evaluate } from "../fit/loop.ts";
import { loadGenerated, TrainError, type Backend } from "../fit/load-model.ts";
import { perExample, type TrainableModel } from "../fit/model.ts";
import { progressPrinter, duration } from "../fit/progress.ts";
import { htmlReport } from "../fit/report.ts";
import { f32Entry, readMetadata, readSafetensors, scalarF32, withMetadata, writeSafetensors } from "../fit/safetensors.ts";
import { EPOCH, FIRST_LR, writeCheckpoint } from "../fit/checkpoint.ts";

export interface TrainOptions {
  data: string;
  testData?: string;
  model?: string;
  epochs: string;
  batch: string;
  lr?: string;
  seed: string;
  validationSplit: string;
  backend: Backend;
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
  const compiledModel = pickModel(compiled, o.model);
  const base = basename(file).replace(/\.dnn$/, "");
  const checkpoint = o.checkpoint ?? `${base}.safetensors`;
  const reportPath = o.report ?? `${base}.report.html`;

  const loaded = await loadGenerated(compiled.models, compiledModel.name, o.backend, basename(file));
  const { cls } = loaded;
  const input = cls.inputs[0]!, target = cls.targets?.[0], output = cls.outputs[0]!;
  if (cls.inputs.length !== 1 || !target || cls.targets!.length !== 1 || target.dtype !== "i32")
    throw new TrainError(`dnnc train trains classifiers: one input, and one i32 target of class labels; ${cls.name} has inputs ${names(cls.inputs)} and targets ${names(cls.targets ?? [])}`);

  let { train: trainSet, test } = loadData(o);
  if (o.classes) {
    const keep = classList(o.classes);
    trainSet = data.filterClasses(trainSet, keep, true);
    test = test && data.filterClasses(test, keep, true);
  }
  if (o.limit) trainSet = data.subset(trainSet, Array.from({ length: Math.min(trainSet.n, positive(o.limit, "--limit")) }, (_, i) => i));
  const want = perExample(input);
  if (want !== data.featureSize(trainSet))
    throw new TrainError(`${cls.name}'s input ${input.name} is f32[${input.shape.join(", ")}] (${want} values per example), but ${trainSet.name} has ${data.featureSize(trainSet)} per example (shape [${trainSet.shape.join(", ")}])`);
  let stats: data.NormStats | undefined;
  if (o.normalize) ({ dataset: trainSet, stats } = data.normalize(trainSet, "auto"));
  if (stats && test) test = data.normalize(test, stats).dataset;
  const fraction = Number(o.validationSplit);
  if (!(fraction >= 0 && fraction < 1)) throw new TrainError(`--validation-split must be in [0, 1), received '${o.validationSplit}'`);
  const seed = integer(o.seed, "--seed");
  const split = fraction > 0 ? data.splitValidation(trainSet, fraction, seed) : { train: trainSet, validation: undefined };
  const classes = Math.max(...(output.shape.slice(-1) as number[]), 1);

  const model = (await cls.create({ seed, ...loaded.createOptions, ...(o.threads ? { threads: positive(o.threads, "--threads"), workerThreads: await import("node:worker_threads") } : {}) })) as TrainableModel;
  // A resumed run goes on from the epochs its checkpoint records, with the schedule's first rate.
  const resumed = o.resume ? await loadCheckpoint(model, o.resume, (b) => b) : undefined;
  const done = resumed ? runEpochs(resumed, o.resume!) : 0;
  if (o.initFromOnly && !o.initFrom) throw new TrainError("--init-from-only chooses among the parameters of --init-from's checkpoint: give --init-from too");
  if (o.initFrom) {
    const fresh: string[] = [];
    const current = await model.save();
    const chosen = o.initFromOnly ? chosenParameters(o.initFromOnly, cls) : cls.parameters;
    for (const p of cls.parameters) if (!chosen.includes(p)) fresh.push(`${p.name} (not chosen by --init-from-only)`);
    await loadCheckpoint(model, o.initFrom, (b) => withParametersOf(current, b, chosen, fresh));
    io.err(`parameters from ${o.initFrom}${fresh.length ? `; initialised afresh: ${fresh.join(", ")}` : ": all of them"}\n`);
  }
  const lr = learningRate(model);
  if (o.lr) await lr.set(Number(o.lr));
  const epochCount = positive(o.epochs, "--epochs");
  if (done >= epochCount)
    throw new TrainError(`${o.resume} has ${done} of the run's epochs done, and --epochs is ${epochCount}: with --resume, --epochs counts the whole run; give more than ${done}, or start a new run from its weights with --init-from`);
  if (o.lrSchedule === "cosine" && o.reduceLr) throw new TrainError("--lr-schedule cosine and --reduce-lr each set the learning rate: choose one");
  const firstLr = o.lr ? Number(o.lr) : (resumed && Number(readMetadata(resumed)[FIRST_LR])) || (await lr.peek());
  const schedule = o.lrSchedule === "cosine" ? { lrAt: cosineLr(firstLr ?? (await lr.get()), Number(o.minLr), epochCount), set: lr.set } : undefined;
  const runMetadata: Record<string, string> = firstLr ? { [FIRST_LR]: String(firstLr) } : {};

  const printer = progressPrinter({ write: io.err, tty: io.tty, columns: io.columns });
  let stop = 0;
  const onSigint = () => {
    if (++stop > 1) process.exit(130);
    printer.note("stopping after this batch (Ctrl-C again to quit at once)…");
  };
  process.on("SIGINT", onSigint);
  io.err(`training ${cls.name} on ${trainSet.name}: ${split.train.n.toLocaleString("en-US")} examples${split.validation ? `, ${split.validation.n.toLocaleString("en-US")} for validation` : ""}; ${o.backend} backend\n`);
  // Installed until the report is written: a Ctrl-C during the final test evaluation lets it
  // finish (it is short) rather than killing the process before the checkpoint and report.
  try {
    const result = await fit({
      model, input: input.name, target: target.name, output: output.name, classes,
      train: split.train, validation: split.validation,
      firstEpoch: done + 1, epochs: epochCount, batchSize: positive(o.batch, "--batch"), seed,
      augment: o.augment ? augmentFor(o.augment, trainSet, seed) : undefined,
      earlyStopping: o.earlyStopping ? { patience: positive(o.earlyStopping, "--early-stopping"), restoreBest: true } : undefined,
      reduceLr: o.reduceLr ? { patience: positive(o.reduceLr, "--reduce-lr"), factor: Number(o.reduceLrFactor), minLr: Number(o.minLr), get: lr.get, set: lr.set } : undefined,
      schedule, checkpoint, checkpointMetadata: runMetadata,
      onProgress: printer.progress, onEpoch: printer.epoch, onNote: printer.note,
      interrupted: () => stop > 0,
    });
    const reached = result.history.at(-1)?.epoch ?? done + 1;
    if (result.interrupted) {
      io.err(`interrupted in epoch ${reached} of ${epochCount}: checkpoint with ${model.steps} steps written to ${checkpoint}; the same command with --resume ${checkpoint} goes on from epoch ${reached}\n`);
      return 130;
    }
    const tested = test ? await evaluate(model, test, { input: input.name, target: target.name, classes, batchSize: positive(o.batch, "--batch") }) : undefined;
    writeCheckpoint(checkpoint, withMetadata(await model.save(), { ...runMetadata, [EPOCH]: String(reached) }));
    const seconds = (performance.now() - started) / 1000;
    writeFileSync(reportPath, htmlReport({ title: `${cls.name} on ${trainSet.name}`, command: ["dnnc", "train", ...argv].join(" "), history: result.history, test: tested, classes: trainSet.classes, seconds }));
    if (tested) io.err(`test: accuracy ${tested.confusion.accuracy.toFixed(4)}, loss ${tested.loss.toFixed(4)} on ${tested.confusion.total.toLocaleString("en-US")} examples\n`);
    io.err(`${duration(seconds)} in all; checkpoint ${checkpoint}, report ${reportPath}\n`);
    if (o.json) io.out(JSON.stringify({ model: cls.name, data: o.data, epochs: result.history.length, seconds, testAccuracy: tested?.confusion.accuracy, testLoss: tested?.loss, testExamples: tested?.confusion.total, history: result.history }) + "\n");
  } finally {
    process.off("SIGINT", onSigint);
  }
  model.destroy?.();
  loaded.dispose();
  return 0;
}

function pickModel(c: Compilation, name: string | undefined) {
  const trainable = c.models.filter((m) => m.train);
  if (name) {
    const m = c.models.find((x) => x.name === name);
    if (!m) throw new TrainError(`no model ${name} (models: ${c.models.map((x) => x.name).join(", ") || "none"})`);
    if (!m.train) throw new TrainError(`model ${name} has no train block`);
    return m;
  }
  if (trainable.length === 0) throw new TrainError("no model in this file has a train block");
  if (trainable.length > 1) throw new TrainError(`several models have train blocks (${trainable.map((m) => m.name).join(", ")}): choose one with --model`);
  return trainable[0]!;
}

function loadData(o: TrainOptions): { train: Dataset; test?: Dataset } {
  try {
    return loadDataOrThrow(o);
  } catch (e) {
    if (e instanceof TrainError || e instanceof data.DatasetMissingError) throw e;
    throw new TrainError(`--data ${o.data}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function loadDataOrThrow(o: TrainOptions): { train: Dataset; test?: Dataset } {
  const d = o.data;
  if ((data.DATASET_NAMES as readonly string[]).includes(d)) return { train: data.loadNamed(d, "train"), test: data.loadNamed(d, "test") };
  if (!existsSync(d)) throw new TrainError(`--data ${d}: no such dataset or file (named datasets: ${data.DATASET_NAMES.join(", ")}; or a directory of IDX files; or a .csv file)`);
  if (statSync(d).isDirectory()) {
    const both = data.loadFromDir(d);
    return { train: both.train, test: both.test };
  }
  return { train: data.loadCsv(d), test: o.testData ? data.loadCsv(o.testData) : undefined };
}

/** The learning rate, kept in the checkpoint as the tensor `lr` (see docs/generated-api.md). */
function learningRate(model: TrainableModel) {
  const peek = async () => scalarF32(readSafetensors(await model.save()).get("lr"));
  return {
    peek,
    get: async () => {
      const v = await peek();
      if (v === undefined) throw new TrainError("this model's optimizer has no learning rate `lr` to change");
      return v;
    },
    set: async (value: number) => {
      if (!(value > 0)) throw new TrainError(`the learning rate must be positive, received ${value}`);
      const bytes = await model.save();
      const tensors = readSafetensors(bytes);
      if (!tensors.has("lr")) throw new TrainError("this model's optimizer has no learning rate `lr` to set");
      tensors.set("lr", f32Entry(value));
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
export function cosineLr(initial: number, min: number, epochs: number): (epoch: number) => number {
  return (epoch) => min + ((initial - min) * (1 + Math.cos((Math.PI * (epoch - 1)) / epochs))) / 2;
}

/** Loads a checkpoint and returns its bytes, or says in one line why it is refused (the model is left as it was). */
async function loadCheckpoint(model: TrainableModel, path: string, select: (bytes: Uint8Array) => Uint8Array): Promise<Uint8Array> {
  if (!existsSync(path)) throw new TrainError(`cannot read checkpoint ${path}: no such file`);
  try {
    const bytes = readFileSync(path);
    await model.load(select(bytes));
    return bytes;
  } catch (e) {
    throw new TrainError(`checkpoint ${path} refused: ${e instanceof Error ? e.message.replace(/^\w+\.load: /, "") : String(e)}`);
  }
}

/** The model's own file (`model`) with the parameters the checkpoint has under the same
 * name and shape put in: no optimizer state or step count from it, as fine-tuning starts its
 * own. Parameters it lacks keep their initial values and are listed in `fresh`. */
function withParametersOf(model: Uint8Array, bytes: Uint8Array, params: readonly { name: string; shape: readonly (number | string)[] }[], fresh: string[]): Uint8Array {
  const from = readSafetensors(bytes);
  const current = readSafetensors(model);
  const merged = new Map(current);
  for (const p of params) {
    const t = from.get(p.name);
    if (!t) fresh.push(`${p.name} (not in the checkpoint)`);
    else if (t.dtype !== current.get(p.name)?.dtype || t.shape.join(",") !== p.shape.join(",")) fresh.push(`${p.name} (the checkpoint's is ${t.dtype}[${t.shape.join(", ")}], this model's F32[${p.shape.join(", ")}])`);
    else merged.set(p.name, t);
  }
  return writeSafetensors(merged, readMetadata(model));
}

/** The parameters named by --init-from-only's comma-separated patterns, each matching a whole
 * parameter name (`conv2d.kernel`) or a layer's (`conv2d`: all of that layer's parameters), `*`
 * for any run of characters. A pattern that matches nothing is a mistake, said with the names. */
function chosenParameters(spec: string, cls: { name: string; parameters: readonly { name: string; shape: readonly (number | string)[] }[] }) {
  const globs = spec.split(",").map((x) => x.trim()).filter(Boolean).map((p) => ({ p, re: new RegExp(`^${p.split("*").map(escapeRegExp).join(".*")}$`) }));
  // A layer is any dotted prefix: `block` for block.conv2d.kernel, as `block.conv2d` is.
  const matches = (re: RegExp, name: string) => re.test(name) || [...name.matchAll(/\./g)].some((m) => re.test(name.slice(0, m.index)));
  for (const g of globs)
    if (!cls.parameters.some((q) => matches(g.re, q.name))) throw new TrainError(`--init-from-only: '${g.p}' matches no parameter or layer of ${cls.name} (parameters: ${names(cls.parameters)})`);
  return cls.parameters.filter((q) => globs.some((g) => matches(g.re, q.name)));
}

const escapeRegExp = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

function augmentFor(spec: string, d: Dataset, seed: number) {
  const s: data.AugmentSpec = {};
  for (const part of spec.split(",").map((x) => x.trim()).filter(Boolean)) {
    const [key, value] = part.split("=");
    if (key === "flip" && value === undefined) s.flip = true;
    else if (key === "shift" && value !== undefined) s.shift = positive(value, "--augment shift");
    else if (key === "rotate" && value !== undefined) s.rotate = Number(value);
    else throw new TrainError(`--augment: unknown part '${part}' (expected flip, shift=PIXELS, rotate=DEGREES, comma-separated)`);
  }
  if (d.shape.length !== 3) throw new TrainError(`--augment works on images [height, width, channels]; ${d.name} has examples of shape [${d.shape.join(", ")}]`);
  const shape = d.shape as [number, number, number];
  const f = data.augmenter(s, seed);
  return (x: Float32Array, batch: number, out: Float32Array) => f(x, batch, shape, out);
}

function classList(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.split(",")) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
    if (!m) throw new TrainError(`--classes: expected a list such as 0-4 or 1,3,5, received '${spec}'`);
    for (let c = Number(m[1]); c <= Number(m[2] ?? m[1]); c++) out.push(c);
  }
  return out;
}

const names = (xs: readonly { name: string }[]) => (xs.length ? xs.map((x) => x.name).join(", ") : "none");

function positive(s: string, flag: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new TrainError(`${flag} must be a positive integer, received '${s}'`);
  return n;
}

function integer(s: string, flag: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new TrainError(`${flag} must be a non-negative integer, received '${s}'`);
  return n;
}
