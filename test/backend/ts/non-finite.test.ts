// A training step whose loss or a gradient is NaN or ±Infinity is skipped (as PyTorch's
// GradScaler skips one): the generated module throws its NonFiniteError naming the loss and
// the first non-finite input, and nothing changes — save() gives the same bytes, `steps` the
// same count, and the next finite step gives exactly what it gives on a twin model that never
// saw the bad batch (so Adam's step number was not advanced either). On real generated modules,
// compiled the way a user does and imported.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSample, importGenerated, type CompiledSample } from "../../helpers/compile-sample.ts";
import { f32Entry, readMetadata, readSafetensors, writeSafetensors } from "../../../src/fit/safetensors.ts";

const TIMEOUT = 120_000;

type Arrays = Record<string, Float32Array | Int32Array>;
interface Model {
  trainStep(batch: Arrays): number;
  readonly steps: number;
  save(): Uint8Array;
  load(bytes: Uint8Array): Model;
}
interface ModelClass {
  create(options?: { seed?: number }): Model;
}
interface NonFinite extends Error {
  readonly loss: number;
  readonly input?: string;
  readonly index?: number;
}
interface Loaded {
  cls: ModelClass;
  NonFiniteError: new (...args: never[]) => NonFinite;
}

const compiled: CompiledSample[] = [];
async function load(sample: string, name: string): Promise<Loaded> {
  const s = await compileSample(sample);
  compiled.push(s);
  if (s.code !== 0) throw new Error(`dnnc compile ${sample} failed (${s.code}):\n${s.stderr}`);
  const mod = await importGenerated<Record<string, unknown>>(s.file);
  return { cls: mod[name] as ModelClass, NonFiniteError: mod.NonFiniteError as Loaded["NonFiniteError"] };
}

let digits: Loaded;
let net221: Loaded;
let regularized: Loaded;
let sqrtAtZero: Loaded;
beforeAll(async () => {
  digits = await load("samples/mlp_digits.dnn", "DigitsMLP");
  net221 = await load("samples/backprop_221.dnn", "Net221");
  regularized = await load("samples/regularized_mlp.dnn", "RegularizedMLP");
  sqrtAtZero = await load("test/backend/ts/fixtures/sqrt_at_zero.dnn", "SqrtAtZero");
}, TIMEOUT);
afterAll(() => compiled.forEach((s) => s.cleanup()));

/** Deterministic values in [0, scale). */
const values = (n: number, seed: number, scale = 1) => Float32Array.from({ length: n }, (_, i) => (((i * 7919 + seed * 104729) % 1000) / 1000) * scale);
const labels = (n: number, seed: number, classes: number) => Int32Array.from({ length: n }, (_, i) => (i * 3 + seed) % classes);
const digitsBatch = (seed: number, B = 8): Arrays => ({ x: values(B * 64, seed, 16), y: labels(B, seed, 10) });
const mnistBatch = (seed: number, B = 4): Arrays => ({ x: values(B * 784, seed), y: labels(B, seed, 10) });
const net221Batch = (seed: number, B = 3): Arrays => ({ x: values(B * 2, seed), y: values(B, seed + 1) });

/** `f` throws the module's NonFiniteError; returns it. */
function nonFinite(m: Loaded, f: () => unknown): NonFinite {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, "trainStep must throw").toBeInstanceOf(m.NonFiniteError);
  const e = caught as NonFinite;
  expect(e.name).toBe("NonFiniteError");
  expect(e).toBeInstanceOf(Error);
  return e;
}

/**
 * Trains a model and its twin on `before`, gives only the model `bad` (which must throw and
 * change nothing), then both `after`: they must agree bit for bit. Returns the error.
 */
