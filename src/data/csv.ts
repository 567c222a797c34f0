// CSV as a labelled dataset: one example per line, one numeric feature per column, one label
// column. Comma-separated, optional double quotes ("" escapes a quote; no newlines inside a
// field), CRLF or LF, a UTF-8 byte-order mark, gzip (detected by content) and blank lines at the
// end are all accepted. Anything else — a cell that is not a number or overflows a float (1e999,
// 1e39), a row with too few or too many fields, a blank line between rows, a label outside the
// classes — is an Error at file:line:column, because a silently misread training set shows up
// only later as a model that will not learn.
import { basename } from "node:path";
import { checkDataset, MAX_CLASSES, numberedClasses, type ClassLimit, type Dataset } from "./dataset.ts";
import { gunzipIfNeeded, readDataFile } from "./idx.ts";

export interface CsvOptions {
  /**
   * The label column: "last", "first", a 0-based column index (negative counts from the end: -1
   * is the last) or a column name from the header. By default ("auto") the column the header
   * names `label` (in any case) when there is a header with one, else the last column.
   */
  label?: "auto" | "last" | "first" | number | string;
  /**
   * Whether the first line names the columns. "auto" (the default): it does when one of its
   * feature cells is not a number, or its label cell is not a number while the next line's is.
   */
  header?: boolean | "auto";
  /** Every feature is multiplied by this (1 by default): 1/255 for pixels, 1/16 for digits. */
  scale?: number;
  /**
   * Class names. Numeric labels index into them; name labels are looked up in them (so a train
   * and a test file agree on the mapping). By default see `parseCsv`.
   */
  classes?: string[];
  /** The dataset's name; the file's base name by default. */
  name?: string;
  /**
   * The classes a label may name: a numeric label ≥ `count` (or a class list longer than it) is
   * an Error at its line, saying whose classes they are. Without it the bound is MAX_CLASSES.
   */
  limit?: ClassLimit;
}

