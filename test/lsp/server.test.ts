// The language server, end to end: a real `dnnc lsp` process and a protocol client over stdio.
import { readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  HoverRequest, DefinitionRequest, ReferencesRequest, CompletionRequest, SignatureHelpRequest, DocumentSymbolRequest,
  FoldingRangeRequest, SemanticTokensRequest, DocumentFormattingRequest, type CompletionItem, type DocumentSymbol, type Location, type Hover,
} from "vscode-languageserver-protocol/node";
import { TestClient, uriOf } from "../helpers/lsp-client.ts";
import { compile } from "../../src/compiler.ts";
import { TOKEN_TYPES } from "../../src/ide/semantic-tokens.ts";

let client: TestClient;
beforeAll(async () => void (client = await TestClient.start()), 60_000);
afterAll(async () => await client?.stop());

const read = (p: string) => readFileSync(p, "utf8");
/** The position of `needle` (plus `k` characters) in `text`. */
function pos(text: string, needle: string, k = 0) {
  const o = text.indexOf(needle);
  if (o < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, o + k);
  return { line: before.split("\n").length - 1, character: o + k - (before.lastIndexOf("\n") + 1) };
}
const hoverText = (h: Hover | null) => (h && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "");

describe("diagnostics", () => {
  it("a shape error arrives on open: exactly the CLI's diagnostic, with its range and related places", async () => {
    const path = "test/fixtures/shape_error.dnn";
    const text = read(path);
    const d = await client.open(uriOf(path), text);
    expect(d.diagnostics).toHaveLength(1);
    const [diag] = d.diagnostics;
    expect(diag).toMatchObject({ code: "DNN0304", severity: 1, source: "dnnc", range: { start: pos(text, "y = x @", 6), end: pos(text, "y = x @", 7) } });
    expect(diag!.message).toBe(compile(path, text).diagnostics[0]!.message);
    expect(diag!.relatedInformation!.map((r) => r.message)).toEqual(["this is f32[B, 3]", "this is f32[4, 2]"]);
    expect(diag!.codeDescription!.href).toMatch(/docs\/diagnostics\.md#dnn0304-/);
  });

  it("follows edits: an error typed in, then fixed", async () => {
    const uri = "untitled:edits.dnn";
    const text = read("samples/mlp_digits.dnn");
    expect((await client.open(uri, text)).diagnostics).toEqual([]);
    const at = pos(text, "Dense(10)", 6);
    let next = client.nextDiagnostics(uri);
    await client.change(uri, [{ range: { start: at, end: { ...at, character: at.character + 2 } }, text: "11" }]);
    const broken = await next;
    expect(broken.diagnostics.map((x) => x.code)).toEqual(["DNN0301"]);
    next = client.nextDiagnostics(uri);
    await client.change(uri, [{ range: { start: at, end: { ...at, character: at.character + 2 } }, text: "10" }]);
    expect((await next).diagnostics).toEqual([]);
  });

  it("errors in an imported file stay there, with one line at the import", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dnnc-lsp-"));
    writeFileSync(join(dir, "lib.dnn"), "fn twice(x: f32[...]) -> f32[...] = x * 2.0 + undefined_name\n");
    const main = "import lib.{twice}\n\nmodel M {\n  input x: f32[B, 3]\n  output y: f32[B, 3]\n  y = twice(x)\n}\n";
    writeFileSync(join(dir, "main.dnn"), main);
    const d = await client.open(pathToFileURL(join(dir, "main.dnn")).href, main);
    expect(d.diagnostics).toHaveLength(1);
    expect(d.diagnostics[0]).toMatchObject({ code: "DNN0101", range: { start: { line: 0, character: 0 } } });
    expect(d.diagnostics[0]!.message).toMatch(/^lib has 1 error; the first: unknown name `undefined_name`/);
    expect(d.diagnostics[0]!.relatedInformation).toEqual([]);
  });
});

