// The data of a regression (or a model with several f32 targets): a CSV whose last columns are
// the targets' values, each target taking as many columns as it has values per example, in the
// train block's order (or, with --label, the columns from that one on). Features and targets are
// two datasets of the same examples in the same order: the loop shuffles, splits and batches them
// with the same seeds, so they stay aligned without the data layer knowing about targets.
// Mistakes (a cell that is not a number, a short row) are errors at file:line:column.
import { basename } from "node:path";
import { gunzipIfNeeded, readDataFile, splitLine, subset, type Dataset } from "../data/index.ts";
import { TrainError } from "./load-model.ts";

export interface RegressionTarget {
  name: string;
  /** Values per example. */
  size: number;
}

/** Features and the targets' values of the same examples. */
export interface RegressionData {
  features: Dataset;
  /** All targets' values per example, side by side, in `targets` order. */
  values: Dataset;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Reads `path`, the targets' `columns` values per example from the end (or from column `first`). */
export function loadRegressionCsv(path: string, columns: number, first?: number | string): RegressionData {
  const text = Buffer.from(gunzipIfNeeded(readDataFile(path))).toString("utf8").replace(/^\uFEFF/, "");
  const lines = text.split(/\r?\n/);
  while (lines.length && lines.at(-1)!.trim() === "") lines.pop();
  // The quoting rules of the classifiers' CSV (src/data/csv.ts), errors at file:line:column.
  const split = (line: string, i: number) => {
    try {
      return splitLine(line, (col) => `${path}:${i + 1}:${col}`);
    } catch (e) {
      throw new TrainError((e as Error).message);
    }
  };
  const cells = (line: string, i: number) => split(line, i).cells.map((c) => c.trim());
  const head = cells(lines[0] ?? "", 0);
  const header = head.some((c) => !NUMBER.test(c));
  const width = head.length;
  let start = width - columns;
  if (first !== undefined) {
    start = typeof first === "number" ? (first < 0 ? width + first : first) : head.indexOf(first);
    if (start < 0 || (typeof first === "string" && !header)) throw new TrainError(`--label: ${path} has no column ${JSON.stringify(first)}${header ? ` (columns: ${head.join(", ")})` : ""}`);
  }
  if (start < 1 && width - columns < 1) throw new TrainError(`${path}: ${width} columns, and the targets take ${columns}: no column is left for the features`);
  if (start + columns > width) throw new TrainError(`${path}: the targets take ${columns} columns from column ${start}, but the file has ${width}`);
  const rows = lines.slice(header ? 1 : 0);
  const features = width - columns, n = rows.length;
  if (n === 0) throw new TrainError(`${path}: no examples`);
  const x = new Float32Array(n * features), v = new Float32Array(n * columns);
  rows.forEach((line, i) => {
    const at = i + (header ? 2 : 1);
    const { cells: row, cols } = split(line, at - 1);
    if (row.length !== width) throw new TrainError(`${path}:${at}:1: ${row.length} fields, expected ${width} as in the first line`);
    let f = 0;
    row.forEach((cell, j) => {
      const c = cell.trim();
      const value = NUMBER.test(c) ? Number(c) : NaN;
      if (!Number.isFinite(value) || Math.abs(value) > 3.4e38) throw new TrainError(`${path}:${at}:${cols[j]}: ${JSON.stringify(c)} is not a number`);
      if (j >= start && j < start + columns) v[i * columns + j - start] = value;
      else x[i * features + f++] = value;
    });
  });
  const name = basename(path);
  const y = new Int32Array(n); // no classes: every label is 0, and nothing reads them
  return { features: { name, x, y, n, shape: [features], classes: [] }, values: { name: `${name} targets`, x: v, y, n, shape: [columns], classes: [] } };
}

/** The training and test files of a regression, `limit` examples of the training one at most. */
export function loadRegression(data: string, testData: string | undefined, targets: RegressionTarget[], label: number | string | undefined, limit: number | undefined): { train: RegressionData; test?: RegressionData } {
  if (!/\.csv(\.gz)?$/i.test(data)) throw new TrainError(`--data ${data}: a regression (f32 targets) trains on a .csv file whose last columns are the targets' values`);
  const columns = targets.reduce((a, t) => a + t.size, 0);
  let train = loadRegressionCsv(data, columns, label);
  const test = testData ? loadRegressionCsv(testData, columns, label) : undefined;
  if (test && test.features.shape[0] !== train.features.shape[0]) throw new TrainError(`--test-data ${testData} has ${test.features.shape[0]} features per example, --data ${data} ${train.features.shape[0]}`);
  if (limit !== undefined && limit < train.features.n) {
    const keep = Array.from({ length: limit }, (_, i) => i);
    train = { features: subset(train.features, keep), values: subset(train.values, keep) };
  }
  return { train, ...(test ? { test } : {}) };
}
