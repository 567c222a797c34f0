#!/usr/bin/env node
// Bundles the extension into one file, dist/extension.js: extension.js, server-command.js and
// vscode-languageclient (with its own dependencies), CommonJS for VS Code's extension host.
// `vscode` is the host's own module, never bundled. `npm run build`; `vsce package` runs it
// (`vscode:prepublish`), and the .vsix then needs no node_modules (.vscodeignore).
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const DIR = dirname(fileURLToPath(import.meta.url));

/** esbuild's options; test/editors/vscode.test.ts bundles with them too. */
export const OPTIONS = {
  entryPoints: [join(DIR, "extension.js")],
  outfile: join(DIR, "dist", "extension.js"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20", // VS Code 1.91's Electron runs Node 20
  external: ["vscode"],
  minify: true,
  sourcemap: true,
  legalComments: "eof",
  logLevel: "warning",
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build(OPTIONS);
  console.log("dnnc extension: built dist/extension.js");
}
