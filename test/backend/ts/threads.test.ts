// Both cores, opt-in: a model created with `threads: 2` (and Node's worker_threads handed in)
// splits its matrix products by rows between the main thread and a worker on shared memory,
// and trains bit-identically to the single-threaded model.
import * as workerThreads from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadGenerated, type CompiledSample } from "../../helpers/compile-sample.ts";

interface Model {
  trainStep(batch: { x: Float32Array; y: Int32Array }): number;
  forward(inputs: { x: Float32Array }): { logits: Float32Array };
  getParameters(): Record<string, Float32Array>;
}
interface ModelClass {
  create(options?: { seed?: number; threads?: number; workerThreads?: unknown }): Model;
}

const compiled: CompiledSample[] = [];
afterAll(() => compiled.forEach((s) => s.cleanup()));

describe.each([
  { sample: "samples/mlp_digits.dnn", name: "DigitsMLP", features: 64, B: 64 },
  { sample: "samples/mnist_cnn.dnn", name: "MnistCNN", features: 28 * 28, B: 16 },
])("$name with threads: 2", ({ sample, name, features, B }) => {
  let M: ModelClass;
  let stats: { splitProducts: number };
  beforeAll(async () => {
    M = await loadGenerated<ModelClass>(sample, name, compiled);
    const file = compiled[compiled.length - 1]!.file;
    stats = (await import(/* @vite-ignore */ `file://${file}`)).threadStats;
  }, 120_000);

  it("trains bit-identically to one thread, with products split across threads", () => {
    const x = Float32Array.from({ length: B * features }, (_, i) => Math.abs(Math.sin(i * 0.37)) * 16);
    const y = Int32Array.from({ length: B }, (_, i) => (i * 7) % 10);
    const one = M.create({ seed: 3 });
    const two = M.create({ seed: 3, threads: 2, workerThreads });
    const before = stats.splitProducts;
    for (let s = 0; s < 3; s++) expect(two.trainStep({ x, y })).toBe(one.trainStep({ x, y }));
    expect(stats.splitProducts).toBeGreaterThan(before);
    const [p1, p2] = [one.getParameters(), two.getParameters()];
    for (const k of Object.keys(p1)) expect(p2[k], k).toEqual(p1[k]);
    expect(two.forward({ x }).logits).toEqual(one.forward({ x }).logits);
  }, 60_000);

  it("refuses threads without worker_threads, and a bad thread count", () => {
    expect(() => M.create({ threads: 2 })).toThrow(/threads: 2 needs workerThreads: await import\("node:worker_threads"\)/);
    expect(() => M.create({ threads: 0 })).toThrow(/threads must be a positive integer, received 0/);
  });

  it("refuses more than 64 threads with a RangeError, before starting a single worker", () => {
    let started = 0;
    const counting = {
      Worker: class {
        constructor() {
          started++;
        }
        unref() {}
        terminate() {
          return Promise.resolve(0);
        }
      },
      MessageChannel: workerThreads.MessageChannel,
    };
    expect(() => M.create({ threads: 100, workerThreads: counting })).toThrow(new RangeError(`${name}.create: threads must be at most 64, received 100`));
    expect(() => M.create({ threads: 65, workerThreads: counting })).toThrow(RangeError);
    expect(started).toBe(0);
  });
});
