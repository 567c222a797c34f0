// The numeric flags of `dnnc train`, every one checked before anything runs: a number written as
// a number (no "", "0x10", "Infinity" or "abc" read as something else), finite, an integer where
// it counts things, and inside the range where training means something. A mistake is one line
// naming the flag, what it must be and what was received (exit 2), never a NaN that surfaces
// epochs later or an allocation that takes the machine down. docs/train.md lists the ranges.
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { AugmentSpec } from "../data/index.ts";
import { MAX_CLASSES } from "../data/index.ts";
import { TrainError } from "../fit/load-model.ts";

/** The strings commander hands over, as main.ts declares the options. */
export interface TrainFlags {
  epochs: string;
  batch: string;
  lr?: string;
  seed: string;
  validationSplit: string;
  threads?: string;
  earlyStopping?: string;
  reduceLr?: string;
  reduceLrFactor: string;
  minLr: string;
  limit?: string;
  augment?: string;
  classes?: string;
  label?: string;
}

export interface TrainSettings {
  epochs: number;
  batch: number;
  lr?: number;
  seed: number;
  validationSplit: number;
  threads?: number;
  earlyStopping?: number;
  reduceLr?: number;
  reduceLrFactor: number;
  minLr: number;
  limit?: number;
  augment?: AugmentSpec;
  /** --classes expanded, in the order given. */
  classes?: number[];
  /** --label: a 0-based column index, "first", "last", or a header name. */
  label?: number | string;
}

/** Above this no optimizer's step means anything: 1e30 is a typo, not a schedule. */
const MAX_LR = 10;
/** More matrix-product workers than this only add overhead (and each is a thread and its memory). */
export const MAX_THREADS = 64;
const MAX_EPOCHS = 1_000_000;
const MAX_BATCH = 1 << 20;
const MAX_PATIENCE = 10_000;
const MAX_SEED = 2 ** 32 - 1; // mulberry32's state is 32 bits

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function trainSettings(o: TrainFlags): TrainSettings {
  const s: TrainSettings = {
    epochs: count(o.epochs, "--epochs", 1, MAX_EPOCHS),
    batch: count(o.batch, "--batch", 1, MAX_BATCH),
    seed: count(o.seed, "--seed", 0, MAX_SEED),
    validationSplit: real(o.validationSplit, "--validation-split", "a fraction in [0, 1)", (v) => v >= 0 && v < 1),
    reduceLrFactor: real(o.reduceLrFactor, "--reduce-lr-factor", "a factor in (0, 1)", (v) => v > 0 && v < 1),
    minLr: real(o.minLr, "--min-lr", `a learning rate in [0, ${MAX_LR}]`, (v) => v >= 0 && v <= MAX_LR),
  };
  if (o.lr !== undefined) s.lr = real(o.lr, "--lr", `a learning rate in (0, ${MAX_LR}]`, (v) => v > 0 && v <= MAX_LR);
  if (o.threads !== undefined) s.threads = count(o.threads, "--threads", 1, MAX_THREADS);
  if (o.earlyStopping !== undefined) s.earlyStopping = count(o.earlyStopping, "--early-stopping", 1, MAX_PATIENCE);
  if (o.reduceLr !== undefined) s.reduceLr = count(o.reduceLr, "--reduce-lr", 1, MAX_PATIENCE);
  if (o.limit !== undefined) s.limit = count(o.limit, "--limit", 1, Number.MAX_SAFE_INTEGER);
  if (o.augment !== undefined) s.augment = augmentSpec(o.augment);
  if (o.classes !== undefined) s.classes = classList(o.classes);
  if (o.label !== undefined) s.label = labelColumn(o.label);
  return s;
}

