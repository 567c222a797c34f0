// What an editor says about composition (docs/language.md §8.2): models offered and described
// as layers, and the built-ins that combine layer values (repeat, shared) documented, completed and
// given signature help like the others.
import { describe, expect, it } from "vitest";
import { analyse } from "../../src/ide/analysis.ts";
import { complete } from "../../src/ide/completion.ts";
import { hover } from "../../src/ide/hover.ts";
import { signatureHelp } from "../../src/ide/signature-help.ts";

const TEXT = `import std.layers.{Dense}

model Encoder {
  input  x: f32[B, 8]
  output z: f32[B, 4]
  z = x |> Dense(4)
}

model Outer {
  input  x: f32[B, 8]
  output y: f32[B, 4]
  y = x |> repeat(2, Dense(8)) |> shared(Dense(8)) |> Encoder()
}
`;
const a = analyse("/virtual/composition.dnn", TEXT);
const at = (needle: string, k = 0) => TEXT.indexOf(needle) + k;

describe("IDE features know composition", () => {
  it("the file checks cleanly", () => expect(a.diagnostics).toEqual([]));

  it("hover on a nested model's application names its instance and its parameters", () => {
    const md = hover(a, at("Encoder()", 2))!.markdown;
    expect(md).toContain("model Encoder");
    expect(md).toContain("`encoder` → `f32[B, 4]` · 36 parameters");
  });

  it("hover on repeat and shared reads their rows of the language reference", () => {
    expect(hover(a, at("repeat(", 2))!.markdown).toContain("applied `n` times in sequence");
    expect(hover(a, at("shared(", 2))!.markdown).toContain("instance and one set of weights, made by the first");
  });

  it("signature help for repeat and shared marks the argument being typed", () => {
    const s = signatureHelp(a, at("repeat(2, ", "repeat(2, ".length));
    expect(s!.label).toBe("repeat(n, block)");
    expect(s!.active).toBe(1);
    const t = signatureHelp(a, at("shared(", "shared(".length));
    expect(t!.label).toBe("shared(layer)");
    expect(t!.active).toBe(0);
  });

  it("completion offers the layer built-ins and models after a pipe", () => {
    const o = at("repeat(2, Dense(8))");
    const typed = TEXT.slice(0, o) + "rep" + TEXT.slice(o + "repeat(2, Dense(8))".length);
    expect(complete(analyse("/virtual/composition.dnn", typed, undefined, a), o + 3).map((c) => c.label)).toEqual(expect.arrayContaining(["repeat", "shared", "frozen"]));
    const p = at("Encoder()");
    const piped = TEXT.slice(0, p) + TEXT.slice(p + "Encoder()".length);
    const items = complete(analyse("/virtual/composition.dnn", piped, undefined, a), p);
    expect(items.find((c) => c.label === "Encoder")).toMatchObject({ kind: "layer", detail: "model Encoder" });
  });
});

describe("re-analysis after an edit", () => {
  it("checks again a model that applies the model the edit changed", () => {
    const o = TEXT.indexOf("z = x |> Dense(4)");
    const edited = TEXT.slice(0, o) + "z = x |> Dense(4) |> Dense(4) |> Dense(4)" + TEXT.slice(o + "z = x |> Dense(4)".length);
    const again = analyse("/virtual/composition.dnn", edited, undefined, a);
    const fresh = analyse("/virtual/composition.dnn", edited);
    expect(fresh.models.get("Outer")!.params).not.toEqual(a.models.get("Outer")!.params);
    expect(again.models.get("Outer")!.params).toEqual(fresh.models.get("Outer")!.params);
    const broken = TEXT.replace("output z: f32[B, 4]", "output z: f32[B, 5]").replace("Dense(4)", "Dense(5)");
    const diags = (x: ReturnType<typeof analyse>) => x.diagnostics.map((d) => `${d.code} ${d.message}`);
    expect(diags(analyse("/virtual/composition.dnn", broken, undefined, a))).toEqual(diags(analyse("/virtual/composition.dnn", broken)));
    expect(diags(analyse("/virtual/composition.dnn", broken))).toEqual(["DNN0301 output `y` expects f32[B, 4], found f32[B, 5]"]);
  });
});
