// `dnnc train` refuses what it cannot train on before it starts (exit 2, one line): every
// numeric flag out of range, output paths it could not write, labels outside the model's classes
// (file, line or record, value), cells that are not finite numbers; it finds the label column of
// a Kaggle-style CSV by its header; and a run that diverges stops (exit 1) without writing
// non-finite weights over a checkpoint. Almost every case here ends before the first epoch.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeIdx } from "../data/helpers.ts";
import { dnncIn, ROOT } from "../helpers/dnnc-cli.ts";

const MLP = join(ROOT, "samples/mlp_digits.dnn");
const TIMEOUT = 60_000;
const dnnc = (cwd: string, ...args: string[]) => dnncIn(cwd, TIMEOUT, ...args);
const scratch = () => mkdtempSync(join(tmpdir(), "dnnc-train-checks-"));

/** A linear classifier of 4 features into `classes` classes, trained by plain SGD (which diverges readily). */
const tiny = (classes: number) => `import std.layers.{Dense}
import std.losses.{sparse_cross_entropy}
import std.optimizers.{sgd}

model Tiny {
  input  x: f32[B, 4]
  output logits: f32[B, ${classes}]
  logits = x |> Dense(${classes})
}

train Tiny {
  target y: i32[B]
  loss      = sparse_cross_entropy(logits, y)
  optimizer = sgd(lr: 0.1)
}
`;

/** 30 rows of 4 features (`feature(row)`) and a label (row mod 3), label last. */
const csv = (feature: (row: number) => string, label: (row: number) => string = (r) => String(r % 3)) =>
  Array.from({ length: 30 }, (_, r) => `${[0, 1, 2, 3].map(() => feature(r)).join(",")},${label(r)}`).join("\n") + "\n";

/** A scratch directory with tiny.dnn (3 classes) and good.csv. */
function project(): string {
  const dir = scratch();
  writeFileSync(join(dir, "tiny.dnn"), tiny(3));
  writeFileSync(join(dir, "good.csv"), csv((r) => ((r % 3) + 0.25).toFixed(2)));
  return dir;
}

describe("every numeric flag is checked before anything runs", () => {
  // One case or two per flag through the executable; test/cli/train-flags.test.ts has every range.
  it.each([
    [["--lr", "Infinity"], "--lr must be a learning rate in (0, 10], received 'Infinity'"],
    [["--lr", "1e30"], "--lr must be a learning rate in (0, 10], received '1e30'"],
    [["--reduce-lr-factor", "abc"], "--reduce-lr-factor must be a factor in (0, 1), received 'abc'"],
    [["--epochs", "1e300"], "--epochs must be a whole number from 1 to 1,000,000, received '1e300'"],
    [["--threads", "100"], "--threads must be a whole number from 1 to 64, received '100'"],
    [["--validation-split", "0.0001"], "--validation-split 0.0001 of digits/train's 1,500 examples holds out 0 for validation and leaves 1500 to train on: both need at least one (--validation-split 0 for none)"],
    [["--classes", "42"], "--classes: digits/train has no class 42 (its classes are 0 to 9)"],
    [["--classes", "5-3"], "--classes: the range 5-3 runs backwards: write 3-5"],
    [["--classes", "0-99999999"], "--classes: '0-99999999' goes beyond the 10,000 classes dnnc handles"],
    [["--label", "0"], "--label chooses a column of a CSV file; --data digits is not one"],
  ])("%j: one line, exit 2", (args, message) => {
    const dir = scratch();
    const r = dnnc(dir, "train", MLP, ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`dnnc: ${message}\n`);
    expect(existsSync(join(dir, "mlp_digits.safetensors"))).toBe(false);
  }, TIMEOUT);
});

describe("output paths are checked before training starts", () => {
  it.each([
    [["--checkpoint", "nodir/m.safetensors"], "--checkpoint nodir/m.safetensors: no directory nodir to write it in"],
    [["--report", "file.txt/r.html"], "--report file.txt/r.html: file.txt is not a directory"],
    [["--checkpoint", "adir"], "--checkpoint adir: is a directory; give a file name"],
    [["--checkpoint", "same", "--report", "same"], "--checkpoint and --report are both same: the report would overwrite the checkpoint"],
  ])("%j: one line, exit 2, nothing trained or written", (args, message) => {
    const dir = scratch();
    writeFileSync(join(dir, "file.txt"), "kept");
    mkdirSync(join(dir, "adir"));
    const r = dnnc(dir, "train", MLP, "--epochs", "1", ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`dnnc: ${message}\n`);
    expect(existsSync(join(dir, "mlp_digits.safetensors")) || existsSync(join(dir, "mlp_digits.report.html"))).toBe(false);
  }, TIMEOUT);
});

