// Memory planning, held to its word: after the first training step at a batch size, steps
// allocate nothing (counted by the generated module's own allocator), and the arena each
// batch size gets is exactly the peak the compiler states for it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../../src/compiler.ts";
import { fuse } from "../../../src/schedule/fuse.ts";
import { scheduleStats } from "../../../src/schedule/stats.ts";
import { planBuffers } from "../../../src/schedule/memory.ts";
import { evalDim } from "../../../src/ir/dim.ts";
import { compileSample, importGenerated, type CompiledSample } from "../../helpers/compile-sample.ts";

interface Stats {
  allocations: number;
  bytes: number;
  arenaBytes: number;
}
interface Model {
  trainStep(batch: { x: Float32Array; y: Int32Array }): number;
  forward(inputs: { x: Float32Array }): Record<string, Float32Array>;
}
interface Module {
  memoryStats: Stats;
  [name: string]: unknown;
}

// Both CPU targets: the wasm target's kernels grow their own memory on the first step, counted too.
const CASES = (["ts", "wasm"] as const).flatMap((target) => [
  { sample: "samples/mlp_digits.dnn", model: "DigitsMLP", features: 64, target },
  { sample: "samples/mnist_cnn.dnn", model: "MnistCNN", features: 28 * 28, target },
]);

describe.each(CASES)("$sample ($target)", ({ sample, model, features, target }) => {
  let compiled: CompiledSample;
  let mod: Module;
  let net: Model;
  const stated = (B: number) => scheduleStats(fuse(compile(sample).models.find((m) => m.name === model)!.train!.fn), { B }).arenaBytes;
  const batch = (B: number) => ({
    x: Float32Array.from({ length: B * features }, (_, i) => Math.sin(i)),
    y: Int32Array.from({ length: B }, (_, i) => i % 10),
  });

  beforeAll(async () => {
    compiled = await compileSample(sample, target);
    mod = await importGenerated<Module>(compiled.file);
    net = (mod[model] as { create(o: { seed: number }): Model }).create({ seed: 1 });
  }, 120_000);
  afterAll(() => compiled?.cleanup());

  it("the first step at a batch size allocates the stated arena; later steps allocate nothing", () => {
    const b8 = batch(8);
    const before = { ...mod.memoryStats };
    const first = net.trainStep(b8);
    const after = { ...mod.memoryStats };
    expect(after.arenaBytes - before.arenaBytes).toBe(stated(8));
    expect(stated(8)).toBeGreaterThan(0);
    const losses = [first];
    for (let i = 0; i < 5; i++) losses.push(net.trainStep(b8));
    expect(mod.memoryStats).toEqual(after);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[5]!).toBeLessThan(losses[0]!);
  });

  it("a new batch size gets its own arena, of the size stated for it; the old one is kept", () => {
    const before = { ...mod.memoryStats };
    net.trainStep(batch(4));
    expect(mod.memoryStats.arenaBytes - before.arenaBytes).toBe(stated(4));
    const after4 = { ...mod.memoryStats };
    net.trainStep(batch(8));
    net.trainStep(batch(4));
    expect(mod.memoryStats).toEqual(after4);
  });

  it("planning pays: buffers whose lifetimes do not overlap share memory", () => {
    const s = fuse(compile(sample).models.find((m) => m.name === model)!.train!.fn);
    const buffers = planBuffers(s);
    const bytes = (b: (typeof buffers)[number]) => 4 * evalDim(b.size, { B: 64 })!;
    const everyBuffer = buffers.reduce((acc, b) => acc + bytes(b), 0);
    // Outputs (new parameters and optimizer states) live to the end and cannot share.
    const outputs = buffers.filter((b) => b.last === s.kernels.length).reduce((acc, b) => acc + bytes(b), 0);
    const arena = scheduleStats(s, { B: 64 }).arenaBytes;
    expect(arena).toBeLessThan(everyBuffer);
    expect(arena - outputs).toBeLessThan(0.6 * (everyBuffer - outputs));
  });
});
