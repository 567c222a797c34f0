// samples/gan.dnn: a GAN in two training programs over two models used as layers, the
// discriminator shared between real and generated points. Each program's step changes its own side's
// parameters only (the other side's come back bit-identical), and a few hundred alternating
// steps move the generated points onto the data, a ring of radius 2: measured as the mean
// distance of generated points from the ring, and the share of them within 0.3 of it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSample, importGenerated, tscCheck, type CompiledSample } from "../helpers/compile-sample.ts";

const TIMEOUT = 120_000;
const B = 64;
const RADIUS = 2;

interface Batch {
  real: Float32Array;
  noise: Float32Array;
}
interface Gan {
  trainDiscriminator(batch: Batch): number;
  trainGenerator(batch: Batch): number;
  evaluateDiscriminator(batch: Batch): number;
  forward(inputs: Batch): { fake: Float32Array; real_score: Float32Array; fake_score: Float32Array };
  getParameters(): Record<string, Float32Array>;
}
interface GanClass {
  create(options?: { seed?: number }): Gan;
}

/** A seeded stream of uniform numbers in [0, 1) (a linear congruential generator). */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
}
/** Real points on the ring (radius 2, a little radial noise) and the generator's uniform noise in [-1, 1). */
function batchOf(next: () => number): Batch {
  const real = new Float32Array(B * 2);
  const noise = new Float32Array(B * 4);
  for (let i = 0; i < B; i++) {
    const angle = next() * 2 * Math.PI;
    const r = RADIUS + 0.05 * (next() - 0.5);
    real[2 * i] = r * Math.cos(angle);
    real[2 * i + 1] = r * Math.sin(angle);
  }
  for (let i = 0; i < noise.length; i++) noise[i] = 2 * next() - 1;
  return { real, noise };
}

/** Over 8 batches of fixed noise: the mean |‖g‖ − 2| of generated points g, and the share within 0.3 of the ring. */
function ringStatistics(gan: Gan): { distance: number; near: number } {
  const next = uniform(99);
  let distance = 0;
  let near = 0;
  let n = 0;
  for (let k = 0; k < 8; k++) {
    const { fake } = gan.forward(batchOf(next));
    for (let i = 0; i < B; i++, n++) {
      const d = Math.abs(Math.hypot(fake[2 * i]!, fake[2 * i + 1]!) - RADIUS);
      distance += d;
      if (d < 0.3) near++;
    }
  }
  return { distance: distance / n, near: near / n };
}

const changed = (before: Record<string, Float32Array>, after: Record<string, Float32Array>) =>
  Object.keys(before).filter((k) => !new Uint8Array(before[k]!.buffer).every((b, i) => b === new Uint8Array(after[k]!.buffer)[i]));

let sample: CompiledSample;
let Gan: GanClass;
beforeAll(async () => {
  sample = await compileSample("samples/gan.dnn");
  if (sample.code !== 0) throw new Error(sample.stderr);
  Gan = (await importGenerated<Record<string, GanClass>>(sample.file)).Gan!;
}, TIMEOUT);
afterAll(() => sample?.cleanup());

describe("samples/gan.dnn", () => {
  it("typechecks alone under tsc --strict", () => {
    const r = tscCheck(sample.file);
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  }, TIMEOUT);

  it("trains the discriminator's parameters in one program and the generator's in the other", () => {
    const gan = Gan.create({ seed: 1 });
    const next = uniform(1);
    const all = Object.keys(gan.getParameters());
    // Each side is a model applied as a layer: its parameters are nested under its instance name.
    const disc = all.filter((p) => p.startsWith("discriminator."));
    const gen = all.filter((p) => p.startsWith("generator."));
    expect(disc).toHaveLength(6);
    expect(gen).toHaveLength(6);
    let before = gan.getParameters();
    gan.trainDiscriminator(batchOf(next));
    expect(changed(before, gan.getParameters())).toEqual(disc);
    before = gan.getParameters();
    gan.trainGenerator(batchOf(next));
    expect(changed(before, gan.getParameters())).toEqual(gen);
  });

  it("moves the generated points onto the ring in 800 alternating steps", () => {
    const gan = Gan.create({ seed: 1 });
    const next = uniform(2);
    const before = ringStatistics(gan);
    for (let i = 0; i < 800; i++) {
      gan.trainDiscriminator(batchOf(next));
      gan.trainGenerator(batchOf(next));
    }
    const after = ringStatistics(gan);
    // Measured (seed 1): mean distance 1.72 → 0.085; within 0.3 of the ring 0 % → 98 %.
    expect(before.distance).toBeGreaterThan(1.2);
    expect(after.distance).toBeLessThan(0.3);
    expect(after.distance).toBeLessThan(before.distance / 4);
    expect(before.near).toBeLessThan(0.1);
    expect(after.near).toBeGreaterThan(0.8);
  }, TIMEOUT);
});
