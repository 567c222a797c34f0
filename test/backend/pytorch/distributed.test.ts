// The PyTorch target under DistributedDataParallel: two processes (gloo on localhost), each with
// half of every batch, run training_loss through DistributedDataParallel(TrainingLoss(model)),
// whose backward averages their gradients, and apply_gradients; after 10 steps the model must equal
// one process's train_step on the whole batches, to 1e-4 of each tensor's largest magnitude. The
// models are those whose step does not depend on which rows share a batch (no BatchNorm, no
// dropout): with them, half-batch losses averaged are the whole batch's. Needs PyTorch with
// torch.distributed (Debian's python3-torch): without it every test fails saying how to install it.
// Then the package's own entry point, `python -m <package>.train`, as torchrun runs it: two
// processes train mlp_digits, stop, resume from their checkpoint, and reach the ts module's bar; the
// checkpoint, loaded into the ts and the WGSL module (Dawn on lavapipe), gives the same logits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runFrontEnd } from "../../../src/api/compile.ts";
import { main } from "../../../src/cli/main.ts";
import { safetensorsCopy, safetensorsRead, safetensorsWriteEntries } from "../../../src/runtime/safetensors.ts";
import { noise } from "../../helpers/sample-values.ts";
import { compileSample, importGenerated } from "../../helpers/compile-sample.ts";
import { DIGITS_FILE, loadNamed } from "../../../src/data/builtin.ts";
import { requireGpu } from "../../helpers/webgpu.ts";

const PYTHON = "/usr/bin/python3";
const DRIVER = fileURLToPath(new URL("./distributed_driver.py", import.meta.url));
const STEPS = 10;
const BATCH = 8;
const CASES = [
  ["samples/mlp_digits.dnn", "DigitsMLP"],
  ["samples/mnist_cnn.dnn", "MnistCNN"],
] as const;

let missing: string | undefined;
beforeAll(() => {
  const r = spawnSync(PYTHON, ["-c", "import torch, numpy, torch.distributed as d; assert d.is_available() and d.is_gloo_available()"], { encoding: "utf8" });
  if (r.status !== 0)
    missing = `PyTorch with torch.distributed (gloo) is not installed for ${PYTHON} (${(r.error?.message ?? r.stderr).trim().split("\n").pop()}): run \`npm run bench:setup\` (scripts/setup-bench.sh installs Debian's python3-torch), or \`apt-get install python3-torch\` as root`;
});
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("--target pytorch under DistributedDataParallel", () => {
  it.each(CASES)(`%s, %s: 2 processes with half of each batch equal one process's train_step after ${STEPS} steps, to 1e-4`, async (path, name) => {
    if (missing) throw new Error(missing);
    const m = runFrontEnd({ path }, "dce").compilation.models.find((x) => x.name === name)!;
    const dir = mkdtempSync(join(tmpdir(), "dnnc-ddp-"));
    dirs.push(dir);
    let err = "";
    expect(await main(["compile", path, "--target", "pytorch", "--out", dir], { out: () => {}, err: (s) => void (err += s), color: false }), err).toBe(0);
    const steps = Array.from({ length: STEPS }, (_, k) => {
      const file = join(dir, `step${k}.safetensors`);
      const tensors = [...m.inputs, ...m.train!.targets].map((t, j) => {
        const shape = t.shape.map((d) => (typeof d === "number" ? d : BATCH));
        const values = noise(shape.reduce((a, b) => a * b, 1), 200 + 31 * k + j);
        const below = Math.min(...(m.indexRanges.find((r) => r.name === t.name)?.below.filter((d): d is number => typeof d === "number") ?? [4]));
        const data = t.dtype === "f32" ? Float32Array.from(values) : Int32Array.from(values, (v) => Math.floor(((v + 1) / 2) * below) % below);
        return { name: t.name, dtype: t.dtype === "f32" ? "F32" : "I32", shape, bytes: new Uint8Array(data.buffer) };
      });
      writeFileSync(file, safetensorsWriteEntries(tensors, {}));
      return file;
    });
    const job = { dir, package: path.split("/").pop()!.replace(/\.dnn$/, ""), model: name, seed: 1, steps, weights: join(dir, "weights.safetensors"), single: join(dir, "single.safetensors"), distributed: join(dir, "distributed.safetensors") };
    writeFileSync(join(dir, "job.json"), JSON.stringify(job));
    const py = spawnSync(PYTHON, [DRIVER, join(dir, "job.json")], { encoding: "utf8", timeout: 300_000, env: { ...process.env, OMP_NUM_THREADS: "1" } });
    expect(py.status, `${DRIVER} failed:\n${py.stderr}`).toBe(0);
    const want = read(job.single);
    const got = read(job.distributed);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [tensor, w] of want) {
      const g = got.get(tensor)!;
      const scale = Math.max(1, ...Array.from(w, Math.abs));
      let worst = 0;
      for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(g[i]! - w[i]!));
      expect(worst, `${name} ${tensor}: distributed against one process`).toBeLessThanOrEqual(1e-4 * scale);
    }
    // The steps were taken: the parameters moved from their initial values.
    const start = read(job.weights);
    expect(Array.from(got.get(m.params[0]!.name)!).some((v, i) => v !== start.get(m.params[0]!.name)![i])).toBe(true);
  }, 600_000);
});

