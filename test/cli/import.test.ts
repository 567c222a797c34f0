// `dnnc import FILE.onnx --out DIR`: writes DIR/NAME.dnn and DIR/NAME.safetensors and says what it
// wrote and which layers it recognised; the files compile and `dnnc train --init-from` fine-tunes
// from them. A file that is not ONNX is exit 1 with its diagnostic; a missing file or a bad flag
// is a usage error (exit 2) in one line, never a stack trace.
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.ts";
import { ROOT } from "../helpers/compile-sample.ts";

const dir = mkdtempSync(join(tmpdir(), "dnnc-import-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (name: string) => join(ROOT, "test", "fixtures", "pytorch", `${name}.onnx`);

async function dnnc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { out: (s) => void (stdout += s), err: (s) => void (stderr += s), color: false });
  return { code, stdout, stderr };
}

describe("dnnc import", () => {
  it("writes the .dnn file and the weights, and reports the layers it recognised", async () => {
    const out = join(dir, "cnn");
    const r = await dnnc("import", fixture("cnn_bn"), "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`wrote ${join(out, "cnn_bn.dnn")} (model CnnBn) and ${join(out, "cnn_bn.safetensors")}`);
    expect(r.stderr).toContain("recognised: Conv2D ×2, BatchNorm ×2, Dense");
    expect(readFileSync(join(out, "cnn_bn.dnn"), "utf8")).toContain("model CnnBn {");
    expect((await dnnc("check", join(out, "cnn_bn.dnn"))).code).toBe(0);
  });

  it("--name names the model; --no-train leaves the train block out", async () => {
    const out = join(dir, "named");
    const r = await dnnc("import", fixture("mlp"), "--out", out, "--name", "Digits", "--no-train");
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(out, "mlp.dnn"), "utf8");
    expect(text).toContain("model Digits {");
    expect(text).not.toContain("train Digits");
  });

  it("the imported MLP fine-tunes with dnnc train --init-from its weights", async () => {
    const out = join(dir, "train");
    expect((await dnnc("import", fixture("mlp"), "--out", out)).code).toBe(0);
    const r = await dnnc("train", join(out, "mlp.dnn"), "--data", "digits", "--init-from", join(out, "mlp.safetensors"), "--epochs", "1", "--backend", "ts", "--checkpoint", join(out, "tuned.safetensors"), "--report", join(out, "report.html"), "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("parameters from");
    // PyTorch trained it on these digits: it starts (and stays) accurate, which random weights are not.
    expect(JSON.parse(r.stdout).testAccuracy).toBeGreaterThan(0.9);
    expect(existsSync(join(out, "tuned.safetensors"))).toBe(true);
  }, 120_000);

  it("a file that is not ONNX: exit 1 and its diagnostic, nothing written", async () => {
    const bad = join(dir, "bad.onnx");
    writeFileSync(bad, "not a model\n");
    const out = join(dir, "bad-out");
    const r = await dnnc("import", bad, "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[DNN0720]: bad.onnx is not a readable ONNX model");
    expect(r.stderr).toContain(` --> ${bad}\n\nerror: 1 error emitted`); // the file, and no source line of a binary file
    expect(existsSync(out)).toBe(false);
  });

  it("a missing file or a bad --name is a usage error in one line", async () => {
    const missing = await dnnc("import", join(dir, "nope.onnx"), "--out", dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`dnnc: cannot read ${join(dir, "nope.onnx")}: no such file\n`);
    const badName = await dnnc("import", fixture("mlp"), "--out", dir, "--name", "my-model");
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain("--name must be an identifier");
    const reserved = await dnnc("import", fixture("mlp"), "--out", dir, "--name", "default");
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toContain("--name default: `default` is the module's default export");
    expect((await dnnc("import", fixture("mlp"))).code).toBe(2); // --out is required
  });
});
