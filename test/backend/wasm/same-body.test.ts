// The wasm target keeps one function for kernels whose WebAssembly is the same (backend/wasm/
// target.ts); two whose bodies read alike but whose parameters differ (one takes a symbolic size
// it never reads) are two functions, or the call of one passes the other's arguments. Here the
// sum over the batch of the generated points' gradient (a bias's) came out 0: the training step
// of test/backend/fixtures/stacked.dnn, on both CPU targets, gives the same parameters.
import { afterAll, beforeAll, expect, it } from "vitest";
import { compileSample, importGenerated, type CompiledSample } from "../../helpers/compile-sample.ts";

interface Model {
  trainStep(batch: Record<string, Float32Array>): number;
  getParameters(): Record<string, Float32Array>;
}
type ModelClass = { create(options: { seed: number }): Model };

const compiled: CompiledSample[] = [];
const classes = new Map<string, ModelClass>();
beforeAll(async () => {
  for (const target of ["ts", "wasm"] as const) {
    const s = await compileSample("test/backend/fixtures/stacked.dnn", target);
    compiled.push(s);
    if (s.code !== 0) throw new Error(s.stderr);
    classes.set(target, (await importGenerated<Record<string, ModelClass>>(s.file)).Gan!);
  }
}, 120_000);
afterAll(() => compiled.forEach((s) => s.cleanup()));

it("a training step through stacked applications gives the same parameters on the wasm target as on the ts one", () => {
  const B = 5;
  const batch = { real: Float32Array.from({ length: B * 2 }, (_, i) => Math.sin(i + 1)), noise: Float32Array.from({ length: B * 4 }, (_, i) => Math.cos(3 * i)) };
  const [ts, wasm] = ["ts", "wasm"].map((t) => classes.get(t)!.create({ seed: 1 }));
  expect(wasm!.trainStep(batch)).toBeCloseTo(ts!.trainStep(batch), 5);
  const [want, got] = [ts!.getParameters(), wasm!.getParameters()];
  for (const name of Object.keys(want)) want[name]!.forEach((v, i) => expect(Math.abs(got[name]![i]! - v), `${name}[${i}]`).toBeLessThan(1e-5));
  // The bias the sum feeds moved at all.
  expect(Array.from(got["gen_block.bias"]!).some((v) => v !== 0)).toBe(true);
});
