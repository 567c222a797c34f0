// What a well-behaved editor never sends, written as raw bytes to a real `dnnc lsp --stdio`
// process: broken framing ends the server with a one-line reason and status 2 (so the editor
// restarts it) instead of leaving it alive and deaf; requests out of order and malformed params
// get the protocol's error codes; a document the checker fails on gets one diagnostic saying so.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { frame, RawServer, type Received } from "../helpers/lsp-raw.ts";
import { uriOf } from "../helpers/lsp-client.ts";
import { MAX_HEADER_BYTES, MAX_MESSAGE_BYTES } from "../../src/lsp/framing.ts";

const started: RawServer[] = [];
const start = (env?: Record<string, string>) => {
  const s = RawServer.start(env);
  started.push(s);
  return s;
};
afterEach(() => started.splice(0).forEach((s) => s.kill()));

const hoverAt = (uri: string) => ({ textDocument: { uri }, position: { line: 0, character: 0 } });

/** Expects the server to exit with status 2 and one line on stderr matching `reason`. */
async function expectFramingExit(s: RawServer, reason: RegExp) {
  expect(await s.exit()).toBe(2);
  expect(s.stderr).toMatch(reason);
  expect(s.stderr).toMatch(/^dnnc lsp: [^\n]*exiting so that the editor restarts the server\n$/);
}

describe("framing errors end the server (status 2, one line on stderr)", () => {
  it.each([
    ["a header without Content-Length", "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}", /without Content-Length/],
    ["garbage before a header, on its line", `garbage\r\n${frame({ jsonrpc: "2.0", method: "initialized", params: {} })}`, /not "Name: value": "garbage"/],
    ["garbage glued to a header", `xyz${frame({ jsonrpc: "2.0", method: "initialized", params: {} })}`, /without Content-Length/],
    ["a Content-Length that is not a number", "Content-Length: twelve\r\n\r\n", /whole number of bytes, not "twelve"/],
    ["a Content-Length with trailing junk", "Content-Length: 12abc\r\n\r\n{}", /not "12abc"/],
    ["a negative Content-Length", "Content-Length: -1\r\n\r\n", /not "-1"/],
    ["a body that is not JSON", "Content-Length: 5\r\n\r\nhello", /unreadable message from the client/],
    ["a header block that never ends", "x".repeat(MAX_HEADER_BYTES + 1), new RegExp(`longer than ${MAX_HEADER_BYTES} bytes without an end`)],
  ])("%s", async (_, bytes, reason) => {
    const s = start();
    s.write(bytes);
    await expectFramingExit(s, reason);
  }, 30_000);

  it("a body that is not JSON right before the end of input is still reported", async () => {
    const s = start();
    s.proc.stdin.end("Content-Length: 5\r\n\r\nhello");
    await expectFramingExit(s, /unreadable message from the client: .*JSON/);
  }, 30_000);

  it.each([["10^12", "1000000000000"], ["one byte over the limit", String(MAX_MESSAGE_BYTES + 1)]])(
    "a Content-Length of %s is refused at its header, before any of the body is sent",
    async (_, length) => {
      const s = start();
      s.write(`Content-Length: ${length}\r\n\r\n`);
      await expectFramingExit(s, new RegExp(`a message of ${length} bytes is over the limit of ${MAX_MESSAGE_BYTES} bytes \\(64 MiB\\)`));
    },
    30_000,
  );

  it("garbage after answered messages: they were answered, and the server then exits", async () => {
    const s = start();
    await s.initialize();
    expect((await s.request("textDocument/hover", hoverAt("untitled:a.dnn"))).result).toBeNull();
    s.write(`\r\nnoise\r\n${frame({ jsonrpc: "2.0", id: 99, method: "shutdown" })}`);
    await expectFramingExit(s, /not "Name: value"/);
    expect(s.received.some((m) => m.id === 99)).toBe(false);
  }, 30_000);

  it("the end of input without shutdown exits 1; after shutdown 0", async () => {
    const abrupt = start();
    await abrupt.initialize();
    abrupt.proc.stdin.end();
    expect(await abrupt.exit()).toBe(1);
    const clean = start();
    await clean.initialize();
    expect((await clean.request("shutdown")).result).toBeNull();
    clean.proc.stdin.end();
    expect(await clean.exit()).toBe(0);
  }, 30_000);
});

