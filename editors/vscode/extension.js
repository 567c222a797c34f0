// The VS Code client for `dnnc lsp`. CommonJS, bundled with vscode-languageclient into
// dist/extension.js by build.mjs (`npm run build`; `vsce package` runs it): everything the editor
// shows comes from the language server, the model's diagram too (diagram-view.js).
"use strict";
const fs = require("fs");
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");
const { serverCommand } = require("./server-command.js");
const { registerDiagramView } = require("./diagram-view.js");

/** @type {LanguageClient | undefined} */
let client;
/** One channel for every client this session starts, so what a server that failed to start
 * printed stays readable after the next attempt. @type {vscode.LogOutputChannel | undefined} */
let output;

async function start() {
  const { command, args, shell, shown } = serverCommand({
    setting: vscode.workspace.getConfiguration("dnnc").get("path", "dnnc"),
    folders: (vscode.workspace.workspaceFolders || []).filter((f) => f.uri.scheme === "file").map((f) => f.uri.fsPath),
    platform: process.platform,
    exists: (file) => fs.existsSync(file),
  });
  // No `transport`: TransportKind.stdio would make the client append a second `--stdio`; left
  // out, the server is spawned on stdio all the same and the command line is exactly `args`.
  const serverOptions = { command, args, options: { shell } };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "dnn" }, { scheme: "untitled", language: "dnn" }],
    outputChannel: output,
    // The inlay-hint settings reach the server at start and, through the `dnnc` section's
    // didChangeConfiguration, whenever they change (the server then asks VS Code to redraw them).
    initializationOptions: hintSettings(),
    synchronize: { configurationSection: "dnnc" },
  };
  // The id "dnnc" makes the client read the `dnnc.trace.server` setting.
  client = new LanguageClient("dnnc", "dnnc", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (e) {
    // A missing command is the common first-run failure; say which setting fixes it.
    const failed = client;
    client = undefined;
    await failed.dispose().catch(() => {});
    // Not awaited: activation must not wait for someone to dismiss the message.
    const open = "Open Settings";
    void vscode.window
      .showErrorMessage(
        `dnnc: could not start the language server with \`${shown} lsp --stdio\` (${e instanceof Error ? e.message : e}). ` +
          "Install dnnc in the workspace (`npm install --save-dev dnnc`) or put it on the PATH, or set `dnnc.path` to the command that runs it.",
        open,
      )
      .then((choice) => choice === open && vscode.commands.executeCommand("workbench.action.openSettings", "dnnc.path"));
  }
}

/** `{ inlayHints: { types, parameterCounts } }`, as the server reads its settings. */
function hintSettings() {
  const config = vscode.workspace.getConfiguration("dnnc");
  return { inlayHints: { types: config.get("inlayHints.types", true), parameterCounts: config.get("inlayHints.parameterCounts", true) } };
}

async function stop() {
  const running = client;
  client = undefined;
  if (running) await running.stop().catch(() => {});
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  output = vscode.window.createOutputChannel("dnnc", { log: true });
  context.subscriptions.push(
    output,
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("dnnc.path")) await stop().then(start);
    }),
    // A folder added or removed may change which dnnc the default `dnnc.path` finds.
    vscode.workspace.onDidChangeWorkspaceFolders(() => stop().then(start)),
  );
  // The diagram asks whichever client is running when it is drawn.
  registerDiagramView(vscode, () => client, context.subscriptions);
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