/** Reads a CSV file (gzipped or not): see `parseCsv`. */
export function loadCsv(path: string, opts: CsvOptions = {}): Dataset {
  const bytes = readDataFile(path);
  let text: string;
  try {
    text = Buffer.from(gunzipIfNeeded(bytes)).toString("utf8");
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  return parseCsv(text, path, { ...opts, name: opts.name ?? basename(path) });
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The column a header names `label`, in any case and with spaces around it; -1 if none or several. */
function labelByName(names: readonly string[]): number {
  const found = names.flatMap((n, i) => (n.trim().toLowerCase() === "label" ? [i] : []));
  return found.length === 1 ? found[0]! : -1;
}

/** Positions of a line's fields: text (unquoted) and the 1-based column where each starts. */
export function splitLine(line: string, where: (col: number) => string): { cells: string[]; cols: number[] } {
  if (!line.includes('"')) {
    const cells = line.split(",");
    const cols: number[] = [];
    for (let i = 0, c = 1; i < cells.length; c += cells[i]!.length + 1, i++) cols.push(c);
    return { cells, cols };
  }
  const cells: string[] = [];
  const cols: number[] = [];
  let i = 0;
  for (;;) {
    cols.push(i + 1);
    if (line[i] === '"') {
      let cell = "";
      let j = i + 1;
      for (;;) {
        if (j >= line.length) throw new Error(`${where(i + 1)}: unterminated quoted field`);
        if (line[j] === '"') {
          if (line[j + 1] === '"') (cell += '"'), (j += 2);
          else break;
        } else cell += line[j++];
      }
      j++;
      if (j < line.length && line[j] !== ",") throw new Error(`${where(j + 1)}: expected a comma after the quoted field`);
      cells.push(cell);
      i = j;
    } else {
      const end = line.indexOf(",", i);
      cells.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length : end;
    }
    if (i >= line.length) return { cells, cols };
    i++; // the comma
  }
}

/**
 * Parses CSV text into a Dataset whose examples have shape [features]. `file` prefixes every
 * error (file:line:column, 1-based, column counted in characters).
 *
 * Labels are either all numbers — integers ≥ 0, used as the class index, with classes "0" … up to
 * the largest (or `opts.classes`) — or, when the first data row's label is not a number, all
 * names: class i is then the i-th name in sorted order (plain code-unit order, so the same
 * names give the same indices in every file and on every machine), or its place in `opts.classes`.
 */
export function parseCsv(text: string, file: string, opts: CsvOptions = {}): Dataset {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) if (lines[i]!.endsWith("\r")) lines[i] = lines[i]!.slice(0, -1);
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === "") end--;
  if (end === 0) throw new Error(`${file}: no data: the file is empty`);
  const at = (line: number) => (col: number) => `${file}:${line + 1}:${col}`;

  const first = splitLine(lines[0]!, at(0));
  const width = first.cells.length;
  if (width < 2) throw new Error(`${at(0)(1)}: one column only: a CSV dataset needs at least one feature and a label`);
  const isNum = (s: string) => NUMBER.test(s.trim());
  const columnIndex = (k: number, what: string) => {
    const c = k < 0 ? width + k : k;
    if (!Number.isInteger(k) || c < 0 || c >= width) throw new Error(`${file}: label column ${what} does not exist: the first line has ${width} columns`);
    return c;
  };

  let header = opts.header ?? "auto";
  const label = opts.label ?? "auto";
  if (typeof label === "string" && label !== "last" && label !== "first" && label !== "auto") {
    if (header === false) throw new Error(`${file}: the label column is named ("${label}") but header is false: a column name needs a header line`);
    header = true;
  }
  let lab =
    label === "last" || label === "auto" ? width - 1 : label === "first" ? 0 : typeof label === "number" ? columnIndex(label, String(label)) : -1;
  if (header === "auto") {
    const second = end > 1 ? splitLine(lines[1]!, at(1)).cells : undefined;
    // A column named `label` makes the line a header whatever the other cells are.
    header =
      labelByName(first.cells) >= 0 ||
      first.cells.some((c, i) => i !== lab && !isNum(c)) ||
      (!isNum(first.cells[lab]!) && second !== undefined && second[lab] !== undefined && isNum(second[lab]!));
  }
  const names = header ? first.cells.map((c) => c.trim()) : undefined;
  if (label === "auto" && names && labelByName(names) >= 0) lab = labelByName(names);
  if (lab < 0) {
    lab = names!.indexOf(label as string);
    if (lab < 0) throw new Error(`${at(0)(1)}: no column named "${label}"; the columns are ${names!.map((n) => `"${n}"`).join(", ")}`);
  }
  const start = header ? 1 : 0;
  const n = end - start;
  if (n === 0) throw new Error(`${file}: no data: the file has a header line and nothing after it`);

  const f = width - 1;
  const scale = opts.scale ?? 1;
  const limit = opts.limit ?? defaultLimit(opts.classes);
  // Where a label was read from, said with every label error (a wrong column is the usual cause).
  const labelColumn = `column ${lab + 1}${names ? ` ("${names[lab]}")` : ""}`;
  const hint = (opts.label ?? "auto") === "auto" ? "; the label is the last column unless the header names one `label` (dnnc train --label COLUMN chooses another)" : "";
  const x = new Float32Array(n * f);
  const y = new Int32Array(n);
  const labelNames: string[] = [];
  let byName: boolean | undefined;
  const named = (c: number) => (names ? ` ("${names[c]}")` : "");
  for (let r = 0; r < n; r++) {
    const li = start + r;
    const line = lines[li]!;
    if (line.trim() === "") throw new Error(`${at(li)(1)}: blank line between rows of data`);
    const { cells, cols } = splitLine(line, at(li));
    if (cells.length !== width) {
      const col = cells.length > width ? cols[width]! : line.length + 1;
      throw new Error(`${at(li)(col)}: ${cells.length} fields where line ${start === 1 ? "1 (the header)" : "1"} has ${width}`);
    }
    for (let c = 0, k = r * f; c < width; c++) {
      const cell = cells[c]!.trim();
      if (c === lab) {
        byName ??= !isNum(cell);
        if (byName) {
          if (cell === "") throw new Error(`${at(li)(cols[c]!)}: empty label`);
          labelNames.push(cell);
          continue;
        }
        const v = Number(cell);
        if (!isNum(cell)) throw new Error(`${at(li)(cols[c]!)}: label "${cell}" is not a number (the first row's label is, so labels are class indices)`);
        if (!Number.isInteger(v) || v < 0) throw new Error(`${at(li)(cols[c]!)}: label ${cell} (${labelColumn}) is not an integer ≥ 0${hint}`);
        if (v >= limit.count) {
          throw new Error(`${at(li)(cols[c]!)}: label ${cell} (${labelColumn}) is outside [0, ${limit.count}): ${limit.why}${hint}`);
        }
        y[r] = v;
        continue;
      }
      if (!isNum(cell)) {
        throw new Error(`${at(li)(cols[c]!)}: ${cell === "" ? "empty cell" : `"${cell}" is not a number`} in column ${c + 1}${named(c)}`);
      }
      const value = Math.fround(Number(cell) * scale);
      if (!Number.isFinite(value)) throw new Error(`${at(li)(cols[c]!)}: ${cell} in column ${c + 1}${named(c)} is beyond the range of a 32-bit float (±3.4e38)${scale !== 1 ? ` once scaled by ${scale}` : ""}`);
      x[k++] = value;
    }
  }

  let classes: string[];
  if (byName) {
    classes = opts.classes ? [...opts.classes] : [...new Set(labelNames)].sort();
    if (classes.length > limit.count) throw new Error(`${file}: the labels (${labelColumn}) name ${classes.length} classes (${preview(classes)}), more than ${limit.count}: ${limit.why}`);
    const index = new Map(classes.map((c, i) => [c, i]));
    labelNames.forEach((name, r) => {
      const i = index.get(name);
      if (i === undefined) throw new Error(`${file}:${start + r + 1}: label "${name}" is not one of the classes given (${classes.join(", ")})`);
      y[r] = i;
    });
  } else {
    const max = y.reduce((a, b) => Math.max(a, b), -1);
    classes = opts.classes ? [...opts.classes] : numberedClasses(max + 1);
    if (max >= classes.length) throw new Error(`${file}: label ${max} is outside the ${classes.length} classes given`);
  }
  return checkDataset({ name: opts.name ?? file, x, y, n, shape: [f], classes });
}

/** Labels index `classes` when given, and never reach MAX_CLASSES. */
function defaultLimit(classes: readonly string[] | undefined): ClassLimit {
  if (classes && classes.length <= MAX_CLASSES) return { count: classes.length, why: `${classes.length} classes were given` };
  return { count: MAX_CLASSES, why: `dnnc handles at most ${MAX_CLASSES.toLocaleString("en-US")} classes` };
}

const preview = (names: string[]) => (names.length > 8 ? `${names.slice(0, 8).map((c) => `"${c}"`).join(", ")}, …` : names.map((c) => `"${c}"`).join(", "));
