// "dnnc: Show Diagram" in the VS Code extension, without VS Code: extension.js runs against a
// stand-in `vscode` (commands, webview panels, save events recorded) and a stand-in language
// client whose requests go to a real `dnnc lsp` over stdio. The command must ask the server for
// the document's diagram, show it in a webview beside the file under a strict content security
// policy, and draw it again when that document is saved; chromium checks that the policy lets
// the diagram's own styles through and nothing else.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient, uriOf } from "../helpers/lsp-client.ts";
import { browserUnavailable, pageWithoutWebgpu } from "../helpers/browser.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const DIR = resolve(ROOT, "editors/vscode");
const EXTENSION = readFileSync(resolve(DIR, "extension.js"), "utf8");
const requireHere = createRequire(resolve(DIR, "extension.js"));

let server: TestClient;
beforeAll(async () => void (server = await TestClient.start()), 60_000);
afterAll(async () => await server?.stop());

interface Panel {
  viewType: string;
  title: string;
  column: unknown;
  options: { enableScripts?: boolean; localResourceRoots?: unknown[] };
  webview: { html: string };
  revealed: number;
  dispose: () => void;
}

/** A document as VS Code hands it to extensions: its URI (with toString and path) and language. */
const documentOf = (uri: string) => ({ uri: { toString: () => uri, path: new URL(uri).pathname }, languageId: "dnn" });

/** extension.js activated against the stand-ins: what it registered, and what it asked the server. */
async function activate(opts: { activeUri?: string; cursor?: { line: number; character: number }; serverDown?: boolean } = {}) {
  const commands = new Map<string, (...args: unknown[]) => Promise<void>>();
  const saves: ((d: unknown) => Promise<unknown>)[] = [];
  const panels: Panel[] = [];
  const requests: { method: string; params: unknown }[] = [];
  const errors: string[] = [];
  class LanguageClient {
    start = async () => (opts.serverDown ? Promise.reject(new Error("Launching server using command dnnc failed.")) : undefined);
    stop = async () => {};
    dispose = async () => {};
    sendRequest = (method: string, params: unknown) => (requests.push({ method, params }), server.connection.sendRequest(method, params));
  }
  const vscode = {
    ViewColumn: { Beside: -2 },
    workspace: {
      getConfiguration: () => ({ get: (_key: string, fallback: unknown) => fallback }),
      workspaceFolders: undefined,
      onDidChangeConfiguration: () => ({ dispose() {} }),
      onDidChangeWorkspaceFolders: () => ({ dispose() {} }),
      onDidSaveTextDocument: (listener: (d: unknown) => Promise<unknown>) => (saves.push(listener), { dispose() {} }),
      openTextDocument: async (uri: { toString(): string }) => documentOf(uri.toString()),
    },
    window: {
      activeTextEditor: opts.activeUri ? { document: documentOf(opts.activeUri), selection: opts.cursor && { active: opts.cursor } } : undefined,
      showErrorMessage: async (message: string) => void errors.push(message),
      createOutputChannel: (name: string) => ({ name, dispose() {} }),
      createWebviewPanel: (viewType: string, title: string, column: unknown, options: Panel["options"]) => {
        const disposed: (() => void)[] = [];
        const panel: Panel & { onDidDispose: (f: () => void) => void; reveal: () => void } = {
          viewType, title, column, options, webview: { html: "" }, revealed: 0,
          onDidDispose: (f) => void disposed.push(f),
          reveal: () => void panel.revealed++,
          dispose: () => disposed.forEach((f) => f()),
        };
        panels.push(panel);
        return panel;
      },
    },
    commands: {
      registerCommand: (name: string, f: (...args: unknown[]) => Promise<void>) => (commands.set(name, f), { dispose() {} }),
      executeCommand: async () => {},
    },
  };
  const modules: Record<string, unknown> = { vscode, "vscode-languageclient/node": { LanguageClient } };
  const require = (name: string) => (name in modules ? modules[name] : requireHere(name));
  const module = { exports: {} as { activate: (context: unknown) => Promise<void> } };
  new vm.Script(`(function (require, module, exports, process) {${EXTENSION}\n})`, { filename: "extension.js" }).runInThisContext()(require, module, module.exports, { platform: "linux" });
  await module.exports.activate({ subscriptions: [] });
  const save = (uri: string) => Promise.all(saves.map((s) => s(documentOf(uri))));
  return { commands, panels, requests, errors, save };
}

