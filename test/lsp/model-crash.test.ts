// When the checker throws on one model of a document (caught inside the analysis, the other
// models still checked), the document gets one diagnostic saying so besides the others' — not
// silence for that model. The checker is made to throw on a model named `Crashing` by wrapping
// the real compileModel; the server runs in this process, over in-memory streams, with a real
// protocol client. (A throw out of the whole analysis, through a real process: robustness.test.ts.)
import { PassThrough } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver/node";
import {
  createProtocolConnection, DidOpenTextDocumentNotification, InitializeRequest, LogMessageNotification, PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
} from "vscode-languageserver-protocol/node";

vi.mock("../../src/compiler.ts", async (original) => {
  const real = await original<typeof import("../../src/compiler.ts")>();
  return {
    ...real,
    compileModel: (name: string, ...rest: unknown[]) => {
      if (name === "Crashing") throw new Error("checker bug stand-in");
      return (real.compileModel as (...args: unknown[]) => unknown)(name, ...rest);
    },
  };
});

const { startServer } = await import("../../src/lsp/server.ts");

describe("a model the checker throws on", () => {
  it("gets one 'internal' diagnostic, and the document's other diagnostics are still published", async () => {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    startServer(createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient)));
    const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const logs: string[] = [];
    client.onNotification(LogMessageNotification.type, (p) => void logs.push(p.message));
    const published = new Promise<PublishDiagnosticsParams>((done) => client.onNotification(PublishDiagnosticsNotification.type, done));
    client.listen();
    await client.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, capabilities: {} });

    const text = [
      "model Crashing {", "  input x: f32[B, 3]", "  output y: f32[B, 3]", "  y = x", "}",
      "model Broken {", "  input x: f32[B, 3]", "  param w: f32[4, 2]", "  output y: f32[B, 2]", "  y = x @ w", "}", "",
    ].join("\n");
    await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: "untitled:two.dnn", languageId: "dnn", version: 1, text } });
    const { diagnostics } = await published;
    expect(diagnostics.map((d) => [d.code, d.severity, d.range.start.line])).toEqual([["internal", 1, 0], ["DNN0304", 1, 9]]);
    expect(diagnostics[0]!.message).toBe("dnnc crashed while checking this file: checking model Crashing: Error: checker bug stand-in — please report it (the language server's log has the details)");
    expect(logs.join("\n")).toMatch(/dnnc: internal error: checking model Crashing: Error: checker bug stand-in\n +at /);
    client.dispose();
  }, 30_000);
});