/** A whole number in [min, max], written as digits. */
function count(text: string, flag: string, min: number, max: number): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max.toLocaleString("en-US")}`;
    throw new TrainError(`${flag} must be a whole number ${range}, received '${text}'`);
  }
  return n;
}

/** A finite decimal number for which `ok` holds. */
function real(text: string, flag: string, what: string, ok: (v: number) => boolean): number {
  const v = DECIMAL.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isFinite(v) || !ok(v)) throw new TrainError(`${flag} must be ${what}, received '${text}'`);
  return v;
}

function augmentSpec(spec: string): AugmentSpec {
  const s: AugmentSpec = {};
  const parts = spec.split(",").map((x) => x.trim()).filter(Boolean);
  if (parts.length === 0) throw new TrainError(`--augment: expected flip, shift=PIXELS, rotate=DEGREES, comma-separated, received '${spec}'`);
  for (const part of parts) {
    const [key, value] = part.split("=");
    if (key === "flip" && value === undefined) s.flip = true;
    else if (key === "shift" && value !== undefined) s.shift = count(value, "--augment shift", 1, 1000);
    else if (key === "rotate" && value !== undefined) s.rotate = real(value, "--augment rotate", "an angle in degrees in (0, 180]", (v) => v > 0 && v <= 180);
    else throw new TrainError(`--augment: unknown part '${part}' (expected flip, shift=PIXELS, rotate=DEGREES, comma-separated)`);
  }
  return s;
}

/**
 * --classes: single classes and ascending ranges, comma-separated (0-4, or 1,3,5). The total is
 * counted before anything is expanded, so 0-99999999 is refused without allocating it.
 */
function classList(spec: string): number[] {
  const ranges: [number, number][] = [];
  let total = 0;
  for (const part of spec.split(",")) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
    if (!m) throw new TrainError(`--classes: expected a list such as 0-4 or 1,3,5, received '${spec}'`);
    const from = Number(m[1]), to = Number(m[2] ?? m[1]);
    if (to < from) throw new TrainError(`--classes: the range ${part.trim()} runs backwards: write ${to}-${from}`);
    if (to >= MAX_CLASSES || (total += to - from + 1) > MAX_CLASSES) throw new TrainError(`--classes: '${spec}' goes beyond the ${MAX_CLASSES.toLocaleString("en-US")} classes dnnc handles`);
    ranges.push([from, to]);
  }
  const out: number[] = [];
  for (const [from, to] of ranges) for (let c = from; c <= to; c++) out.push(c);
  const seen = new Set<number>();
  const twice = out.find((c) => seen.size === seen.add(c).size);
  if (twice !== undefined) throw new TrainError(`--classes: class ${twice} is listed twice in '${spec}'`);
  return out;
}

/** --label: digits are a 0-based column index (as in pandas' iloc); anything else a header name. */
function labelColumn(text: string): number | string {
  const t = text.trim();
  if (t === "") throw new TrainError("--label: expected a column name from the CSV's header or a 0-based column index, received ''");
  if (/^-?\d+$/.test(t)) return Number(t);
  return t;
}

/**
 * Refuses, before training starts, an output path that could not be written at the end of the
 * first epoch: a missing directory, a path under a file, a directory where the file goes, or a
 * place this process may not write. (The write itself can still fail — a full disk — but not
 * for a reason knowable now.)
 */
export function checkOutputPath(path: string, flag: string): void {
  const dir = dirname(resolve(path));
  if (existsSync(path) && statSync(path).isDirectory()) throw new TrainError(`${flag} ${path}: is a directory; give a file name`);
  if (!existsSync(dir)) throw new TrainError(`${flag} ${path}: no directory ${dirname(path)} to write it in`);
  if (!statSync(dir).isDirectory()) throw new TrainError(`${flag} ${path}: ${dirname(path)} is not a directory`);
  try {
    accessSync(existsSync(path) ? path : dir, constants.W_OK);
  } catch {
    throw new TrainError(`${flag} ${path}: ${existsSync(path) ? "the file" : `the directory ${dirname(path)}`} is not writable`);
  }
}
