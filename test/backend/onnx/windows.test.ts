// Windows of every kind (test/backend/onnx/fixtures/windows.dnn): convolutions and poolings with
// padding, strides, dilation and crops (a negative padding after) as ONNX Conv, MaxPool and
// AveragePool (both countings), means as ReduceMean, and a window no pattern matches (one two
// convolutions share) spelled out as strided slices — each exported model equal to the generated
// module under onnxruntime (compare.ts). checker.test.ts counts the nodes each pattern becomes.
import { afterAll, expect, it } from "vitest";
import { runFrontEnd } from "../../../src/api/compile.ts";
import { findPatterns } from "../../../src/ir/patterns.ts";
import { expectExportMatches, GeneratedModules } from "./compare.ts";

const PATH = "test/backend/onnx/fixtures/windows.dnn";
const modules = new GeneratedModules();
afterAll(() => modules.cleanup());
const models = runFrontEnd({ path: PATH }, "dce").compilation.models;

it("has windows of both kinds: ones that become Conv or MaxPool, and ones spelled out", () => {
  const windows = models.flatMap((m) => m.forward.nodes.filter((n) => n.op === "window").map((n) => ({ m, n })));
  const matched = (m: (typeof models)[number], id: number) => findPatterns(m.forward).absorbed.has(id);
  expect(windows.filter(({ m, n }) => matched(m, n.id)).length).toBeGreaterThanOrEqual(5);
  expect(windows.filter(({ m, n }) => !matched(m, n.id)).length).toBeGreaterThanOrEqual(1);
});

it("has average poolings of both countings and a mean, which patterns.ts finds", () => {
  const found = models.map((m) => findPatterns(m.forward));
  const pools = found.flatMap((p) => [...p.avgPools.values()]);
  // Keras's "same" (edge windows divide by their positions inside) and "valid" (every window by its size).
  expect(pools.filter((p) => p.countIncludePad === 0).length).toBeGreaterThanOrEqual(3);
  expect(pools.filter((p) => p.countIncludePad === 1).length).toBeGreaterThanOrEqual(1);
  expect(found.reduce((k, p) => k + p.means.size, 0)).toBeGreaterThanOrEqual(2);
  // Every average pooling of the fixture is found: no window summed over its kernel axes is left.
  for (const [m, p] of models.map((m, i) => [m, found[i]!] as const)) {
    const summed = m.forward.nodes.filter((n) => n.op === "sum" && m.forward.nodes[n.inputs[0]!]!.op === "window");
    expect(summed.length, m.name).toBe(p.avgPools.size);
  }
});

it.each(models.map((m) => [m.name, m] as const))("%s: onnxruntime equals the generated module at batch 1, 3 and 8", async (_name, m) => {
  await expectExportMatches(PATH, m, modules);
}, 120_000);
