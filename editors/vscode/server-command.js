// Which command starts the language server. Plain logic, no `vscode`, so that it is tested as a
// unit (test/editors/vscode.test.ts).
"use strict";
const path = require("path");

/** The default of the `dnnc.path` setting: look the command up (below). */
const DEFAULT = "dnnc";

/** `setting` as words: split on spaces, double quotes group a path that contains spaces. */
function words(setting) {
  return (setting.match(/"[^"]*"|\S+/g) || []).map((w) => w.replace(/^"(.*)"$/, "$1"));
}

/**
 * The language server's command line. `setting`: `dnnc.path`; `folders`: the workspace folders'
 * paths, in order; `platform`: process.platform; `exists(file)`: whether a file exists.
 *
 * Any other setting than the default is run as it is written. The default runs the workspace's own
 * dnnc — `node_modules/.bin/dnnc` of the first folder that has one, the version the project builds
 * with — and only without one `dnnc` from the PATH. (The workspace must be trusted: package.json
 * `untrustedWorkspaces`.)
 */
function serverCommand({ setting, folders, platform, exists }) {
  const text = (setting || "").trim() || DEFAULT;
  let ws = words(text);
  let local;
  if (text === DEFAULT) {
    // npm links a package's command as .bin/dnnc, and on Windows as .bin/dnnc.cmd beside it.
    const p = platform === "win32" ? path.win32 : path.posix;
    const bin = platform === "win32" ? "dnnc.cmd" : "dnnc";
    local = folders.map((f) => p.join(f, "node_modules", ".bin", bin)).find((f) => exists(f));
    if (local) ws = [local];
  }
  // Windows: npm installs `dnnc` as dnnc.cmd, which only a shell can run. A shell joins the
  // words with spaces, so a word with spaces in it needs its quotes back.
  const shell = platform === "win32";
  const [command, ...args] = shell ? ws.map((w) => (/\s/.test(w) ? `"${w}"` : w)) : ws;
  return { command, args: [...args, "lsp", "--stdio"], shell, shown: local || text };
}

module.exports = { serverCommand, DEFAULT };
