// The IDE knows std.attention (issue 20): completion offers its layers with their import and
// documentation, hover shows a MultiHeadAttention instance's signature, doc and weights, and
// signature help marks its arguments. Read from stdlib/attention.dnn, like every stdlib module.
import { describe, expect, it } from "vitest";
import { analyse } from "../../src/ide/analysis.ts";
import { complete } from "../../src/ide/completion.ts";
import { hover } from "../../src/ide/hover.ts";
import { signatureHelp } from "../../src/ide/signature-help.ts";

const FILE = "/virtual/attention.dnn";
const TEXT = `import std.attention.{MultiHeadAttention}

model M {
  input  x: f32[B, 6, 8]
  output y: f32[B, 6, 8]
  y = x |> MultiHeadAttention(2, 4, causal: true)
}
`;
const a = analyse(FILE, TEXT);
const at = (needle: string, k = 0) => TEXT.indexOf(needle) + k;

describe("IDE features know std.attention", () => {
  it("the file checks cleanly", () => expect(a.diagnostics).toEqual([]));

  it("completion after `|>` offers PositionalEmbedding and SinusoidalPositionEncoding with their docs, adding them to the import", () => {
    const o = at("MultiHeadAttention(2");
    const text = TEXT.slice(0, o) + "Pos" + TEXT.slice(o + "MultiHeadAttention(2, 4, causal: true)".length);
    const items = complete(analyse(FILE, text, undefined, a), o + 3);
    const pos = items.find((c) => c.label === "PositionalEmbedding")!;
    expect(pos.edit).toEqual({ offset: TEXT.indexOf("{MultiHeadAttention}") + "{MultiHeadAttention".length, text: ", PositionalEmbedding" });
    expect(pos.documentation).toMatch(/^A learned position embedding/);
    expect(items.map((c) => c.label)).toContain("SinusoidalPositionEncoding");
  });

  it("completion in a file without the import offers MultiHeadAttention with a new import line", () => {
    const text = "import std.layers.{Dense}\n\nmodel M {\n  input  x: f32[B, 6, 8]\n  output y: f32[B, 6, 8]\n  y = x |> \n}\n";
    const items = complete(analyse(FILE, text), text.indexOf("|> ") + 3);
    const mha = items.find((c) => c.label === "MultiHeadAttention")!;
    expect(mha.edit).toEqual({ offset: "import std.layers.{Dense}".length, text: "\nimport std.attention.{MultiHeadAttention}" });
    expect(mha.detail).toBe("std.attention (adds an import)");
    expect(mha.documentation).toMatch(/^Multi-head scaled dot-product attention, Keras's MultiHeadAttention/);
  });

  it("hover on the call shows the signature, the doc and the instance's weights", () => {
    const md = hover(a, at("MultiHeadAttention(2", 1))!.markdown;
    expect(md).toContain("layer MultiHeadAttention(num_heads: int, key_dim: int, value_dim: int = key_dim");
    expect(md).toContain("causal: bool = false");
    expect(md).toContain("Multi-head scaled dot-product attention");
    // Keras's count for d = 8, 2 heads, key_dim 4: 3·(8·2·4 + 2·4) + 2·4·8 + 8.
    expect(md).toContain(`\`multi_head_attention\` → \`f32[B, 6, 8]\` · ${3 * (8 * 2 * 4 + 2 * 4) + 2 * 4 * 8 + 8} parameters`);
  });

  it("signature help marks key_dim at the second argument", () => {
    const s = signatureHelp(a, at("4, causal"));
    expect(s!.label).toMatch(/^layer MultiHeadAttention\(num_heads: int, key_dim: int/);
    expect(s!.parameters[s!.active!]).toMatch(/^key_dim: int/);
  });
});

describe("IDE features know `rank`", () => {
  const text = "model R {\n  input  x: f32[B, 4]\n  output y: f32[B, 4]\n  y = x * rank(x)\n}\n";
  const r = analyse("/virtual/rank.dnn", text);
  it("the file checks cleanly, and hover reads rank from the language reference", () => {
    expect(r.diagnostics).toEqual([]);
    expect(hover(r, text.indexOf("rank(") + 1)!.markdown).toContain("the number of axes of `x`, a compile-time `int`");
  });
});
