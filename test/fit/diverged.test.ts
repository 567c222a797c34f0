// A run that goes non-finite stops, and nothing non-finite reaches a checkpoint: the training
// loop against a stand-in model whose steps fail on cue (a NaN loss, the generated module's
// NonFiniteError, a NaN validation loss), and writeCheckpoint's own refusal.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeCheckpoint } from "../../src/fit/checkpoint.ts";
import { DivergedError, firstNonFinite } from "../../src/fit/diverged.ts";
import { fit } from "../../src/fit/loop.ts";
import type { TrainableModel } from "../../src/fit/model.ts";
import { f32Entry, readMetadata, writeSafetensors } from "../../src/fit/safetensors.ts";
import type { Dataset } from "../../src/data/dataset.ts";

const data: Dataset = { name: "toy", x: new Float32Array(8 * 2).fill(1), y: new Int32Array(8), n: 8, shape: [2], classes: ["a", "b"] };

/** A model whose weight is one number; `step(epoch, batch)` says what each training step returns or throws. */
function standIn(step: (epoch: number, batch: number) => number, valLoss = () => 0.5): TrainableModel & { calls: number } {
  let w = 1, steps = 0;
  const perEpoch = 4; // 8 examples, batches of 2
  return {
    calls: 0,
    trainStep() {
      const loss = step(Math.floor(steps / perEpoch) + 1, (steps % perEpoch) + 1);
      steps++;
      if (!Number.isFinite(loss)) w = loss; // what a generated module without the guard does
      return loss;
    },
    evaluate: () => valLoss(),
    predict: () => new Float32Array(4),
    getParameter: () => Float32Array.of(w),
    setParameter: () => {},
    setParameters: () => {},
    save: () => writeSafetensors(new Map([["w", f32Entry(w)]]), { "dnnc.steps": String(steps) }),
    load: () => {},
    get steps() {
      return steps;
    },
  };
}

const scratch = () => mkdtempSync(join(tmpdir(), "dnnc-diverged-"));
const run = (model: TrainableModel, checkpoint: string, validation?: Dataset) =>
  fit({ model, input: "x", target: "y", output: "p", classes: 2, train: data, validation, epochs: 3, batchSize: 2, seed: 0, checkpoint });

describe("the training loop stops on non-finite values", () => {
  it("a NaN loss in epoch 2 stops with where it happened; the checkpoint keeps epoch 1", async () => {
    const ckpt = join(scratch(), "m.safetensors");
    const model = standIn((epoch, batch) => (epoch === 2 && batch === 3 ? NaN : 0.5));
    await expect(run(model, ckpt)).rejects.toThrow(new DivergedError("epoch 2, batch 3 of 4: the training loss is NaN"));
    const saved = readFileSync(ckpt);
    expect(readMetadata(saved)["dnnc.train.epoch"]).toBe("1");
    expect(firstNonFinite(saved)).toBeUndefined();
  });

  it("an Infinity loss too", async () => {
    await expect(run(standIn(() => Infinity), join(scratch(), "m.safetensors"))).rejects.toThrow("epoch 1, batch 1 of 4: the training loss is Infinity");
  });

  it.each([
    [{ loss: 0.7, input: "x", index: 3 }, `the batch's "x" has a non-finite value at position 3`],
    [{ loss: NaN }, "the training loss is NaN"],
    [{ loss: 0.7 }, "a gradient is not finite (the loss was 0.7)"],
  ])("a step the generated module refuses (NonFiniteError %o) stops saying why; nothing is written", async (fields, why) => {
    const ckpt = join(scratch(), "m.safetensors");
    const model = standIn(() => {
      throw Object.assign(new Error("M.trainStep: the step was skipped"), { name: "NonFiniteError", ...fields });
    });
    await expect(run(model, ckpt)).rejects.toThrow(new DivergedError(`epoch 1, batch 1 of 4: ${why}`));
    expect(existsSync(ckpt)).toBe(false);
  });

  it("other errors from a step pass through unchanged", async () => {
    const model = standIn(() => {
      throw new RangeError("y[0] is 7, outside [0, 2)");
    });
    await expect(run(model, join(scratch(), "m.safetensors"))).rejects.toThrow(RangeError);
  });

  it("a non-finite validation loss stops before that epoch's checkpoint", async () => {
    const ckpt = join(scratch(), "m.safetensors");
    await expect(run(standIn(() => 0.5, () => NaN), ckpt, data)).rejects.toThrow("epoch 1: the validation loss is NaN");
    expect(existsSync(ckpt)).toBe(false);
  });
});

describe("writeCheckpoint", () => {
  it("never writes non-finite weights over a checkpoint, and names the first bad value", () => {
    const path = join(scratch(), "m.safetensors");
    const good = writeSafetensors(new Map([["w", f32Entry(1)]]));
    writeCheckpoint(path, good);
    const bad = writeSafetensors(new Map([["w", f32Entry(1)], ["v", f32Entry(-Infinity)]]));
    expect(() => writeCheckpoint(path, bad)).toThrow(new DivergedError("the weights are no longer finite (v[0] is -Infinity)"));
    expect(new Uint8Array(readFileSync(path))).toEqual(good);
    expect(existsSync(`${path}.partial`)).toBe(false);
  });

  it("firstNonFinite looks at every float tensor and skips integers", () => {
    const i32 = { dtype: "I32", shape: [1], data: new Uint8Array([0, 0, 0xc0, 0x7f]) }; // NaN's bits, as an integer
    const f = new Float32Array([1, 2, NaN]);
    const f32 = { dtype: "F32", shape: [3], data: new Uint8Array(f.buffer) };
    expect(firstNonFinite(writeSafetensors(new Map([["n", i32]])))).toBeUndefined();
    expect(firstNonFinite(writeSafetensors(new Map([["n", i32], ["k", f32]])))).toEqual({ tensor: "k", index: 2, value: NaN });
  });
});
