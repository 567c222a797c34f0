// Both cores, opt-in, on both CPU targets: a model created with `threads: 2` (and Node's
// worker_threads handed in) splits its matrix products by rows between the main thread and a
// worker on shared memory (the ts target's arrays; the wasm target's linear memory, epilogues
// included), and trains bit-identically to the single-threaded model.
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

describe.each((["ts", "wasm"] as const).flatMap((target) => [
  { sample: "samples/mlp_digits.dnn", name: "DigitsMLP", features: 64, B: 64, target },
  { sample: "samples/mnist_cnn.dnn", name: "MnistCNN", features: 28 * 28, B: 16, target },
]))("$name with threads: 2 ($target)", ({ sample, name, features, B, target }) => {
  let M: ModelClass;
  let stats: { splitProducts: number };
  beforeAll(async () => {
    M = await loadGenerated<ModelClass>(sample, name, compiled, target);
    const file = compiled[compiled.length - 1]!.file;
    stats = (await import(/* @vite-ignore */ `file://${file}`)).threadStats;
  }, 120_000);

  it("trains bit-identically to one thread, with products split across threads", () => {
    const x = Float32Array.from({ length: B * features }, (_, i) => Math.abs(Math.sin(i * 0.37)) * 16);
    const y = Int32Array.from({ length: B }, (_, i) => (i * 7) % 10);
    // One thread first: once a model of the module starts threads, the module's products split.
    const one = M.create({ seed: 3 });
    const losses = [0, 1, 2].map(() => one.trainStep({ x, y }));
    const p1 = one.getParameters();
    const logits = one.forward({ x }).logits;
    const two = M.create({ seed: 3, threads: 2, workerThreads });
    const before = stats.splitProducts;
    for (const loss of losses) expect(two.trainStep({ x, y })).toBe(loss);
    expect(stats.splitProducts).toBeGreaterThan(before);
    const p2 = two.getParameters();
    for (const k of Object.keys(p1)) expect(p2[k], k).toEqual(p1[k]);
    expect(two.forward({ x }).logits).toEqual(logits);
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