describe("requests", () => {
  const path = "samples/mnist_cnn.dnn";
  const uri = uriOf(path);
  const text = read(path);
  const doc = { textDocument: { uri } };
  beforeAll(async () => void (await client.open(uri, text)));

  it("hover on a layer call gives its output shape, instance and parameter count", async () => {
    const h = await client.connection.sendRequest(HoverRequest.type, { ...doc, position: pos(text, "Conv2D(32", 2) });
    expect(hoverText(h)).toContain("layer Conv2D(filters: int, kernel_size: int");
    expect(hoverText(h)).toContain("`conv2d` → `f32[B, 26, 26, 32]` · 320 parameters");
  });

  it("hover on a pipe stage gives the shape flowing out of it", async () => {
    const h = await client.connection.sendRequest(HoverRequest.type, { ...doc, position: pos(text, "MaxPool2D(2)\n", 10) });
    expect(hoverText(h)).toContain("int = 2");
    const stage = await client.connection.sendRequest(HoverRequest.type, { ...doc, position: pos(text, "|> MaxPool2D(2)\n", 3) });
    expect(hoverText(stage)).toContain("layer MaxPool2D");
    expect(hoverText(stage)).toContain("`max_pool2d` → `f32[B, 13, 13, 32]` · 0 parameters");
  });

  it("hover on the model name gives its parameter count", async () => {
    const h = await client.connection.sendRequest(HoverRequest.type, { ...doc, position: pos(text, "model MnistCNN", 7) });
    expect(hoverText(h)).toContain("93,322 parameters, 93,322 trainable");
  });

  it("definition of a stdlib layer jumps into stdlib/layers.dnn", async () => {
    const loc = (await client.connection.sendRequest(DefinitionRequest.type, { ...doc, position: pos(text, "Dense(64", 1) })) as Location;
    expect(loc.uri).toMatch(/stdlib\/layers\.dnn$/);
    const layers = read("stdlib/layers.dnn");
    expect(loc.range.start).toEqual(pos(layers, "layer Dense(", 6));
  });

  it("references of an input: its declaration and every use", async () => {
    const refs = (await client.connection.sendRequest(ReferencesRequest.type, { ...doc, position: pos(text, "input  x", 7), context: { includeDeclaration: true } })) as Location[];
    expect(refs.map((r) => r.range.start)).toEqual([pos(text, "input  x", 7), pos(text, "logits = x", 9)]);
  });

  it("completion inside a Dense( call lists its named arguments with their defaults", async () => {
    const items = (await client.connection.sendRequest(CompletionRequest.type, { ...doc, position: pos(text, "Dense(64, ", 10) })) as CompletionItem[];
    const args = items.filter((i) => i.label.endsWith(":"));
    expect(args.map((i) => i.label)).toEqual(["activation:", "use_bias:"]); // units is given by position
    expect(args[0]!.detail).toBe("fn = identity");
    expect(args[1]!.detail).toBe("bool = true");
    const first = (await client.connection.sendRequest(CompletionRequest.type, { ...doc, position: pos(text, "Dense(64", 6) })) as CompletionItem[];
    expect(first.filter((i) => i.label.endsWith(":")).map((i) => i.label)).toEqual(["units:", "activation:", "use_bias:"]);
  });

  it("completion after `activation:` offers activations, adding the import for stdlib ones", async () => {
    const items = (await client.connection.sendRequest(CompletionRequest.type, { ...doc, position: pos(text, "activation: relu", 12) })) as CompletionItem[];
    const labels = items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(["relu", "sigmoid", "softmax", "gelu"]));
    const gelu = items.find((i) => i.label === "gelu")!;
    expect(gelu.additionalTextEdits?.[0]?.newText).toBe("\nimport std.activations.{gelu}");
  });

  it("signature help marks the argument being typed", async () => {
    const s = await client.connection.sendRequest(SignatureHelpRequest.type, { ...doc, position: pos(text, "Conv2D(64, 3, ", 14) });
    expect(s!.signatures[0]!.label).toMatch(/^layer Conv2D\(filters: int, kernel_size: int, strides: int = 1/);
    expect(s!.activeParameter).toBe(2);
    const named = await client.connection.sendRequest(SignatureHelpRequest.type, { ...doc, position: pos(text, "activation: relu) |> MaxPool2D", 13) });
    expect(named!.activeParameter).toBe(6); // after dilation_rate and groups, in Keras's order
  });

  it("document symbols: the model with its inputs and outputs, the train block", async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, doc)) as DocumentSymbol[];
    expect(symbols.map((s) => s.name)).toEqual(["MnistCNN", "MnistCNN"]);
    expect(symbols[0]!.children!.map((c) => [c.name, c.detail])).toEqual([["x", "f32[B, 28, 28, 1]"], ["logits", "f32[B, 10]"]]);
  });

  it("folding ranges cover the model, the train block and the header comment", async () => {
    const folds = await client.connection.sendRequest(FoldingRangeRequest.type, doc);
    const model = pos(text, "model MnistCNN").line;
    const train = pos(text, "train MnistCNN").line;
    expect(folds).toEqual([
      { startLine: 0, endLine: 3, kind: "comment" },
      { startLine: 4, endLine: 6, kind: "imports" },
      { startLine: model, endLine: train - 2 },
      { startLine: train, endLine: text.trimEnd().split("\n").length - 1 },
    ]);
  });

  it("semantic tokens tell layers, inputs and built-ins apart", async () => {
    const data = (await client.connection.sendRequest(SemanticTokensRequest.type, doc))!.data;
    const decoded: { line: number; char: number; type: string }[] = [];
    let line = 0, char = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      char = data[i]! === 0 ? char + data[i + 1]! : data[i + 1]!;
      decoded.push({ line, char, type: TOKEN_TYPES[data[i + 3]!]! });
    }
    const typeAt = (needle: string, k = 0) => decoded.find((t) => t.line === pos(text, needle, k).line && t.char === pos(text, needle, k).character)?.type;
    expect(typeAt("Conv2D(32")).toBe("class");
    expect(typeAt("input  x", 7)).toBe("variable");
    expect(typeAt("relu)")).toBe("function");
    expect(typeAt("f32[B, 28", 4)).toBe("typeParameter");
  });

  it("formatting returns the formatter's text, and nothing for formatted text", async () => {
    const messy = "model   M {\n    input x: f32[B,3]\n  output y:f32[B, 3]\n  y = x\n}\n";
    const u = "untitled:fmt.dnn";
    await client.open(u, messy);
    const edits = await client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri: u }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(edits![0]!.newText).toBe("model M {\n  input x: f32[B, 3]\n  output y: f32[B, 3]\n  y = x\n}\n");
    const clean = await client.connection.sendRequest(DocumentFormattingRequest.type, { ...doc, options: { tabSize: 2, insertSpaces: true } });
    expect(clean).toEqual([]);
  });

  it("requests about unknown documents or positions past the end answer nothing, invalid positions an error, and the server lives on", async () => {
    expect(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: "file:///nope.dnn" }, position: { line: 0, character: 0 } })).toBeNull();
    expect(await client.connection.sendRequest(HoverRequest.type, { ...doc, position: { line: 9999, character: 9999 } })).toBeDefined();
    // Positions are unsigned in the protocol: a negative one is invalid params (robustness.test.ts has more).
    await expect(client.connection.sendRequest(CompletionRequest.type, { ...doc, position: { line: -1, character: -5 } })).rejects.toMatchObject({ code: -32602 });
    expect(client.exited).toBeUndefined();
  });
});
