// samples/mlp_digits.dnn end to end: compiled through the CLI's main(), typechecked alone with
// tsc, imported, trained on the UCI optical digits and measured on a held-out split.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, compileSample, importGenerated, importLines, tscCheck, type CompiledSample } from "../helpers/compile-sample.ts";
import { mulberry32, shuffle } from "../../src/runtime/random-order.ts";

const TIMEOUT = 60_000;

/** The part of the generated module's API this test uses. */
interface DigitsMLPModel {
  forward(inputs: { x: Float32Array }): { logits: Float32Array };
  trainStep(batch: { x: Float32Array; y: Int32Array }): number;
  getParameter(name: string): Float32Array;
  setParameter(name: string, values: ArrayLike<number>): void;
  readonly steps: number;
}
interface DigitsMLPClass {
  create(options?: { seed?: number }): DigitsMLPModel;
  readonly parameters: readonly { name: string; dtype: string; shape: readonly (number | string)[] }[];
  readonly inputs: readonly { name: string; dtype: string; shape: readonly (number | string)[] }[];
  readonly outputs: readonly { name: string; dtype: string; shape: readonly (number | string)[] }[];
  readonly targets: readonly { name: string; dtype: string; shape: readonly (number | string)[] }[];
}


interface Rows {
  x: Float32Array; // n × 64 pixel values 0..16
  y: Int32Array; // n labels 0..9
  n: number;
}

function loadDigits(): number[][] {
  const text = gunzipSync(readFileSync(join(ROOT, "samples/data/digits/digits.csv.gz"))).toString("utf8");
  return text
    .trim()
    .split("\n")
    .map((line) => line.split(",").map(Number));
}

function toRows(rows: number[][]): Rows {
  const x = new Float32Array(rows.length * 64);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    x.set(r.slice(0, 64), i * 64);
    y[i] = r[64]!;
  });
  return { x, y, n: rows.length };
}

/** The rows at `idx`, gathered into one batch. */
function batchOf(data: Rows, idx: number[]): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(idx.length * 64);
  const y = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    x.set(data.x.subarray(r * 64, (r + 1) * 64), i * 64);
    y[i] = data.y[r]!;
  });
  return { x, y };
}

function accuracy(model: DigitsMLPModel, data: Rows): number {
  const { logits } = model.forward({ x: data.x });
  expect(logits.length).toBe(data.n * 10);
  let correct = 0;
  for (let i = 0; i < data.n; i++) {
    let best = 0;
    for (let j = 1; j < 10; j++) if (logits[i * 10 + j]! > logits[i * 10 + best]!) best = j;
    if (best === data.y[i]) correct++;
  }
  return correct / data.n;
}

/** Error thrown by `f`, failing the test if it does not throw. */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error("expected a throw, but the call returned");
}

// ---------------------------------------------------------------------------------------------

let sample: CompiledSample;
let DigitsMLP: DigitsMLPClass;

beforeAll(async () => {
  sample = await compileSample("samples/mlp_digits.dnn");
  if (sample.code !== 0) throw new Error(`dnnc compile failed with exit code ${sample.code}:\n${sample.stderr}${sample.stdout}`);
  DigitsMLP = (await importGenerated<{ DigitsMLP: DigitsMLPClass }>(sample.file)).DigitsMLP;
}, TIMEOUT);

afterAll(() => sample?.cleanup());

describe("compiling samples/mlp_digits.dnn", () => {
  it("main() exits 0, prints no diagnostics and reports the file it wrote", () => {
    expect(sample.code).toBe(0);
    expect(sample.stdout).toBe("");
    expect(sample.stderr.split("\n")[0]).toBe(`wrote ${sample.file} (DigitsMLP)`);
    expect(sample.stderr).not.toMatch(/error|warning/);
  });

  it("the generated module typechecks alone under tsc --strict, with no output", () => {
    const r = tscCheck(sample.file);
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  }, TIMEOUT);

  it("the generated module imports nothing", () => {
    expect(importLines(sample.file)).toEqual([]);
  });

  it("exports DigitsMLP with the specs of the source", () => {
    expect(DigitsMLP.inputs).toEqual([{ name: "x", dtype: "f32", shape: ["B", 64] }]);
    expect(DigitsMLP.outputs).toEqual([{ name: "logits", dtype: "f32", shape: ["B", 10] }]);
    expect(DigitsMLP.targets).toEqual([{ name: "y", dtype: "i32", shape: ["B"] }]);
    // Two Dense layers: 64·64 + 64 + 64·10 + 10 parameters.
    const sizes = DigitsMLP.parameters.map((p) => p.shape.reduce<number>((a, d) => a * (d as number), 1));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(64 * 64 + 64 + 64 * 10 + 10);
  });
});

