// The range each i32 input and target must lie in, derived from how the compiled functions use
// it (src/ir/index-ranges.ts): a gather's table rows, a one-hot's classes, the intersection over
// every use; inputs whose uses impose nothing (a slice, arithmetic) get no range.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";

function rangesOf(source: string) {
  const r = compile("/virtual/ranges.dnn", source);
  expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return r.models[0]!.indexRanges;
}

const STD = ["import std.layers.{Dense, Embedding}", "import std.losses.{sparse_cross_entropy, nll}", "import std.activations.{log_softmax}", "import std.optimizers.{sgd}", ""].join("\n");

describe("index ranges from the IR", () => {
  it("sparse_cross_entropy's labels must be classes of the logits; the inputs of a Dense model none", () => {
    const ranges = rangesOf(`${STD}
model M {
  input  x: f32[B, 3]
  output logits: f32[B, 10]
  logits = x |> Dense(10)
}
train M {
  target y: i32[B]
  loss = sparse_cross_entropy(logits, y)
  optimizer = sgd(lr: 0.1)
}`);
    expect(ranges).toEqual([{ name: "y", below: [10], why: "a class of a one-hot over 10 classes" }]);
  });

  it("nll's labels, through where(one_hot(…)), as well", () => {
    const ranges = rangesOf(`${STD}
model M {
  input  x: f32[B, 3]
  output logits: f32[B, 7]
  logits = x |> Dense(7)
}
train M {
  target y: i32[B]
  loss = nll(log_softmax(logits), y)
  optimizer = sgd(lr: 0.1)
}`);
    expect(ranges).toEqual([{ name: "y", below: [7], why: "a class of a one-hot over 7 classes" }]);
  });

  it("an embedding's token ids must be rows of its table, named", () => {
    const ranges = rangesOf(`${STD}
model M {
  input  tokens: i32[B, 4]
  output logits: f32[B, 4, 3]
  logits = tokens |> Embedding(20, 5) |> Dense(3)
}
train M {
  target y: i32[B, 4]
  loss = sparse_cross_entropy(logits, y)
  optimizer = sgd(lr: 0.1)
}`);
    expect(ranges).toEqual([
      { name: "tokens", below: [20], why: "a row of embedding.embeddings (20 rows)" },
      { name: "y", below: [3], why: "a class of a one-hot over 3 classes" },
    ]);
  });

  it("the intersection over uses: the smaller bound wins, and its reason is the one given", () => {
    const ranges = rangesOf(`
model M {
  input  ids: i32[B]
  output a: f32[B, 6]
  output b: f32[B, 2]
  param  table: f32[4, 2] = 0.5
  a = one_hot(ids, 6)
  b = take(table, ids)
}`);
    expect(ranges).toEqual([{ name: "ids", below: [4], why: "a row of table (4 rows)" }]);
  });

  it("a table of symbolic rows gives a symbolic bound, compared at run time", () => {
    const ranges = rangesOf(`
model M {
  input  rows: f32[N, 3]
  input  ids: i32[B]
  output picked: f32[B, 3]
  picked = take(rows, ids)
}`);
    expect(ranges).toEqual([{ name: "ids", below: ["N"], why: "a row of rows (N rows)" }]);
  });

  it("uses that impose nothing give no range: arithmetic, a comparison with a plain number, a slice", () => {
    const ranges = rangesOf(`
model M {
  input  counts: i32[B]
  input  pairs: i32[B, 2]
  output scaled: f32[B]
  output part: f32[B, 3]
  param  table: f32[4, 3] = 0.5
  scaled = float(counts) * 2.0
  part = take(table, pairs[:, 0])
}`);
    expect(ranges).toEqual([]);
  });
});
