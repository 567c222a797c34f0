// repeat(n, block) (docs/language.md §8.2, "Stacking blocks: repeat"): n applications in
// sequence, each an instance with its own parameters, counted as Keras counts n separate blocks;
// the count a compile-time integer ≥ 1, the block one that keeps its input's type.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { size } from "../../src/ir/shape.ts";

const BLOCK = `import std.layers.{Dense}

layer Block(units: int) {
  forward(x: f32[B, n]) -> f32[B, n] = x + (x |> Dense(units, activation: relu) |> Dense(n))
}
`;
const model = (y: string, out = "f32[B, 8]") => `${BLOCK}\nmodel M {\n  input  x: f32[B, 8]\n  output y: ${out}\n  y = ${y}\n}\n`;

const compiled = (src: string) => {
  const c = compile("repeat.dnn", src);
  expect(c.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return c.models[0]!;
};
const errors = (src: string) => compile("repeat.dnn", src).diagnostics.map((d) => `${d.code} ${d.message}`);
const count = (m: ReturnType<typeof compiled>) => m.params.reduce((a, p) => a + (size(p.shape) as number), 0);

describe("repeat", () => {
  it("makes n instances with their own parameters: n times one block's Keras count", () => {
    const m = compiled(model("x |> repeat(4, Block(16))"));
    const dense = (i: number, o: number) => i * o + o;
    expect(count(m)).toBe(4 * (dense(8, 16) + dense(16, 8)));
    expect(m.summary.filter((r) => r.kind === "layer" && r.depth === 0).map((r) => r.kind === "layer" && r.instance)).toEqual(["block", "block_1", "block_2", "block_3"]);
    expect(m.params.map((p) => p.name).slice(0, 6)).toEqual(["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias", "dense_2.kernel", "dense_2.bias"]);
    expect(new Set(m.params.map((p) => p.name)).size).toBe(m.params.length);
  });

  it("is the same as writing the block n times", () => {
    const stacked = compiled(model("x |> repeat(3, Block(16))"));
    const written = compiled(model("x |> Block(16) |> Block(16) |> Block(16)"));
    expect(stacked.params).toEqual(written.params);
    expect(stacked.forward.nodes.length).toBe(written.forward.nodes.length);
  });

  it("takes its arguments by name, nests, and combines with frozen either way round", () => {
    expect(count(compiled(model("x |> repeat(block: Dense(8), n: 2)")))).toBe(2 * 72);
    expect(count(compiled(model("x |> repeat(2, repeat(3, Dense(8)))")))).toBe(6 * 72);
    const outer = compiled(model("x |> frozen(repeat(2, Dense(8))) |> Dense(8)"));
    expect(outer.params.map((p) => `${p.name} ${p.trainable}`)).toEqual(["dense.kernel false", "dense.bias false", "dense_1.kernel false", "dense_1.bias false", "dense_2.kernel true", "dense_2.bias true"]);
    const inner = compiled(model("x |> repeat(2, frozen(Dense(8)))"));
    expect(inner.params.every((p) => !p.trainable)).toBe(true);
  });

  it("stacks models applied as layers, each with its own prefix", () => {
    const src = `${BLOCK}\nmodel Step {\n  input  x: f32[B, 8]\n  output y: f32[B, 8]\n  y = x |> Block(4)\n}\n\nmodel M {\n  input  x: f32[B, 8]\n  output y: f32[B, 8]\n  y = x |> repeat(2, Step())\n}\n`;
    const c = compile("repeat.dnn", src);
    expect(c.diagnostics).toEqual([]);
    expect(c.models.find((m) => m.name === "M")!.params.map((p) => p.name)).toEqual([
      "step.dense.kernel", "step.dense.bias", "step.dense_1.kernel", "step.dense_1.bias",
      "step_1.dense.kernel", "step_1.dense.bias", "step_1.dense_1.kernel", "step_1.dense_1.bias",
    ]);
  });

  it("needs a compile-time count of at least 1 (DNN0207) and a layer (DNN0201)", () => {
    expect(errors(model("x |> repeat(0, Block(16))"))).toEqual(["DNN0207 `repeat` applies its layer at least once, found 0"]);
    expect(errors(model("x |> repeat(1.5, Block(16))"))).toEqual(["DNN0207 the count of `repeat` must be a compile-time integer, found float"]);
    expect(errors(model("repeat(2, relu)(x)"))).toEqual(["DNN0201 `repeat` takes a layer such as Dense(64), found fn relu"]);
    expect(errors(model("x |> repeat(2)"))).toEqual(["DNN0204 `repeat` needs a count and a layer, e.g. repeat(4, Dense(64, activation: relu))"]);
  });

  it("needs a block that keeps its input's type (DNN0419), but not for a count of 1", () => {
    expect(errors(model("x |> repeat(2, Dense(4))", "f32[B, 4]"))).toEqual([
      "DNN0419 `repeat` applies Dense to its own output, so it must keep its input's type: it maps f32[B, 8] to f32[B, 4]",
    ]);
    expect(errors(model("x |> repeat(1, Dense(4))", "f32[B, 4]"))).toEqual([]);
  });
});
