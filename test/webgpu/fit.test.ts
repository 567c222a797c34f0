// model.fit() of the generated WGSL module on Dawn (lavapipe without a GPU): small on purpose —
// one model, 64 digits, batches of 32, so every call uses the one batch size's pipelines. The
// run agrees with the TypeScript target's fit() from the same seed (the same order, the same
// split: only float rounding differs), and an AbortSignal stops it between batches.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSample, importGenerated, type CompiledSample } from "../helpers/compile-sample.ts";
import { requireGpu, type Gpu } from "../helpers/webgpu.ts";
import { loadNamed } from "../../src/data/index.ts";

type Data = { x: Float32Array; y: Int32Array };
interface History {
  epoch: number[];
  history: { loss: number[]; accuracy?: number[]; val_loss?: number[]; val_accuracy?: number[] };
}
interface FitOptions {
  epochs?: number;
  batchSize?: number;
  seed?: number;
  validationSplit?: number;
  callbacks?: { onBatchEnd?: (batch: number) => void };
  signal?: AbortSignal;
}
interface Fits {
  fit(data: Data, options?: FitOptions): Promise<History>;
  readonly steps: number;
}
interface Classes {
  wgsl: { create(o: { seed: number; device: GPUDevice }): Promise<Fits & { destroy(): void }> };
  ts: { create(o: { seed: number }): Fits };
}

const TIMEOUT = 300_000; // a cold Mesa shader cache compiles every kernel with LLVM first
const compiled: CompiledSample[] = [];
let g: Gpu;
const DigitsMLP = {} as Classes;
beforeAll(async () => {
  g = await requireGpu();
  for (const target of ["wgsl", "ts"] as const) {
    const c = await compileSample("samples/mlp_digits.dnn", target);
    compiled.push(c);
    (DigitsMLP as unknown as Record<string, unknown>)[target] = (await importGenerated<Record<string, unknown>>(c.file))["DigitsMLP"];
  }
}, 120_000);
afterAll(() => compiled.forEach((c) => c.cleanup()));

const digits = loadNamed("digits", "train");
const data: Data = { x: digits.x.subarray(0, 64 * 64), y: digits.y.subarray(0, 64) };
const options: FitOptions = { epochs: 2, batchSize: 32, seed: 4, validationSplit: 0.5 };

describe("fit() of the wgsl target", () => {
  it("trains with validation and accuracy, as the TypeScript target's fit() does", async () => {
    const model = await DigitsMLP.wgsl.create({ seed: 2, device: g.device });
    let batches = 0;
    const history = await model.fit(data, { ...options, callbacks: { onBatchEnd: () => void batches++ } });
    const cpu = await DigitsMLP.ts.create({ seed: 2 }).fit(data, options);
    expect(history.epoch).toEqual([0, 1]);
    expect(batches).toBe(2);
    expect(model.steps).toBe(2);
    expect(Object.keys(history.history)).toEqual(["loss", "accuracy", "val_loss", "val_accuracy"]);
    for (const key of ["loss", "val_loss"] as const)
      history.history[key]!.forEach((v, i) => expect(v).toBeCloseTo(cpu.history[key]![i]!, 4));
    expect(history.history.accuracy).toEqual(cpu.history.accuracy);
    expect(history.history.val_accuracy).toEqual(cpu.history.val_accuracy);

    // Aborted after its first batch: the step taken stays, fit() rejects with the reason.
    const stop = new AbortController();
    const reason = new Error("stop");
    const aborted = model.fit(data, { ...options, signal: stop.signal, callbacks: { onBatchEnd: () => stop.abort(reason) } });
    await expect(aborted).rejects.toBe(reason);
    expect(model.steps).toBe(3);
    model.destroy();
  }, TIMEOUT);
});