const CSP = /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-([A-Za-z0-9+/=]+)'; img-src data:;">/;

describe("dnnc: Show Diagram", () => {
  const path = "samples/mlp_digits.dnn";
  const uri = uriOf(path);
  const text = readFileSync(path, "utf8");
  beforeAll(async () => void (await server.open(uri, text)));

  it("is contributed: a command in the palette for .dnn files and a button on their editor's title bar", () => {
    const manifest = JSON.parse(readFileSync(resolve(DIR, "package.json"), "utf8"));
    expect(manifest.contributes.commands.map((c: { command: string; category: string; title: string }) => `${c.category}: ${c.title} (${c.command})`)).toEqual([
      "dnnc: Show Diagram (dnnc.showDiagram)",
      "dnnc: Show Diagram with Fused Kernels (dnnc.showKernels)",
    ]);
    expect(manifest.contributes.menus["editor/title"]).toEqual([{ command: "dnnc.showDiagram", when: "resourceLangId == dnn", group: "navigation" }]);
    expect(manifest.contributes.menus.commandPalette.map((m: { when: string }) => m.when)).toEqual(["editorLangId == dnn", "editorLangId == dnn"]);
    expect(readFileSync(resolve(DIR, ".vscodeignore"), "utf8").split("\n")).toContain("diagram-view.js");
  });

  it("asks the server for the active file's diagram and shows it beside the file, scripts off, under a strict policy", async () => {
    const x = await activate({ activeUri: uri });
    expect([...x.commands.keys()]).toEqual(["dnnc.showDiagram", "dnnc.showKernels"]);
    await x.commands.get("dnnc.showDiagram")!();
    expect(x.requests).toEqual([{ method: "workspace/executeCommand", params: { command: "dnnc.graph", arguments: [{ uri, format: "html", kernels: false }] } }]);
    expect(x.panels).toHaveLength(1);
    const [panel] = x.panels;
    expect(panel).toMatchObject({ viewType: "dnnc.diagram", title: "Diagram: mlp_digits.dnn", column: { viewColumn: -2, preserveFocus: true }, options: { enableScripts: false, localResourceRoots: [] } });
    const html = panel!.webview.html;
    const nonce = CSP.exec(html)?.[1];
    expect(nonce, "a content security policy").toBeDefined();
    // Every <style> carries the nonce; nothing else is allowed in.
    expect(html.match(/<style[^>]*>/g)!.every((s) => s === `<style nonce="${nonce}">`)).toBe(true);
    expect(html).not.toMatch(/<script|<iframe|src="http/);
    expect(html).toContain('data-id="layer0"');
    expect(html).toContain("<code>dense_1</code>");
    expect(x.errors).toEqual([]);
    // Asked again for the same file, the panel comes forward and is drawn again.
    await x.commands.get("dnnc.showDiagram")!();
    expect(x.panels).toHaveLength(1);
    expect(panel!.revealed).toBe(1);
    expect(CSP.exec(panel!.webview.html)![1]).not.toBe(nonce); // a nonce per drawing
  });

  it("draws again when that document is saved, and only then", async () => {
    const x = await activate({ activeUri: uri });
    await x.commands.get("dnnc.showDiagram")!();
    const panel = x.panels[0]!;
    expect(panel.webview.html).toContain("4,160 params");
    // The edit reaches the server (as VS Code's client sends it); the picture waits for the save.
    const at = text.indexOf("Dense(64");
    const line = text.slice(0, at).split("\n").length - 1;
    const character = at - (text.lastIndexOf("\n", at - 1) + 1) + "Dense(".length;
    await server.change(uri, [{ range: { start: { line, character }, end: { line, character: character + 2 } }, text: "32" }]);
    await x.save(uriOf("samples/mnist_cnn.dnn"));
    expect(x.requests).toHaveLength(1);
    expect(panel.webview.html).toContain("4,160 params");
    await x.save(uri);
    expect(x.requests).toHaveLength(2);
    expect(panel.webview.html).toContain("2,080 params");
    await server.change(uri, [{ range: { start: { line, character }, end: { line, character: character + 2 } }, text: "64" }]);
    // Closed, the panel is forgotten: a save draws nothing.
    panel.dispose();
    await x.save(uri);
    expect(x.requests).toHaveLength(2);
  });

  it("with fused kernels: the server draws them; a file with errors shows its diagnostics instead", async () => {
    const x = await activate({ activeUri: uri });
    await x.commands.get("dnnc.showKernels")!();
    expect(x.requests[0]!.params).toEqual({ command: "dnnc.graph", arguments: [{ uri, format: "html", kernels: true }] });
    expect(x.panels[0]!.title).toBe("Kernels: mlp_digits.dnn");
    expect(x.panels[0]!.webview.html).toContain('data-kernel="k0"');
    const broken = "untitled:broken.dnn";
    await server.open(broken, readFileSync("test/fixtures/shape_error.dnn", "utf8"));
    await x.commands.get("dnnc.showDiagram")!({ toString: () => broken });
    const page = x.panels[1]!.webview.html;
    expect(page).toContain("The file cannot be drawn");
    expect(page).toMatch(/error\[DNN0304\] line \d+: /);
    expect(page).toMatch(CSP);
  });

  it("in a file of several models, draws the one at the cursor, and that one again on save", async () => {
    const gan = uriOf("samples/gan.dnn");
    const text = readFileSync("samples/gan.dnn", "utf8");
    await server.open(gan, text);
    const line = text.slice(0, text.indexOf("model Discriminator")).split("\n").length;
    const x = await activate({ activeUri: gan, cursor: { line, character: 2 } });
    await x.commands.get("dnnc.showDiagram")!();
    expect(x.requests[0]!.params).toEqual({ command: "dnnc.graph", arguments: [{ uri: gan, format: "html", kernels: false, position: { line, character: 2 } }] });
    expect(x.panels[0]!.webview.html).toContain("<h1>Discriminator</h1>");
    await x.save(gan);
    expect(x.requests[1]!.params).toEqual({ command: "dnnc.graph", arguments: [{ uri: gan, format: "html", kernels: false, model: "Discriminator" }] });
    expect(x.panels[0]!.webview.html).toContain("<h1>Discriminator</h1>");
  });

  it("a file of another language, or no server, says so rather than drawing", async () => {
    const x = await activate();
    await x.commands.get("dnnc.showDiagram")!();
    expect(x.errors).toEqual(["dnnc: open a .dnn file to see its diagram."]);
    expect(x.panels).toEqual([]);
    const down = await activate({ activeUri: uri, serverDown: true });
    await down.commands.get("dnnc.showDiagram")!();
    expect(down.requests).toEqual([]);
    expect(down.panels[0]!.webview.html).toContain("The dnnc language server is not running");
  });
});

describe("the webview's policy in chromium", () => {
  it("lets the diagram's own styles apply, and would block one without the nonce", async () => {
    const opened = await pageWithoutWebgpu("about:blank");
    if (typeof opened === "string") browserUnavailable(opened);
    try {
      const x = await activate({ activeUri: uriOf("samples/mlp_digits.dnn") });
      await x.commands.get("dnnc.showDiagram")!();
      const html = x.panels[0]!.webview.html;
      const fill = `getComputedStyle(document.querySelector('g.layer > rect')).fill`;
      await opened.page.setContent(html);
      expect(await opened.page.evaluate(fill)).toBe("rgb(221, 244, 255)"); // .layer > rect { fill: #ddf4ff }
      await opened.page.setContent(html.replace(/<style nonce="[^"]*">/g, "<style>"));
      expect(await opened.page.evaluate(fill)).not.toBe("rgb(221, 244, 255)");
    } finally {
      await opened.close();
    }
  }, 60_000);
});