describe("labels are checked against the model's classes when the data is read", () => {
  it("a CSV label beyond the model's classes names file, line, column and value", () => {
    const dir = project();
    writeFileSync(join(dir, "over.csv"), csv(() => "0.5", (r) => (r === 17 ? "3" : String(r % 3))));
    const r = dnnc(dir, "train", "tiny.dnn", "--data", "over.csv");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("dnnc: over.csv:18:17: label 3 (column 5) is outside [0, 3): Tiny's output logits has 3 classes; the label is the last column unless the header names one `label` (dnnc train --label COLUMN chooses another)\n");
  }, TIMEOUT);

  it("a test file's labels too; a stray label of 99999999 is refused at once", () => {
    const dir = project();
    writeFileSync(join(dir, "huge-label.csv"), csv(() => "0.5", (r) => (r === 2 ? "99999999" : "0")));
    const r = dnnc(dir, "train", "tiny.dnn", "--data", "good.csv", "--test-data", "huge-label.csv");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^dnnc: huge-label\.csv:3:17: label 99999999 \(column 5\) is outside \[0, 3\): Tiny's output logits has 3 classes/);
  }, TIMEOUT);

  it("an IDX label beyond the model's classes names the file, record and value", () => {
    const dir = project();
    writeFileSync(join(dir, "tiny4.dnn"), tiny(3).replace("f32[B, 4]", "f32[B, 2, 2, 1]").replace("x |> Dense(3)", "reshape(x, [B, 4]) |> Dense(3)"));
    mkdirSync(join(dir, "idx"));
    const images = writeIdx(0x08, [4, 2, 2], new Array(16).fill(7));
    writeFileSync(join(dir, "idx/train-images-idx3-ubyte"), images);
    writeFileSync(join(dir, "idx/t10k-images-idx3-ubyte"), images);
    writeFileSync(join(dir, "idx/train-labels-idx1-ubyte"), writeIdx(0x08, [4], [0, 1, 2, 1]));
    writeFileSync(join(dir, "idx/t10k-labels-idx1-ubyte"), writeIdx(0x08, [4], [0, 1, 9, 1]));
    const r = dnnc(dir, "train", "tiny4.dnn", "--data", "idx", "--validation-split", "0");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("dnnc: idx/t10k-labels-idx1-ubyte: record 2 (counting from 0) has label 9, outside [0, 3): Tiny's output logits has 3 classes\n");
  }, TIMEOUT);

  it("a named dataset with more classes than the model's outputs is refused, and so is --classes picking too many", () => {
    const dir = scratch();
    writeFileSync(join(dir, "five.dnn"), readFileSync(MLP, "utf8").replace("f32[B, 10]", "f32[B, 5]").replace("Dense(10)", "Dense(5)"));
    const r = dnnc(dir, "train", "five.dnn");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("dnnc: digits/train has 10 classes, but DigitsMLP's output logits has 5: train on 5 of them with --classes (e.g. --classes 0-4), or give the model 10 outputs\n");
    const many = dnnc(dir, "train", "five.dnn", "--classes", "0-5");
    expect(many.status).toBe(2);
    expect(many.stderr).toBe("dnnc: --classes picks 6 classes, but DigitsMLP has 5 outputs\n");
  }, TIMEOUT);

  it("fewer classes in the data than the model has outputs is fine, and said", () => {
    const dir = project();
    writeFileSync(join(dir, "tiny5.dnn"), tiny(5));
    // A test file may hold a class the training file lacks, so long as the model has it.
    writeFileSync(join(dir, "test4.csv"), csv(() => "0.5", (r) => String(r % 5)));
    const r = dnnc(dir, "train", "tiny5.dnn", "--data", "good.csv", "--test-data", "test4.csv", "--epochs", "1", "--json");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("note: good.csv has 3 classes and Tiny's output logits 5: outputs 3–4 are never a target");
    expect(JSON.parse(r.stdout).testExamples).toBe(30);
  }, TIMEOUT);

  it("a cell that is not a finite float names file, line and column", () => {
    const dir = project();
    writeFileSync(join(dir, "inf.csv"), csv((r) => (r === 4 ? "1e999" : "0.5")));
    const r = dnnc(dir, "train", "tiny.dnn", "--data", "inf.csv");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("dnnc: inf.csv:5:1: 1e999 in column 1 is beyond the range of a 32-bit float (±3.4e38)\n");
  }, TIMEOUT);
});

