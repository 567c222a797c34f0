// Datasets by name, for `dnnc train --dataset NAME`: the UCI digits shipped in the repository,
// Fashion-MNIST from Debian's package `dataset-fashion-mnist`, and MNIST (which Debian does not
// package) or any other IDX dataset from a directory of the four standard files.
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32, shuffle } from "../runtime/random-order.ts";
import { loadCsv } from "./csv.ts";
import { DatasetMissingError, numberedClasses, subset, type ClassLimit, type Dataset } from "./dataset.ts";
import { loadIdxPair } from "./idx.ts";

export { DatasetMissingError };

export type Split = "train" | "test";

/** Where `apt-get install dataset-fashion-mnist` puts the four files (checked with dpkg -c). */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** Fashion-MNIST's labels, 0–9, as its README names them. */
export const FASHION_MNIST_CLASSES = [
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
];

export const DIGITS_FILE = fileURLToPath(new URL("../../samples/data/digits/digits.csv.gz", import.meta.url));

/**
 * The digits' fixed split: the 1797 rows shuffled by mulberry32(7), the first 1500 to train and
 * the last 297 to test — exactly the split of test/samples/mlp_digits.test.ts, so an accuracy
 * from `dnnc train` compares with that test's. (The file's rows are grouped by writer; the
 * shuffle makes both parts draw from all writers.)
 */
const DIGITS_SPLIT = { seed: 7, train: 1500, test: 297 } as const;

export const DATASET_NAMES = ["digits", "fashion-mnist", "mnist"] as const;

export interface NamedOptions {
  /** A directory holding the four IDX files, instead of the installed location. */
  dir?: string;
}

/** The four files of an IDX dataset: `<split>-<images|labels>-idx<3|1>-ubyte`, gzipped or not. */
const STEMS: Record<Split, { images: string; labels: string }> = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
};
const ALL_FILES = [STEMS.train.images, STEMS.train.labels, STEMS.test.images, STEMS.test.labels].map((s) => `${s}.gz`);

