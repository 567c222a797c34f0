// The package as a user gets it: `npm pack` (which builds dist/ through the `prepare` script)
// in a copy of this checkout, the tarball installed into a fresh project, and the command, its
// language server and the library (`import("dnnc")`, typed) used from there. Nothing here
// reaches the network: npm installs offline (`--offline`) from tarballs alone — dnnc's and,
// packed with `npm pack` from this checkout's node_modules, one for each package it depends on
// at run time — so npm resolves every dependency to a tarball it was given. The installed
// project has no tsx and no src/ or docs/ of dnnc: a command that needed any would fail here.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STRICTEST } from "../helpers/strictest.ts";
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification,
  PublishDiagnosticsNotification, HoverRequest, DefinitionRequest, ShutdownRequest, ExitNotification, type PublishDiagnosticsParams, type MarkupContent,
} from "vscode-languageserver-protocol/node";

const ROOT = resolve(import.meta.dirname, "../..");
const TIMEOUT = 60_000; // each command starts a fresh process through npx; a busy 2-core machine gets room
const NODE_MODULES = realpathSync(join(ROOT, "node_modules"));
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string; dependencies?: Record<string, string> };
const npm = (cwd: string, ...args: string[]): string =>
  execFileSync("npm", [...args, "--no-audit", "--no-fund", "--no-update-notifier"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

let work: string;
let app: string;
let packed: { path: string }[];

/** This checkout's sources (what `npm pack` in a clone would see), node_modules linked, no build. */
function copyCheckout(to: string): void {
  const skip = new Set(["node_modules", "dist", ".git", "out", "scratch", ".vitest-cache"]);
  for (const entry of readdirSync(ROOT)) if (!skip.has(entry)) cpSync(join(ROOT, entry), join(to, entry), { recursive: true });
  symlinkSync(NODE_MODULES, join(to, "node_modules"), "dir");
}

/** Every package `name` needs at run time, itself included, as installed in node_modules. */
function runtimeClosure(names: string[], seen = new Map<string, string>()): Map<string, string> {
  for (const name of names) {
    if (seen.has(name)) continue;
    const dir = join(NODE_MODULES, name);
    if (!existsSync(dir)) continue; // an optional dependency for another platform
    seen.set(name, dir);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies?: object; optionalDependencies?: object };
    runtimeClosure([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})], seen);
  }
  return seen;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "dnnc-package-"));
  const checkout = join(work, "checkout");
  const tarballs = join(work, "tarballs");
  mkdirSync(checkout);
  mkdirSync(tarballs);
  copyCheckout(checkout);
  // The `prepare` script's own lines come first on standard output; the JSON report last.
  const report = npm(checkout, "pack", "--json", "--pack-destination", tarballs);
  packed = (JSON.parse(report.slice(report.search(/^\[/m))) as { files: { path: string }[] }[])[0]!.files;
  // And Node's types, which a TypeScript project has of its own (the typed-consumer test).
  const dependencies = [...runtimeClosure([...Object.keys(PACKAGE.dependencies ?? {}), "@types/node"]).values()];
  npm(tarballs, "pack", ...dependencies);
  app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  const all = readdirSync(tarballs).map((f) => join(tarballs, f));
  npm(app, "install", "--offline", ...all);
  // The docs are shipped for people to read; the command must not need them (the language
  // server's hover text comes from the reference embedded in the build: tested below).
  rmSync(join(app, "node_modules/dnnc/docs"), { recursive: true });
  writeFileSync(join(app, "mlp.dnn"), readFileSync(join(ROOT, "samples/mlp_digits.dnn"), "utf8"));
  writeFileSync(join(app, "broken.dnn"), "model M {\n  input x: f32[B, 4]\n  output y: f32[B, 3]\n  y = x\n}\n");
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** `npx --no dnnc ARGS` in the fresh project (`--no`: never download a package of that name). */
function npx(...args: string[]) {
  const r = spawnSync("npx", ["--no", "--", "dnnc", ...args], { cwd: app, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  if (r.error) throw r.error;
  return r;
}

describe("the packed tarball", () => {
  it("holds the command, its build, the stdlib and the data it reads, and nothing else", () => {
    const paths = packed.map((f) => f.path);
    expect(paths.filter((p) => /^(src|test|bench|scripts|grammar|editors|node_modules|samples\/(?!data\/digits\/))\//.test(p))).toEqual([]);
    expect(paths.filter((p) => p.startsWith("docs/") && !["docs/language.md", "docs/diagnostics.md", "docs/generated-api.md", "docs/train.md", "docs/api.md"].includes(p))).toEqual([]);
    for (const needed of ["package.json", "README.md", "bin/dnnc.js", "dist/cli.mjs", "stdlib/layers.dnn", "samples/data/digits/digits.csv.gz"]) expect(paths).toContain(needed);
    // Every file package.json's `exports` and `types` name (the API, the plugins, their declarations).
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: Record<string, string | Record<string, string>>; types: string };
    const named = [manifest.types, ...Object.values(manifest.exports).flatMap((e) => (typeof e === "string" ? [e] : Object.values(e)))].map((f) => f.replace(/^\.\//, ""));
    expect(named.length).toBeGreaterThan(6);
    expect(named.filter((f) => !paths.includes(f))).toEqual([]);
  });
});

describe("the installed package", () => {
  it("has no TypeScript loader and none of dnnc's sources", () => {
    expect(existsSync(join(app, "node_modules/tsx"))).toBe(false);
    expect(existsSync(join(app, "node_modules/dnnc/src"))).toBe(false);
  }, TIMEOUT);

  it("runs `npx dnnc --version`", () => {
    const r = npx("--version");
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe(PACKAGE.version);
  }, TIMEOUT);

  it("checks: clean file exit 0, a shape error exit 1 with the diagnostic", () => {
    expect(npx("check", "mlp.dnn")).toMatchObject({ status: 0, stdout: "", stderr: "" });
    const broken = npx("check", "broken.dnn");
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/^error\[DNN0301\]: [^]* --> broken\.dnn:4:7\n/);
  }, TIMEOUT);

  it("compiles every target to the same module as the sources do (the runtime it pastes is embedded)", async () => {
    const { compile, fsHost } = await import("../../src/compiler.ts");
    const { generate, TARGET_NAMES } = await import("../../src/backend/targets.ts");
    const expected = compile(join(app, "mlp.dnn"), readFileSync(join(app, "mlp.dnn"), "utf8"), fsHost, "dce");
    for (const target of TARGET_NAMES) {
      const r = npx("compile", "mlp.dnn", "--target", target, "--out", `out-${target}`);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(join(app, `out-${target}/mlp.ts`), "utf8")).toBe((await generate(target, expected.models, "mlp.dnn")).module);
    }
  }, TIMEOUT);

  it("trains on the digits it ships, the generated module's types stripped by esbuild (no tsx)", () => {
    const r = npx("train", "mlp.dnn", "--epochs", "1", "--backend", "ts");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/^test: accuracy 0\.\d+/m);
    expect(existsSync(join(app, "mlp.safetensors"))).toBe(true);
  }, TIMEOUT);

  it("writes JavaScript with `--emit js` (esbuild strips the types, TypeScript writes the declarations)", async () => {
    const r = npx("compile", "mlp.dnn", "--emit", "js", "--out", "out-js");
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(app, "out-js/mlp.d.ts"), "utf8")).toMatch(/^export \{ \w+ as DigitsMLP \};$/m);
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", 'const m = await import("./out-js/mlp.js"); console.log(typeof m.DigitsMLP.create)'], { cwd: app, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("function");
  }, TIMEOUT);

  it("serves `dnnc lsp` over stdio: diagnostics, hover text from the embedded language reference, definitions in the stdlib", async () => {
    const proc = spawn(join(app, "node_modules/.bin/dnnc"), ["lsp", "--stdio"], { cwd: app });
    const connection = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    connection.listen();
    try {
      const published = new Promise<PublishDiagnosticsParams>((done) => connection.onNotification(PublishDiagnosticsNotification.type, done));
      const init = await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(app).href, capabilities: {} });
      expect(init.serverInfo?.name).toBe("dnnc");
      await connection.sendNotification(InitializedNotification.type, {});
      const uri = pathToFileURL(join(app, "mlp.dnn")).href;
      const text = readFileSync(join(app, "mlp.dnn"), "utf8");
      await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "dnn", version: 1, text } });
      expect(await published).toEqual({ uri, diagnostics: [], version: 1 });
      const line = text.split("\n").findIndex((l) => l.includes("activation: relu"));
      const hover = await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: text.split("\n")[line]!.indexOf("relu") + 1 } });
      expect((hover?.contents as MarkupContent).value).toContain("max(x, 0), elementwise");
      // Into the stdlib, whose parse the build stores: the span is the installed file's.
      const dense = text.split("\n").findIndex((l) => l.includes("Dense("));
      const definition = await connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: { line: dense, character: text.split("\n")[dense]!.indexOf("Dense") + 1 } });
      const layers = readFileSync(join(ROOT, "stdlib/layers.dnn"), "utf8").split("\n");
      const declared = layers.findIndex((l) => l.startsWith("layer Dense("));
      const at = layers[declared]!.indexOf("Dense");
      expect(definition).toEqual({ uri: pathToFileURL(join(realpathSync(app), "node_modules/dnnc/stdlib/layers.dnn")).href, range: { start: { line: declared, character: at }, end: { line: declared, character: at + "Dense".length } } });
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
    } finally {
      connection.dispose();
      proc.kill();
    }
  }, TIMEOUT);

  it("is a library: `import(\"dnnc\")` gives the compiler API", () => {
    const script = `
      import { check, compile, exportModel, format, version } from "dnnc";
      const checked = check({ path: "broken.dnn" });
      const compiled = await compile({ path: "mlp.dnn" });
      const formatted = format({ text: "model M {\\ninput x: f32[B, 4]\\n}\\n" });
      const exported = exportModel({ path: "mlp.dnn" });
      const unknown = exportModel({ path: "mlp.dnn", model: "Nope" });
      console.log(JSON.stringify({ version, ok: checked.ok, codes: checked.diagnostics.map((d) => d.code), files: compiled.files.map((f) => f.path), formatted: formatted.text,
        exported: [exported.ok, exported.model, exported.bytes.length > 1000], unknown: unknown.diagnostics.map((d) => d.code) }));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: app, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ version: PACKAGE.version, ok: false, codes: ["DNN0301"], files: ["mlp.ts"], formatted: "model M {\n  input x: f32[B, 4]\n}\n", exported: [true, "DigitsMLP", true], unknown: ["DNN0105"] });
  }, TIMEOUT);

  it("bundles a .dnn import with esbuild through `dnnc/esbuild`, and loads `dnnc/vite`", () => {
    writeFileSync(join(app, "main.js"), 'import { DigitsMLP } from "./mlp.dnn";\nconsole.log(typeof DigitsMLP.create);\n');
    const script = `
      import { build } from "esbuild";
      import dnnc from "dnnc/esbuild";
      import vite from "dnnc/vite";
      await build({ entryPoints: ["main.js"], bundle: true, format: "esm", platform: "node", outfile: "bundle.mjs", plugins: [dnnc()], logLevel: "silent" });
      console.log(typeof vite().name);`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: app, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("string");
    const run = spawnSync(process.execPath, ["bundle.mjs"], { cwd: app, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("function");
  }, TIMEOUT);

  it("is typed: a project using the API and the esbuild plugin type-checks under the strictest settings, dnnc's declarations included", () => {
    writeFileSync(
      join(app, "uses-dnnc.ts"),
      [
        'import { check, exportModel, type Diagnostic, type ExportResult } from "dnnc";',
        'import type dnncEsbuild from "dnnc/esbuild";',
        "const diagnostics: readonly Diagnostic[] = check({ path: \"broken.dnn\" }).diagnostics;",
        "export const first: string | undefined = diagnostics[0]?.code;",
        'export const onnx: ExportResult = exportModel({ path: "mlp.dnn", model: "DigitsMLP", seed: 1 });',
        "export const bytes: Uint8Array | undefined = onnx.bytes;",
        "export type EsbuildPlugin = ReturnType<typeof dnncEsbuild>;",
        "",
      ].join("\n"),
    );
    const tsc = join(app, "node_modules/typescript/bin/tsc");
    // skipLibCheck off: every declaration file dnnc ships is checked too, and whatever it imports must resolve.
    const r = spawnSync(process.execPath, [tsc, "--noEmit", ...STRICTEST, "--skipLibCheck", "false", "--module", "nodenext", "--target", "es2022", "--types", "node", "uses-dnnc.ts"], { cwd: app, encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, TIMEOUT);
});
