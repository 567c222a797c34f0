// Quick fixes, rename and code lenses through a real `dnnc lsp` process. Each quick fix is
// applied to the text and the result checked again: a fix must leave the file without the
// error it fixed.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CodeActionRequest, PrepareRenameRequest, RenameRequest, CodeLensRequest, CodeLensResolveRequest, CodeLensRefreshRequest,
  type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit,
} from "vscode-languageserver-protocol/node";
import { TestClient, uriOf } from "../helpers/lsp-client.ts";
import { compile } from "../../src/compiler.ts";
import { modelStats } from "../../src/api/stats.ts";

let client: TestClient;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dnnc-refactor-"));
  client = await TestClient.start({ rootUri: pathToFileURL(dir).href });
}, 60_000);
afterAll(async () => await client?.stop());

function offsetOf(text: string, p: { line: number; character: number }): number {
  const lines = text.split("\n");
  return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
}
function positionOf(text: string, needle: string, k = 0) {
  const o = text.indexOf(needle);
  if (o < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, o + k);
  return { line: before.split("\n").length - 1, character: o + k - (before.lastIndexOf("\n") + 1) };
}
function applied(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start));
  for (const e of sorted) text = text.slice(0, offsetOf(text, e.range.start)) + e.newText + text.slice(offsetOf(text, e.range.end));
  return text;
}

let n = 0;
/** The quick fixes offered at the first error of `text`, and what each makes of the file. */
async function fixesFor(text: string) {
  const uri = `untitled:fix-${n++}.dnn`;
  const d = await client.open(uri, text);
  const error = d.diagnostics.find((x) => x.severity === 1) as Diagnostic;
  expect(error, "the broken text has an error").toBeDefined();
  const actions = ((await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: error.range, context: { diagnostics: [error] } })) ?? []) as CodeAction[];
  return { error, actions, results: actions.map((a) => applied(text, a.edit!.changes![uri]!)) };
}

const MODEL = (imports: string, body: string) => `${imports}model M {\n  input x: f32[B, 3]\n  output y: f32[B, 4]\n  ${body}\n}\n`;
const errorsIn = (text: string) => compile("/virtual/fixed.dnn", text).diagnostics.filter((d) => d.severity === "error").map((d) => d.message);

describe("quick fixes", { timeout: 30_000 }, () => {
  it("a stdlib name used without its import: adds the import, the file then checks", async () => {
    const { error, actions, results } = await fixesFor(MODEL("", "y = x |> Dense(4)"));
    expect(error.code).toBe("DNN0101");
    expect(actions.map((a) => [a.title, a.kind, a.isPreferred])).toEqual([["Import `Dense` from std.layers", "quickfix", true]]);
    expect(results[0]).toMatch(/^import std\.layers\.\{Dense\}\n\nmodel M/);
    expect(errorsIn(results[0]!)).toEqual([]);
  });

  it("adds the name to an existing import of the module", async () => {
    const { results } = await fixesFor(MODEL("import std.layers.{Dense}\n", "y = x |> Dense(4) |> Dropout(0.5)"));
    expect(results[0]).toContain("import std.layers.{Dense, Dropout}\n");
    expect(errorsIn(results[0]!)).toEqual([]);
  });

  const DIDYOUMEAN: [string, string, string, string][] = [
    ["a name", MODEL("import std.layers.{Dense}\n", "y = x |> Dense(4, activation: rleu)"), "Change `rleu` to `relu`", "activation: relu"],
    ["an argument name", MODEL("import std.layers.{Dense}\n", "y = x |> Dense(4, activaton: relu)"), "Change `activaton` to `activation`", "Dense(4, activation: relu)"],
    ["an imported name", MODEL("import std.layers.{Dense}\nimport std.optimizers.{adamm}\n", "y = x |> Dense(4)"), "Change `adamm` to `adam`", "import std.optimizers.{adam}"],
    ["an output", MODEL("import std.layers.{Dense}\n", "yy = x |> Dense(4)"), "Change `yy` to `y`", "  y = x |> Dense(4)"],
    ["a train block's model", MODEL("import std.layers.{Dense}\nimport std.losses.{mse}\nimport std.optimizers.{sgd}\n", "y = x |> Dense(4)") + "\ntrain MM {\n  target t: f32[B, 4]\n  loss = mse(y, t)\n  optimizer = sgd(lr: 0.1)\n}\n", "Change `MM` to `M`", "train M {"],
    ["a keyword", MODEL("import std.layers.{Dense}\n", "y = x |> Dense(4)").replace("model M", "modle M"), "Change `modle` to `model`", "model M {"],
    ["a keyword in a model", MODEL("import std.layers.{Dense}\n", "y = x |> Dense(4)").replace("output y", "outptu y"), "Change `outptu` to `output`", "  output y"],
    ["a literal", MODEL("import std.layers.{Dense}\n", "y = (x |> Dense(4)) * (if True { 1.0 } else { 2.0 })"), "Change `True` to `true`", "if true {"],
  ];
  for (const [what, text, title, fixed] of DIDYOUMEAN)
    it(`did you mean, for ${what}: ${title}, and the error is gone`, async () => {
      const { actions, results } = await fixesFor(text);
      expect(actions.map((a) => a.title)).toEqual([title]);
      expect(actions[0]!.isPreferred).toBe(true);
      expect(results[0]).toContain(fixed);
      expect(errorsIn(results[0]!)).toEqual([]);
    });

  it("no fix where nothing is known to fix it", async () => {
    const { actions } = await fixesFor(MODEL("import std.layers.{Dense}\n", "y = x |> Dense(5)"));
    expect(actions).toEqual([]);
  });
});