describe("the CSV label column", () => {
  // Kaggle's digit-recognizer layout: a header, the label first, pixels after.
  // The last column is 0.5 everywhere: read as labels, every row would be refused.
  const kaggle = "label,p0,p1,p2,p3\n" + Array.from({ length: 30 }, (_, r) => `${r % 3},${r % 3},0.5,0.5,0.5`).join("\n") + "\n";

  it("by default is the column the header names `label`, not the last pixel", () => {
    const dir = project();
    writeFileSync(join(dir, "kaggle.csv"), kaggle);
    const r = dnnc(dir, "train", "tiny.dnn", "--data", "kaggle.csv", "--epochs", "1", "--json");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("training Tiny on kaggle.csv: 27 examples, 3 for validation");
  }, TIMEOUT);

  it("--label picks it by header name or 0-based index; a name the header lacks is one line", () => {
    const dir = project();
    writeFileSync(join(dir, "first.csv"), kaggle.split("\n").slice(1).join("\n"));
    writeFileSync(join(dir, "named.csv"), kaggle.replace("label,", "digit,"));
    const plain = dnnc(dir, "train", "tiny.dnn", "--data", "first.csv", "--epochs", "1");
    expect(plain.status).toBe(2);
    expect(plain.stderr).toBe("dnnc: first.csv:1:13: label 0.5 (column 5) is not an integer ≥ 0; the label is the last column unless the header names one `label` (dnnc train --label COLUMN chooses another)\n");
    for (const [file, label] of [["first.csv", "0"], ["named.csv", "digit"]]) {
      const r = dnnc(dir, "train", "tiny.dnn", "--data", file!, "--label", label!, "--epochs", "1", "--checkpoint", `${label}.safetensors`);
      expect(r.status, r.stderr).toBe(0);
    }
    const typo = dnnc(dir, "train", "tiny.dnn", "--data", "named.csv", "--label", "digits");
    expect(typo.status).toBe(2);
    expect(typo.stderr).toBe('dnnc: named.csv:1:1: no column named "digits"; the columns are "digit", "p0", "p1", "p2", "p3"\n');
  }, TIMEOUT);
});

describe("a run that diverges", () => {
  // Features of 1e30 are finite floats; one SGD step makes the weights ~1e29 and the logits overflow.
  const huge = csv(() => "1e30");

  it("stops with exit 1 at the batch where the loss became non-finite, and writes no checkpoint", () => {
    const dir = project();
    writeFileSync(join(dir, "huge.csv"), huge);
    const r = dnnc(dir, "train", "tiny.dnn", "--data", "huge.csv", "--epochs", "3", "--batch", "8");
    expect(r.status).toBe(1);
    // The step either returns the NaN (a module without the guard) or refuses it (NonFiniteError).
    expect(r.stderr).toMatch(/\ndnnc: training diverged: epoch 1, batch 2 of 4: (the training loss is NaN|.*finite.*)\. Nothing was saved after it: no checkpoint was written\. Try a lower learning rate \(--lr; this run started at 0\.1\) or --normalize\n$/);
    expect(existsSync(join(dir, "tiny.safetensors"))).toBe(false);
  }, TIMEOUT);

  it("resumed, it never writes over the checkpoint it resumed from", () => {
    const dir = project();
    writeFileSync(join(dir, "huge.csv"), huge);
    expect(dnnc(dir, "train", "tiny.dnn", "--data", "good.csv", "--epochs", "1", "--checkpoint", "run.safetensors").status).toBe(0);
    copyFileSync(join(dir, "run.safetensors"), join(dir, "before.safetensors"));
    const r = dnnc(dir, "train", "tiny.dnn", "--data", "huge.csv", "--epochs", "4", "--batch", "8", "--resume", "run.safetensors", "--checkpoint", "run.safetensors");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/dnnc: training diverged: epoch 2, batch \d of 4: .*Nothing was saved after it: run\.safetensors is left as it was\./);
    expect(readFileSync(join(dir, "run.safetensors"))).toEqual(readFileSync(join(dir, "before.safetensors")));
    // The report says so, and keeps the epoch done before (from the checkpoint's history).
    const report = readFileSync(join(dir, "tiny.report.html"), "utf8");
    expect(report).toMatch(/diverged: epoch 2, batch \d of 4/);
    expect(report.match(/<tr><td>\d+<\/td>/g)).toEqual(["<tr><td>1</td>"]);
  }, TIMEOUT);
});
