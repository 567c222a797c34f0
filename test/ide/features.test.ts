// The IDE layer's answers, in-process (the protocol around them is tested in test/lsp/).
import { describe, expect, it } from "vitest";
import { analyse } from "../../src/ide/analysis.ts";
import { complete } from "../../src/ide/completion.ts";
import { hover } from "../../src/ide/hover.ts";
import { signatureHelp } from "../../src/ide/signature-help.ts";
import { referencesAt, definitionAt } from "../../src/ide/navigation.ts";
import { outline } from "../../src/ide/outline.ts";

const FILE = "/virtual/features.dnn";
const TEXT = `import std.layers.{Dense}
import std.losses.{sparse_cross_entropy}
import std.optimizers.{adam}

layer Block(units: int, rate: float = 0.5) {
  forward(x: f32[N, d]) = x |> Dense(units, activation: relu)
}

model M {
  input  x: f32[B, 8]
  output logits: f32[B, 3]

  let h = x |> Block(16) |> Block(units: 4)
  logits = h |> Dense(3)
}

train M {
  target y: i32[B]
  loss      = sparse_cross_entropy(logits, y)
  optimizer = adam(lr: 0.01)
}
`;
const a = analyse(FILE, TEXT);
const at = (needle: string, k = 0) => {
  const o = TEXT.indexOf(needle);
  if (o < 0) throw new Error(needle);
  return o + k;
};
/** Completions at the end of `prefix` inserted at `where` (the text is changed, then analysed). */
function completeAfter(where: string, prefix: string) {
  const o = at(where);
  const text = TEXT.slice(0, o) + prefix + TEXT.slice(o);
  return complete(analyse(FILE, text, undefined, a), o + prefix.length);
}

describe("IDE features", () => {
  it("the file checks cleanly", () => expect(a.diagnostics).toEqual([]));

  it("completion after `|>` offers layers and activations, stdlib ones with their import", () => {
    const items = completeAfter("\n}\n\ntrain", "\n  let z = h |> ");
    const labels = items.map((c) => c.label);
    expect(labels).toEqual(expect.arrayContaining(["Dense", "Block", "Conv2D", "relu", "softmax"]));
    expect(items.find((c) => c.label === "Conv2D")!.edit).toEqual({ offset: TEXT.indexOf("{Dense}") + "{Dense".length, text: ", Conv2D" });
    expect(labels).not.toContain("adam");
    // Layers added to std.layers for issue 20 are picked up from stdlib/layers.dnn, with their docs.
    expect(labels).toEqual(expect.arrayContaining(["GlobalMaxPool2D", "ZeroPadding2D", "Cropping2D"]));
    expect(items.find((c) => c.label === "ZeroPadding2D")!.edit).toEqual({ offset: TEXT.indexOf("{Dense}") + "{Dense".length, text: ", ZeroPadding2D" });
    expect(items.find((c) => c.label === "Cropping2D")!.documentation).toMatch(/^Drops `cropping` rows/);
    expect(items.find((c) => c.label === "Dense")!.detail).toContain("use_bias: bool = true");
  });

  it("completion after `loss =` offers losses; after `optimizer =` optimizers", () => {
    const o = at("sparse_cross_entropy(logits");
    const lossItems = complete(a, o).map((c) => c.label);
    expect(lossItems).toEqual(expect.arrayContaining(["sparse_cross_entropy", "mse", "binary_cross_entropy"]));
    expect(lossItems).not.toContain("Dense");
    const opt = complete(a, at("adam(lr")).map((c) => c.label);
    expect(opt).toEqual(expect.arrayContaining(["adam", "sgd", "rmsprop"]));
  });

  it("completion at the top level offers the declaration keywords", () => {
    const labels = complete(a, TEXT.length).map((c) => c.label);
    expect(labels).toEqual(["model", "layer", "fn", "init", "optimizer", "train", "import"]);
  });

  it("completion in a user layer's call lists its parameters with defaults", () => {
    const items = complete(a, at("Block(16)", 6)).filter((c) => c.kind === "argument");
    expect(items.map((c) => [c.label, c.detail])).toEqual([["units:", "int"], ["rate:", "float = 0.5"]]);
  });

  it("signature help for a stdlib function marks the argument being typed", () => {
    const s = signatureHelp(a, at("sparse_cross_entropy(logits, y)", "sparse_cross_entropy(logits, ".length));
    expect(s!.label).toMatch(/^fn sparse_cross_entropy\(/);
    expect(s!.active).toBe(1);
  });

  it("hover: a let's inferred type, a user layer instance, a built-in's documentation", () => {
    expect(hover(a, at("let h", 4))!.markdown).toContain("let h: f32[B, 4]");
    const block = hover(a, at("Block(16)", 1))!.markdown;
    expect(block).toContain("layer Block(units: int, rate: float = 0.5)");
    expect(block).toContain("`block` → `f32[B, 16]` · 144 parameters");
    expect(hover(a, at("relu)", 1))!.markdown).toContain("max(x, 0), elementwise");
    // Inside the user's layer, its parameter `units` has a value per application.
    expect(hover(a, at("Dense(units", 7))!.markdown).toContain("int = 16 | int = 4");
  });

  it("a named argument goes to its parameter, and references include it", () => {
    const param = definitionAt(a, at("units: 4", 1))!;
    expect(param.start).toBe(at("units: int"));
    const refs = referencesAt(a, at("units: int"), true).map((s) => s.start);
    expect(refs).toEqual([at("units: int"), at("Dense(units", 6), at("units: 4")]);
  });

  it("the outline lists definitions with what they declare", () => {
    const o = outline(a);
    expect(o.map((x) => [x.kind, x.name])).toEqual([["layer", "Block"], ["model", "M"], ["train", "M"]]);
    expect(o[1]!.children.map((c) => [c.kind, c.name, c.detail])).toEqual([["input", "x", "f32[B, 8]"], ["output", "logits", "f32[B, 3]"], ["let", "h", undefined]]);
  });
});

describe("IDE features know the built-ins of issue 20", () => {
  const text = `model P {
  input  x: f32[B, T, 4]
  output ids: i32[B, T]
  output masked: f32[B, T, 4]
  ids = argmax(x)
  masked = tril(x, k: 1) + sin(float(range(T)) |> reshape([T, 1]))
}
`;
  const p = analyse("/virtual/builtins.dnn", text);
  const where = (needle: string, k = 0) => text.indexOf(needle) + k;

  it("the file checks cleanly", () => expect(p.diagnostics).toEqual([]));

  it("hover reads argmax, tril, sin and range from the language reference", () => {
    expect(hover(p, where("argmax", 1))!.markdown).toContain("the first of equal ones, as `i32`");
    expect(hover(p, where("tril", 1))!.markdown).toContain("causal mask");
    expect(hover(p, where("sin(", 1))!.markdown).toContain("sine");
    expect(hover(p, where("range(", 1))!.markdown).toContain("may be a symbolic size");
  });

  it("signature help marks tril's k", () => {
    const s = signatureHelp(p, where("tril(x, ", "tril(x, ".length));
    expect(s!.label).toMatch(/^tril\(x, k\)/);
    expect(s!.active).toBe(1);
  });

  it("completion offers the new built-ins by prefix", () => {
    const o = where("argmax(x)");
    const t2 = text.slice(0, o) + "arg" + text.slice(o + "argmax(x)".length);
    const labels = complete(analyse("/virtual/builtins.dnn", t2, undefined, p), o + 3).map((c) => c.label);
    expect(labels).toEqual(expect.arrayContaining(["argmax", "argmin"]));
  });
});
