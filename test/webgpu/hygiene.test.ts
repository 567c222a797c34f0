// Hygiene of the generated WGSL module on a device (the TypeScript target and tsc of both are
// test/backend/hygiene.test.ts): with WGSL's keywords and built-ins, the shaders' own names
// (`i`, `g`, `lid`: a size named so once made a bounds check compare the invocation index with
// itself), JavaScript's and Object.prototype's names in every position, the module computes bit
// for bit what the program with plain names computes on the same device (forward, two training
// steps, every parameter), keeps the user's names as keys, and round-trips save/load. Few
// programs: lavapipe compiles every shader of every module.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emitModule } from "../helpers/targets.ts";
import { importGenerated } from "../helpers/compile-sample.ts";
import { batchFor, compileProgram, PLAIN, rotations, type Names } from "../helpers/hygiene.ts";
import { requireGpu } from "../helpers/webgpu.ts";

interface GpuModel {
  forward(inputs: Record<string, Float32Array>): Promise<Record<string, Float32Array>>;
  trainStep(batch: Record<string, Float32Array>): Promise<number>;
  getParameters(): Promise<Record<string, Float32Array>>;
  save(): Promise<Uint8Array>;
  load(bytes: Uint8Array): Promise<GpuModel>;
  destroy(): void;
}
interface GpuClass {
  create(options: { seed?: number; device: GPUDevice }): Promise<GpuModel>;
  readonly parameters: readonly { name: string }[];
}

/** Names the WGSL target is most exposed to, each taking every position once. */
const NAMES = ["i", "g", "lid", "wid", "groups", "mem", "main", "f32", "select", "type", "var", "override", "__proto__", "constructor", "c0"];

const dir = mkdtempSync(join(tmpdir(), "dnnc-hygiene-gpu-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(n: Names, k: number | string): Promise<GpuClass> {
  const file = join(dir, `m${k}.ts`);
  writeFileSync(file, emitModule("wgsl", [compileProgram(n)], "program.dnn").module);
  return (await importGenerated<Record<string, GpuClass>>(file))[n.model]!;
}

const bits = (a: Float32Array | undefined) => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex") : "missing");

async function run(C: GpuClass, n: Names, device: GPUDevice) {
  const model = await C.create({ seed: 3, device });
  try {
    const batch = batchFor(n, 5);
    const inputs: Record<string, Float32Array> = Object.create(null);
    inputs[n.input] = batch[n.input]!;
    inputs[n.input2] = batch[n.input2]!;
    const before = await model.forward(inputs);
    const losses = [await model.trainStep(batch), await model.trainStep(batch)];
    const params = await model.getParameters();
    const saved = await model.save();
    const again = await C.create({ seed: 11, device });
    try {
      await again.load(saved);
      const loaded = await again.getParameters();
      return {
        keys: Object.keys(before),
        proto: Object.getPrototypeOf(before) as unknown,
        outputs: [bits(before[n.output]), bits(before[n.output2])],
        losses,
        params: C.parameters.map((p) => bits(params[p.name])),
        loaded: C.parameters.map((p) => bits(loaded[p.name])),
      };
    } finally {
      again.destroy();
    }
  } finally {
    model.destroy();
  }
}

/** The plain program's results, computed once. */
let plain: ReturnType<typeof run> | undefined;

describe("the generated WGSL module is hygienic", () => {
  it.each(rotations(NAMES).map((n, k) => [k, JSON.stringify(n), n] as const))(
    "program %i %s computes what the plain program computes on the device",
    async (k, _label, n) => {
      const { device } = await requireGpu();
      const want = await (plain ??= load(PLAIN, "plain").then((C) => run(C, PLAIN, device)));
      const got = await run(await load(n, k), n, device);
      expect(got.keys).toEqual([n.output, n.output2]);
      expect(got.proto).toBe(null);
      expect(got.outputs).toEqual(want.outputs);
      expect(got.losses).toEqual(want.losses);
      expect(got.params).toEqual(want.params);
      expect(got.loaded).toEqual(got.params);
    },
    120_000,
  );
});
