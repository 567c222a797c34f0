// shared(L) (docs/language.md §8.2, "Sharing weights: shared"): one instance, one set of
// weights, however many call sites apply it; its later applications bind the same parameter
// shapes (DNN0418) and are trained or frozen as the first. Reusing a plain layer value still
// makes an instance per application.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { printSummary } from "../../src/check/summary.ts";
import { size } from "../../src/ir/shape.ts";

const HEAD = `import std.layers.{Dense}

layer MLP(units: int) {
  forward(x: f32[B, n]) -> f32[B, units] = x |> Dense(units, activation: relu) |> Dense(units)
}

layer Twice(inner) {
  forward(x) = x |> inner |> inner
}
`;
const model = (items: string, inputs = "  input  a: f32[B, 3]\n  input  b: f32[B, 3]") =>
  `${HEAD}\nmodel M {\n${inputs}\n  output y: f32[B, 3]\n${items}\n}\n`;

const compiled = (src: string) => {
  const c = compile("shared.dnn", src);
  expect(c.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return c.models.find((m) => m.name === "M")!;
};
const errors = (src: string) => compile("shared.dnn", src).diagnostics.map((d) => `${d.code} ${d.message}`);
const names = (src: string) => compiled(src).params.map((p) => p.name);

describe("shared", () => {
  it("makes one instance for every call site; a plain layer value still makes one per application", () => {
    expect(names(model("  let enc = shared(Dense(3))\n  y = (a |> enc) + (b |> enc)"))).toEqual(["dense.kernel", "dense.bias"]);
    expect(names(model("  let enc = Dense(3)\n  y = (a |> enc) + (b |> enc)"))).toEqual(["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"]);
  });

  it("reads the same parameter arguments at both sites", () => {
    const m = compiled(model("  let enc = shared(Dense(3))\n  y = (a |> enc) + (b |> enc)"));
    const index = m.forward.args.findIndex((x) => x.name === "dense.kernel");
    const kernel = m.forward.nodes.find((n) => n.op === "arg" && n.index === index)!;
    const uses = m.forward.nodes.filter((n) => n.op === "matmul" && n.inputs.includes(kernel.id));
    expect(uses.length).toBe(2);
  });

  it("reuses a block's inner layers under the same names, and the numbering goes on after it", () => {
    expect(names(model("  let block = shared(MLP(3))\n  y = (a |> block) + (b |> block) + (a |> Dense(3))"))).toEqual([
      "dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias", "dense_2.kernel", "dense_2.bias",
    ]);
  });

  it("is one summary row with its parameters, and a row marked reused without them", () => {
    const m = compiled(model("  let block = shared(MLP(3))\n  y = (a |> block) + (b |> block)"));
    const text = printSummary("M", m.summary, m.params.map((p) => ({ size: size(p.shape) as number, trainable: p.trainable })));
    const rows = text.split("\n").map((l) => l.trim().split(/\s{2,}/).join(" | "));
    expect(rows.slice(5, 10)).toEqual(["mlp (MLP, shared) | f32[B, 3] | 24", "dense (Dense) | f32[B, 3] | 12", "dense_1 (Dense) | f32[B, 3] | 12", "mlp (MLP, reused) | f32[B, 3]", "y (output) | f32[B, 3]"]);
    expect(text).toContain("Total params: 24");
  });

  it("may be applied to another batch size: only its weights must fit", () => {
    expect(names(model("  let enc = shared(Dense(3))\n  y = (a |> enc) + mean(c |> enc, axis: 0)", "  input  a: f32[B, 3]\n  input  c: f32[N, 3]"))).toEqual(["dense.kernel", "dense.bias"]);
  });

  it("applied to an input its weights do not fit is DNN0418, at the second site", () => {
    const src = model("  let enc = shared(Dense(3))\n  y = (a |> enc) + (b |> enc)", "  input  a: f32[B, 3]\n  input  b: f32[B, 5]");
    const ds = compile("shared.dnn", src).diagnostics;
    expect(ds.map((d) => `${d.code} ${d.message}`)).toEqual([
      "DNN0418 `dense` is shared and was built for f32[B, 3]; applied to f32[B, 5] here, it would need `dense.kernel` to be f32[5, 3], not f32[3, 3]",
    ]);
    expect(ds[0]!.span.start).toBe(src.indexOf("(b |> enc)") + "(b |> ".length);
    expect(ds[0]!.related[0]!.span.start).toBe(src.indexOf("(a |> enc)") + "(a |> ".length);
  });

  it("combines with frozen either way round, and must be frozen at every site or none (DNN0418)", () => {
    for (const enc of ["shared(frozen(Dense(3)))", "frozen(shared(Dense(3)))"]) {
      const m = compiled(model(`  let enc = ${enc}\n  y = (a |> enc) + (b |> enc) + (a |> Dense(3))`));
      expect(m.params.map((p) => `${p.name} ${p.trainable}`)).toEqual(["dense.kernel false", "dense.bias false", "dense_1.kernel true", "dense_1.bias true"]);
    }
    expect(errors(model("  let enc = shared(Dense(3))\n  y = (a |> enc) + (b |> frozen(enc))"))).toEqual([
      "DNN0418 this shared layer is frozen here but trained where it was first applied: its one set of weights is either trained or not",
    ]);
  });

  it("ties the weights of a repeat, reaches inside a layer that applies it twice, and shares a nested model", () => {
    expect(names(model("  y = a |> repeat(3, shared(Dense(3)))"))).toEqual(["dense.kernel", "dense.bias"]);
    expect(names(model("  y = a |> Twice(shared(Dense(3)))"))).toEqual(["dense.kernel", "dense.bias"]);
    expect(names(model("  y = a |> Twice(Dense(3))"))).toEqual(["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"]);
    const enc = `model Enc {\n  input  x: f32[B, 3]\n  output z: f32[B, 3]\n  z = x |> Dense(3)\n}\n`;
    expect(names(enc + model("  let e = shared(Enc())\n  y = (a |> e) + (b |> e)"))).toEqual(["enc.dense.kernel", "enc.dense.bias"]);
  });

  it("takes one layer, not a repeat (DNN0201)", () => {
    expect(errors(model("  y = a |> shared(repeat(2, Dense(3)))"))).toEqual(["DNN0201 `shared` takes one layer, not a `repeat` of one"]);
    expect(errors(model("  y = a |> shared(relu)"))).toEqual(["DNN0201 `shared` takes a layer such as Dense(64), found fn relu"]);
  });
});
