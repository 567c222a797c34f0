// The generated model class's API, method by method, on modules compiled the way a user does
// (through the CLI's main()): create, forward, predict, trainStep, evaluate, steps, the
// parameter accessors, and the checking of every input and target (the errors name the input,
// its declared type, the expected length and what was received). Expected losses come from
// definitions written out here (the textbook 2-2-1 example, cross-entropy and the L1/L2 penalties
// in float64), not from the compiler.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, importLines, loadGenerated, tscCheck, type CompiledSample } from "../../helpers/compile-sample.ts";

const TIMEOUT = 120_000;

type Spec = { readonly name: string; readonly dtype: string; readonly shape: readonly (number | string)[] };
type Arrays = Record<string, Float32Array | Int32Array>;
interface Model {
  forward(inputs: Arrays): Record<string, Float32Array>;
  predict(inputs: Arrays): Float32Array;
  trainStep(batch: Arrays): number;
  evaluate(batch: Arrays): number;
  readonly steps: number;
  getParameter(name: string): Float32Array;
  setParameter(name: string, values: ArrayLike<number>): void;
  getParameters(): Record<string, Float32Array>;
  setParameters(values: Record<string, ArrayLike<number>>): void;
  save(): Uint8Array;
}
interface ModelClass {
  create(options?: { seed?: number }): Model;
  readonly inputs: readonly Spec[];
  readonly outputs: readonly Spec[];
  readonly targets: readonly Spec[];
  readonly parameters: readonly Spec[];
  readonly optimizerStates: readonly Spec[];
}

const samples: CompiledSample[] = [];
let Net221: ModelClass;
let DigitsMLP: ModelClass;
let RegularizedMLP: ModelClass;
let Scorer: ModelClass;

const load = (sample: string, name: string) => loadGenerated<ModelClass>(sample, name, samples);

beforeAll(async () => {
  Net221 = await load("samples/backprop_221.dnn", "Net221");
  DigitsMLP = await load("samples/mlp_digits.dnn", "DigitsMLP");
  RegularizedMLP = await load("samples/regularized_mlp.dnn", "RegularizedMLP");
  Scorer = await load("test/backend/ts/fixtures/inference_only.dnn", "Scorer");
}, TIMEOUT);
afterAll(() => samples.forEach((s) => s.cleanup()));

/** Deterministic values in [0, 16], float32-exact, like the digits' pixels. */
const pixels = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => ((i * 7 + seed * 13) % 17));
const labels = (n: number, seed: number) => Int32Array.from({ length: n }, (_, i) => (i * 3 + seed) % 10);
const digitsBatch = (B: number, seed = 0) => ({ x: pixels(B * 64, seed), y: labels(B, seed) });
/** The bytes of a typed array, for fast bit-exact comparison (vitest's toEqual walks elements). */
const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
/** Every parameter and the optimizer state (the saved file) and the step count, to show that a call changed nothing. */
const snapshot = (m: Model) => ({ saved: bytesOf(m.save()).toString("base64"), steps: m.steps });