/** The path of `stem` in `dir`: gzipped as distributed, plain, or with Kaggle's "images.idx3". */
function findIdx(dir: string, stem: string): string | undefined {
  const dotted = stem.replace(/-(idx\d)/, ".$1");
  for (const name of [`${stem}.gz`, stem, `${dotted}.gz`, dotted]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** The error when Fashion-MNIST is not installed: `what` says which file is absent. */
export function fashionMissingError(what: string): DatasetMissingError {
  return new DatasetMissingError(
    `Fashion-MNIST is not installed: ${what}.\n` +
      `Get it in one of three ways:\n` +
      `  sudo apt-get install dataset-fashion-mnist   (Debian/Ubuntu: puts the files in ${FASHION_MNIST_DIR}/)\n` +
      `  scripts/setup-datasets.sh                    (from the dnnc repository: the same, only if missing)\n` +
      `  --data DIR                                   (DIR holding ${ALL_FILES.join(", ")} from https://github.com/zalandoresearch/fashion-mnist)`,
  );
}

/** Options for `loadFromDir`. */
export interface DirOptions {
  /** Prefix of each split's name ("<name>/train"); the directory's base name by default. */
  name?: string;
  /** Class names by label; "0", "1", … by default. */
  classes?: string[];
  /** The classes a label may name (a model's): see loadIdxPair. */
  limit?: ClassLimit;
}

/**
 * An IDX dataset from a directory with train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each optionally .gz). With a split, that
 * split; without, both, each read on first access (the training set of MNIST is ~190 MB as
 * floats: a caller that wants only the test set should not pay for it). A missing file is a
 * DatasetMissingError naming the files expected.
 */
export function loadFromDir(dir: string, split: Split, opts?: DirOptions): Dataset;
export function loadFromDir(dir: string, opts?: DirOptions): { readonly train: Dataset; readonly test: Dataset };
export function loadFromDir(dir: string, a?: Split | DirOptions, b?: DirOptions): Dataset | { readonly train: Dataset; readonly test: Dataset } {
  if (typeof a === "string") return loadSplit(dir, a, b ?? {});
  const opts = a ?? {};
  const cache: Partial<Record<Split, Dataset>> = {};
  return {
    get train() {
      return (cache.train ??= loadSplit(dir, "train", opts));
    },
    get test() {
      return (cache.test ??= loadSplit(dir, "test", opts));
    },
  };
}

function loadSplit(dir: string, split: Split, opts: DirOptions): Dataset {
  if (split !== "train" && split !== "test") throw new Error(`unknown split "${split as string}": "train" or "test"`);
  if (!existsSync(dir)) throw new DatasetMissingError(`no such directory: ${dir} (expected one holding ${ALL_FILES.join(", ")})`);
  const stems = STEMS[split];
  const images = findIdx(dir, stems.images);
  const labels = findIdx(dir, stems.labels);
  if (!images || !labels) {
    const missing = [images ? undefined : stems.images, labels ? undefined : stems.labels].filter(Boolean);
    throw new DatasetMissingError(`${dir} has no ${missing.map((m) => `${m}.gz (or ${m})`).join(" and no ")}: an IDX dataset directory holds ${ALL_FILES.join(", ")}`);
  }
  const name = `${opts.name ?? basename(resolve(dir))}/${split}`;
  return loadIdxPair(images, labels, { name, ...(opts.classes ? { classes: opts.classes } : {}), ...(opts.limit ? { limit: opts.limit } : {}) });
}

/**
 * A named dataset's split:
 * - `digits`: the UCI optical digits in samples/data/digits, 1500 train / 297 test (DIGITS_SPLIT),
 *   shape [64], pixel values 0–16 as in the file (the digits samples divide by 16 themselves);
 * - `fashion-mnist`: 60000 train / 10000 test, shape [28, 28, 1], pixels scaled to [0, 1], from
 *   FASHION_MNIST_DIR or `opts.dir`; a DatasetMissingError saying how to install it if absent;
 * - `mnist`: the same layout, only from `opts.dir` (Debian has no package for it).
 */
export function loadNamed(name: string, split: Split, opts: NamedOptions = {}): Dataset {
  if (split !== "train" && split !== "test") throw new Error(`unknown split "${split as string}": "train" or "test"`);
  switch (name) {
    case "digits":
      return digits(split);
    case "fashion-mnist": {
      const dir = opts.dir ?? FASHION_MNIST_DIR;
      if (!opts.dir) {
        const absent = [STEMS[split].images, STEMS[split].labels].filter((s) => !findIdx(dir, s));
        if (absent.length) throw fashionMissingError(`no ${absent.map((s) => `${join(dir, s)}.gz`).join(" and no ")}`);
      }
      return loadSplit(dir, split, { name: "fashion-mnist", classes: FASHION_MNIST_CLASSES });
    }
    case "mnist":
      if (!opts.dir) {
        throw new DatasetMissingError(
          `MNIST has no Debian package: pass --data DIR, DIR holding ${ALL_FILES.join(", ")} (from http://yann.lecun.com/exdb/mnist/ or a mirror)`,
        );
      }
      return loadSplit(opts.dir, split, { name: "mnist" });
    default:
      throw new Error(`unknown dataset "${name}": known are ${DATASET_NAMES.join(", ")} (or give a CSV file or an IDX directory)`);
  }
}

let digitsAll: Dataset | undefined;

function digits(split: Split): Dataset {
  digitsAll ??= loadCsv(DIGITS_FILE, { label: "last", header: false, classes: numberedClasses(10), name: "digits" });
  // Shuffling the indices with a fresh generator gives the permutation the test gets by
  // shuffling the rows: Fisher–Yates draws depend only on the length.
  const order = shuffle(Array.from({ length: digitsAll.n }, (_, i) => i), mulberry32(DIGITS_SPLIT.seed));
  const part = split === "train" ? order.slice(0, DIGITS_SPLIT.train) : order.slice(DIGITS_SPLIT.train);
  return subset(digitsAll, part, `digits/${split}`);
}
