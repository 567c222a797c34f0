// samples/sort_transformer.dnn's causal mask, on the generated module: a prediction depends on
// the tokens at and before its position and on nothing after. (scripts/train-sort.ts, run by
// `npm run results`, trains it and measures greedy decoding, which needs the same property.)
import { afterAll, describe, expect, it } from "vitest";
import { compileSample, importGenerated, type CompiledSample } from "../helpers/compile-sample.ts";
import { mulberry32 } from "../../src/runtime/random-order.ts";

interface SortModel {
  forward(inputs: { tokens: Int32Array }): { logits: Float32Array };
  trainStep(batch: { tokens: Int32Array; y: Int32Array }): number;
}

const SEQ = 16;
const OUT = 8; // logits for positions 8…15
const VOCAB = 11;
const compiled: CompiledSample[] = [];
afterAll(() => compiled.forEach((c) => c.cleanup()));

async function sortModel(): Promise<SortModel> {
  const c = await compileSample("samples/sort_transformer.dnn", "ts");
  compiled.push(c);
  expect(c.code, c.stderr).toBe(0);
  const m = await importGenerated<{ SortTransformer: { create(o: object): SortModel } }>(c.file);
  return m.SortTransformer.create({ seed: 3 });
}

function randomTokens(n: number, seed: number): Int32Array {
  const rand = mulberry32(seed);
  return Int32Array.from({ length: n * SEQ }, () => Math.floor(rand() * VOCAB));
}

/** The logits of output position `p` (sequence position 8 + p) of example `i`. */
const row = (logits: Float32Array, i: number, p: number) => Array.from(logits.subarray((i * OUT + p) * VOCAB, (i * OUT + p + 1) * VOCAB));

describe("sort_transformer", () => {
  it("a prediction reads only its own and earlier positions, after training steps too", async () => {
    const model = await sortModel();
    const n = 4;
    const y = Int32Array.from({ length: n * OUT }, (_, k) => k % 10);
    for (let s = 0; s < 3; s++) model.trainStep({ tokens: randomTokens(n, 10 + s), y }); // weights away from their initial symmetry
    const tokens = randomTokens(n, 1);
    const before = model.forward({ tokens }).logits;
    for (const changed of [9, 12, 15]) {
      const edited = tokens.slice();
      for (let i = 0; i < n; i++) edited[i * SEQ + changed] = (edited[i * SEQ + changed]! + 1) % VOCAB;
      const after = model.forward({ tokens: edited }).logits;
      for (let i = 0; i < n; i++)
        for (let p = 0; p < OUT; p++) {
          if (8 + p < changed) expect(row(after, i, p), `position ${8 + p} must not see position ${changed}`).toEqual(row(before, i, p));
          else expect(row(after, i, p), `position ${8 + p} sees position ${changed}`).not.toEqual(row(before, i, p));
        }
    }
  }, 120_000);
});
