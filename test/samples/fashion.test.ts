// The Fashion-MNIST samples (samples/*_fashion.dnn): each checks and is formatted, its header
// gives the command `npm run results` runs, and each is trained briefly through `dnnc train` (the
// CLI's main(), in-process, with --json) on a small slice of Fashion-MNIST: the training loss
// must fall from the first epoch to the last and the test accuracy must clear a floor well above
// chance (0.1 for ten classes, 0.2 for five) — each floor some 0.1–0.2 below what the run reached
// when it was set; the autoencoder's test reconstruction MSE must be under 0.6 of that of
// predicting every pixel's mean. The full runs, which reach the published accuracies, are `npm run results`
// (scripts/results.ts → docs/results.md).
//
// The slice: the first TRAIN_N training and TEST_N test images, written as an IDX directory in a
// temporary folder and passed as `--data DIR` (with --limit for the slower models): evaluating on
// all 10,000 test images would take longer than the training. Checkpoints and reports are written
// to the same folder. Where Fashion-MNIST is not installed the training tests fail, with the
// loader's error saying how to install it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { loadNamed } from "../../src/data/builtin.ts";
import { readSafetensors } from "../../src/fit/safetensors.ts";
import { headerCommands } from "../../scripts/results.ts";
import { writeIdx } from "../data/helpers.ts";
import { ROOT } from "../helpers/compile-sample.ts";

const SAMPLES = ["mlp_fashion", "cnn_fashion", "gru_fashion", "lstm_fashion", "resnet_fashion", "transfer_fashion", "regularized_fashion", "autoencoder_fashion"];
const TRAIN_N = 2000;
const TEST_N = 1000;
const TIMEOUT = 120_000;

const samplePath = (name: string) => join(ROOT, "samples", `${name}.dnn`);

/** main(argv) with its output captured. */
async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { out: (s) => void (stdout += s), err: (s) => void (stderr += s), color: false });
  return { code, stdout, stderr };
}

describe("the Fashion-MNIST samples, as written", () => {
  it("check cleanly, with their shapes, and are formatted", async () => {
    for (const name of SAMPLES) {
      const r = await run(["check", "--shapes", samplePath(name)]);
      expect(r.stderr, name).toBe("");
      expect(r.code, name).toBe(0);
      expect(r.stdout, name).toMatch(/Total params: [\d,]+/);
    }
    const fmt = await run(["fmt", "--check", ...SAMPLES.map(samplePath)]);
    expect(fmt.stdout + fmt.stderr).toBe("");
    expect(fmt.code).toBe(0);
  }, TIMEOUT);

  it("each header gives the command that trains it on Fashion-MNIST, which npm run results runs", () => {
    for (const name of SAMPLES) {
      const commands = headerCommands(name);
      const labels: Record<string, string[]> = { transfer_fashion: ["Pretrain", "Fine-tune"] };
      expect(commands.map((c) => c.label), name).toEqual(labels[name] ?? ["Train"]);
      for (const c of commands) expect(c.command, name).toMatch(new RegExp(`^npx dnnc train samples/${name}\\.dnn .*--data fashion-mnist .*--epochs \\d+`));
    }
  });
});

interface TrainJson {
  model: string;
  epochs: number;
  seconds: number;
  testAccuracy?: number;
  testReconstructionMse?: number;
  testLoss: number;
  history: { epoch: number; loss: number; accuracy?: number }[];
}

interface TrainRun {
  stderr: string;
  json: TrainJson;
  checkpoint: string;
}

let dir: string;

