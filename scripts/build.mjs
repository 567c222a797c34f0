#!/usr/bin/env node
// Builds the dnnc command as plain JavaScript: src/cli/main.ts and everything it imports,
// chevrotain and the other dependencies included, bundled by esbuild into dist/ (ES modules;
// the commands' lazy imports become chunks loaded on demand). Run by `npm ci`/`npm install`
// (the `prepare` script) and `npm run build`. bin/dnnc.js runs dist/ when every source it was
// built from is unchanged since, and the TypeScript sources through tsx otherwise, so an edit
// never runs stale code (docs/performance.md, "Start-up").
import { build } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");
const started = Date.now();

rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST);

// A module that finds files next to its source (the generator's runtime helpers, the language
// reference, the digits data) asks `import.meta.url`. In a bundle that is the bundle's URL, so
// each project module gets its own source file's URL instead, computed from dist/.
const ownUrl = {
  name: "own-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes("/node_modules/")) return undefined;
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta.url")) return { contents: text, loader: "ts" };
      const fromDist = relative(DIST, args.path).split("\\").join("/");
      return { contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(fromDist)}, import.meta.url).href`), loader: "ts" };
    });
  },
};

const result = await build({
  entryPoints: { cli: join(ROOT, "src/cli/main.ts") },
  outdir: DIST,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outExtension: { ".js": ".mjs" },
  // `webgpu` (Dawn, a native addon, for `dnnc train --backend wgsl`), tsx (which imports the
  // generated TypeScript module `dnnc train` writes), and esbuild and typescript (`compile --emit
  // js`: esbuild finds its binary next to its own file; TypeScript is 10 MB) are loaded from
  // node_modules when used.
  external: ["webgpu", "tsx", "tsx/*", "esbuild", "typescript"],
  // CommonJS dependencies (vscode-languageserver) call require() for Node's built-ins.
  banner: { js: 'import { createRequire as __dnncRequire } from "node:module"; const require = __dnncRequire(import.meta.url);' },
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
  plugins: [ownUrl],
});

// What bin/dnnc.js checks before trusting the build: every project file it was built from.
const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.includes("node_modules/")).sort();
writeFileSync(join(DIST, "inputs.json"), JSON.stringify({ builtAt: started, inputs }, null, 1) + "\n");
console.log(`dnnc: built dist/ from ${inputs.length} files in ${Date.now() - started} ms`);
