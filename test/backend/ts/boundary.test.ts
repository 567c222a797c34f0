// Data at the boundary of the generated TypeScript module, on modules compiled the way a user
// does and loaded for real: integer inputs and targets outside the range their uses need (a label
// past the classes, a token id past the embedding table, a negative one) are refused before
// anything changes, naming the method, the input, the position, the value and the range; and
// symbolic sizes other than the batch (the language reference's own examples, a sequence tagger
// whose every call names T) work through every method.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importGenerated, loadGenerated, tscCheck, type CompiledSample } from "../../helpers/compile-sample.ts";
import { compileDocsExample } from "../../helpers/docs-example.ts";

const TIMEOUT = 120_000;

type Arrays = Record<string, Float32Array | Int32Array>;
type Options = { sizes?: Record<string, number> };
interface Model {
  forward(inputs: Arrays, options?: Options): Record<string, Float32Array>;
  predict(inputs: Arrays, options?: Options): Float32Array;
  trainStep(batch: Arrays, options?: Options): number;
  evaluate(batch: Arrays, options?: Options): number;
  readonly steps: number;
  getParameter(name: string): Float32Array;
  save(): Uint8Array;
}
interface ModelClass {
  create(options?: { seed?: number }): Model;
}

const compiled: CompiledSample[] = [];
let DigitsMLP: ModelClass;
let SeqTagger: ModelClass;
let seqTaggerFile: string;

/** The example of docs/language.md that declares `model NAME`, compiled and imported. */
async function docsExample(name: string): Promise<{ Model: ModelClass; file: string }> {
  const s = await compileDocsExample(name);
  compiled.push(s);
  return { Model: (await importGenerated<Record<string, ModelClass>>(s.file))[name]!, file: s.file };
}

beforeAll(async () => {
  DigitsMLP = await loadGenerated<ModelClass>("samples/mlp_digits.dnn", "DigitsMLP", compiled);
  SeqTagger = await loadGenerated<ModelClass>("test/backend/ts/fixtures/seq_tagger.dnn", "SeqTagger", compiled);
  seqTaggerFile = compiled.at(-1)!.file;
}, TIMEOUT);
afterAll(() => compiled.forEach((s) => s.cleanup()));

/** The bytes of every parameter and the optimizer state (the saved file) and the step count. */
const snapshot = (m: Model) => ({ saved: Buffer.from(m.save()).toString("base64"), steps: m.steps });
const pixels = (n: number) => Float32Array.from({ length: n }, (_, i) => (i * 7) % 17);

describe("integer data outside its range is refused before anything changes", () => {
  it("sparse labels past the classes or negative: every method that takes them, state byte-identical", () => {
    const m = DigitsMLP.create({ seed: 1 });
    m.trainStep({ x: pixels(4 * 64), y: Int32Array.of(0, 1, 2, 3) });
    const before = snapshot(m);
    const x = pixels(4 * 64);
    for (const method of ["trainStep", "evaluate"] as const) {
      const C = `DigitsMLP.${method}`;
      expect(() => m[method]({ x, y: Int32Array.of(10, 10, 10, 10) })).toThrow(new RangeError(`${C}: "y" has 10 at index 0, outside the valid range [0, 10): a class of a one-hot over 10 classes`));
      expect(() => m[method]({ x, y: Int32Array.of(3, 9, -1, 10) })).toThrow(new RangeError(`${C}: "y" has -1 at index 2, outside the valid range [0, 10): a class of a one-hot over 10 classes`));
      expect(() => m[method]({ x, y: Int32Array.of(0, 2147483647, 1, 1) })).toThrow(new RangeError(`${C}: "y" has 2147483647 at index 1, outside the valid range [0, 10): a class of a one-hot over 10 classes`));
    }
    expect(snapshot(m)).toEqual(before);
    // The edges of the range go through.
    expect(Number.isFinite(m.trainStep({ x, y: Int32Array.of(0, 9, 0, 9) }))).toBe(true);
    expect(m.steps).toBe(2);
  });

  it("token ids equal to the embedding table's size, and tags past the classes: the position per axis and flat", () => {
    const m = SeqTagger.create({ seed: 2 });
    const before = snapshot(m);
    const sizes = { T: 4 };
    const tokens = Int32Array.of(0, 1, 2, 3, 4, 5, 20, 7);
    const tags = Int32Array.of(0, 1, 2, 3, 3, 2, 1, 0);
    for (const method of ["forward", "predict", "trainStep", "evaluate"] as const) {
      const C = `SeqTagger.${method}`;
      const call = (batch: Arrays) => () => (m[method] as (b: Arrays, o: Options) => unknown).call(m, batch, { sizes });
      expect(call({ tokens, tags })).toThrow(new RangeError(`${C}: "tokens" has 20 at index [1, 2] (flat 6), outside the valid range [0, 20): a row of embedding.embeddings (20 rows)`));
      expect(call({ tokens: Int32Array.of(0, 1, 2, 3, 4, 5, 6, -7), tags })).toThrow(new RangeError(`${C}: "tokens" has -7 at index [1, 3] (flat 7), outside the valid range [0, 20): a row of embedding.embeddings (20 rows)`));
      if (method === "trainStep" || method === "evaluate") {
        expect(call({ tokens: tokens.map((t) => t % 20), tags: Int32Array.of(0, 1, 2, 3, 4, 2, 1, 0) })).toThrow(new RangeError(`${C}: "tags" has 4 at index [1, 0] (flat 4), outside the valid range [0, 4): a class of a one-hot over 4 classes`));
      }
    }
    expect(snapshot(m)).toEqual(before);
  });
});

