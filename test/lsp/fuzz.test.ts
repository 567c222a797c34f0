// Random edit sequences against a running server: half-typed code, stray brackets, deleted
// lines, non-ASCII text. The server must answer every request, never exit, and end with the
// diagnostics the CLI gives for the final text.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  HoverRequest, CompletionRequest, SignatureHelpRequest, DocumentSymbolRequest, SemanticTokensRequest, InlayHintRequest, CodeActionRequest, CodeLensRequest,
  CodeLensResolveRequest, PrepareRenameRequest, type Position,
} from "vscode-languageserver-protocol/node";
import { TestClient } from "../helpers/lsp-client.ts";
import { mulberry32 } from "../../src/runtime/random-order.ts";
import { compile } from "../../src/compiler.ts";
import { SourceFile } from "../../src/syntax/source.ts";

const EDITS = 600;
const SNIPPETS = [
  "", "x", "(", ")", "{", "}", "[", "]", ",", ":", "=", "|>", " |> Dense(", "Dense(64, activation: ", "relu", "\n", "\n  let h = ",
  "f32[B, ", "0.5", "-", "@", "//", "model M {\n", "layer L(", "train ", "import std.", "\"", "é∑😀", "...", "input y: f32[B, 3]\n", "1e999",
];

let client: TestClient;
beforeAll(async () => void (client = await TestClient.start()), 60_000);
afterAll(async () => await client?.stop());

describe("edit fuzz", () => {
  it(`survives ${EDITS} random edits and ends agreeing with the CLI`, async () => {
    const rand = mulberry32(20261201);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const uri = "untitled:fuzz.dnn";
    let text = readFileSync("samples/resnet_small.dnn", "utf8") + "\n" + readFileSync("samples/lstm_mnist.dnn", "utf8").replace(/^import.*$/gm, "");
    await client.open(uri, text);
    let version = 1;
    let answered = 0;
    for (let i = 0; i < EDITS; i++) {
      const source = new SourceFile(uri, text);
      const start = Math.floor(rand() * (text.length + 1));
      const end = Math.min(text.length, start + (rand() < 0.5 ? 0 : Math.floor(rand() * 12)));
      const insert = pick(SNIPPETS);
      version = await client.change(uri, [{ range: { start: source.position(start), end: source.position(end) }, text: insert }]);
      text = text.slice(0, start) + insert + text.slice(end);
      // Now and then a pause past the debounce, so intermediate texts are analysed too.
      if (rand() < 0.15) await new Promise((done) => setTimeout(done, 25));
      if (i % 10 === 9) {
        const at: Position = new SourceFile(uri, text).position(Math.floor(rand() * (text.length + 1)));
        const doc = { textDocument: { uri }, position: at };
        await Promise.all([
          client.connection.sendRequest(HoverRequest.type, doc),
          client.connection.sendRequest(CompletionRequest.type, doc),
          client.connection.sendRequest(SignatureHelpRequest.type, doc),
          client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }),
          client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } }),
          client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: new SourceFile(uri, text).position(text.length) } }),
          client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [] } }),
          client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }).then((ls) => Promise.all((ls ?? []).slice(0, 2).map((l) => client.connection.sendRequest(CodeLensResolveRequest.type, l)))),
          // Refused (an error answer) where nothing can be renamed: that is an answer too.
          client.connection.sendRequest(PrepareRenameRequest.type, doc).catch((e: Error) => e),
        ]);
        answered++;
        expect(client.exited).toBeUndefined();
      }
    }
    expect(answered).toBe(EDITS / 10);
    // A request brings the analysis up to date; its diagnostics are published before the answer.
    await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } });
    const last = client.latest.get(uri)!;
    expect(last.version).toBe(version);
    const cli = compile(uri, text).diagnostics.filter((d) => d.span.file === uri);
    const source = new SourceFile(uri, text);
    expect(last.diagnostics.map((d) => [d.code, d.range.start])).toEqual(cli.map((d) => [d.code, source.position(d.span.start)]));
    expect(client.stderr.join("")).not.toMatch(/failed|internal error/);
  }, 300_000);
});