describe("rename", { timeout: 30_000 }, () => {
  it("a let: its definition and every use in the file", async () => {
    const text = MODEL("import std.layers.{Dense}\n", "let h = x |> Dense(8)\n  y = (h |> Dense(4)) + (h |> Dense(4))");
    const uri = "untitled:rename-let.dnn";
    await client.open(uri, text);
    const at = positionOf(text, "h |> Dense(4)");
    expect(await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: at })).toEqual({ range: { start: at, end: { ...at, character: at.character + 1 } }, placeholder: "h" });
    const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: at, newName: "hidden" })) as WorkspaceEdit;
    expect(Object.keys(edit.changes!)).toEqual([uri]);
    const renamed = applied(text, edit.changes![uri]!);
    expect(renamed).toContain("let hidden = x |> Dense(8)\n  y = (hidden |> Dense(4)) + (hidden |> Dense(4))");
    expect(errorsIn(renamed)).toEqual([]);
  });

  it("a layer defined in one file: there, in the file renamed from, and in another workspace file that imports it", async () => {
    const lib = "layer Block(units: int) {\n  forward(x: f32[N, d]) = x * 2.0\n}\n\nfn helper(x: f32[...]) -> f32[...] = x\n";
    const main = MODEL("import blocks.{Block}\n", "y = (x |> Block(4) |> Block(units: 4)) + x[:, 0:1]").replace("f32[B, 4]", "f32[B, 3]");
    const other = "import blocks.{helper, Block}\n\nmodel Other {\n  input x: f32[B, 2]\n  output y: f32[B, 2]\n  y = x |> Block(2) |> helper\n}\n";
    const unrelated = "layer Block(units: int) {\n  forward(x: f32[N, d]) = x\n}\n";
    for (const [f, t] of [["blocks.dnn", lib], ["main.dnn", main], ["other.dnn", other], ["unrelated.dnn", unrelated]]) writeFileSync(join(dir, f!), t!);
    const uri = pathToFileURL(join(dir, "main.dnn")).href;
    await client.open(uri, main);
    const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: positionOf(main, "Block(4)", 2), newName: "Twice" })) as WorkspaceEdit;
    const files = Object.keys(edit.changes!).map((u) => u.slice(u.lastIndexOf("/") + 1)).sort();
    expect(files).toEqual(["blocks.dnn", "main.dnn", "other.dnn"]);
    const after = (f: string, t: string) => applied(t, edit.changes![pathToFileURL(join(dir, f)).href]!);
    expect(after("blocks.dnn", lib)).toBe(lib.replace("layer Block", "layer Twice"));
    expect(after("main.dnn", main)).toBe(main.replaceAll("Block", "Twice"));
    expect(after("other.dnn", other)).toBe(other.replaceAll("Block", "Twice"));
    for (const [f, t] of [["blocks.dnn", lib], ["main.dnn", main], ["other.dnn", other]]) writeFileSync(join(dir, f!), after(f!, t!));
    expect(compile(join(dir, "main.dnn")).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(compile(join(dir, "other.dnn")).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("refuses stdlib names, built-ins and names that are not names", async () => {
    const text = MODEL("import std.layers.{Dense}\n", "let h = x |> Dense(4, activation: relu)\n  y = h");
    const uri = "untitled:rename-refused.dnn";
    await client.open(uri, text);
    const ask = (needle: string, k: number) => client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: positionOf(text, needle, k) });
    await expect(ask("Dense(4", 2)).rejects.toThrow(/`Dense` is defined in the standard library/);
    await expect(ask("relu", 1)).rejects.toThrow(/defined in the standard library|nothing to rename/);
    await expect(client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: positionOf(text, "let h", 4), newName: "model" })).rejects.toThrow(/`model` is a keyword/);
    await expect(client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: positionOf(text, "let h", 4), newName: "2x" })).rejects.toThrow(/is not a name/);
  });
});