describe("symbolic sizes other than the batch", () => {
  it("the language reference's Types example: B from the labels, then T from x, whatever the declaration order", async () => {
    const { Model, file } = await docsExample("Types");
    expect(tscCheck(file).output).toBe("");
    const m = Model.create();
    const [B, T] = [2, 3];
    const x = Float32Array.from({ length: B * T * 8 }, (_, i) => i % 5);
    const out = m.forward({ x, labels: Int32Array.of(4, 0), scale: Float32Array.of(2) });
    const perStep = Array.from({ length: B * T }, (_, r) => (2 * x.subarray(r * 8, r * 8 + 8).reduce((a, v) => a + v, 0)) / 8);
    expect([...out.per_step!]).toEqual(perStep.map(Math.fround));
    expect([...out.onehot!]).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 0, 0]);
    expect(() => m.forward({ x, labels: Int32Array.of(5, 0), scale: Float32Array.of(2) })).toThrow(new RangeError('Types.forward: "labels" has 5 at index 0, outside the valid range [0, 5): a class of a one-hot over 5 classes'));
    expect(() => m.forward({ x: x.subarray(1), labels: Int32Array.of(4, 0), scale: Float32Array.of(2) })).toThrow(new RangeError('Types.forward: "x" expects f32[B, T, 8], a positive multiple of 16 values (B = 2 from the length of "labels"), received 47'));
  }, TIMEOUT);

  it("the language reference's NetworkOps example runs: tokens i32[B, T] embedded row by row", async () => {
    const { Model, file } = await docsExample("NetworkOps");
    expect(tscCheck(file).output).toBe("");
    const m = Model.create({ seed: 4 });
    const [B, T] = [2, 3];
    const tokens = Int32Array.of(0, 49, 7, 3, 3, 12);
    const out = m.forward({ img: pixels(B * 28 * 28 * 3), tokens, seq: pixels(B * 10 * 4) });
    const table = m.getParameter("table");
    expect([...out.embedded!]).toEqual([...tokens].flatMap((t) => [...table.subarray(t * 6, t * 6 + 6)]));
    expect(out.valid!.length).toBe(B * 26 * 26 * 8);
    expect(out.last!.length).toBe(B * 5);
    expect(() => m.forward({ img: pixels(B * 28 * 28 * 3), tokens: Int32Array.of(0, 50, 1, 1, 1, 1), seq: pixels(B * 10 * 4) })).toThrow(
      new RangeError('NetworkOps.forward: "tokens" has 50 at index [0, 1] (flat 1), outside the valid range [0, 50): a row of table (50 rows)'),
    );
    expect(m.predict({ img: pixels(B * 28 * 28 * 3), tokens, seq: pixels(B * 10 * 4) }).length).toBe(B * 26 * 26 * 8);
  }, TIMEOUT);

  it("a tagger whose arrays give only B·T: every method takes sizes.T, typed, and computes what the parameters say", () => {
    expect(tscCheck(seqTaggerFile).output).toBe("");
    const m = SeqTagger.create({ seed: 3 });
    const [B, T] = [2, 3];
    const tokens = Int32Array.of(5, 0, 19, 7, 7, 1);
    const logits = m.forward({ tokens }, { sizes: { T } }).logits!;
    // By hand: logits[b, t] = table[token] @ kernel + bias.
    const table = m.getParameter("embedding.embeddings");
    const kernel = m.getParameter("dense.kernel");
    const bias = m.getParameter("dense.bias");
    const expected = [...tokens].flatMap((tok) => Array.from({ length: 4 }, (_, j) => Math.fround(bias[j]! + Array.from({ length: 8 }, (_, k) => table[tok * 8 + k]! * kernel[k * 4 + j]!).reduce((a, v) => a + v, 0))));
    expect(logits.length).toBe(B * T * 4);
    logits.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    expect([...m.predict({ tokens }, { sizes: { T, B } })]).toEqual([...logits]);

    // Training at T = 3, then at T = 2 on the same model: evaluate is the loss the next step reports.
    const tags = Int32Array.of(0, 1, 2, 3, 2, 1);
    const first = m.evaluate({ tokens, tags }, { sizes: { T } });
    expect(m.trainStep({ tokens, tags }, { sizes: { T } })).toBe(first);
    for (let i = 0; i < 30; i++) m.trainStep({ tokens, tags }, { sizes: { T } });
    expect(m.evaluate({ tokens, tags }, { sizes: { T } })).toBeLessThan(first / 2);
    const shorter = m.evaluate({ tokens, tags }, { sizes: { T: 2 } });
    expect(m.trainStep({ tokens, tags }, { sizes: { T: 2 } })).toBe(shorter);
    expect(m.steps).toBe(32);
  }, TIMEOUT);

  it("missing, inconsistent or malformed sizes are refused, naming what to give, before anything changes", () => {
    const m = SeqTagger.create();
    const before = snapshot(m);
    const tokens = Int32Array.of(1, 2, 3, 4, 5, 6);
    const tags = Int32Array.of(0, 1, 2, 3, 2, 1);
    const C = "SeqTagger.trainStep";
    const step = (options?: unknown) => () => m.trainStep({ tokens, tags }, options as Options);
    expect(step()).toThrow(new RangeError(`${C}: the length of "tokens" (i32[B, T], 6 values) does not determine T: give it, as in trainStep(…, { sizes: { T: … } })`));
    expect(() => m.forward({ tokens })).toThrow(new RangeError('SeqTagger.forward: the length of "tokens" (i32[B, T], 6 values) does not determine T: give it, as in forward(…, { sizes: { T: … } })'));
    expect(step({ sizes: { T: 4 } })).toThrow(new RangeError(`${C}: "tokens" expects i32[B, T], a positive multiple of 4 values (T = 4 given in sizes), received 6`));
    expect(step({ sizes: { T: 3, B: 3 } })).toThrow(new RangeError(`${C}: sizes.B is 3, but the length of "tokens" (i32[B, T], 6 values, T = 3 given in sizes) makes B = 2`));
    expect(() => m.trainStep({ tokens, tags: tags.subarray(1) }, { sizes: { T: 3 } })).toThrow(new RangeError(`${C}: "tags" expects i32[B, T], 6 values (B = 2 from the length of "tokens", T = 3 given in sizes), received 5`));
    expect(step({ sizes: { T: 0 } })).toThrow(new TypeError(`${C}: sizes.T must be a positive integer, received 0`));
    expect(step({ sizes: { T: "3" } })).toThrow(new TypeError(`${C}: sizes.T must be a positive integer, received string`));
    expect(step({ sizes: { L: 3 } })).toThrow(new RangeError(`${C}: sizes has "L", which is not a size of this model; its sizes are B, T`));
    expect(step({ sizes: 3 })).toThrow(new TypeError(`${C}: sizes must be an object such as { B: 8, T: 8 }, received number`));
    expect(snapshot(m)).toEqual(before);
  });

  it("a model whose arrays determine every size takes no sizes (its methods' signatures are unchanged)", () => {
    const text = readFileSync(compiled[0]!.file, "utf8");
    expect(text).toContain("trainStep(batch: u_DigitsMLP_batch): number {");
    expect(text).not.toContain("DigitsMLPSizes");
    expect(text).not.toContain("u_DigitsMLP_sizes");
    expect(readFileSync(seqTaggerFile, "utf8")).toContain("trainStep(batch: u_SeqTagger_batch, options: { sizes?: u_SeqTagger_sizes } = {}): number {");
    expect(readFileSync(seqTaggerFile, "utf8")).toContain("u_SeqTagger_sizes as SeqTaggerSizes");
  });
});
