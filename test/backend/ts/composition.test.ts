// Composition in generated code (docs/language.md §8.2): a nested model's parameters carry the
// standalone model's names behind its instance name, so a checkpoint of the standalone model
// loads into the nested one by adding the prefix.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSample, importGenerated, type CompiledSample } from "../../helpers/compile-sample.ts";

const TIMEOUT = 120_000;

type Arrays = Record<string, Float32Array | Int32Array>;
interface Model {
  trainStep(batch: Arrays): number;
  forward(inputs: Arrays): Record<string, Float32Array>;
  getParameters(): Record<string, Float32Array>;
  setParameters(values: Record<string, ArrayLike<number>>): void;
  save(): Uint8Array;
  load(bytes: Uint8Array | ArrayBuffer, options?: { ignoreUnknown?: boolean }): Model;
}
interface ModelClass {
  create(options?: { seed?: number }): Model;
  readonly parameters: readonly { name: string; shape: readonly (number | string)[] }[];
}

const SOURCE = `import std.layers.{Dense}
import std.optimizers.{sgd}
import std.losses.{mse}

model Encoder {
  input  x: f32[B, 6]
  output z: f32[B, 3]
  param  scale: f32[3] = 1.0
  z = x |> Dense(5, activation: tanh) |> Dense(3) |> times(scale)
}

fn times(x, s) = x * s

train Encoder {
  target t: f32[B, 3]
  loss = mse(z, t)
  optimizer = sgd(lr: 0.1)
}

model Pipeline {
  input  x: f32[B, 6]
  output y: f32[B, 2]
  y = x |> Encoder() |> Dense(2)
}
`;

const dir = mkdtempSync(join(tmpdir(), "dnnc-composition-"));
let compiled: CompiledSample;
let mod: Record<string, ModelClass>;

beforeAll(async () => {
  const file = join(dir, "composition.dnn");
  writeFileSync(file, SOURCE);
  compiled = await compileSample(file);
  if (compiled.code !== 0) throw new Error(compiled.stderr);
  mod = await importGenerated<Record<string, ModelClass>>(compiled.file);
}, TIMEOUT);
afterAll(() => {
  compiled?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const data = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3));

describe("a nested model in generated code", () => {
  it("has the standalone model's parameter names behind its instance name", () => {
    const alone = mod.Encoder!.parameters.map((p) => p.name);
    expect(mod.Pipeline!.parameters.map((p) => p.name)).toEqual([...alone.map((n) => `encoder.${n}`), "dense.kernel", "dense.bias"]);
  });

  it("loads a trained standalone checkpoint by prefix, and then computes what the standalone model does", () => {
    const enc = mod.Encoder!.create({ seed: 3 });
    for (let i = 0; i < 5; i++) enc.trainStep({ x: data(4 * 6, i), t: data(4 * 3, i + 10) });
    const saved = mod.Encoder!.create({ seed: 99 }).load(enc.save());
    const pipe = mod.Pipeline!.create({ seed: 4 });
    pipe.setParameters(Object.fromEntries(Object.entries(saved.getParameters()).map(([k, v]) => [`encoder.${k}`, v])));
    // With the head set to the identity on the first two features, the pipeline's output is the encoder's.
    pipe.setParameters({ "dense.kernel": [1, 0, 0, 1, 0, 0], "dense.bias": [0, 0] });
    const x = data(4 * 6, 42);
    const z = enc.forward({ x }).z!;
    const y = pipe.forward({ x }).y!;
    const first2 = Float32Array.from({ length: 8 }, (_, i) => z[Math.floor(i / 2) * 3 + (i % 2)]!);
    expect([...y]).toEqual([...first2]);
    // And it is not so by chance: the untrained encoder computes something else.
    expect([...mod.Encoder!.create({ seed: 3 }).forward({ x }).z!]).not.toEqual([...z]);
  });
});