describe("code lens", { timeout: 60_000 }, () => {
  it("one per model: its parameters and the peak memory of its training step, as dnnc compile computes them", async () => {
    const path = "samples/mnist_cnn.dnn";
    const text = readFileSync(path, "utf8");
    const uri = uriOf(path);
    await client.open(uri, text);
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    expect(lenses).toHaveLength(1);
    expect(lenses![0]!.range.start).toEqual(positionOf(text, "MnistCNN {"));
    const resolved = await client.connection.sendRequest(CodeLensResolveRequest.type, lenses![0]!);
    const stats = modelStats(compile(path).models[0]!, 64);
    const peak = stats.trainStep!.workspaceBytes + stats.trainStep!.argumentBytes;
    expect(resolved.command!.title).toBe(`93,322 parameters · training peak ${(peak / 1e6).toFixed(1)} MB at B = 64`);
  });

  it("an edit elsewhere does not cost a model again: its lens resolves from the cache", async () => {
    const path = "samples/resnet_small.dnn";
    const text = readFileSync(path, "utf8");
    const uri = uriOf(path);
    await client.open(uri, text);
    const resolve = async () => {
      const [lens] = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }))!;
      const t0 = performance.now();
      const title = (await client.connection.sendRequest(CodeLensResolveRequest.type, lens!)).command!.title;
      return { title, ms: performance.now() - t0 };
    };
    const first = await resolve();
    expect(first.title).toMatch(/^176,938 parameters · training peak [\d.]+ MB at B = 64$/);
    // A comment typed at the top: the model is kept, moved, and not costed again.
    const next = client.nextDiagnostics(uri);
    await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: "// a comment\n" }]);
    await next;
    const again = await resolve();
    expect(again.title).toBe(first.title);
    expect(again.ms).toBeLessThan(first.ms / 3);
  });

  it("a client that can refresh lenses gets the parameters at once, then a refresh, then the memory", async () => {
    const refreshing = await TestClient.start({ capabilities: { workspace: { codeLens: { refreshSupport: true } } } });
    try {
      const refreshed = new Promise<void>((done) => refreshing.connection.onRequest(CodeLensRefreshRequest.type, () => done()));
      const uri = uriOf("samples/mnist_cnn.dnn");
      await refreshing.open(uri, readFileSync("samples/mnist_cnn.dnn", "utf8"));
      const resolve = async () => {
        const [lens] = (await refreshing.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }))!;
        return (await refreshing.connection.sendRequest(CodeLensResolveRequest.type, lens!)).command!.title;
      };
      expect(await resolve()).toBe("93,322 parameters · peak memory: costing…");
      await refreshed;
      expect(await resolve()).toMatch(/^93,322 parameters · training peak [\d.]+ MB at B = 64$/);
    } finally {
      await refreshing.stop();
    }
  });

  it("a model with an error: its parameters so far (both layers: the error is the output's type), no memory", async () => {
    const uri = "untitled:lens-broken.dnn";
    await client.open(uri, MODEL("import std.layers.{Dense}\n", "y = x |> Dense(4) |> Dense(5)"));
    const [lens] = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }))!;
    expect((await client.connection.sendRequest(CodeLensResolveRequest.type, lens!)).command!.title).toBe("41 parameters so far · memory once the model checks");
  });
});
