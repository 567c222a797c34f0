// `dnnc train` as a user runs it: a child process in a scratch directory, the digits set (in
// the repository), checkpoints that load again, an interrupted run that leaves one, and
// refused checkpoints that say which tensor and which shape.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readMetadata, readSafetensors, withMetadata, writeSafetensors } from "../../src/fit/safetensors.ts";
import { dnncIn, interruptTraining, ROOT } from "../helpers/dnnc-cli.ts";

const MLP = join(ROOT, "samples/mlp_digits.dnn");
const TIMEOUT = 120_000;

const dnnc = (cwd: string, ...args: string[]) => dnncIn(cwd, TIMEOUT, ...args);
const scratch = () => mkdtempSync(join(tmpdir(), "dnnc-train-test-"));

describe("dnnc train", () => {
  it("trains the digits MLP: per-epoch lines, a test evaluation, a checkpoint and a report", () => {
    const dir = scratch();
    const r = dnnc(dir, "train", MLP, "--epochs", "3", "--json");
    expect(r.status).toBe(0);
    const epochs = r.stderr.split("\n").filter((l) => /^epoch \d+: loss/.test(l));
    expect(epochs).toHaveLength(3); // not a terminal: plain lines, no bar
    // The WebAssembly backend is the default.
    expect(r.stderr).toMatch(/^training DigitsMLP on digits\/train: .*; wasm backend$/m);
    const result = JSON.parse(r.stdout);
    expect(result.history.map((h: { loss: number }) => h.loss)).toEqual([...result.history.map((h: { loss: number }) => h.loss)].sort((a, b) => b - a));
    expect(result.testAccuracy).toBeGreaterThan(0.85);
    expect(readSafetensors(readFileSync(join(dir, "mlp_digits.safetensors"))).has("dense.kernel")).toBe(true);
    const report = readFileSync(join(dir, "mlp_digits.report.html"), "utf8");
    expect(report).toContain("<svg");
    expect(report).toMatch(/Test set: accuracy \d+\.\d+ %/);
    expect(report).toContain("true \\ predicted");
    expect(report).toContain("<th>accuracy</th><th>val loss</th><th>val accuracy</th>");
    expect(report).not.toContain("data:image/bmp"); // images are shown for models trained on their input alone
    // Resuming goes on from the checkpoint's weights and epoch: --epochs counts the whole run.
    const resumed = dnnc(dir, "train", MLP, "--epochs", "4", "--resume", "mlp_digits.safetensors", "--json", "--checkpoint", "again.safetensors");
    expect(resumed.status).toBe(0);
    const history = JSON.parse(resumed.stdout).history;
    expect(history.map((h: { epoch: number }) => h.epoch)).toEqual([4]);
    expect(history[0].loss).toBeLessThan(result.history[0].loss);
    const over = dnnc(dir, "train", MLP, "--epochs", "3", "--resume", "again.safetensors");
    expect(over.status).toBe(2);
    expect(over.stderr).toMatch(/again\.safetensors has 4 of the run's epochs done, and --epochs is 3: with --resume, --epochs counts the whole run; give more than 4, or start a new run from its weights with --init-from/);
  }, TIMEOUT);

  it("Ctrl-C stops after the current batch and leaves a checkpoint that loads", async () => {
    const dir = scratch();
    const { code, stderr } = await interruptTraining(dir, [MLP, "--epochs", "100000", "--checkpoint", "stopped.safetensors"], 2);
    expect(code).toBe(130);
    const m = /interrupted in epoch (\d+) of 100000: checkpoint with \d+ steps written to stopped\.safetensors; the same command with --resume stopped\.safetensors goes on from epoch (\d+)/.exec(stderr);
    expect(m, stderr).not.toBeNull();
    const epoch = Number(m![1]);
    expect(Number(m![2])).toBe(epoch);
    expect(readMetadata(readFileSync(join(dir, "stopped.safetensors")))["dnnc.train.epoch"]).toBe(String(epoch - 1)); // the interrupted epoch is not done
    const resumed = dnnc(dir, "train", MLP, "--epochs", String(epoch), "--resume", "stopped.safetensors", "--json");
    expect(resumed.status).toBe(0);
    expect(JSON.parse(resumed.stdout).history.map((h: { epoch: number }) => h.epoch)).toEqual([epoch]);
  }, TIMEOUT);

  it("refuses a corrupt checkpoint or one of another shape, naming the tensor and the expected shape", () => {
    const dir = scratch();
    writeFileSync(join(dir, "corrupt.safetensors"), Buffer.from("this is not a checkpoint"));
    const corrupt = dnnc(dir, "train", MLP, "--epochs", "1", "--resume", "corrupt.safetensors");
    expect(corrupt.status).toBe(2);
    expect(corrupt.stderr).toMatch(/checkpoint corrupt\.safetensors refused: not a valid safetensors file/);

    expect(dnnc(dir, "train", MLP, "--epochs", "1", "--checkpoint", "good.safetensors").status).toBe(0);
    const tensors = readSafetensors(readFileSync(join(dir, "good.safetensors")));
    const kernel = tensors.get("dense.kernel")!;
    tensors.set("dense.kernel", { ...kernel, shape: [kernel.shape[0]! / 2, kernel.shape[1]! * 2] }); // same bytes, another shape
    writeFileSync(join(dir, "reshaped.safetensors"), writeSafetensors(tensors));
    const wrong = dnnc(dir, "train", MLP, "--epochs", "1", "--resume", "reshaped.safetensors");
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/checkpoint reshaped\.safetensors refused: tensor "dense\.kernel" has shape \[32, \d+\], expected \[64, \d+\]/);
    expect(existsSync(join(dir, "mlp_digits.safetensors"))).toBe(false); // nothing trained
  }, TIMEOUT);

  it("--init-from takes parameters only, and says which start afresh", () => {
    const dir = scratch();
    expect(dnnc(dir, "train", MLP, "--epochs", "1", "--checkpoint", "base.safetensors").status).toBe(0);
    const tensors = readSafetensors(readFileSync(join(dir, "base.safetensors")));
    tensors.delete("dense_1.bias");
    writeFileSync(join(dir, "partial.safetensors"), writeSafetensors(tensors));
    const r = dnnc(dir, "train", MLP, "--epochs", "1", "--init-from", "partial.safetensors");
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("parameters from partial.safetensors; initialised afresh: dense_1.bias (not in the checkpoint)");
    // A new head with the same layers as the old one would silently start from the old one's
    // weights: --init-from-only says which parameters to take.
    const only = dnnc(dir, "train", MLP, "--epochs", "1", "--init-from", "base.safetensors", "--init-from-only", "dense", "--checkpoint", "only.safetensors");
    expect(only.status).toBe(0);
    expect(only.stderr).toContain("initialised afresh: dense_1.kernel (not chosen by --init-from-only), dense_1.bias (not chosen by --init-from-only)");
    const typo = dnnc(dir, "train", MLP, "--init-from", "base.safetensors", "--init-from-only", "dense.kernel,dnese*");
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/--init-from-only: 'dnese\*' matches no parameter or layer of DigitsMLP \(parameters: dense\.kernel, dense\.bias, dense_1\.kernel, dense_1\.bias\)/);
    expect(dnnc(dir, "train", MLP, "--init-from-only", "dense").stderr).toMatch(/give --init-from too/);
  }, TIMEOUT);

  it("--init-from reads parameters as a model's load() does: float64 ones are converted, not started afresh", () => {
    const dir = scratch();
    expect(dnnc(dir, "train", MLP, "--epochs", "1", "--checkpoint", "base.safetensors").status).toBe(0);
    const tensors = readSafetensors(readFileSync(join(dir, "base.safetensors")));
    const kernel = tensors.get("dense.kernel")!;
    const f32 = new Float32Array(Uint8Array.from(kernel.data).buffer);
    tensors.set("dense.kernel", { dtype: "F64", shape: kernel.shape, data: new Uint8Array(Float64Array.from(f32).buffer) });
    writeFileSync(join(dir, "f64.safetensors"), writeSafetensors(tensors));
    // Float64 is a type load() converts (safetensorsCopy); before, --init-from started such a parameter afresh.
    const r = dnnc(dir, "train", MLP, "--epochs", "1", "--init-from", "f64.safetensors", "--checkpoint", "copy.safetensors");
    expect(r.stderr).toContain("parameters from f64.safetensors: all of them");
    expect(r.status).toBe(0);
  }, TIMEOUT);

  it("--lr sets the learning rate kept in the checkpoint; --reduce-lr lowers it on a plateau", () => {
    const dir = scratch();
    const r = dnnc(dir, "train", MLP, "--epochs", "2", "--lr", "0.25", "--checkpoint", "lr.safetensors");
    expect(r.status).toBe(0);
    const lr = readSafetensors(readFileSync(join(dir, "lr.safetensors"))).get("lr")!;
    expect(new DataView(lr.data.buffer, lr.data.byteOffset, 4).getFloat32(0, true)).toBeCloseTo(0.25, 6);
    // At lr 2 Adam cannot improve for long: every epoch without a better validation loss halves it.
    const plateau = dnnc(dir, "train", MLP, "--epochs", "6", "--lr", "2", "--reduce-lr", "1", "--min-lr", "0.3");
    expect(plateau.status).toBe(0);
    expect(plateau.stderr).toMatch(/no improvement for 1 epoch: learning rate 2\.00 → 1\.00/);
    expect(plateau.stderr).not.toMatch(/→ 0\.[0-2]/); // never below --min-lr
  }, TIMEOUT);

  it("--lr-schedule cosine sets each epoch's learning rate along half a cosine", () => {
    const dir = scratch();
    const r = dnnc(dir, "train", MLP, "--epochs", "4", "--batch", "32", "--lr", "0.01", "--lr-schedule", "cosine", "--min-lr", "0.001", "--json", "--checkpoint", "cos.safetensors");
    expect(r.status).toBe(0);
    const lrs = JSON.parse(r.stdout).history.map((h: { lr: number }) => h.lr);
    // min + (initial − min)·(1 + cos(π·(epoch − 1)/epochs))/2, worked by hand for epochs 1–4
    const expected = [0.01, 0.001 + 0.009 * (1 + Math.SQRT1_2) / 2, 0.0055, 0.001 + 0.009 * (1 - Math.SQRT1_2) / 2];
    lrs.forEach((lr: number, i: number) => expect(lr).toBeCloseTo(expected[i]!, 9));
    const saved = readSafetensors(readFileSync(join(dir, "cos.safetensors"))).get("lr")!;
    expect(new DataView(saved.data.buffer, saved.data.byteOffset, 4).getFloat32(0, true)).toBeCloseTo(expected[3]!, 6);
    expect(r.stderr).toMatch(/epoch 4: .* lr 0\.00232 /);
    // Setting the rate each epoch keeps the step count (Adam's bias correction depends on it).
    const examples = Number(/digits\/train: ([\d,]+) examples/.exec(r.stderr)![1]!.replace(/,/g, ""));
    const bytes = readFileSync(join(dir, "cos.safetensors"));
    expect(readMetadata(bytes)).toMatchObject({ "dnnc.steps": String(4 * Math.ceil(examples / 32)), "dnnc.train.epoch": "4", "dnnc.train.lr": "0.01" });
    // A run stopped after epoch 1 and resumed goes on along the same cosine.
    writeFileSync(join(dir, "after1.safetensors"), withMetadata(bytes, { "dnnc.train.epoch": "1" }));
    const rest = dnnc(dir, "train", MLP, "--epochs", "4", "--lr-schedule", "cosine", "--min-lr", "0.001", "--json", "--resume", "after1.safetensors");
    expect(rest.status).toBe(0);
    const later = JSON.parse(rest.stdout).history as { epoch: number; lr: number }[];
    expect(later.map((h) => h.epoch)).toEqual([2, 3, 4]);
    later.forEach((h) => expect(h.lr).toBeCloseTo(expected[h.epoch - 1]!, 9));
    const both = dnnc(dir, "train", MLP, "--lr-schedule", "cosine", "--reduce-lr", "2");
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--lr-schedule cosine and --reduce-lr each set the learning rate: choose one/);
  }, TIMEOUT);

  it.each([
    [["--data", "nowhere"], /--data nowhere: no such dataset or file/],
    [["--augment", "flip"], /--augment works on images \[height, width, channels\]; digits\/train has examples of shape \[64\]/],
    [["--augment", "spin=3"], /--augment: unknown part 'spin=3'/],
    [["--classes", "a-b"], /--classes: expected a list such as 0-4/],
    [["--epochs", "0"], /--epochs must be a whole number from 1 to 1,000,000, received '0'/],
    [["--validation-split", "1"], /--validation-split must be a fraction in \[0, 1\)/],
  ])("a mistake in %j is one line, exit 2", (args, message) => {
    const r = dnnc(scratch(), "train", MLP, ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  }, TIMEOUT);

  it("a model over two inputs is refused by name", () => {
    const dir = scratch();
    const file = join(dir, "two.dnn");
    writeFileSync(file, "import std.layers.{Dense}\nimport std.losses.{mse}\nimport std.optimizers.{adam}\n\nmodel Two {\n  input  a: f32[B, 4]\n  input  b: f32[B, 4]\n  output o: f32[B, 4]\n  o = (a + b) |> Dense(4)\n}\n\ntrain Two {\n  loss      = mse(o, a)\n  optimizer = adam()\n}\n");
    const r = dnnc(dir, "train", file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/dnnc train trains classifiers \(one input, and one i32 target of class labels\), regressions \(one input, f32 targets\) and models trained on their input alone \(one input, no target\); Two has inputs a, b and targets none/);
  }, TIMEOUT);

  it("a model without a target must reproduce its input: an output of another size is refused by name", () => {
    const dir = scratch();
    const file = join(dir, "squeeze.dnn");
    writeFileSync(file, "import std.layers.{Dense}\nimport std.losses.{mse}\nimport std.optimizers.{adam}\n\nmodel Squeeze {\n  input  x: f32[B, 64]\n  output code: f32[B, 8]\n  code = x |> Dense(8)\n}\n\ntrain Squeeze {\n  loss      = mse(code, x[:, :8])\n  optimizer = adam()\n}\n");
    const r = dnnc(dir, "train", file, "--data", "digits");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Squeeze's train block has no target, so dnnc train measures how well its output code reproduces its input x: it must be f32 with as many values per example, but it is f32\[B, 8\] and the input f32\[B, 64\]/);
  }, TIMEOUT);
});
