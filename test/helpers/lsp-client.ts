// A real language client for tests: starts `dnnc lsp` as its own process and talks JSON-RPC to
// it over stdio through vscode-languageserver-protocol, as an editor does.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest, InitializedNotification,
  DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, PublishDiagnosticsNotification, ShutdownRequest, ExitNotification,
  type ProtocolConnection, type ClientCapabilities, type InitializeResult, type PublishDiagnosticsParams, type TextDocumentContentChangeEvent,
} from "vscode-languageserver-protocol/node";

export const ROOT = resolve(import.meta.dirname, "../..");
export const uriOf = (path: string) => pathToFileURL(resolve(ROOT, path)).href;

export class TestClient {
  readonly connection: ProtocolConnection;
  readonly stderr: string[] = [];
  private readonly waiting = new Map<string, ((p: PublishDiagnosticsParams) => void)[]>();
  private readonly versions = new Map<string, number>();
  /** The last diagnostics published for each document. */
  readonly latest = new Map<string, PublishDiagnosticsParams>();
  exited: number | null | undefined;
  /** What the server answered to initialize: its capabilities. */
  initialized?: InitializeResult;

  private constructor(readonly proc: ChildProcessWithoutNullStreams) {
    this.connection = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    proc.stderr.on("data", (d: Buffer) => this.stderr.push(d.toString()));
    proc.on("exit", (code) => (this.exited = code));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.latest.set(p.uri, p);
      const ws = this.waiting.get(p.uri) ?? [];
      this.waiting.delete(p.uri);
      for (const w of ws) w(p);
    });
    this.connection.listen();
  }

  /** `init`: what the editor says of itself and its settings (none by default). */
  static async start(init: { capabilities?: ClientCapabilities; initializationOptions?: unknown; rootUri?: string } = {}): Promise<TestClient> {
    const proc = spawn(process.execPath, [resolve(ROOT, "bin/dnnc.js"), "lsp", "--stdio"], { cwd: ROOT });
    const c = new TestClient(proc);
    c.initialized = await c.connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: init.rootUri ?? pathToFileURL(ROOT).href, capabilities: init.capabilities ?? {}, workspaceFolders: null, initializationOptions: init.initializationOptions });
    await c.connection.sendNotification(InitializedNotification.type, {});
    return c;
  }

  /** The next diagnostics published for `uri`. */
  nextDiagnostics(uri: string, timeoutMs = 20_000): Promise<PublishDiagnosticsParams> {
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
      const ws = this.waiting.get(uri) ?? [];
      ws.push((p) => (clearTimeout(timer), done(p)));
      this.waiting.set(uri, ws);
    });
  }

  async open(uri: string, text: string): Promise<PublishDiagnosticsParams> {
    const diags = this.nextDiagnostics(uri);
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "dnn", version: 1, text } });
    return diags;
  }

  /** Sends an edit; returns the document's new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  async stop(): Promise<void> {
    if (this.exited === undefined) {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
      await new Promise<void>((done) => (this.exited !== undefined ? done() : this.proc.on("exit", () => done())));
    }
    this.connection.dispose();
  }
}
