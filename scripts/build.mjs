#!/usr/bin/env node
// Builds the package as plain JavaScript into dist/: the dnnc command (src/cli/main.ts) and the
// library entry points package.json `exports` names (the compiler API, src/api.ts, and the
// bundler plugins, src/plugins/*.ts, where they exist), with everything they import —
// chevrotain and the other dependencies included — bundled by esbuild (ES modules; the
// commands' lazy imports become chunks loaded on demand, shared between the entry points); and
// the entry points' type declarations, emitted by tsc into dist/types/. Run by `npm ci`/`npm
// install` (the `prepare` script, which `npm pack` runs too) and `npm run build`. bin/dnnc.js
// runs dist/ when every source it was built from is unchanged since, and the TypeScript sources
// through tsx otherwise, so an edit never runs stale code (docs/performance.md, "Start-up").
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");
const started = Date.now();

rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST);

/** package.json's entry points: dist/<name>.mjs from each source that exists. */
const ENTRIES = { cli: "src/cli/main.ts", api: "src/api.ts", vite: "src/plugins/vite.ts", esbuild: "src/plugins/esbuild.ts" };
const entries = Object.fromEntries(Object.entries(ENTRIES).filter(([, src]) => existsSync(join(ROOT, src))));

// A module that finds files next to its source (the stdlib, the digits data) asks
// `import.meta.url`. In a bundle that is the bundle's URL, so each project module gets its own
// source file's URL instead, computed from dist/ (only the path: nothing under src/ is read).
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

// Text the compiler reads while it runs, embedded so that the built package reads nothing from
// src/ or docs/ (neither is shipped): each of these modules is replaced by one exporting the same
// function over the text. Every file embedded is also an input of the build (dist/inputs.json).
const embedded = [];
const text = (file) => (embedded.push(file), readFileSync(join(ROOT, file), "utf8"));
/** src/**\/*.ts files with a `dnnc:helpers` region: the runtime pasted into generated modules. */
function runtimeFiles(dir = "src") {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return runtimeFiles(path);
    return e.name.endsWith(".ts") && /^\/\/ dnnc:helpers-begin$/m.test(readFileSync(join(ROOT, path), "utf8")) ? [path] : [];
  });
}
/**
 * Each stdlib file's parse, for src/check/stored-stdlib.ts: the parser (src/syntax/parse.ts,
 * bundled on its own) run here on every stdlib/*.dnn without syntax errors, its AST as JSON with
 * the file's path left as a marker. Stored only if the JSON gives back exactly the same tree (no
 * node shared by two parents, no number JSON cannot write, no property set to undefined).
 */
