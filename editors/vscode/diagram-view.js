// "dnnc: Show Diagram" (and "… with Fused Kernels"): the model of a .dnn file as the language
// server draws it — the `dnnc.graph` command, through workspace/executeCommand, on the document's
// current text — in a webview beside the editor, drawn again each time that document is saved.
// In a file of several models it draws the one the cursor is in (the server picks it from the
// position), and keeps drawing that one on save.
// The webview runs no script and loads nothing: its content security policy allows only the
// page's own <style> elements, by a nonce made for each drawing. `vscode` and the client are
// passed in, so that tests run this file without VS Code.
"use strict";
const crypto = require("crypto");

const COMMANDS = { "dnnc.showDiagram": false, "dnnc.showKernels": true };

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * The drawing as the webview shows it: dnnc's HTML page with a content security policy that
 * allows nothing but its <style> elements (given the nonce) and data: images, on a light
 * background (the diagram's colours are for one).
 */
function securePage(html, nonce) {
  const csp = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; img-src data:;">`;
  const styled = html.replace(/<style>/g, `<style nonce="${nonce}">`);
  return styled.replace(/<head>/i, `<head>\n${csp}\n<style nonce="${nonce}">body { background: #ffffff; color: #1f2328; }</style>`);
}

/** A page in place of the drawing: the diagnostics of a file that cannot be drawn, or why none came. */
function messagePage(title, lines, nonce) {
  const items = lines.map((l) => `<li><pre>${esc(l)}</pre></li>`).join("");
  return securePage(`<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<style>body { font-family: system-ui, sans-serif; margin: 24px; } pre { white-space: pre-wrap; margin: 0; } li { margin-bottom: 12px; }</style>\n</head>\n<body>\n<h1>${esc(title)}</h1>\n<ul>${items}</ul>\n</body>\n</html>\n`, nonce);
}

/** `error[DNN0304] line 5: …` with its hint, for the message page. */
const describeDiagnostic = (d) => `${d.severity}[${d.code}]${d.location ? ` line ${d.location.line}` : ""}: ${d.message}${d.hint ? `\nhint: ${d.hint}` : ""}`;

/**
 * Registers the commands and the refresh on save. `client()`: the running language client, or
 * undefined while there is none. Returns the open views, by document URI and kind, for tests.
 */
function registerDiagramView(vscode, client, subscriptions) {
  /** @type {Map<string, { panel: any, document: any, kernels: boolean, drawing: number, model?: string, position?: any }>} */
  const views = new Map();

  const draw = async (view) => {
    // A slow answer must not replace a later one: only the last request's is shown.
    const drawing = ++view.drawing;
    const nonce = crypto.randomBytes(16).toString("base64");
    const running = client();
    let html;
    if (!running) html = messagePage("No diagram", ["The dnnc language server is not running (see the dnnc output channel)."], nonce);
    else {
      try {
        const result = await running.sendRequest("workspace/executeCommand", {
          command: "dnnc.graph",
          arguments: [{ uri: view.document.uri.toString(), format: "html", kernels: view.kernels, ...(view.model ? { model: view.model } : view.position ? { position: view.position } : {}) }],
        });
        if (result && result.ok && drawing === view.drawing) view.model = result.model;
        html = result && result.ok ? securePage(result.text, nonce) : messagePage("The file cannot be drawn", ((result && result.diagnostics) || []).filter((d) => d.severity === "error").map(describeDiagnostic), nonce);
      } catch (e) {
        html = messagePage("No diagram", [`The language server failed to draw it: ${e instanceof Error ? e.message : e}`], nonce);
      }
    }
    if (drawing === view.drawing) view.panel.webview.html = html;
  };

  for (const [command, kernels] of Object.entries(COMMANDS))
    subscriptions.push(
      vscode.commands.registerCommand(command, async (uri) => {
        // From the editor's title bar the file's URI is passed; from the palette, the active editor's.
        const editor = vscode.window.activeTextEditor;
        const document = uri ? await vscode.workspace.openTextDocument(uri) : editor && editor.document;
        if (!document || document.languageId !== "dnn") {
          void vscode.window.showErrorMessage("dnnc: open a .dnn file to see its diagram.");
          return;
        }
        const key = `${kernels ? "kernels" : "diagram"} ${document.uri.toString()}`;
        let view = views.get(key);
        // The model at the cursor, when the command comes from the file's own editor.
        const at = editor && editor.document.uri.toString() === document.uri.toString() && editor.selection ? editor.selection.active : undefined;
        const position = at && { line: at.line, character: at.character };
        if (view) {
          view.panel.reveal(vscode.ViewColumn.Beside, true);
          Object.assign(view, { model: undefined, position });
        }
        else {
          const name = document.uri.path.split("/").pop();
          const panel = vscode.window.createWebviewPanel("dnnc.diagram", `${kernels ? "Kernels" : "Diagram"}: ${name}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: false, localResourceRoots: [] });
          view = { panel, document, kernels, drawing: 0, model: undefined, position };
          views.set(key, view);
          panel.onDidDispose(() => views.delete(key));
        }
        await draw(view);
      }),
    );

  subscriptions.push(
    vscode.workspace.onDidSaveTextDocument((document) => {
      const uri = document.uri.toString();
      return Promise.all([...views.values()].filter((v) => v.document.uri.toString() === uri).map((v) => ((v.document = document), draw(v))));
    }),
  );
  return views;
}

module.exports = { registerDiagramView, securePage };
