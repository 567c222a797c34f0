// `dnnc train --backend wgsl` end to end: the CLI compiles the model to WGSL, trains it on Dawn
// (lavapipe where there is no GPU), evaluates it, and leaves a checkpoint that the TypeScript
// backend resumes from — the same safetensors either way.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dnncIn, ROOT } from "../helpers/dnnc-cli.ts";
import { requireGpu } from "../helpers/webgpu.ts";

const MLP = join(ROOT, "samples/mlp_digits.dnn");
const TIMEOUT = 300_000; // a cold Mesa shader cache compiles every kernel with LLVM first

interface Result { testAccuracy: number; history: { epoch: number; loss: number; valAccuracy: number }[] }

describe("dnnc train --backend wgsl", () => {
  it("trains the digits MLP on WebGPU, and its checkpoint resumes on the TypeScript backend", async () => {
    await requireGpu();
    const dir = mkdtempSync(join(tmpdir(), "dnnc-train-wgsl-"));
    const gpu = dnncIn(dir, TIMEOUT, "train", MLP, "--backend", "wgsl", "--epochs", "2", "--json", "--checkpoint", "gpu.safetensors");
    expect(gpu.status).toBe(0);
    expect(gpu.stderr).toContain("; wgsl backend");
    const trained = JSON.parse(gpu.stdout) as Result;
    expect(trained.history[1]!.loss).toBeLessThan(trained.history[0]!.loss);
    expect(trained.testAccuracy).toBeGreaterThan(0.85);

    const cpu = dnncIn(dir, TIMEOUT, "train", MLP, "--backend", "ts", "--resume", "gpu.safetensors", "--epochs", "3", "--json");
    expect(cpu.status).toBe(0);
    const resumed = JSON.parse(cpu.stdout) as Result;
    // Continuing, not starting over: the first CPU epoch starts where the GPU run ended.
    expect(resumed.history.map((h) => h.epoch)).toEqual([3]);
    expect(resumed.history[0]!.loss).toBeLessThan(trained.history[0]!.loss);
    expect(resumed.testAccuracy).toBeGreaterThan(0.85);
  }, 2 * TIMEOUT);
});