const STDLIB_MARKER = "\u0000dnnc-stdlib\u0000";
async function stdlibParses() {
  const dir = mkdtempSync(join(tmpdir(), "dnnc-build-"));
  try {
    const file = join(dir, "parse.mjs");
    await build({ entryPoints: [join(ROOT, "src/syntax/parse.ts")], outfile: file, bundle: true, format: "esm", platform: "node", logLevel: "warning" });
    const { parse } = await import(pathToFileURL(file).href);
    const stored = {};
    for (const name of readdirSync(join(ROOT, "stdlib")).filter((f) => f.endsWith(".dnn")).sort()) {
      const source = text(`stdlib/${name}`);
      const parsed = parse(`${STDLIB_MARKER}${name}`, source);
      if (parsed.diagnostics.length > 0) continue;
      const ast = JSON.stringify(parsed.ast);
      if (!sameTree(parsed.ast, JSON.parse(ast))) throw new Error(`build: stdlib/${name}'s AST does not survive JSON`);
      stored[name] = { text: source, ast };
    }
    return stored;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
/** `a` and `b` the same tree: same keys, same values (Object.is), and no object reached twice in `a`. */
function sameTree(a, b, seen = new Set()) {
  if (typeof a !== "object" || a === null) return Object.is(a, b);
  if (typeof b !== "object" || b === null || seen.has(a) || Array.isArray(a) !== Array.isArray(b)) return false;
  seen.add(a);
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameTree(a[k], b[k], seen));
}
const stored = await stdlibParses();

const REPLACED = {
  "src/check/stored-stdlib.ts": () => `import { SourceFile } from ${JSON.stringify(join(ROOT, "src/syntax/source.ts"))};
import { lex } from ${JSON.stringify(join(ROOT, "src/syntax/parse.ts"))};
const STORED = ${JSON.stringify(stored)};
const MARKER = ${JSON.stringify(JSON.stringify(STDLIB_MARKER).slice(1, -1))};
export function storedStdlibParse(path, name, text) {
  const s = Object.hasOwn(STORED, name) ? STORED[name] : undefined;
  if (s === undefined || s.text !== text) return undefined;
  // Spans name the file: the marker the build parsed with becomes the path, escaped as JSON writes it.
  const ast = JSON.parse(s.ast.replaceAll(MARKER + name, JSON.stringify(path).slice(1, -1)));
  let comments;
  return { ast, source: new SourceFile(path, text), diagnostics: [], get comments() { return (comments ??= lex(text).comments); } };
}`,
  "src/backend/runtime-sources.ts": () => {
    const sources = Object.fromEntries(runtimeFiles().map((f) => [f.slice("src/".length), text(f)]));
    return `const SOURCES = ${JSON.stringify(sources)};
export function runtimeSource(file) {
  if (!Object.hasOwn(SOURCES, file)) throw new Error(\`dnnc: \${file} is not a runtime part this build embedded (a file under src/ with a dnnc:helpers region)\`);
  return SOURCES[file];
}`;
  },
  "src/ide/language-reference.ts": () => `const TEXT = ${JSON.stringify(text("docs/language.md"))};\nexport function languageReference() { return TEXT; }`,
};
const embed = {
  name: "embed-package-text",
  setup(b) {
    for (const [file, contents] of Object.entries(REPLACED)) {
      const filter = new RegExp(`^${join(ROOT, file).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`);
      b.onLoad({ filter }, () => ({ contents: contents(), loader: "js" }));
    }
  },
};

const result = await build({
  entryPoints: entries,
  outdir: DIST,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outExtension: { ".js": ".mjs" },
  // Loaded from node_modules when used: `webgpu` (Dawn, a native addon, for `dnnc train
  // --backend wgsl`), esbuild (its native binary strips the types of the module `dnnc train`
  // writes and of `compile --emit js`; it cannot be bundled), typescript (`compile --emit js`'s
  // declarations; 10 MB) and vite (the Vite plugin's host).
  external: ["webgpu", "esbuild", "typescript", "vite"],
  // The grammar's validations (grammar/parser.ts) run from the sources, in every test; the build skips them.
  define: { DNNC_BUILT: "true" },
  // CommonJS dependencies (vscode-languageserver) call require() for Node's built-ins.
  banner: { js: 'import { createRequire as __dnncRequire } from "node:module"; const require = __dnncRequire(import.meta.url);' },
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
  plugins: [embed, ownUrl],
});

// Type declarations of the library's entry points (not the command's), for package.json `types`.
// They name chevrotain's token type (a parse's comments), which is why chevrotain stays a
// dependency though the code bundles it.
const libraries = Object.entries(entries).filter(([name]) => name !== "cli").map(([, src]) => src);
if (libraries.length > 0) {
  const config = join(DIST, "tsconfig.types.json");
  writeFileSync(config, JSON.stringify({
    extends: "../tsconfig.json",
    compilerOptions: { noEmit: false, types: ["node", "@webgpu/types"], declaration: true, emitDeclarationOnly: true, rewriteRelativeImportExtensions: true, rootDir: "..", outDir: "types" },
    include: [],
    files: libraries.map((src) => `../${src}`),
  }));
  execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", config], { stdio: "inherit" });
  rmSync(config);
}

// What bin/dnnc.js checks before trusting the build: every project file it was built from.
const inputs = [...Object.keys(result.metafile.inputs).filter((p) => !p.includes("node_modules/")), ...embedded].sort();
writeFileSync(join(DIST, "inputs.json"), JSON.stringify({ builtAt: started, inputs }, null, 1) + "\n");
console.log(`dnnc: built dist/ from ${inputs.length} files in ${Date.now() - started} ms`);
