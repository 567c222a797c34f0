// The wasm target's modules, compiled the way a user does and imported: the same API as the ts
// target's, the same results up to float32 summation order (TS and wasm agree after several
// Adam steps on the MNIST CNN, the digits MLP and the Fashion GRU), and the same guarantees at the boundary — a
// label past the classes refused before anything changes, a non-finite step changing nothing.
// Threads: test/backend/ts/threads.test.ts, on both CPU targets.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadGenerated, type CompiledSample } from "../../helpers/compile-sample.ts";

const TIMEOUT = 180_000;

type Arrays = Record<string, Float32Array | Int32Array>;
interface Model {
  trainStep(batch: Arrays): number;
  forward(inputs: Arrays): Record<string, Float32Array>;
  getParameters(): Record<string, Float32Array>;
  readonly steps: number;
  save(): Uint8Array;
}
interface ModelClass {
  create(options?: { seed?: number; threads?: number }): Model;
}

const compiled: CompiledSample[] = [];
const classes: Record<string, ModelClass> = {};
beforeAll(async () => {
  for (const target of ["ts", "wasm"] as const) {
    classes[`cnn_${target}`] = await loadGenerated<ModelClass>("samples/mnist_cnn.dnn", "MnistCNN", compiled, target);
    classes[`mlp_${target}`] = await loadGenerated<ModelClass>("samples/mlp_digits.dnn", "DigitsMLP", compiled, target);
    classes[`gru_${target}`] = await loadGenerated<ModelClass>("samples/gru_fashion.dnn", "FashionGRU", compiled, target);
  }
}, TIMEOUT);
afterAll(() => compiled.forEach((s) => s.cleanup()));

const values = (n: number, seed: number, scale = 1) => Float32Array.from({ length: n }, (_, i) => (((i * 7919 + seed * 104729) % 1000) / 1000) * scale);
const labels = (n: number, seed: number) => Int32Array.from({ length: n }, (_, i) => (i * 3 + seed) % 10);
const CASES = [
  { model: "cnn", batch: (seed: number): Arrays => ({ x: values(16 * 784, seed), y: labels(16, seed) }) },
  { model: "mlp", batch: (seed: number): Arrays => ({ x: values(16 * 64, seed, 16), y: labels(16, seed) }) },
  // A recurrent model: its gates' sigmoid and tanh, and the softmax's exp and log, as WebAssembly approximations.
  { model: "gru", batch: (seed: number): Arrays => ({ x: values(16 * 784, seed), y: labels(16, seed) }) },
];

describe.each(CASES)("$model", ({ model, batch }) => {
  it("ts and wasm agree on the forward pass and after 5 Adam steps", () => {
    const ts = classes[`${model}_ts`]!.create({ seed: 3 });
    const wasm = classes[`${model}_wasm`]!.create({ seed: 3 });
    const near = (a: Float32Array, b: Float32Array, tol: number) => {
      const scale = a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const i = a.findIndex((v, j) => !(Math.abs(v - b[j]!) <= tol * (scale + 1e-3)));
      if (i >= 0) expect.fail(`element ${i}: ts ${a[i]}, wasm ${b[i]} (largest ${scale})`);
    };
    const x = { x: batch(0).x };
    Object.entries(ts.forward(x)).forEach(([k, v]) => near(v, wasm.forward(x)[k]!, 1e-5));
    for (let s = 1; s <= 5; s++) expect(Math.abs(ts.trainStep(batch(s)) - wasm.trainStep(batch(s)))).toBeLessThan(1e-4);
    const [p, q] = [ts.getParameters(), wasm.getParameters()];
    for (const name of Object.keys(p)) near(p[name]!, q[name]!, 1e-3);
    expect(wasm.steps).toBe(5);
  }, 60_000);

  it("a label past the classes is refused by name, and nothing changes", () => {
    const m = classes[`${model}_wasm`]!.create({ seed: 1 });
    m.trainStep(batch(1));
    const saved = m.save();
    const bad = batch(2);
    (bad.y as Int32Array)[5] = 10;
    expect(() => m.trainStep(bad)).toThrow(/trainStep: "y" has 10 at index 5/);
    expect(m.save()).toEqual(saved);
  }, 60_000);

  it("a non-finite step throws NonFiniteError and changes nothing", () => {
    const m = classes[`${model}_wasm`]!.create({ seed: 1 });
    m.trainStep(batch(1));
    const saved = m.save();
    const bad = batch(2);
    (bad.x as Float32Array)[7] = NaN;
    expect(() => m.trainStep(bad)).toThrow(expect.objectContaining({ name: "NonFiniteError" }));
    expect(m.save()).toEqual(saved);
    expect(m.steps).toBe(1);
  }, 60_000);
});

describe("memory in linear memory", () => {
  it("models collected while another trains give back their memory without touching the one that lives", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const MLP = classes["mlp_wasm"]!;
    const steps = (m: Model, churn: () => Promise<void>) => async () => {
      for (let s = 1; s <= 4; s++) m.trainStep(CASES[1]!.batch(s)), await churn();
      return m.getParameters();
    };
    const quiet = await steps(MLP.create({ seed: 5 }), async () => {})();
    // The same steps, with models made, trained and dropped between them, and collected: their
    // blocks (parameters, states, workspaces) go back to the heap and are handed out again.
    let collected = 0;
    const watch = new FinalizationRegistry(() => collected++);
    const churned = await steps(MLP.create({ seed: 5 }), async () => {
      for (let i = 0; i < 5; i++) {
        const other = classes[i % 2 ? "mlp_wasm" : "cnn_wasm"]!.create({ seed: i });
        other.trainStep(CASES[i % 2]!.batch(i));
        watch.register(other, i);
      }
      gc();
      await new Promise((r) => setTimeout(r, 10));
    })();
    expect(collected).toBeGreaterThan(0);
    expect(churned).toEqual(quiet);
  }, 60_000);
});
