// `dnnc weights FILE --from-pytorch | --to-pytorch`: the report on standard output, the file
// written only when every parameter paired (exit 0), refused with the report (exit 1), and usage
// mistakes in one line (exit 2).
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.ts";
import * as ort from "onnxruntime-node";
import { safetensorsRead } from "../../src/runtime/safetensors.ts";
import { noise } from "../helpers/sample-values.ts";

const dir = mkdtempSync(join(tmpdir(), "dnnc-weights-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const F = "test/fixtures/pytorch";

async function dnnc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { out: (s) => void (stdout += s), err: (s) => void (stderr += s), color: false });
  return { code, stdout, stderr };
}

const names = (path: string) => [...safetensorsRead("", readFileSync(path)).tensors.keys()];

describe("dnnc weights", () => {
  it("--from-pytorch writes a dnnc checkpoint and prints what paired with what; --to-pytorch --like writes the state_dict back", async () => {
    const checkpoint = join(dir, "cnn.safetensors");
    const r = await dnnc("weights", `${F}/cnn_bn.dnn`, "--from-pytorch", `${F}/cnn_bn.safetensors`, "--out", checkpoint);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PyTorch → dnnc, model CnnBn: 5 layers paired\n  conv2d \(Conv2D\) ← conv1  \[in order\]\n    conv2d.kernel \[3, 3, 1, 8\] ← conv1.weight: transposed \[out, in, KH, KW\] → \[KH, KW, in, out\]\n/);
    expect(r.stdout).toContain("Ignored: bn1.num_batches_tracked, bn2.num_batches_tracked");
    expect(r.stderr).toMatch(/^wrote .*cnn\.safetensors \(model CnnBn, dnnc checkpoint, [\d.]+ kB\)\n$/);
    expect(names(checkpoint)).toEqual(["conv2d.kernel", "conv2d.bias", "batch_norm.gamma", "batch_norm.beta", "batch_norm.moving_mean", "batch_norm.moving_variance", "conv2d_1.kernel", "conv2d_1.bias", "batch_norm_1.gamma", "batch_norm_1.beta", "batch_norm_1.moving_mean", "batch_norm_1.moving_variance", "dense.kernel", "dense.bias"]);
    const back = join(dir, "cnn.pt.safetensors");
    const b = await dnnc("weights", `${F}/cnn_bn.dnn`, "--to-pytorch", checkpoint, "--like", `${F}/cnn_bn.safetensors`, "--out", back);
    expect(b.code).toBe(0);
    expect(b.stdout).toContain("dnnc → PyTorch, model CnnBn: 5 layers paired\n  conv2d (Conv2D) → conv1  [in order]");
    const original = safetensorsRead("", readFileSync(`${F}/cnn_bn.safetensors`));
    const written = safetensorsRead("", readFileSync(back));
    for (const t of original.tensors.values()) {
      const w = written.tensors.get(t.name)!;
      expect(written.bytes.subarray(w.begin, w.end), t.name).toEqual(original.bytes.subarray(t.begin, t.end));
    }
  });

  it("the checkpoint is one dnnc's own tools take: exported to ONNX with --weights, it computes what PyTorch's export does", async () => {
    const checkpoint = join(dir, "cnn-for-export.safetensors");
    expect((await dnnc("weights", `${F}/cnn_bn.dnn`, "--from-pytorch", `${F}/cnn_bn.safetensors`, "--out", checkpoint)).code).toBe(0);
    const onnx = join(dir, "cnn.onnx");
    const e = await dnnc("export", `${F}/cnn_bn.dnn`, "--format", "onnx", "--weights", checkpoint, "--out", onnx);
    expect(e.code).toBe(0);
    const batch = 2;
    const nhwc = Float32Array.from(noise(batch * 28 * 28, 11));
    const nchw = nhwc; // one channel: NHWC and NCHW are the same bytes
    const run = async (file: string, x: Float32Array, shape: number[]) => {
      const session = await ort.InferenceSession.create(file);
      const out = (await session.run({ x: new ort.Tensor("float32", x, shape) }))["logits"]!.data as Float32Array;
      await session.release();
      return out;
    };
    const ours = await run(onnx, nhwc, [batch, 28, 28, 1]);
    const theirs = await run(`${F}/cnn_bn.onnx`, nchw, [batch, 1, 28, 28]);
    const largest = theirs.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    theirs.forEach((v, i) => expect(Math.abs(v - ours[i]!)).toBeLessThanOrEqual(1e-4 * largest));
  });

  it("--map pairs by name; --json prints the report as data", async () => {
    const map = join(dir, "map.json");
    writeFileSync(map, JSON.stringify({ dense: "fc1", "dense_1.kernel": "fc2.weight" }));
    const r = await dnnc("weights", `${F}/mlp.dnn`, "--from-pytorch", `${F}/mlp.safetensors`, "--map", map, "--json", "--out", join(dir, "mlp.safetensors"));
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; matched: { layer: string; module: string; how: string }[] };
    expect(report.ok).toBe(true);
    expect(report.matched.map((m) => [m.layer, m.module, m.how])).toEqual([["dense", "fc1", "map"], ["dense_1", "fc2", "map"]]);
  });

  it("weights that do not pair: the report says what did not, nothing is written, exit 1", async () => {
    const out = join(dir, "never.safetensors");
    const r = await dnnc("weights", `${F}/lstm.dnn`, "--from-pytorch", `${F}/mlp.safetensors`, "--out", out);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Not paired in the model:\n  lstm (LSTM): lstm.kernel [28, 128], lstm.recurrent_kernel [32, 128], lstm.bias [128]\n");
    expect(r.stdout).toContain("Not read in the PyTorch file:\n  fc1.weight F32[32, 64]\n  fc1.bias F32[32]\n");
    expect(r.stderr).toBe("dnnc: nothing written: not every layer of the model was paired\n");
    expect(existsSync(out)).toBe(false);
  });

  it("a model the file lacks is a diagnostic with a suggestion, as for dnnc export: exit 1, nothing written", async () => {
    const r = await dnnc("weights", `${F}/mlp.dnn`, "--from-pytorch", `${F}/mlp.safetensors`, "--model", "Mpl", "--out", "x");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/error\[DNN0105\]: no model `Mpl` in this file/);
    expect(r.stderr).toMatch(/did you mean `Mlp`\?/);
  });

  it.each([
    [["--out", "x"], "dnnc: give one of --from-pytorch <state_dict.safetensors> and --to-pytorch <checkpoint.safetensors>\n"],
    [["--from-pytorch", `${F}/mlp.safetensors`, "--like", `${F}/mlp.safetensors`, "--out", "x"], "dnnc: --like goes with --to-pytorch (the state_dict whose names and order to write)\n"],
    [["--from-pytorch", "missing.safetensors", "--out", "x"], "dnnc: cannot read --from-pytorch missing.safetensors: no such file\n"],
    [["--from-pytorch", `${F}/mlp.dnn`, "--out", "x"], /^dnnc: test\/fixtures\/pytorch\/mlp\.dnn: not a valid safetensors file: /],
    [["--from-pytorch", `${F}/mlp.safetensors`, "--map", `${F}/mlp.dnn`, "--out", "x"], /^dnnc: --map test\/fixtures\/pytorch\/mlp\.dnn is not JSON: /],
  ])("usage mistakes are one line, exit 2: %j", async (args, message) => {
    const r = await dnnc("weights", `${F}/mlp.dnn`, ...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    if (typeof message === "string") expect(r.stderr).toBe(message);
    else expect(r.stderr).toMatch(message);
  });
});
