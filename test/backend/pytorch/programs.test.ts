// Named training programs (`train M.name { … }`) in the PyTorch target: samples/gan.dnn's two,
// `train Gan.discriminator` and `train Gan.generator`, as `train_step_discriminator` and
// `train_step_generator`. From the ts module's checkpoint, 10 rounds of one step of each, taken
// the same way by the ts module's trainDiscriminator and trainGenerator, must leave every
// parameter and every state of both programs (their Adam slots, learning rates and step counts)
// equal to the ts module's, to 1e-4 of each tensor's largest magnitude, and every loss equal.
// Needs PyTorch (Debian's python3-torch): without it the test fails saying how to install it.
import { afterAll, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../../src/cli/main.ts";
import { safetensorsCopy, safetensorsRead, safetensorsWriteEntries } from "../../../src/runtime/safetensors.ts";
import { compileSample, importGenerated, type CompiledSample } from "../../helpers/compile-sample.ts";
import { noise } from "../../helpers/sample-values.ts";

const PYTHON = "/usr/bin/python3";
const DRIVER = fileURLToPath(new URL("./programs_driver.py", import.meta.url));
const ROUNDS = 10;
const BATCH = 8;

type Batch = { real: Float32Array; noise: Float32Array };
interface Gan {
  trainDiscriminator(batch: Batch): number;
  trainGenerator(batch: Batch): number;
  save(): Uint8Array;
}

const temporary: CompiledSample[] = [];
const dirs: string[] = [];
afterAll(() => {
  temporary.forEach((c) => c.cleanup());
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

it(`samples/gan.dnn: train_step_discriminator and train_step_generator equal the ts module's trainDiscriminator and trainGenerator over ${ROUNDS} rounds, to 1e-4`, async () => {
  const torch = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  if (torch.status !== 0)
    throw new Error(`PyTorch is not installed for ${PYTHON} (${(torch.error?.message ?? torch.stderr).trim().split("\n").pop()}): run \`npm run bench:setup\` (scripts/setup-bench.sh installs Debian's python3-torch), or \`apt-get install python3-torch\` as root`);
  const ts = await compileSample("samples/gan.dnn");
  temporary.push(ts);
  expect(ts.code, ts.stderr).toBe(0);
  const Gan = (await importGenerated<{ Gan: { create(o: { seed: number }): Gan } }>(ts.file)).Gan;
  const dir = mkdtempSync(join(tmpdir(), "dnnc-pytorch-programs-"));
  dirs.push(dir);
  let err = "";
  expect(await main(["compile", "samples/gan.dnn", "--target", "pytorch", "--out", dir], { out: () => {}, err: (s) => void (err += s), color: false }), err).toBe(0);

  const gan = Gan.create({ seed: 1 });
  const weights = join(dir, "weights.safetensors");
  writeFileSync(weights, gan.save());
  const steps: [string, string][] = [];
  const losses: number[] = [];
  for (let round = 0; round < ROUNDS; round++)
    for (const program of ["discriminator", "generator"] as const) {
      const k = steps.length;
      const batch: Batch = { real: Float32Array.from(noise(BATCH * 2, 300 + 2 * k)), noise: Float32Array.from(noise(BATCH * 4, 301 + 2 * k)) };
      const file = join(dir, `step${k}.safetensors`);
      writeFileSync(file, safetensorsWriteEntries([
        { name: "real", dtype: "F32", shape: [BATCH, 2], bytes: new Uint8Array(batch.real.buffer) },
        { name: "noise", dtype: "F32", shape: [BATCH, 4], bytes: new Uint8Array(batch.noise.buffer) },
      ], {}));
      steps.push([program, file]);
      losses.push(program === "discriminator" ? gan.trainDiscriminator(batch) : gan.trainGenerator(batch));
    }
  const trained = join(dir, "trained.safetensors");
  writeFileSync(join(dir, "job.json"), JSON.stringify({ dir, package: "gan", model: "Gan", weights, steps, trained }));
  const py = spawnSync(PYTHON, [DRIVER, join(dir, "job.json")], { encoding: "utf8", timeout: 300_000, env: { ...process.env, OMP_NUM_THREADS: "1" } });
  expect(py.status, `${DRIVER} failed:\n${py.stderr}`).toBe(0);
  const got = JSON.parse(py.stdout.trim().split("\n").pop()!) as { losses: number[] };
  expect(got.losses.length).toBe(losses.length);
  got.losses.forEach((l, i) => expect(Math.abs(l - losses[i]!), `loss of step ${i} (${steps[i]![0]}): PyTorch ${l}, ts ${losses[i]}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(losses[i]!))));

  const want = tensors(gan.save());
  const have = tensors(new Uint8Array(readFileSync(trained)));
  expect([...have.keys()].sort()).toEqual([...want.keys()].sort());
  // Both programs' states are there and moved: their step counts are ROUNDS.
  expect(Array.from(have.get("discriminator/step")!)).toEqual([ROUNDS]);
  expect(Array.from(have.get("generator/step")!)).toEqual([ROUNDS]);
  const start = tensors(new Uint8Array(readFileSync(weights)));
  for (const [name, w] of want) {
    const g = have.get(name)!;
    const scale = Math.max(1e-3, ...Array.from(w, Math.abs));
    let worst = 0;
    for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(g[i]! - w[i]!));
    expect(worst, `${name}: PyTorch against the ts module after ${ROUNDS} rounds`).toBeLessThanOrEqual(1e-4 * scale);
  }
  // Each program trained its own parameters only: a discriminator kernel and a generator kernel moved.
  for (const p of ["discriminator.dense.kernel", "generator.dense.kernel"]) expect(Array.from(have.get(p)!).some((v, i) => v !== start.get(p)![i]), `${p} moved`).toBe(true);
}, 300_000);

function tensors(bytes: Uint8Array): Map<string, Float32Array> {
  const st = safetensorsRead("checkpoint", bytes);
  return new Map([...st.tensors.values()].map((t) => {
    const data = new Float32Array(t.shape.reduce((a, b) => a * b, 1));
    safetensorsCopy(st, t, data);
    return [t.name, data];
  }));
}
