// Composition in generated code (docs/language.md §8.2): a nested model's parameters carry the
// standalone model's names behind its instance name, so a checkpoint of the standalone model
// loads into the nested one by adding the prefix; a shared layer's one set of weights gets the
// sum of the gradients of its uses, checked against two unshared copies and finite differences.
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

const SOURCE = `import std.layers.{Dense, BatchNorm}
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

// One Dense applied to both inputs; the product makes each use's gradient depend on the other.
model Siamese {
  input  a: f32[B, 3]
  input  b: f32[B, 3]
  output y: f32[B, 2]
  let enc = shared(Dense(2, activation: tanh))
  y = (a |> enc) * (b |> enc)
}

train Siamese {
  target t: f32[B, 2]
  loss = mse(y, t)
  optimizer = sgd(lr: 1.0)
}

// The same with two layers: given equal weights, each gets one use's gradient.
model Twin {
  input  a: f32[B, 3]
  input  b: f32[B, 3]
  output y: f32[B, 2]
  y = (a |> Dense(2, activation: tanh)) * (b |> Dense(2, activation: tanh))
}

// A shared layer with states: each application reads them as the step began, the last assigns them.
model Norms {
  input  a: f32[B, 3]
  input  b: f32[B, 3]
  output y: f32[B, 3]
  let norm = shared(BatchNorm(momentum: 0.5))
  y = (a |> norm) + (b |> norm)
}

train Norms {
  target t: f32[B, 3]
  loss = mse(y, t)
  optimizer = sgd(lr: 0.1)
}

train Twin {
  target t: f32[B, 2]
  loss = mse(y, t)
  optimizer = sgd(lr: 1.0)
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

describe("a shared layer in generated code", () => {
  const W = { "dense.kernel": [0.3, -0.5, 0.8, 0.1, -0.4, 0.6], "dense.bias": [0.05, -0.1] };
  const batch = { a: data(4 * 3, 1), b: data(4 * 3, 2), t: data(4 * 2, 3) };
  /** sgd with lr 1 moves each parameter by minus its gradient. */
  const gradients = (m: Model, names: string[]) => {
    const before = m.getParameters();
    m.trainStep(batch);
    const after = m.getParameters();
    return names.map((n) => [...before[n]!].map((v, i) => v - after[n]![i]!));
  };

  it("has one set of weights", () => {
    expect(mod.Siamese!.parameters.map((p) => p.name)).toEqual(["dense.kernel", "dense.bias"]);
    expect(mod.Twin!.parameters.map((p) => p.name)).toEqual(["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"]);
  });

  it("gets the sum of its uses' gradients", () => {
    const shared = mod.Siamese!.create();
    shared.setParameters(W);
    const [gk, gb] = gradients(shared, ["dense.kernel", "dense.bias"]);
    const twin = mod.Twin!.create();
    twin.setParameters({ ...W, "dense_1.kernel": W["dense.kernel"], "dense_1.bias": W["dense.bias"] });
    const [k0, b0, k1, b1] = gradients(twin, ["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"]);
    gk!.forEach((g, i) => expect(g).toBeCloseTo(k0![i]! + k1![i]!, 5));
    gb!.forEach((g, i) => expect(g).toBeCloseTo(b0![i]! + b1![i]!, 5));
    // Neither use alone accounts for it.
    expect(gk!.some((g, i) => Math.abs(g - k0![i]!) > 1e-3)).toBe(true);
  });

  it("gets the gradient finite differences of the loss give", () => {
    const m = mod.Siamese!.create();
    const loss = (kernel: number[], bias: number[]) => {
      m.setParameters({ "dense.kernel": kernel, "dense.bias": bias });
      const y = m.forward({ a: batch.a, b: batch.b }).y!;
      return y.reduce((s, v, i) => s + (v - batch.t[i]!) ** 2, 0) / y.length;
    };
    const eps = 1e-2;
    const fd = (which: "dense.kernel" | "dense.bias") =>
      W[which].map((_, i) => {
        const at = (d: number) => {
          const p = { kernel: [...W["dense.kernel"]], bias: [...W["dense.bias"]] };
          (which === "dense.kernel" ? p.kernel : p.bias)[i]! += d;
          return loss(p.kernel, p.bias);
        };
        return (at(eps) - at(-eps)) / (2 * eps);
      });
    const numeric = [...fd("dense.kernel"), ...fd("dense.bias")];
    m.setParameters(W);
    const analytic = gradients(m, ["dense.kernel", "dense.bias"]).flat();
    analytic.forEach((g, i) => expect(Math.abs(g - numeric[i]!)).toBeLessThan(1e-3 + 1e-2 * Math.abs(numeric[i]!)));
    expect(Math.max(...numeric.map(Math.abs))).toBeGreaterThan(1e-2); // a test of something
  });
});

describe("a shared layer with states", () => {
  it("has one set of states, which the last application's update sets", () => {
    expect(mod.Norms!.parameters.map((p) => p.name)).toEqual(["batch_norm.gamma", "batch_norm.beta", "batch_norm.moving_mean", "batch_norm.moving_variance"]);
    const m = mod.Norms!.create();
    const a = data(4 * 3, 5);
    const b = Float32Array.from(data(4 * 3, 6), (v) => v + 3);
    m.trainStep({ a, b, t: data(4 * 3, 7) });
    const mean = (x: Float32Array, j: number) => (x[j]! + x[3 + j]! + x[6 + j]! + x[9 + j]!) / 4;
    const moving = m.getParameters()["batch_norm.moving_mean"]!;
    // momentum 0.5 from zeros: half of b's batch mean (a's would be near 0, b's near 3).
    [0, 1, 2].forEach((j) => expect(moving[j]).toBeCloseTo(0.5 * mean(b, j), 5));
  });
});
