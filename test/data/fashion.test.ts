// Fashion-MNIST from Debian's dataset-fashion-mnist (scripts/setup-datasets.sh installs it).
// Where it is not installed these tests fail, with the loader's error saying how to install it.
import { describe, expect, it } from "vitest";
import { FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, DatasetMissingError, fashionMissingError, loadFromDir, loadNamed } from "../../src/data/builtin.ts";
import type { Dataset } from "../../src/data/dataset.ts";
import { fashionInstalled } from "./helpers.ts";

const installed = fashionInstalled();
const TIMEOUT = 120_000;

describe("the error when Fashion-MNIST is missing", () => {
  it("says exactly how to install it, three ways", () => {
    const e = installed ? fashionMissingError("no /x") : caught(() => loadNamed("fashion-mnist", "train"));
    expect(e).toBeInstanceOf(DatasetMissingError);
    expect(e.message).toMatch(/^Fashion-MNIST is not installed: no \//);
    expect(e.message).toContain("sudo apt-get install dataset-fashion-mnist");
    expect(e.message).toContain("scripts/setup-datasets.sh");
    expect(e.message).toContain("--data DIR");
    expect(e.message).toContain("train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz");
    expect(e.message).toContain("https://github.com/zalandoresearch/fashion-mnist");
  });
});

describe(`Fashion-MNIST in ${FASHION_MNIST_DIR}`, () => {
  let train: Dataset;
  let test: Dataset;

  it("loads 60000 training and 10000 test images of 28 × 28 × 1 in 10 named classes", () => {
    let t = performance.now();
    train = loadNamed("fashion-mnist", "train");
    const trainMs = performance.now() - t;
    t = performance.now();
    test = loadNamed("fashion-mnist", "test");
    const testMs = performance.now() - t;
    console.log(`Fashion-MNIST loaded: train ${trainMs.toFixed(0)} ms, test ${testMs.toFixed(0)} ms`);
    expect([train.n, test.n]).toEqual([60000, 10000]);
    for (const d of [train, test]) {
      expect(d.shape).toEqual([28, 28, 1]);
      expect(d.x.length).toBe(d.n * 784);
      expect(d.classes).toEqual(FASHION_MNIST_CLASSES);
    }
    expect([train.name, test.name]).toEqual(["fashion-mnist/train", "fashion-mnist/test"]);
  }, TIMEOUT);

  it("pixels lie in [0, 1] and every class holds a tenth of each split", () => {
    for (const d of [train, test]) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of d.x) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
      expect([lo, hi]).toEqual([0, 1]);
      const counts = new Array<number>(10).fill(0);
      for (const l of d.y) counts[l]!++;
      expect(counts).toEqual(new Array(10).fill(d.n / 10));
    }
  });

  it("the first training image is an ankle boot, as in the dataset's own README", () => {
    expect(FASHION_MNIST_CLASSES[train.y[0]!]).toBe("Ankle boot");
  });

  it("loadFromDir on the installed directory reads the same test set", () => {
    const d = loadFromDir(FASHION_MNIST_DIR, "test", { classes: FASHION_MNIST_CLASSES });
    // Compared as bytes: toEqual walks 7.8 million floats one by one for over a minute.
    const bytes = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(d.y).equals(bytes(test.y))).toBe(true);
    expect(bytes(d.x).equals(bytes(test.x))).toBe(true);
  }, TIMEOUT);
});

function caught(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}
