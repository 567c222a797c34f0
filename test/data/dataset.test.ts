// subset, splitValidation, filterClasses, reshape, checkDataset: the operations on a Dataset.
import { describe, expect, it } from "vitest";
import { checkDataset, filterClasses, reshape, splitValidation, subset, type Dataset } from "../../src/data/dataset.ts";

/** n examples of shape [2, 2]: example i holds i·10 + 0..3, label i % 3. */
function toy(n = 10): Dataset {
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) x[i * 4 + j] = i * 10 + j;
    y[i] = i % 3;
  }
  return { name: "toy", x, y, n, shape: [2, 2], classes: ["a", "b", "c"] };
}
/** The example index each row came from (its first value / 10). */
const ids = (d: Dataset) => Array.from({ length: d.n }, (_, i) => d.x[i * 4]! / 10);

describe("subset", () => {
  it("copies the examples at the indices, in their order, with their labels", () => {
    const d = toy();
    const s = subset(d, [7, 2, 2], "pick");
    expect(s.n).toBe(3);
    expect(ids(s)).toEqual([7, 2, 2]);
    expect(Array.from(s.x.subarray(0, 4))).toEqual([70, 71, 72, 73]);
    expect(Array.from(s.y)).toEqual([1, 2, 2]);
    expect(s.name).toBe("pick");
    expect(s.shape).toEqual([2, 2]);
    s.x[0] = -1;
    expect(d.x[70 / 10 * 4]).toBe(70); // a copy
    expect(subset(d, Int32Array.from([1])).name).toBe("toy");
  });

  it("refuses indices outside the dataset", () => {
    expect(() => subset(toy(), [10])).toThrow("toy: subset index 10 is outside 0..9");
    expect(() => subset(toy(), [1.5])).toThrow(/subset index 1.5/);
  });
});

describe("splitValidation", () => {
  it("splits every example into exactly one part, round(n · fraction) into validation", () => {
    const d = toy(100);
    const { train, validation } = splitValidation(d, 0.15, 3);
    expect(validation.n).toBe(15);
    expect(train.n).toBe(85);
    expect([...ids(train), ...ids(validation)].sort((a, b) => a - b)).toEqual(ids(d));
    expect(ids(train)).toEqual([...ids(train)].sort((a, b) => a - b)); // original order kept
    expect(train.name).toBe("toy:train");
    expect(validation.name).toBe("toy:validation");
  });

  it("is the same for a seed, different between seeds", () => {
    const d = toy(100);
    expect(ids(splitValidation(d, 0.2, 1).validation)).toEqual(ids(splitValidation(d, 0.2, 1).validation));
    expect(ids(splitValidation(d, 0.2, 1).validation)).not.toEqual(ids(splitValidation(d, 0.2, 2).validation));
  });

  it("refuses fractions that leave a part empty", () => {
    expect(() => splitValidation(toy(), 0, 1)).toThrow(/between 0 and 1/);
    expect(() => splitValidation(toy(), 1, 1)).toThrow(/between 0 and 1/);
    expect(() => splitValidation(toy(10), 0.01, 1)).toThrow(/leaves 0 for validation and 10 for training/);
  });
});

describe("filterClasses", () => {
  it("keeps the examples of the classes, labels unchanged by default", () => {
    const f = filterClasses(toy(), [2, 0]);
    expect(ids(f)).toEqual([0, 2, 3, 5, 6, 8, 9]);
    expect(Array.from(f.y)).toEqual([0, 2, 0, 2, 0, 2, 0]);
    expect(f.classes).toEqual(["a", "b", "c"]);
  });

  it("relabels to positions in `keep` (5–9 → 0–4 for a new head)", () => {
    const f = filterClasses(toy(), [2, 0], true);
    expect(Array.from(f.y)).toEqual([1, 0, 1, 0, 1, 0, 1]);
    expect(f.classes).toEqual(["c", "a"]);
    expect(() => checkDataset(f)).not.toThrow();
  });

  it("refuses unknown and repeated classes", () => {
    expect(() => filterClasses(toy(), [3])).toThrow("toy: class 3 is not one of its 3 classes");
    expect(() => filterClasses(toy(), [1, 1])).toThrow("toy: class 1 is listed twice");
  });
});

describe("reshape", () => {
  it("sees the same data with another shape, sharing it", () => {
    const d = toy();
    const r = reshape(d, [4]);
    expect(r.shape).toEqual([4]);
    expect(r.x).toBe(d.x);
    expect(r.y).toBe(d.y);
    expect(reshape(d, [2, 2, 1]).shape).toEqual([2, 2, 1]);
    expect(d.shape).toEqual([2, 2]);
  });

  it("refuses a shape of another size", () => {
    expect(() => reshape(toy(), [3])).toThrow("toy: cannot reshape examples of shape [2, 2] (4 values) to [3] (3 values)");
    expect(() => reshape(toy(), [0, 4])).toThrow(/bad shape/);
  });
});

describe("checkDataset", () => {
  it("catches lengths that disagree and labels outside the classes", () => {
    expect(() => checkDataset({ ...toy(), n: 9 })).toThrow("toy: x holds 40 values, expected 9 × 4");
    const d = toy();
    d.y[4] = 3;
    expect(() => checkDataset(d)).toThrow("toy: example 4 has label 3, outside the 3 classes");
  });
});
