// A model applied as a layer inside another (docs/language.md §8.2, "Models as layers"): its
// parameters under its instance name with its own layers numbered afresh, so they are the
// standalone model's names behind a prefix; its input bound like a forward's parameter; its
// train block unused; recursion through models, and models of the wrong arity, reported.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { printSummary } from "../../src/check/summary.ts";
import { size } from "../../src/ir/shape.ts";

const ENCODER = `import std.layers.{Dense}
import std.optimizers.{sgd}
import std.losses.{mse}

model Encoder {
  input  x: f32[B, 8]
  output z: f32[B, 3]
  param  scale: f32[3] = 1.0
  z = x |> Dense(4, activation: relu) |> Dense(3) |> times(scale)
}

fn times(x, s) = x * s

train Encoder {
  target t: f32[B, 3]
  loss = mse(z, t)
  optimizer = sgd()
}
`;

const AE = `${ENCODER}
model AE {
  input  x: f32[B, 8]
  output y: f32[B, 8]
  y = x |> Dense(8) |> Encoder() |> Dense(8) |> frozen(Encoder()) |> Dense(8)
}
`;

const clean = (src: string) => {
  const c = compile("nest.dnn", src);
  expect(c.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return c;
};
const errors = (src: string) => compile("nest.dnn", src).diagnostics.map((d) => `${d.code} ${d.message}`);
const model = (items: string) => `model M {\n  input  x: f32[B, 8]\n  output y: f32[B, 3]\n${items}\n}\n`;

describe("a model applied as a layer", () => {
  it("names its parameters under its instance name: the standalone model's names behind a prefix", () => {
    const c = clean(AE);
    const alone = c.models.find((m) => m.name === "Encoder")!.params.map((p) => p.name);
    expect(alone).toEqual(["scale", "dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"]);
    const ae = c.models.find((m) => m.name === "AE")!.params.map((p) => p.name);
    expect(ae).toEqual([
      "dense.kernel", "dense.bias",
      ...alone.map((n) => `encoder.${n}`),
      "dense_1.kernel", "dense_1.bias", // the outer numbering goes on where it was: the nested model's layers do not count
      ...alone.map((n) => `encoder_1.${n}`),
      "dense_2.kernel", "dense_2.bias",
    ]);
    // Shapes as in the standalone model.
    const shapes = (name: string, prefix: string) =>
      c.models.find((m) => m.name === name)!.params.filter((p) => p.name.startsWith(prefix)).map((p) => [p.name.slice(prefix.length), p.shape.join("x")]);
    expect(shapes("AE", "encoder.")).toEqual(shapes("Encoder", ""));
  });

  it("freezes every parameter of a frozen(Model()), and leaves its train block out", () => {
    const c = clean(AE);
    const ae = c.models.find((m) => m.name === "AE")!;
    expect(ae.params.filter((p) => !p.trainable).map((p) => p.name)).toEqual(["encoder_1.scale", "encoder_1.dense.kernel", "encoder_1.dense.bias", "encoder_1.dense_1.kernel", "encoder_1.dense_1.bias"]);
    // AE has no train block: the nested Encoder's is not AE's.
    expect(ae.train).toBeUndefined();
  });

  it("is one summary row with its layers indented under it", () => {
    const c = clean(AE);
    const ae = c.models.find((m) => m.name === "AE")!;
    const text = printSummary("AE", ae.summary, ae.params.map((p) => ({ size: size(p.shape) as number, trainable: p.trainable })));
    expect(text).toContain(" encoder (Encoder)     f32[B, 3]           54\n   dense (Dense)       f32[B, 4]           36\n   dense_1 (Dense)     f32[B, 3]           15\n dense_1 (Dense)       f32[B, 8]           32");
    expect(text).toContain("Non-trainable params: 54");
    // The nested model's input, lets and output are not rows of the outer model.
    expect(ae.summary.filter((r) => r.kind === "binding").map((r) => r.kind === "binding" && r.name)).toEqual(["x", "y"]);
  });

  it("binds its input's dimensions from the argument, B included, and checks its output", () => {
    const src = `${ENCODER}\nmodel Seq {\n  input  x: f32[N, 8]\n  output y: f32[N, 3]\n  y = Encoder()(x)\n}\n`;
    const seq = clean(src).models.find((m) => m.name === "Seq")!;
    expect(seq.summary.map((r) => (r.kind === "layer" ? r.instance : r.name) + " " + r.shape.join(","))).toEqual(["x N,8", "encoder N,3", "dense N,4", "dense_1 N,3", "y N,3"]);
    expect(errors(`${ENCODER}\nmodel Wide {\n  input  x: f32[B, 5]\n  output y: f32[B, 3]\n  y = x |> Encoder()\n}\n`)).toEqual([
      "DNN0301 model Encoder expects f32[B, 8] for `x`, found f32[B, 5]",
    ]);
    expect(errors(`${ENCODER}\nmodel Out {\n  input  x: f32[B, 8]\n  output y: f32[B, 4]\n  y = x |> Encoder()\n}\n`)).toEqual([
      "DNN0301 output `y` expects f32[B, 4], found f32[B, 3]",
    ]);
  });

  it("takes no arguments, and must be constructed before it is applied", () => {
    expect(errors(`${ENCODER}\n${model("  y = Encoder(x)")}`)).toEqual(["DNN0205 model Encoder takes no arguments: `Encoder()` is a layer"]);
    expect(errors(`${ENCODER}\n${model("  y = x |> Encoder")}`)).toEqual(["DNN0214 `Encoder` is a model definition, not a layer: construct one with its arguments"]);
  });

  it("needs exactly one input and one output (DNN0417)", () => {
    const two = `model Two {\n  input  a: f32[B, 8]\n  input  b: f32[B, 8]\n  output y: f32[B, 3]\n  y = a[:, :3] + b[:, :3]\n}\n`;
    expect(errors(`${two}${model("  y = x |> Two()")}`)).toEqual([
      "DNN0417 model Two has 2 inputs and 1 output: only a model with exactly one input and one output can be applied as a layer",
    ]);
    const none = `model Pair {\n  input  a: f32[B, 8]\n  output y: f32[B, 3]\n  output z: f32[B, 3]\n  y = a[:, :3]\n  z = a[:, :3]\n}\n`;
    expect(errors(`${none}${model("  y = x |> Pair()")}`)).toEqual([
      "DNN0417 model Pair has 1 input and 2 outputs: only a model with exactly one input and one output can be applied as a layer",
    ]);
  });

  it("that uses itself, directly or through another model, is DNN0211", () => {
    const self = `model Self {\n  input  x: f32[B, 8]\n  output y: f32[B, 8]\n  y = x |> Self()\n}\n`;
    expect(errors(self)).toEqual(["DNN0211 `Self` uses itself: recursion is not supported"]);
    const mutual = `model P {\n  input  x: f32[B, 8]\n  output y: f32[B, 8]\n  y = x |> Q()\n}\nmodel Q {\n  input  x: f32[B, 8]\n  output y: f32[B, 8]\n  y = x |> P()\n}\n`;
    expect(errors(mutual)).toEqual([
      "DNN0211 `Q` uses itself through `Q` → `P` → `Q`: recursion is not supported",
      "DNN0211 `P` uses itself through `P` → `Q` → `P`: recursion is not supported",
    ]);
  });

  describe("from another file", () => {
    const dir = mkdtempSync(join(tmpdir(), "dnnc-nested-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    it("is imported by name like a layer", () => {
      mkdirSync(join(dir, "parts"));
      writeFileSync(join(dir, "parts", "enc.dnn"), ENCODER);
      const main = join(dir, "main.dnn");
      const src = `import parts.enc.{Encoder}\n${model("  y = x |> Encoder()")}`;
      writeFileSync(main, src);
      const c = compile(main, src);
      expect(c.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      // Only this file's models are compiled: the imported model is a layer here.
      expect(c.models.map((m) => m.name)).toEqual(["M"]);
      expect(c.models[0]!.params.map((p) => p.name)).toEqual(["encoder.scale", "encoder.dense.kernel", "encoder.dense.bias", "encoder.dense_1.kernel", "encoder.dense_1.bias"]);
    });
  });
});