describe("the protocol's order and params", () => {
  const REQUESTS = [
    "textDocument/hover", "textDocument/definition", "textDocument/references", "textDocument/completion", "textDocument/signatureHelp",
    "textDocument/documentSymbol", "textDocument/foldingRange", "textDocument/semanticTokens/full", "textDocument/formatting",
    "textDocument/inlayHint", "textDocument/codeAction", "textDocument/prepareRename", "textDocument/rename", "textDocument/codeLens",
  ];
  const errorOf = (m: Received) => [m.error?.code, m.result];

  it("before initialize: requests get −32002, notifications are dropped; exit still exits", async () => {
    const s = start();
    const uri = uriOf("samples/mlp_digits.dnn");
    for (const method of REQUESTS) expect(errorOf(await s.request(method, hoverAt(uri))), method).toEqual([-32002, undefined]);
    expect((await s.request("shutdown")).error).toMatchObject({ code: -32002, message: "shutdown before initialize" });
    // A broken document opened too early is never seen: no diagnostics, and after initialize it is not open.
    s.send({ method: "textDocument/didOpen", params: { textDocument: { uri, languageId: "dnn", version: 1, text: "model {" } } });
    // An initialize with malformed params does not count: the client may send a good one.
    expect((await s.request("initialize", { processId: "me", capabilities: {} })).error).toEqual({ code: -32602, message: 'invalid params for initialize: params.processId must be an integer, not "me"' });
    expect((await s.request("initialize", { processId: null })).error).toEqual({ code: -32602, message: "invalid params for initialize: params.capabilities is missing" });
    await s.initialize();
    expect((await s.request("textDocument/documentSymbol", { textDocument: { uri } })).result).toEqual([]);
    expect(s.received.filter((m) => m.method === "textDocument/publishDiagnostics")).toEqual([]);

    const early = start();
    early.send({ method: "exit" });
    expect(await early.exit()).toBe(1);
  }, 30_000);

  it("wrongly typed params get −32602 naming the field; valid ones still work", async () => {
    const s = start();
    await s.initialize();
    const uri = "untitled:params.dnn";
    s.send({ method: "textDocument/didOpen", params: { textDocument: { uri, languageId: "dnn", version: 1, text: readFileSync("samples/mlp_digits.dnn", "utf8") } } });
    await s.waitFor((m) => m.method === "textDocument/publishDiagnostics");
    const invalid = async (method: string, params: unknown, message: string | RegExp) => {
      const answer = await s.request(method, params);
      expect(answer.error?.code, `${method} ${JSON.stringify(params)}`).toBe(-32602);
      if (typeof message === "string") expect(answer.error?.message).toBe(`invalid params for ${method}: ${message}`);
      else expect(answer.error?.message.replace(`invalid params for ${method}: `, "")).toMatch(message);
    };
    await invalid("textDocument/hover", { textDocument: { uri }, position: "x" }, 'params.position must be an object, not "x"');
    await invalid("textDocument/hover", { position: { line: 0, character: 0 } }, "params.textDocument is missing");
    await invalid("textDocument/hover", { textDocument: { uri: 42 }, position: { line: 0, character: 0 } }, "params.textDocument.uri must be a string, not 42");
    await invalid("textDocument/hover", { textDocument: { uri }, position: { line: -1, character: 0.5 } }, "params.position.line must be an integer from 0 to 2^31 - 1, not -1");
    await invalid("textDocument/definition", { textDocument: { uri: "file://elsewhere/x.dnn" }, position: { line: 0, character: 0 } }, /^params\.textDocument\.uri is not a file URI this machine can open: .*host/);
    await invalid("textDocument/references", { textDocument: { uri }, position: { line: 0, character: 0 } }, "params.context is missing");
    await invalid("textDocument/formatting", { textDocument: { uri }, options: { tabSize: "2", insertSpaces: true } }, 'params.options.tabSize must be an integer from 0 to 2^31 - 1, not "2"');
    for (const method of REQUESTS) await invalid(method, undefined, "params is missing");
    for (const method of REQUESTS) await invalid(method, [uri], `params must be an object, not ["${uri}"]`);

    // A malformed notification is dropped and logged; the document stays as it was.
    s.send({ method: "textDocument/didChange", params: { textDocument: { uri, version: 2 }, contentChanges: [{ range: "all", text: "model {" }] } });
    const logged = await s.waitFor((m) => m.method === "window/logMessage");
    expect((logged.params as { message: string }).message).toMatch(/^dnnc: ignored textDocument\/didChange: params\.contentChanges\[0\]\.range must be an object, not "all"$/);
    const symbols = await s.request("textDocument/documentSymbol", { textDocument: { uri } });
    expect((symbols.result as { name: string }[]).map((x) => x.name)).toContain("DigitsMLP");
    expect((await s.request("textDocument/hover", { textDocument: { uri }, position: { line: 0, character: 0 }, workDoneToken: "extra fields are fine" })).error).toBeUndefined();

    expect((await s.request("initialize", { processId: null, capabilities: {} })).error).toEqual({ code: -32600, message: "initialize was already sent" });
    expect((await s.request("shutdown")).result).toBeNull();
    expect((await s.request("textDocument/hover", hoverAt(uri))).error).toMatchObject({ code: -32600 });
    s.send({ method: "exit" });
    expect(await s.exit()).toBe(0);
  }, 60_000);
});

