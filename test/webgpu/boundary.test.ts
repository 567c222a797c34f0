// Data at the boundary of the generated WebGPU module (as test/backend/ts/boundary.test.ts for
// the TypeScript one): out-of-range labels and token ids refused before anything is queued, the
// model's state byte-identical; symbolic sizes other than the batch through every method, the
// results equal to the TypeScript module's on the same weights.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSample, importGenerated, tscCheck, type CompiledSample } from "../helpers/compile-sample.ts";
import { compileDocsExample } from "../helpers/docs-example.ts";
import { requireGpu, type Gpu } from "../helpers/webgpu.ts";

type Arrays = Record<string, Float32Array | Int32Array>;
type Options = { sizes?: Record<string, number> };
interface GpuModel {
  forward(inputs: Arrays, options?: Options): Promise<Record<string, Float32Array>>;
  predict(inputs: Arrays, options?: Options): Promise<Float32Array>;
  trainStep(batch: Arrays, options?: Options): Promise<number>;
  evaluate(batch: Arrays, options?: Options): Promise<number>;
  readonly steps: number;
  save(): Promise<Uint8Array>;
  destroy(): void;
}
interface GpuClass {
  create(options: { seed?: number; device: GPUDevice }): Promise<GpuModel>;
}
interface TsModel {
  forward(inputs: Arrays, options?: Options): Record<string, Float32Array>;
  evaluate(batch: Arrays, options?: Options): number;
  trainStep(batch: Arrays, options?: Options): number;
}
interface TsClass {
  create(options?: { seed?: number }): TsModel;
}

const TIMEOUT = 120_000;
const compiled: CompiledSample[] = [];
let g: Gpu;

async function load<T>(s: Promise<CompiledSample>, name: string): Promise<T> {
  const c = await s;
  compiled.push(c);
  if (c.code !== 0) throw new Error(`dnnc compile failed (${c.code}):\n${c.stderr}`);
  return (await importGenerated<Record<string, T>>(c.file))[name]!;
}

beforeAll(async () => {
  g = await requireGpu();
}, TIMEOUT);
afterAll(() => compiled.forEach((c) => c.cleanup()));

const snapshot = async (m: GpuModel) => ({ saved: Buffer.from(await m.save()).toString("base64"), steps: m.steps });
const pixels = (n: number) => Float32Array.from({ length: n }, (_, i) => (i * 7) % 17);
const close = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]!), `element ${i}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(b[i]!))));
};

describe("the WebGPU module refuses integer data outside its range before queueing anything", () => {
  it("labels 10 and -1 with 10 classes", async () => {
    const Digits = await load<GpuClass>(compileSample("samples/mlp_digits.dnn", "wgsl"), "DigitsMLP");
    const m = await Digits.create({ seed: 1, device: g.device });
    try {
      const x = pixels(4 * 64);
      await m.trainStep({ x, y: Int32Array.of(0, 1, 2, 3) });
      const before = await snapshot(m);
      await expect(m.trainStep({ x, y: Int32Array.of(10, 10, 10, 10) })).rejects.toThrow(new RangeError('DigitsMLP.trainStep: "y" has 10 at index 0, outside the valid range [0, 10): a class of a one-hot over 10 classes'));
      await expect(m.evaluate({ x, y: Int32Array.of(1, 2, -1, 3) })).rejects.toThrow(new RangeError('DigitsMLP.evaluate: "y" has -1 at index 2, outside the valid range [0, 10): a class of a one-hot over 10 classes'));
      expect(await snapshot(m)).toEqual(before);
    } finally {
      m.destroy();
    }
  }, TIMEOUT);
});

describe("symbolic sizes other than the batch on WebGPU", () => {
  it("a tagger with sizes.T: every method, equal to the TypeScript module's results; a token id = the table's size refused", async () => {
    const Gpu = await load<GpuClass>(compileSample("test/backend/ts/fixtures/seq_tagger.dnn", "wgsl"), "SeqTagger");
    expect(tscCheck(compiled.at(-1)!.file, { webgpu: true }).output).toBe("");
    const Ts = await load<TsClass>(compileSample("test/backend/ts/fixtures/seq_tagger.dnn", "ts"), "SeqTagger");
    const m = await Gpu.create({ seed: 3, device: g.device });
    const t = Ts.create({ seed: 3 });
    try {
      const tokens = Int32Array.of(5, 0, 19, 7, 7, 1);
      const tags = Int32Array.of(0, 1, 2, 3, 2, 1);
      const sizes = { T: 3 };
      close((await m.forward({ tokens }, { sizes })).logits!, t.forward({ tokens }, { sizes }).logits!);
      close(await m.predict({ tokens }, { sizes: { T: 2 } }), t.forward({ tokens }, { sizes: { T: 2 } }).logits!);
      expect(Math.abs((await m.evaluate({ tokens, tags }, { sizes })) - t.evaluate({ tokens, tags }, { sizes }))).toBeLessThan(1e-5);
      for (let i = 0; i < 3; i++) expect(Math.abs((await m.trainStep({ tokens, tags }, { sizes })) - t.trainStep({ tokens, tags }, { sizes }))).toBeLessThan(1e-4);
      close((await m.forward({ tokens }, { sizes })).logits!, t.forward({ tokens }, { sizes }).logits!);

      const before = await snapshot(m);
      await expect(m.forward({ tokens })).rejects.toThrow(new RangeError('SeqTagger.forward: the length of "tokens" (i32[B, T], 6 values) does not determine T: give it, as in forward(…, { sizes: { T: … } })'));
      await expect(m.trainStep({ tokens: Int32Array.of(5, 0, 19, 20, 7, 1), tags }, { sizes })).rejects.toThrow(
        new RangeError('SeqTagger.trainStep: "tokens" has 20 at index [1, 0] (flat 3), outside the valid range [0, 20): a row of embedding.embeddings (20 rows)'),
      );
      expect(await snapshot(m)).toEqual(before);
    } finally {
      m.destroy();
    }
  }, TIMEOUT);

  it("the language reference's Types example: B from the labels, T from x, as on the TypeScript target", async () => {
    const Gpu = await load<GpuClass>(compileDocsExample("Types", "wgsl"), "Types");
    const Ts = await load<TsClass>(compileDocsExample("Types", "ts"), "Types");
    const m = await Gpu.create({ device: g.device });
    try {
      const inputs = { x: Float32Array.from({ length: 2 * 3 * 8 }, (_, i) => i % 5), labels: Int32Array.of(4, 0), scale: Float32Array.of(2) };
      const [out, ref] = [await m.forward(inputs), Ts.create().forward(inputs)];
      close(out.per_step!, ref.per_step!);
      expect([...out.onehot!]).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 0, 0]);
    } finally {
      m.destroy();
    }
  }, TIMEOUT);
});
