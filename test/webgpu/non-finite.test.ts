// The WebGPU module's half of test/backend/ts/non-finite.test.ts: the training step updates
// parameters and Adam's moments in place on the GPU (backend/wgsl/plan.ts), so here the IR's
// guard (every state written as select(finite, new, old)) is all that keeps them: a step with a
// NaN input or an overflowing loss rejects with NonFiniteError, read back with the loss, and
// leaves save() byte for byte, `steps`, and the next step's result as on a twin that never saw it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSample, importGenerated, type CompiledSample } from "../helpers/compile-sample.ts";
import { requireGpu, type Gpu } from "../helpers/webgpu.ts";
import { f32Entry, readMetadata, readSafetensors, writeSafetensors } from "../../src/fit/safetensors.ts";

type Batch = { x: Float32Array; y: Int32Array };
interface Digits {
  trainStep(b: Batch, options?: { readLoss?: boolean }): Promise<number>;
  readonly steps: number;
  save(): Promise<Uint8Array>;
  load(bytes: Uint8Array): Digits;
  destroy(): void;
}
interface DigitsClass {
  create(options?: { seed?: number; device?: GPUDevice }): Promise<Digits>;
}
interface NonFinite extends Error {
  readonly loss: number;
  readonly input?: string;
  readonly index?: number;
}

const compiled: CompiledSample[] = [];
let g: Gpu;
let Digits: DigitsClass;
let NonFiniteError: new (...a: never[]) => NonFinite;
beforeAll(async () => {
  g = await requireGpu();
  const w = await compileSample("samples/mlp_digits.dnn", "wgsl");
  compiled.push(w);
  const mod = await importGenerated<Record<string, unknown>>(w.file);
  Digits = mod.DigitsMLP as DigitsClass;
  NonFiniteError = mod.NonFiniteError as typeof NonFiniteError;
}, 120_000);
afterAll(() => compiled.forEach((c) => c.cleanup()));

const batch = (seed: number, B = 8): Batch => ({
  x: Float32Array.from({ length: 64 * B }, (_, i) => (i * 7 + seed * 3) % 17),
  y: Int32Array.from({ length: B }, (_, i) => (i + seed) % 10),
});
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

async function rejected(p: Promise<unknown>): Promise<NonFinite> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, "trainStep must reject").toBeInstanceOf(NonFiniteError);
  expect((e as Error).name).toBe("NonFiniteError");
  return e as NonFinite;
}

/** A model and its twin, both prepared and trained on `before`. */
async function twins(prepare: (m: Digits) => Promise<void>, before: Batch[]): Promise<[Digits, Digits]> {
  const pair: [Digits, Digits] = [await Digits.create({ seed: 2, device: g.device }), await Digits.create({ seed: 2, device: g.device })];
  for (const m of pair) {
    await prepare(m);
    for (const b of before) expect(Number.isFinite(await m.trainStep(b))).toBe(true);
  }
  return pair;
}

describe("a WebGPU training step with a non-finite loss or gradient changes nothing", () => {
  it("a NaN input: rejected with the input and index; parameters, Adam's moments and the step count kept", async () => {
    const [m, twin] = await twins(async () => {}, [batch(1)]);
    try {
      const saved = await m.save();
      const bad = batch(2);
      bad.x[70] = NaN;
      const e = await rejected(m.trainStep(bad));
      expect([e.input, e.index]).toEqual(["x", 70]);
      // The loss itself may be finite here: WGSL's max (relu) may return 0 for max(NaN, 0), as
      // lavapipe does; the weight gradient x^T·dy still carries the NaN, and the flag sees it.
      expect(typeof e.loss).toBe("number");
      expect(e.message).toBe('DigitsMLP.trainStep: the step was skipped: input "x" has NaN at index 70 (parameters and optimizer state unchanged)');
      expect(same(await m.save(), saved)).toBe(true);
      expect(m.steps).toBe(1);
      for (const b of [batch(3), batch(4)]) expect(await m.trainStep(b)).toBe(await twin.trainStep(b));
      expect(same(await m.save(), await twin.save())).toBe(true);
      // Without the readback nothing can be reported, but the state is still kept.
      const before = await m.save();
      expect(await m.trainStep(bad, { readLoss: false })).toBeNaN();
      const after = await m.save();
      expect(same(after.subarray(0, 8), before.subarray(0, 8)) && readSafetensors(after).get("dense.kernel")!.data.every((v, i) => v === readSafetensors(before).get("dense.kernel")!.data[i])).toBe(true);
    } finally {
      m.destroy();
      twin.destroy();
    }
  }, 300_000);

  it("a learning rate so large that the loss overflows on the next step", async () => {
    const withLr = async (model: Digits) => {
      const bytes = await model.save();
      const tensors = readSafetensors(bytes);
      tensors.set("lr", f32Entry(1e30));
      model.load(writeSafetensors(tensors, readMetadata(bytes)));
    };
    const [m, twin] = await twins(withLr, [batch(1)]);
    try {
      const saved = await m.save();
      const e = await rejected(m.trainStep(batch(2)));
      expect(e.input).toBeUndefined();
      expect(Number.isFinite(e.loss)).toBe(false);
      expect(same(await m.save(), saved)).toBe(true);
      expect(same(saved, await twin.save())).toBe(true);
      expect(m.steps).toBe(1);
    } finally {
      m.destroy();
      twin.destroy();
    }
  }, 300_000);
});