describe("python -m <package>.train, two processes as torchrun starts them", () => {
  it("trains mlp_digits to ≥ 95% on dnnc's digits test split, resumes from its checkpoint, and the checkpoint gives the ts and WGSL modules the same outputs", async () => {
    if (missing) throw new Error(missing);
    const dir = mkdtempSync(join(tmpdir(), "dnnc-ddp-train-"));
    dirs.push(dir);
    let err = "";
    expect(await main(["compile", "samples/mlp_digits.dnn", "--target", "pytorch", "--out", dir], { out: () => {}, err: (s) => void (err += s), color: false }), err).toBe(0);
    const checkpoint = join(dir, "digits.safetensors");
    const predictions = join(dir, "predictions.safetensors");
    const first = await launch(dir, ["--data", DIGITS_FILE, "--test-count", "297", "--epochs", "8", "--checkpoint", checkpoint]);
    expect(first[0]).toContain("epoch 8/8");
    const resumed = await launch(dir, ["--data", DIGITS_FILE, "--test-count", "297", "--epochs", "16", "--checkpoint", checkpoint, "--predictions", predictions]);
    // Resumed at epoch 9, from the checkpoint's step count.
    expect(resumed[0]).not.toContain("epoch 8/16");
    expect(resumed[0]).toContain("epoch 9/16");
    const accuracy = Number(/test accuracy ([\d.]+) on 297 examples/.exec(resumed[0])?.[1]);
    expect(accuracy, resumed[0]).toBeGreaterThanOrEqual(0.95);
    // The checkpoint in the ts module, on dnnc's own digits test split: the same logits.
    const { DigitsMLP } = await importGenerated<{ DigitsMLP: { create(): { load(b: Uint8Array): { forward(i: { x: Float32Array }): { logits: Float32Array } } } } }>((await compiledTs()).file);
    const test = loadNamed("digits", "test");
    const logits = DigitsMLP.create().load(new Uint8Array(readFileSync(checkpoint))).forward({ x: test.x }).logits;
    const got = read(predictions).get("logits")!;
    expect(got.length).toBe(logits.length);
    const scale = Math.max(...Array.from(logits, Math.abs));
    for (let i = 0; i < logits.length; i++) if (!(Math.abs(got[i]! - logits[i]!) <= 1e-5 * scale)) expect.fail(`logits[${i}]: PyTorch ${got[i]}, ts module ${logits[i]}`);
    // And in the WGSL module, on Node's WebGPU (Dawn; lavapipe without a GPU): the same logits.
    const g = await requireGpu();
    const wgsl = await compileSample("samples/mlp_digits.dnn", "wgsl");
    dirs.push(wgsl.dir);
    expect(wgsl.code, wgsl.stderr).toBe(0);
    const Gpu = (await importGenerated<{ DigitsMLP: { create(o: { device: GPUDevice }): Promise<GpuDigits> } }>(wgsl.file)).DigitsMLP;
    const onGpu = (await Gpu.create({ device: g.device })).load(new Uint8Array(readFileSync(checkpoint)));
    try {
      const gpuLogits = (await onGpu.forward({ x: test.x })).logits;
      expect(gpuLogits.length).toBe(logits.length);
      for (let i = 0; i < logits.length; i++) if (!(Math.abs(gpuLogits[i]! - got[i]!) <= 1e-5 * scale)) expect.fail(`logits[${i}]: PyTorch ${got[i]}, WGSL module ${gpuLogits[i]}`);
      // The same predictions: the argmax of every example's logits.
      const argmax = (l: Float32Array, e: number) => { let best = 0; for (let c = 1; c < 10; c++) if (l[e * 10 + c]! > l[e * 10 + best]!) best = c; return best; };
      for (let e = 0; e < test.n; e++) expect(argmax(gpuLogits, e), `example ${e}`).toBe(argmax(got, e));
    } finally {
      onGpu.destroy();
    }
  }, 600_000);
});

interface GpuDigits {
  load(bytes: Uint8Array): GpuDigits;
  forward(i: { x: Float32Array }): Promise<{ logits: Float32Array }>;
  destroy(): void;
}

/**
 * Runs `python -m mlp_digits.train ARGS` as two processes with the environment torchrun gives its
 * workers (RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT). Not torchrun itself: Debian's
 * torch 1.13 launcher fails under Python 3.11 before starting a worker (its Std.from_str returns
 * None for the default --redirects). Returns each rank's output.
 */
async function launch(dir: string, args: string[]): Promise<string[]> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const ranks = [0, 1].map(
    (rank) =>
      new Promise<string>((resolve, reject) => {
        const env = { ...process.env, RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: "2", MASTER_ADDR: "127.0.0.1", MASTER_PORT: String(port), OMP_NUM_THREADS: "1", PYTHONPATH: dir };
        const child = spawn(PYTHON, ["-m", "mlp_digits.train", ...args], { cwd: dir, env });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (out += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`rank ${rank} exited with ${code}:\n${out}`))));
      }),
  );
  return Promise.all(ranks);
}

let tsModule: ReturnType<typeof compileSample> | undefined;
const compiledTs = () => (tsModule ??= compileSample("samples/mlp_digits.dnn").then((c) => (dirs.push(c.dir), c)));

function read(file: string): Map<string, Float32Array> {
  const st = safetensorsRead(file, new Uint8Array(readFileSync(file)));
  return new Map([...st.tensors.values()].map((t) => {
    const data = new Float32Array(t.shape.reduce((a, b) => a * b, 1));
    safetensorsCopy(st, t, data);
    return [t.name, data];
  }));
}
