// Every model of every sample, exported to ONNX and run by onnxruntime-node at batch sizes 1, 3
// and 8: the outputs equal the generated ts module's forward to 1e-5 (compare.ts).
import { afterAll, describe, it } from "vitest";
import { readdirSync } from "node:fs";
import { runFrontEnd } from "../../../src/api/compile.ts";
import { expectExportMatches, GeneratedModules } from "./compare.ts";

const SAMPLES = readdirSync("samples").filter((f) => f.endsWith(".dnn")).sort();
const modules = new GeneratedModules();
afterAll(() => modules.cleanup());

describe.each(SAMPLES)("ONNX export of samples/%s", (sample) => {
  const path = `samples/${sample}`;
  const models = runFrontEnd({ path }, "dce").compilation.models;
  it.each(models.map((m) => [m.name, m] as const))("%s: onnxruntime equals the generated module at batch 1, 3 and 8", async (_name, m) => {
    await expectExportMatches(path, m, modules);
  }, 120_000);
});
