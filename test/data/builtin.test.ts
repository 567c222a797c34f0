// Named datasets: the digits and their fixed split (the one test/samples/mlp_digits.test.ts
// uses), IDX directories, and the errors for what is missing.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { DIGITS_FILE, DatasetMissingError, FASHION_MNIST_CLASSES, loadFromDir, loadNamed } from "../../src/data/builtin.ts";
import * as data from "../../src/data/index.ts";
import { mulberry32, shuffle } from "../../src/runtime/random-order.ts";
import { tempDir, writeIdx } from "./helpers.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe("digits", () => {
  const train = loadNamed("digits", "train");
  const test = loadNamed("digits", "test");

  it("1797 examples of 64 features in 10 classes, split 1500 / 297", () => {
    expect(train.n + test.n).toBe(1797);
    expect([train.n, test.n]).toEqual([1500, 297]);
    for (const d of [train, test]) {
      expect(d.shape).toEqual([64]);
      expect(d.x.length).toBe(d.n * 64);
      expect(d.classes).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
      expect(Math.min(...d.x)).toBe(0);
      expect(Math.max(...d.x)).toBe(16); // as in the file: the samples divide by 16 themselves
    }
    expect(new Set(test.y).size).toBe(10); // the shuffle puts every class in the test set
    expect([train.name, test.name]).toEqual(["digits/train", "digits/test"]);
  });

  it("the split is the same every time", () => {
    const again = loadNamed("digits", "test");
    expect(again.x).toEqual(test.x);
    expect(again.y).toEqual(test.y);
  });

  it("is exactly the split of test/samples/mlp_digits.test.ts (rows shuffled by mulberry32(7))", () => {
    const rows = gunzipSync(readFileSync(DIGITS_FILE)).toString("utf8").trim().split("\n").map((l) => l.split(",").map(Number));
    shuffle(rows, mulberry32(7));
    const [trainRows, testRows] = [rows.slice(0, 1500), rows.slice(1500)];
    expect(Array.from(train.x)).toEqual(trainRows.flatMap((r) => r.slice(0, 64)));
    expect(Array.from(train.y)).toEqual(trainRows.map((r) => r[64]));
    expect(Array.from(test.x)).toEqual(testRows.flatMap((r) => r.slice(0, 64)));
    expect(Array.from(test.y)).toEqual(testRows.map((r) => r[64]));
  });
});

/** A directory with the four IDX files of a tiny dataset: 3 train and 2 test images of 2 × 2. */
function idxDir(name: string, opts: { gzip: boolean; skip?: string }): string {
  const files: Record<string, Uint8Array> = {
    "train-images-idx3-ubyte": writeIdx(0x08, [3, 2, 2], [0, 255, 0, 255, 1, 2, 3, 4, 5, 6, 7, 8], { gzip: opts.gzip }),
    "train-labels-idx1-ubyte": writeIdx(0x08, [3], [1, 0, 9], { gzip: opts.gzip }),
    "t10k-images-idx3-ubyte": writeIdx(0x08, [2, 2, 2], [255, 255, 255, 255, 0, 0, 0, 0], { gzip: opts.gzip }),
    "t10k-labels-idx1-ubyte": writeIdx(0x08, [2], [3, 4], { gzip: opts.gzip }),
  };
  for (const [f, bytes] of Object.entries(files)) if (f !== opts.skip) tmp.file(`${name}/${f}${opts.gzip ? ".gz" : ""}`, bytes);
  return `${tmp.dir}/${name}`;
}

describe("IDX directories", () => {
  it("loadFromDir reads both splits, gzipped or not, each on first access", () => {
    for (const gzip of [true, false]) {
      const dir = idxDir(gzip ? "gz" : "plain", { gzip });
      const both = loadFromDir(dir);
      expect(both.test.n).toBe(2);
      expect(both.test).toBe(both.test); // read once
      expect(both.train.n).toBe(3);
      expect(both.train.shape).toEqual([2, 2, 1]);
      expect(Array.from(both.train.y)).toEqual([1, 0, 9]);
      expect(both.train.classes).toHaveLength(10);
      expect(Array.from(both.train.x.subarray(0, 4))).toEqual([0, 1, 0, 1]);
      expect(both.train.name).toBe(`${gzip ? "gz" : "plain"}/train`);
      expect(loadFromDir(dir, "test").x).toEqual(both.test.x);
      expect(loadFromDir(dir, "test", { name: "x", classes: ["a", "b", "c", "d", "e"] }).classes).toEqual(["a", "b", "c", "d", "e"]);
    }
  });

  it("fashion-mnist and mnist read an explicit directory, Fashion-MNIST with its class names", () => {
    const dir = idxDir("explicit", { gzip: true });
    const f = loadNamed("fashion-mnist", "train", { dir });
    expect(f.classes).toEqual(FASHION_MNIST_CLASSES);
    expect(f.classes[9]).toBe("Ankle boot");
    expect(f.name).toBe("fashion-mnist/train");
    expect(loadNamed("mnist", "test", { dir }).name).toBe("mnist/test");
  });

  it("a missing file or directory is a DatasetMissingError naming what is expected", () => {
    const dir = idxDir("partial", { gzip: true, skip: "t10k-labels-idx1-ubyte" });
    expect(loadFromDir(dir, "train").n).toBe(3);
    const e = caught(() => loadFromDir(dir, "test"));
    expect(e).toBeInstanceOf(DatasetMissingError);
    expect(e.message).toContain(`${dir} has no t10k-labels-idx1-ubyte.gz (or t10k-labels-idx1-ubyte)`);
    expect(caught(() => loadFromDir(`${tmp.dir}/nowhere`, "train"))).toBeInstanceOf(DatasetMissingError);
  });
});

describe("errors", () => {
  it("mnist without a directory says there is no package and what --data needs", () => {
    const e = caught(() => loadNamed("mnist", "train"));
    expect(e).toBeInstanceOf(DatasetMissingError);
    expect(e.message).toMatch(/MNIST has no Debian package: pass --data DIR.*train-images-idx3-ubyte\.gz/);
  });

  it("an unknown name lists the known ones; an unknown split is refused", () => {
    expect(() => loadNamed("cifar", "train")).toThrow('unknown dataset "cifar": known are digits, fashion-mnist, mnist');
    expect(() => loadNamed("digits", "valid" as "train")).toThrow(/unknown split "valid"/);
  });

  it("DatasetMissingError is an Error with its own name, exported from src/data/index.ts too", () => {
    const e = new data.DatasetMissingError("x");
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("DatasetMissingError");
    expect(data.DatasetMissingError).toBe(DatasetMissingError);
  });
});

function caught(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}