describe("training DigitsMLP on the digits", () => {
  it("reaches ≥ 95% test accuracy in 30 epochs of Adam, with the loss going down", () => {
    const all = loadDigits();
    expect(all.length).toBe(1797);
    expect(all.every((r) => r.length === 65)).toBe(true);

    // The file's rows are grouped by writer: a seeded shuffle gives a fair, fixed split.
    const rand = mulberry32(7);
    shuffle(all, rand);
    const train = toRows(all.slice(0, 1500));
    const test = toRows(all.slice(1500));
    expect(test.n).toBe(297);

    const model = DigitsMLP.create({ seed: 1 });
    const EPOCHS = 30;
    const BATCH = 32;
    const order = Array.from({ length: train.n }, (_, i) => i);
    const epochLoss: number[] = [];
    for (let epoch = 0; epoch < EPOCHS; epoch++) {
      shuffle(order, rand);
      let total = 0; // sum over samples of the (batch-mean) loss
      for (let s = 0; s < train.n; s += BATCH) {
        const idx = order.slice(s, s + BATCH); // the last batch is shorter (1500 = 46·32 + 28)
        const loss = model.trainStep(batchOf(train, idx));
        expect(Number.isFinite(loss)).toBe(true);
        total += loss * idx.length;
      }
      epochLoss.push(total / train.n);
    }
    expect(model.steps).toBe(EPOCHS * Math.ceil(train.n / BATCH));

    const acc = accuracy(model, test);
    console.log(
      `DigitsMLP: test accuracy ${(acc * 100).toFixed(2)}% (${Math.round(acc * test.n)}/${test.n}); ` +
        `mean loss epoch 1 ${epochLoss[0]!.toFixed(4)}, epoch ${EPOCHS} ${epochLoss[EPOCHS - 1]!.toFixed(4)}`,
    );
    expect(epochLoss[EPOCHS - 1]!).toBeLessThan(epochLoss[0]!);
    expect(acc).toBeGreaterThanOrEqual(0.95);
  }, TIMEOUT);
});

describe("bad inputs give clear errors", () => {
  it("forward with x of the wrong length names x, its type and the length received", () => {
    const m = DigitsMLP.create({ seed: 1 });
    const e = thrown(() => m.forward({ x: new Float32Array(65) }));
    expect(e.message).toContain('"x"');
    expect(e.message).toContain("f32[B, 64]");
    expect(e.message).toMatch(/\b65\b/);
  });

  it("forward with a plain array is a TypeError naming Float32Array", () => {
    const m = DigitsMLP.create({ seed: 1 });
    const e = thrown(() => m.forward({ x: new Array(64).fill(0) as unknown as Float32Array }));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toContain('"x"');
    expect(e.message).toContain("Float32Array");
  });

  it("trainStep with y of the wrong length names y", () => {
    const m = DigitsMLP.create({ seed: 1 });
    const e = thrown(() => m.trainStep({ x: new Float32Array(2 * 64), y: new Int32Array(3) }));
    expect(e.message).toContain('"y"');
    expect(e.message).toMatch(/\b3\b/);
    expect(m.steps).toBe(0); // nothing was trained
  });

  it("getParameter of an unknown name lists the parameter names", () => {
    const m = DigitsMLP.create({ seed: 1 });
    const e = thrown(() => m.getParameter("nope"));
    expect(e.message).toContain("nope");
    for (const p of DigitsMLP.parameters) expect(e.message).toContain(p.name);
  });

  it("setParameter with the wrong number of values throws and leaves the parameter alone", () => {
    const m = DigitsMLP.create({ seed: 1 });
    const name = DigitsMLP.parameters[0]!.name;
    const before = m.getParameter(name);
    const e = thrown(() => m.setParameter(name, new Float32Array(before.length + 1)));
    expect(e.message).toContain(name);
    expect(e.message).toContain(String(before.length + 1));
    expect(m.getParameter(name)).toEqual(before);
  });
});

describe("determinism of create({ seed })", () => {
  const params = (m: DigitsMLPModel) => DigitsMLP.parameters.map((p) => Array.from(m.getParameter(p.name)));

  it("the same seed gives identical parameters", () => {
    expect(params(DigitsMLP.create({ seed: 1 }))).toEqual(params(DigitsMLP.create({ seed: 1 })));
    expect(params(DigitsMLP.create({ seed: 42 }))).toEqual(params(DigitsMLP.create({ seed: 42 })));
  });

  it("different seeds give different (randomly initialised) parameters", () => {
    const a = params(DigitsMLP.create({ seed: 1 }));
    const b = params(DigitsMLP.create({ seed: 2 }));
    expect(a).not.toEqual(b);
    // Every kernel (the glorot-initialised, 2-D parameters) differs; the zero-initialised biases may agree.
    DigitsMLP.parameters.forEach((p, i) => {
      if (p.shape.length === 2) expect(a[i]).not.toEqual(b[i]);
    });
  });

  it("getParameter returns a copy, and setParameter round-trips", () => {
    const m = DigitsMLP.create({ seed: 1 });
    const name = DigitsMLP.parameters[0]!.name;
    const v = m.getParameter(name);
    v.fill(123);
    expect(m.getParameter(name)).not.toEqual(v);
    m.setParameter(name, v);
    expect(m.getParameter(name)).toEqual(v);
  });
});
