// dnnc's gather reads a row of zeros for an index outside the table (ir.ts); ONNX's Gather would
// fail on one, so the export masks it (lower-nn.ts). The generated module refuses such token ids
// at its boundary, so the reference interpreter is the oracle here: the sort transformer's export,
// fed ids below 0 and past the embedding's rows, equals the interpreted forward.
import { expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { exportModel } from "../../../src/api/export.ts";
import { runFrontEnd } from "../../../src/api/compile.ts";
import { initialParameters } from "../../../src/backend/onnx/export.ts";
import { interpret } from "../../../src/ir/interpret.ts";

it("an index outside the table reads a row of zeros, as in dnnc", async () => {
  const path = "samples/sort_transformer.dnn";
  const m = runFrontEnd({ path }, "dce").compilation.models[0]!;
  const rows = m.indexRanges.find((r) => r.name === "tokens")!.below[0] as number;
  const batch = 2;
  const width = m.inputs[0]!.shape[1] as number;
  // Every third id out of range (below 0 or past the last row), the others valid.
  const outside = [-1, rows, rows + 40, -1000];
  const tokens = Int32Array.from({ length: batch * width }, (_, i) => (i % 3 === 0 ? outside[(i / 3) % outside.length]! : i % rows));
  expect(tokens.some((t) => t < 0) && tokens.some((t) => t >= rows)).toBe(true);

  const session = await ort.InferenceSession.create(exportModel({ path, seed: 2 }).bytes!);
  const got = (await session.run({ tokens: new ort.Tensor("int32", tokens, [batch, width]) }))["logits"]!.data as Float32Array;
  await session.release();

  const params = initialParameters(m, 2);
  const args = m.forward.args.map((a) => (a.role === "input" ? Float64Array.from(tokens) : Float64Array.from(params.get(a.name)!)));
  const want = interpret(m.forward, args, { B: batch })[m.forward.outputs.findIndex((o) => o.name === "logits")]!;
  const scale = want.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
  expect(scale).toBeGreaterThan(0);
  // float32 (onnxruntime) against float64 (the interpreter) through a transformer: 1e-4 of the largest logit.
  want.forEach((w, i) => expect(Math.abs(got[i]! - w), `logits[${i}]`).toBeLessThanOrEqual(1e-4 * scale));
}, 120_000);