describe("the generated modules", () => {
  it("import nothing and typecheck alone with tsc --strict, also against the ECMAScript library alone (no DOM, no Node)", () => {
    for (const s of samples) {
      expect(importLines(s.file)).toEqual([]);
      const r = tscCheck(s.file);
      expect(r.output).toBe("");
      expect(r.status).toBe(0);
      const tsc = join(ROOT, "node_modules", ".bin", "tsc");
      const bare = spawnSync(tsc, ["--strict", "--noEmit", "--target", "es2022", "--lib", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", s.file], {
        cwd: join(s.file, ".."),
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(bare.stdout + bare.stderr).toBe("");
      expect(bare.status).toBe(0);
    }
  }, TIMEOUT);
});

describe("static descriptions", () => {
  it("inputs, outputs, targets, parameters and optimizer states with dtypes and shapes", () => {
    expect(DigitsMLP.inputs).toEqual([{ name: "x", dtype: "f32", shape: ["B", 64] }]);
    expect(DigitsMLP.outputs).toEqual([{ name: "logits", dtype: "f32", shape: ["B", 10] }]);
    expect(DigitsMLP.targets).toEqual([{ name: "y", dtype: "i32", shape: ["B"] }]);
    expect(DigitsMLP.parameters.map((p) => `${p.name}:${p.shape.join("x")}`)).toEqual(["dense.kernel:64x64", "dense.bias:64", "dense_1.kernel:64x10", "dense_1.bias:10"]);
    // The learning rate first (a scalar state, src/step/step.ts), then each parameter's m and v.
    expect(DigitsMLP.optimizerStates.map((p) => p.name)).toEqual(["lr", ...DigitsMLP.parameters.flatMap((p) => [`${p.name}/adam.m`, `${p.name}/adam.v`])]);
    expect(DigitsMLP.optimizerStates[0]!.shape).toEqual([]);
    DigitsMLP.optimizerStates.slice(1).forEach((s, i) => expect(s.shape).toEqual(DigitsMLP.parameters[i >> 1]!.shape));
    expect(Net221.outputs.map((o) => o.name)).toEqual(["h", "a"]);
  });
});

describe("create", () => {
  it("the same seed gives bit-identical parameters, another seed others; the default seed is 0", () => {
    const a = snapshot(DigitsMLP.create({ seed: 7 }));
    expect(snapshot(DigitsMLP.create({ seed: 7 }))).toEqual(a);
    expect(snapshot(DigitsMLP.create({ seed: 8 }))).not.toEqual(a);
    expect(snapshot(DigitsMLP.create())).toEqual(snapshot(DigitsMLP.create({ seed: 0 })));
    expect(DigitsMLP.create().steps).toBe(0);
  });

  it("refuses a seed that is not an integer", () => {
    expect(() => DigitsMLP.create({ seed: 1.5 })).toThrow(new TypeError("DigitsMLP.create: seed must be an integer, received 1.5"));
  });
});

describe("forward and predict", () => {
  it("predict returns the only output of a one-output model: forward's, as a fresh copy", () => {
    const m = DigitsMLP.create({ seed: 1 });
    const x = pixels(3 * 64, 1);
    const p = m.predict({ x });
    expect(p).toBeInstanceOf(Float32Array);
    expect(p.length).toBe(30);
    expect(p).toEqual(m.forward({ x }).logits);
    p.fill(99); // the caller's copy: the next call is unaffected
    expect(m.predict({ x })).toEqual(m.forward({ x }).logits);
  });

  it("predict returns the first declared output of a model with several (Net221: h, not a)", () => {
    const m = Net221.create();
    const x = Float32Array.of(1, 0, 0, 1);
    const out = m.forward({ x });
    expect(m.predict({ x })).toEqual(out["h"]);
    expect(out["a"]!.length).toBe(2);
  });

  it("forward and predict change nothing", () => {
    const m = DigitsMLP.create({ seed: 1 });
    m.trainStep(digitsBatch(4));
    const before = snapshot(m);
    m.forward({ x: pixels(64 * 5, 2) });
    m.predict({ x: pixels(64 * 2, 3) });
    expect(snapshot(m)).toEqual(before);
  });
});

// The textbook 2-2-1 example (test/samples/backprop_221.test.ts derives it): J = ½ (1 − a_o)².
const J_221 = 0.11603188831748439;

describe("trainStep and evaluate", () => {
  it("evaluate is the loss alone: Net221's J by hand, and nothing changes (parameters, optimizer state, steps)", () => {
    const m = Net221.create();
    const batch = { x: Float32Array.of(1, 0), y: Float32Array.of(1) };
    const before = snapshot(m);
    const e = m.evaluate(batch);
    expect(Math.abs(e - J_221)).toBeLessThanOrEqual(1e-6);
    expect(m.evaluate(batch)).toBe(e);
    expect(snapshot(m)).toEqual(before);
    // trainStep reports the same loss, from before its update, then moves the parameters.
    expect(m.trainStep(batch)).toBeCloseTo(e, 6);
    expect(m.steps).toBe(1);
    expect(m.getParameter("W_o")).not.toEqual(Float32Array.of(0.2, -0.4));
    expect(m.evaluate(batch)).toBeLessThan(e);
  });

  it("on a dropout-free model, evaluate equals the loss the next trainStep reports on the same batch, step after step", () => {
    const m = DigitsMLP.create({ seed: 2 });
    for (let step = 0; step < 5; step++) {
      const batch = digitsBatch(8, step);
      const params = snapshot(m);
      const e = m.evaluate(batch);
      expect(snapshot(m)).toEqual(params);
      expect(m.steps).toBe(step);
      const l = m.trainStep(batch);
      expect(Math.abs(l - e), `step ${step}: trainStep ${l}, evaluate ${e}`).toBeLessThanOrEqual(1e-6 * Math.abs(e));
      expect(m.steps).toBe(step + 1);
    }
  });

  it("evaluate does not disturb training: interleaved with evaluate, training reaches the same parameters bit for bit", () => {
    const a = DigitsMLP.create({ seed: 3 });
    const b = DigitsMLP.create({ seed: 3 });
    for (let step = 0; step < 4; step++) {
      a.trainStep(digitsBatch(6, step));
      b.evaluate(digitsBatch(3, step + 10));
      b.trainStep(digitsBatch(6, step));
    }
    expect(bytesOf(b.save()).equals(bytesOf(a.save()))).toBe(true);
  });

  it("evaluate of a model with dropout and BatchNorm runs in inference mode: cross-entropy of forward's logits plus the L1 and L2 penalties, by hand", () => {
    const m = RegularizedMLP.create({ seed: 4 });
    const B = 3;
    const x = Float32Array.from({ length: B * 784 }, (_, i) => Math.fround(Math.sin(i * 0.37)));
    const y = Int32Array.of(3, 0, 9);
    m.trainStep({ x, y }); // moves BatchNorm's moving statistics away from their initial values
    const before = snapshot(m);
    const logits = m.forward({ x }).logits;
    let ce = 0;
    for (let b = 0; b < B; b++) {
      const row = Array.from(logits.subarray(b * 10, b * 10 + 10));
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      ce += (lse - row[y[b]!]!) / B;
    }
    const kernels = RegularizedMLP.parameters.filter((p) => /^dense(_\d+)?\.kernel$/.test(p.name)).map((p) => m.getParameter(p.name));
    expect(kernels.length).toBe(3);
    const l1 = 1e-5 * kernels.reduce((s, k) => s + k.reduce((t, v) => t + Math.abs(v), 0), 0);
    const l2 = 1e-4 * kernels.reduce((s, k) => s + k.reduce((t, v) => t + v * v, 0), 0);
    const e = m.evaluate({ x, y });
    expect(Math.abs(e - (ce + l1 + l2)), `evaluate ${e}, by hand ${ce + l1 + l2}`).toBeLessThanOrEqual(2e-6 * (ce + l1 + l2));
    // Inference is deterministic (no dropout noise) and leaves the moving statistics alone.
    expect(m.evaluate({ x, y })).toBe(e);
    expect(snapshot(m)).toEqual(before);
  });
});

describe("named parameters", () => {
  it("getParameter returns a copy; setParameter writes one parameter", () => {
    const m = Net221.create();
    const w = m.getParameter("W_h");
    w[0] = 42;
    expect(m.getParameter("W_h")[0]).toBeCloseTo(0.3, 7);
    m.setParameter("W_h", [1, 2, 3, 4]);
    expect(m.getParameter("W_h")).toEqual(Float32Array.of(1, 2, 3, 4));
  });

  it("getParameters gives every parameter by name in creation order, as copies", () => {
    const m = Net221.create();
    const all = m.getParameters();
    expect(Object.keys(all)).toEqual(["W_h", "b_h", "W_o", "b_o"]);
    expect(all["b_o"]).toEqual(Float32Array.of(0.1));
    all["b_o"]![0] = 5;
    expect(m.getParameter("b_o")).toEqual(Float32Array.of(0.1));
  });

  it("setParameters writes any subset, and all or nothing: one bad entry and nothing is written", () => {
    const m = Net221.create();
    m.setParameters({ b_o: [0.5], b_h: Float32Array.of(1, 2) });
    expect(m.getParameter("b_o")).toEqual(Float32Array.of(0.5));
    expect(m.getParameter("b_h")).toEqual(Float32Array.of(1, 2));
    const before = m.getParameters();
    expect(() => m.setParameters({ b_o: [9], W_o: [1, 2, 3] })).toThrow(new RangeError('Net221.setParameters: "W_o" has 2 values (shape [2, 1]), received 3'));
    expect(() => m.setParameters({ b_o: [9], w_o: [1, 2] })).toThrow(new RangeError('Net221.setParameters: no parameter "w_o"; parameters are W_h, b_h, W_o, b_o'));
    expect(m.getParameters()).toEqual(before);
  });

  it("setParameter and getParameter refuse unknown names and wrong sizes, naming the parameter and its shape", () => {
    const m = Net221.create();
    expect(() => m.getParameter("nope")).toThrow(new RangeError('Net221.getParameter: no parameter "nope"; parameters are W_h, b_h, W_o, b_o'));
    expect(() => m.setParameter("W_h", [1, 2, 3])).toThrow(new RangeError('Net221.setParameter: "W_h" has 4 values (shape [2, 2]), received 3'));
    expect(() => m.setParameter("W_h", 7 as unknown as number[])).toThrow(new TypeError('Net221.setParameter: "W_h" must be an array of numbers, received number'));
    expect(m.getParameter("W_h")).toEqual(Float32Array.of(0.3, -0.1, 0.5, 0.2));
  });
});

describe("wrong inputs throw before anything runs, naming the input, its type, the expected and the received length", () => {
  const methods = ["forward", "predict", "trainStep", "evaluate"] as const;
  const call = (m: Model, method: (typeof methods)[number], arg: unknown) => () => (m[method] as (a: unknown) => unknown).call(m, arg);
  const good = digitsBatch(4);

  it.each(methods)("%s", (method) => {
    const m = DigitsMLP.create({ seed: 5 });
    const before = snapshot(m);
    const C = `DigitsMLP.${method}`;
    const inputsOnly = method === "forward" || method === "predict";
    const names = inputsOnly ? '"x"' : '"x", "y"';
    expect(call(m, method, undefined)).toThrow(new TypeError(`${C}: expects an object with ${names}, received undefined`));
    expect(call(m, method, { ...good, x: Array.from(good.x) })).toThrow(new TypeError(`${C}: "x" must be a Float32Array (f32[B, 64]), received an array of 256 values`));
    expect(call(m, method, { ...good, x: Float64Array.from(good.x) })).toThrow(new TypeError(`${C}: "x" must be a Float32Array (f32[B, 64]), received Float64Array of 256 values`));
    expect(call(m, method, { y: good.y })).toThrow(new TypeError(`${C}: "x" must be a Float32Array (f32[B, 64]), received undefined`));
    expect(call(m, method, { ...good, x: new Float32Array(65) })).toThrow(new RangeError(`${C}: "x" expects f32[B, 64], a positive multiple of 64 values, received 65`));
    expect(call(m, method, { ...good, x: new Float32Array(0) })).toThrow(new RangeError(`${C}: "x" expects f32[B, 64], a positive multiple of 64 values, received 0`));
    if (!inputsOnly) {
      expect(call(m, method, { x: good.x })).toThrow(new TypeError(`${C}: "y" must be an Int32Array (i32[B]), received undefined`));
      expect(call(m, method, { ...good, y: Float32Array.from(good.y) })).toThrow(new TypeError(`${C}: "y" must be an Int32Array (i32[B]), received Float32Array of 4 values`));
      // x says B = 4, y has 3: the message names both.
      expect(call(m, method, { ...good, y: good.y.subarray(1) })).toThrow(new RangeError(`${C}: "y" expects i32[B], 4 values (B = 4 from the length of "x"), received 3`));
      expect(call(m, method, { ...good, x: pixels(64 * 5, 0) })).toThrow(new RangeError(`${C}: "y" expects i32[B], 5 values (B = 5 from the length of "x"), received 4`));
    }
    expect(snapshot(m)).toEqual(before);
    // The well-formed call goes through.
    expect(call(m, method, inputsOnly ? { x: good.x } : good)).not.toThrow();
  });

  it("an f32 target of a fixed trailing size: Net221's y (f32[B, 1]) against x (f32[B, 2])", () => {
    const m = Net221.create();
    const x = Float32Array.of(1, 0, 0, 1, 1, 1);
    expect(() => m.trainStep({ x, y: Float32Array.of(1, 0) })).toThrow(new RangeError('Net221.trainStep: "y" expects f32[B, 1], 3 values (B = 3 from the length of "x"), received 2'));
    expect(() => m.evaluate({ x, y: Int32Array.of(1, 0, 1) })).toThrow(new TypeError('Net221.evaluate: "y" must be a Float32Array (f32[B, 1]), received Int32Array of 3 values'));
    expect(() => m.predict({ x: Float32Array.of(1, 0, 1) })).toThrow(new RangeError('Net221.predict: "x" expects f32[B, 2], a positive multiple of 2 values, received 3'));
    expect(m.steps).toBe(0);
  });
});

describe("a model without a train block", () => {
  it("has forward, predict, the parameters, save and load, and nothing about training", () => {
    const m = Scorer.create({ seed: 3 });
    for (const method of ["trainStep", "evaluate", "steps"]) expect(method in m, method).toBe(false);
    expect("targets" in Scorer || "optimizerStates" in Scorer).toBe(false);
    const x = Float32Array.of(1, 2, 3, -1, 0, 1);
    expect(m.predict({ x })).toEqual(m.forward({ x })["score"]);
    expect(() => m.predict({ x: new Float32Array(4) })).toThrow(new RangeError('Scorer.predict: "x" expects f32[B, 3], a positive multiple of 3 values, received 4'));
    const bytes = m.save();
    const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
    expect(Object.keys(header)).toEqual(["__metadata__", "dense.kernel", "dense.bias"]);
    expect(header["__metadata__"]).toEqual({ "dnnc.model": "Scorer" });
    const other = Scorer.create({ seed: 4 }) as Model & { load(bytes: Uint8Array): Model };
    expect(other.predict({ x })).not.toEqual(m.predict({ x }));
    expect(other.load(bytes).predict({ x })).toEqual(m.predict({ x }));
  });
});
