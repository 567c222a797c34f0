// The VS Code client for `dnnc lsp`. Plain CommonJS so the folder works as an extension with no
// build step: everything the editor shows comes from the language server.
"use strict";
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;
/** One channel for every client this session starts, so what a server that failed to start
 * printed stays readable after the next attempt. @type {vscode.LogOutputChannel | undefined} */
let output;

/** `dnnc.path` as a command and its arguments, `lsp --stdio` appended. */
function serverCommand() {
  const setting = vscode.workspace.getConfiguration("dnnc").get("path", "dnnc").trim() || "dnnc";
  // Words so that `npx --no dnnc` works; double quotes group a path that contains spaces.
  const words = (setting.match(/"[^"]*"|\S+/g) || []).map((w) => w.replace(/^"(.*)"$/, "$1"));
  // Windows: npm installs `dnnc` as dnnc.cmd, which only a shell can run. A shell joins the
  // words with spaces, so a word with spaces in it needs its quotes back.
  const shell = process.platform === "win32";
  const [command, ...args] = shell ? words.map((w) => (/\s/.test(w) ? `"${w}"` : w)) : words;
  return { setting, command, args: [...args, "lsp", "--stdio"], shell };
}

async function start() {
  const { setting, command, args, shell } = serverCommand();
  // No `transport`: TransportKind.stdio would make the client append a second `--stdio`; left
  // out, the server is spawned on stdio all the same and the command line is exactly `args`.
  const serverOptions = { command, args, options: { shell } };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "dnn" }, { scheme: "untitled", language: "dnn" }],
    outputChannel: output,
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
        `dnnc: could not start the language server with \`${setting} lsp --stdio\` (${e instanceof Error ? e.message : e}). ` +
          "Put `dnnc` on the PATH, or set `dnnc.path` to the command that runs it (such as `npx --no dnnc`).",
        open,
      )
      .then((choice) => choice === open && vscode.commands.executeCommand("workbench.action.openSettings", "dnnc.path"));
  }
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
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