function skipsCleanly(m: Loaded, before: Arrays[], bad: Arrays, after: Arrays[], prepare: (model: Model) => void = () => {}): NonFinite {
  const model = m.cls.create({ seed: 3 });
  const twin = m.cls.create({ seed: 3 });
  prepare(model);
  prepare(twin);
  for (const b of before) expect(Number.isFinite(model.trainStep(b))).toBe(true), twin.trainStep(b);
  const saved = model.save();
  const steps = model.steps;
  const e = nonFinite(m, () => model.trainStep(bad));
  expect(Buffer.from(model.save()).equals(Buffer.from(saved)), "save() after the skipped step").toBe(true);
  expect(model.steps).toBe(steps);
  for (const b of after) expect(model.trainStep(b)).toBe(twin.trainStep(b));
  expect(Buffer.from(model.save()).equals(Buffer.from(twin.save())), "save() of the model and its twin").toBe(true);
  expect(model.steps).toBe(twin.steps);
  return e;
}

describe("a training step with a non-finite loss or gradient changes nothing", () => {
  it("a NaN input (Adam: parameters, m, v and the step number kept); the error names the input and its index", () => {
    const bad = digitsBatch(2);
    (bad.x as Float32Array)[12] = NaN;
    const e = skipsCleanly(digits, [digitsBatch(1)], bad, [digitsBatch(3), digitsBatch(4)]);
    expect(e.input).toBe("x");
    expect(e.index).toBe(12);
    expect(e.loss).toBeNaN();
    expect(e.message).toBe('DigitsMLP.trainStep: the step was skipped: input "x" has NaN at index 12 (parameters and optimizer state unchanged)');
  });

  it("an Infinity in a float target; the error names the target", () => {
    const bad = net221Batch(2);
    (bad.y as Float32Array)[1] = Infinity;
    const e = skipsCleanly(net221, [net221Batch(1)], bad, [net221Batch(3)]);
    expect(e.input).toBe("y");
    expect(e.index).toBe(1);
    expect(e.loss).toBe(Infinity);
    expect(e.message).toBe('Net221.trainStep: the step was skipped: target "y" has Infinity at index 1 (parameters and optimizer state unchanged)');
  });

  it("BatchNorm's moving statistics are kept too (layer state)", () => {
    const bad = mnistBatch(2);
    (bad.x as Float32Array)[100] = -Infinity;
    const e = skipsCleanly(regularized, [mnistBatch(1)], bad, [mnistBatch(3)]);
    expect([e.input, e.index]).toEqual(["x", 100]);
  });

  it("a learning rate so large that the loss overflows on the next step: no input is named", () => {
    // lr is optimizer state: set to 1e30 through a saved file, as `dnnc train --lr` does.
    const withLr = (model: Model) => {
      const bytes = model.save();
      const tensors = readSafetensors(bytes);
      tensors.set("lr", f32Entry(1e30));
      model.load(writeSafetensors(tensors, readMetadata(bytes)));
    };
    const e = skipsCleanly(digits, [digitsBatch(1)], digitsBatch(2), [], withLr);
    expect(e.input).toBeUndefined();
    expect(e.index).toBeUndefined();
    expect(Number.isFinite(e.loss)).toBe(false);
    expect(e.message).toBe(`DigitsMLP.trainStep: the step was skipped: the loss is ${e.loss} (parameters and optimizer state unchanged)`);
  });

  it("a finite loss with a non-finite gradient (d√w/dw at w = 0)", () => {
    const model = sqrtAtZero.cls.create();
    const saved = model.save();
    const e = nonFinite(sqrtAtZero, () => model.trainStep({ x: Float32Array.of(1, 2), t: Float32Array.of(1, 1) }));
    expect(e.loss).toBe(1);
    expect(e.input).toBeUndefined();
    expect(e.message).toBe("SqrtAtZero.trainStep: the step was skipped: a gradient is non-finite (parameters and optimizer state unchanged)");
    expect(Buffer.from(model.save()).equals(Buffer.from(saved))).toBe(true);
    expect(model.steps).toBe(0);
  });
});
