// Windows of every kind (test/backend/onnx/fixtures/windows.dnn): convolutions and max poolings with
// padding, strides, dilation and crops (a negative padding after) as ONNX Conv and MaxPool, and the
// windows no pattern matches (average pooling, a transposed convolution's) spelled out as strided
// slices — each exported model equal to the generated module under onnxruntime (compare.ts).
import { afterAll, expect, it } from "vitest";
import { runFrontEnd } from "../../../src/api/compile.ts";
import { findPatterns } from "../../../src/backend/onnx/patterns.ts";
import { expectExportMatches, GeneratedModules } from "./compare.ts";

const PATH = "test/backend/onnx/fixtures/windows.dnn";
const modules = new GeneratedModules();
afterAll(() => modules.cleanup());
const models = runFrontEnd({ path: PATH }, "dce").compilation.models;

it("has windows of both kinds: ones that become Conv or MaxPool, and ones spelled out", () => {
  const windows = models.flatMap((m) => m.forward.nodes.filter((n) => n.op === "window").map((n) => ({ m, n })));
  const matched = (m: (typeof models)[number], id: number) => findPatterns(m.forward).absorbed.has(id);
  expect(windows.filter(({ m, n }) => matched(m, n.id)).length).toBeGreaterThanOrEqual(5);
  expect(windows.filter(({ m, n }) => !matched(m, n.id)).length).toBeGreaterThanOrEqual(2);
});

it.each(models.map((m) => [m.name, m] as const))("%s: onnxruntime equals the generated module at batch 1, 3 and 8", async (_name, m) => {
  await expectExportMatches(PATH, m, modules);
}, 120_000);