describe("a document the checker fails on", () => {
  // DNNC_LSP_FAULT stands in for a checker bug: analysing a text that contains it throws.
  const MARKER = "FAULT_INJECTED_HERE";

  it("gets exactly one error diagnostic saying so, its stack goes to the log, and it recovers when the text changes", async () => {
    const s = start({ DNNC_LSP_FAULT: MARKER });
    await s.initialize();
    const uri = "untitled:crash.dnn";
    const good = readFileSync("samples/mlp_digits.dnn", "utf8");
    const diagnostics = (version: number) =>
      s.waitFor((m) => m.method === "textDocument/publishDiagnostics" && (m.params as { version: number }).version === version).then((m) => (m.params as { diagnostics: unknown[] }).diagnostics);
    s.send({ method: "textDocument/didOpen", params: { textDocument: { uri, languageId: "dnn", version: 1, text: `// ${MARKER}\n${good}` } } });
    expect(await diagnostics(1)).toEqual([{
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: 1,
      code: "internal",
      source: "dnnc",
      message: `dnnc crashed while checking this file: injected fault: the document contains "${MARKER}" (DNNC_LSP_FAULT) — please report it (the language server's log has the details)`,
    }]);
    const log = await s.waitFor((m) => m.method === "window/logMessage");
    expect(log.params).toMatchObject({ type: 1, message: expect.stringMatching(/^dnnc: internal error: analysing untitled:crash\.dnn: Error: injected fault[^]*\n +at /) });
    // Requests on it answer nothing rather than fail, and do not re-run (nor re-publish) the failed analysis.
    expect((await s.request("textDocument/hover", hoverAt(uri))).result).toBeNull();
    expect(s.received.filter((m) => m.method === "textDocument/publishDiagnostics")).toHaveLength(1);

    s.send({ method: "textDocument/didChange", params: { textDocument: { uri, version: 2 }, contentChanges: [{ text: good }] } });
    expect(await diagnostics(2)).toEqual([]);
    s.send({ method: "textDocument/didChange", params: { textDocument: { uri, version: 3 }, contentChanges: [{ text: `${good}\n// ${MARKER}` }] } });
    expect(await diagnostics(3)).toMatchObject([{ code: "internal" }]);
  }, 30_000);
});