/** The first `n` images of a split, as the two IDX files `dnnc train --data DIR` reads. */
function writeSlice(split: "train" | "test", n: number): void {
  const d = loadNamed("fashion-mnist", split);
  const pixels = new Uint8Array(n * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(d.x[i]! * 255); // the file's bytes again
  const stem = split === "train" ? "train" : "t10k";
  writeFileSync(join(dir, "fashion", `${stem}-images-idx3-ubyte`), writeIdx(0x08, [n, 28, 28], pixels));
  writeFileSync(join(dir, "fashion", `${stem}-labels-idx1-ubyte`), writeIdx(0x08, [n], d.y.subarray(0, n)));
}

/** `dnnc train samples/<sample>.dnn --data <the slice> … --json` through main(): no validation split. */
async function train(sample: string, args: string[], tag = sample): Promise<TrainRun> {
  const checkpoint = join(dir, `${tag}.safetensors`);
  const started = performance.now();
  const r = await run([
    "train", samplePath(sample), "--data", join(dir, "fashion"), "--validation-split", "0", "--seed", "1",
    "--checkpoint", checkpoint, "--report", join(dir, `${tag}.report.html`), "--json", ...args,
  ]);
  if (r.code !== 0) throw new Error(`dnnc train ${sample} exited ${r.code}:\n${r.stderr}`);
  const json = JSON.parse(r.stdout.trim().split("\n").pop()!) as TrainJson;
  const losses = json.history.map((h) => h.loss.toFixed(3)).join(" → ");
  const tested = json.testAccuracy === undefined ? `reconstruction MSE ${json.testReconstructionMse?.toFixed(4)}` : `accuracy ${json.testAccuracy.toFixed(3)}`;
  console.log(`${tag}: ${((performance.now() - started) / 1000).toFixed(1)} s, loss ${losses}, test ${tested}`);
  return { stderr: r.stderr, json, checkpoint };
}

/** As many epochs as asked, a lower loss in the last than in the first, and test accuracy ≥ floor. */
function expectLearned(r: TrainRun, epochs: number, floor: number): void {
  expect(r.json.epochs).toBe(epochs);
  const losses = r.json.history.map((h) => h.loss);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
  expect(r.json.testAccuracy!).toBeGreaterThanOrEqual(floor);
  expect(r.stderr).toMatch(/test: accuracy [\d.]+, loss [\d.]+ on [\d,]+ examples/);
}

describe("the Fashion-MNIST samples, trained briefly on a slice", () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "dnnc-fashion-"));
    mkdirSync(join(dir, "fashion"));
    writeSlice("train", TRAIN_N);
    writeSlice("test", TEST_N);
  }, TIMEOUT);

  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  // Floors below: chance is 0.1; each run's accuracy when the floor was set is in the comment.

  it("mlp_fashion: MLP 784-256-128-100-10", async () => {
    const r = await train("mlp_fashion", ["--epochs", "2", "--batch", "32"]);
    expectLearned(r, 2, 0.6); // 0.748
  }, TIMEOUT);

  it("regularized_fashion: dropout, L1 and L2", async () => {
    const r = await train("regularized_fashion", ["--epochs", "2", "--batch", "32"]);
    expectLearned(r, 2, 0.6); // 0.763
  }, TIMEOUT);

  it("cnn_fashion: the Keras MNIST CNN", async () => {
    const r = await train("cnn_fashion", ["--epochs", "2", "--batch", "32", "--limit", "1000"]);
    expectLearned(r, 2, 0.55); // 0.690
  }, TIMEOUT);

  it("gru_fashion: a GRU over the rows", async () => {
    const r = await train("gru_fashion", ["--epochs", "2", "--batch", "32", "--limit", "800"]);
    expectLearned(r, 2, 0.35); // 0.496
  }, TIMEOUT);

  it("lstm_fashion: an LSTM over the rows", async () => {
    const r = await train("lstm_fashion", ["--epochs", "2", "--batch", "32", "--limit", "800"]);
    expectLearned(r, 2, 0.45); // 0.607
  }, TIMEOUT);

  it("resnet_fashion: residual blocks with BatchNorm, augmented", async () => {
    // Batches of 16, for 100 steps: BatchNorm's moving statistics, which the test evaluation uses,
    // must catch up with weights that move fast early on (with 50 steps of 32: 0.386).
    const r = await train("resnet_fashion", ["--epochs", "2", "--batch", "16", "--limit", "800", "--augment", "flip,shift=2"]);
    expectLearned(r, 2, 0.4); // 0.520
  }, TIMEOUT);

  it("autoencoder_fashion: trained on its input alone, its reconstructions in the report", async () => {
    const r = await train("autoencoder_fashion", ["--epochs", "2", "--batch", "32", "--limit", "1000"]);
    expect(r.json.epochs).toBe(2);
    const losses = r.json.history.map((h) => h.loss);
    expect(losses[1]!).toBeLessThan(losses[0]!);
    expect(r.json.history.every((h) => h.accuracy === undefined)).toBe(true);
    expect(r.json.testAccuracy).toBeUndefined();
    // The loss is the MSE, evaluated in inference mode on the same images.
    expect(r.json.testReconstructionMse!).toBeCloseTo(r.json.testLoss, 5);
    // Predicting every pixel's mean over the test slice leaves the pixels' variance.
    const test = loadNamed("fashion-mnist", "test").x.subarray(0, TEST_N * 784);
    const means = new Float64Array(784);
    test.forEach((v, i) => (means[i % 784]! += v / TEST_N));
    let variance = 0;
    test.forEach((v, i) => (variance += (v - means[i % 784]!) ** 2 / test.length));
    expect(r.json.testReconstructionMse!).toBeLessThan(0.6 * variance); // 0.041 when set, of 0.087
    expect(r.stderr).toMatch(/test: reconstruction MSE [\d.]+, loss [\d.]+ on 1,000 examples/);
    const report = readFileSync(join(dir, "autoencoder_fashion.report.html"), "utf8");
    expect(report).toMatch(/Test set: reconstruction MSE [\d.]+/);
    expect(report.match(/<img alt="(test image|reconstruction) \d+" src="data:image\/bmp;base64,/g)).toHaveLength(16);
    expect(report).not.toMatch(/confusion|true \\ predicted|<th>accuracy<\/th>/);
  }, TIMEOUT);

  it("transfer_fashion: the frozen base is byte-identical after fine-tuning, and the new head learns", async () => {
    const pre = await train("transfer_fashion", ["--model", "FashionPretrain", "--classes", "0-4", "--epochs", "2", "--batch", "32", "--limit", "800"], "pretrain");
    expectLearned(pre, 2, 0.6); // 0.795; chance is 0.2
    const fine = await train("transfer_fashion", ["--model", "FashionTransfer", "--classes", "5-9", "--epochs", "2", "--batch", "32", "--limit", "800", "--init-from", pre.checkpoint, "--init-from-only", "conv2d,conv2d_1"], "finetune");
    expectLearned(fine, 2, 0.7); // 0.885

    // The frozen base: loaded from the pretraining's checkpoint, then never changed — byte for
    // byte — and given no optimizer state.
    const before = readSafetensors(readFileSync(pre.checkpoint));
    const after = readSafetensors(readFileSync(fine.checkpoint));
    const frozen = ["conv2d.bias", "conv2d.kernel", "conv2d_1.bias", "conv2d_1.kernel"];
    expect([...after.keys()].filter((k) => k.startsWith("conv2d")).sort()).toEqual(frozen);
    for (const name of frozen) {
      const a = before.get(name)!;
      const b = after.get(name)!;
      expect(b.dtype).toBe("F32");
      expect(b.shape).toEqual(a.shape);
      expect(Buffer.from(b.data).equals(Buffer.from(a.data)), `${name} changed in fine-tuning`).toBe(true);
    }
    // The head has the pretrained head's names (dense, dense_1) but is new — none of it from the
    // checkpoint, as the message says — and it trained.
    const afresh = ["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"];
    expect(fine.stderr).toContain(`initialised afresh: ${afresh.map((n) => `${n} (not chosen by --init-from-only)`).join(", ")}`);
    for (const name of afresh) expect(Buffer.from(after.get(name)!.data).equals(Buffer.from(before.get(name)!.data)), name).toBe(false);
    expect(after.has("dense.kernel/adam.m")).toBe(true);
  }, 2 * TIMEOUT);
});
