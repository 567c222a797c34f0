// The VS Code extension in editors/vscode, checked without VS Code: a manifest that points at
// files that exist, a language configuration that agrees with the lexer, and a client that
// starts `dnnc lsp --stdio`, the workspace's own dnnc first. extension.js — and its bundle,
// built with build.mjs's options — runs here against stand-ins for `vscode` and
// `vscode-languageclient/node`, which are not installed in this repository.
import { builtinModules, createRequire } from "node:module";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import vm from "node:vm";
import { build, type Plugin } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import type { TokenType } from "chevrotain";
import * as T from "../../grammar/tokens.ts";
import { lex } from "../../src/syntax/parse.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const DIR = resolve(ROOT, "editors/vscode");
const json = (path: string): any => JSON.parse(readFileSync(resolve(DIR, path), "utf8"));
const manifest = json("package.json");
const config = json("language-configuration.json");

/** `text` lexed: the names of its tokens, comments included, in order. */
function tokens(text: string): string[] {
  const { tokens, comments } = lex(text);
  return [...tokens, ...comments].sort((a, b) => a.startOffset - b.startOffset).map((t) => t.tokenType.name);
}

describe("editors/vscode/package.json", () => {
  it("describes the extension", () => {
    expect(manifest).toMatchObject({ name: "dnnc", publisher: expect.any(String), main: "./dist/extension.js", activationEvents: ["onLanguage:dnn"] });
    expect(manifest.displayName).toEqual(expect.any(String));
    expect(manifest.engines.vscode).toMatch(/^\^1\.\d+\.\d+$/);
    // extension.js is CommonJS: nothing may make Node read .js files in this folder as ES modules.
    expect(manifest.type ?? "commonjs").toBe("commonjs");
    // `main` is the bundle build.mjs writes, built before packaging.
    expect(resolve(DIR, manifest.main)).toBe(BUILD.OPTIONS.outfile);
    expect(manifest.scripts["vscode:prepublish"]).toBe("node build.mjs");
    expect(existsSync(resolve(DIR, "extension.js"))).toBe(true);
  });

  it("contributes the dnn language, its configuration and its grammar", () => {
    const [language, ...others] = manifest.contributes.languages;
    expect(others).toEqual([]);
    expect(language).toMatchObject({ id: "dnn", extensions: [".dnn"], configuration: "./language-configuration.json" });
    expect(language.aliases.length).toBeGreaterThan(0);
    expect(existsSync(resolve(DIR, language.configuration))).toBe(true);

    const [grammar, ...more] = manifest.contributes.grammars;
    expect(more).toEqual([]);
    expect(grammar).toMatchObject({ language: "dnn", path: "./syntaxes/dnn.tmLanguage.json" });
    expect(grammar.scopeName).toBe(json(grammar.path).scopeName);
  });

  it("has the dnnc.path, dnnc.trace.server and inlay-hint settings", () => {
    const settings = manifest.contributes.configuration.properties;
    expect(settings["dnnc.inlayHints.types"]).toMatchObject({ type: "boolean", default: true });
    expect(settings["dnnc.inlayHints.parameterCounts"]).toMatchObject({ type: "boolean", default: true });
    expect(settings["dnnc.path"]).toMatchObject({ type: "string", default: "dnnc" });
    expect(settings["dnnc.trace.server"]).toMatchObject({ enum: ["off", "messages", "verbose"], default: "off" });
  });

  it("bundles vscode-languageclient, pinned, in step with the server's library, and ships no dependencies", () => {
    expect(manifest.dependencies).toBeUndefined();
    expect(Object.keys(manifest.devDependencies)).toEqual(["esbuild", "vscode-languageclient"]);
    const version: string = manifest.devDependencies["vscode-languageclient"];
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    // Client and server libraries are released together, one major version per protocol version.
    const root = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8"));
    const all = { ...root.dependencies, ...root.devDependencies };
    expect(version.split(".")[0]).toBe(all["vscode-languageserver"].split(".")[0]);
    expect(manifest.devDependencies["esbuild"]).toBe(all["esbuild"]);
    // The extension is installed on its own; the compiler does not need the client.
    expect(all).not.toHaveProperty("vscode-languageclient");
    // The .vsix holds the bundle, not the sources or node_modules it was built from.
    const ignored = readFileSync(resolve(DIR, ".vscodeignore"), "utf8").split("\n");
    expect(ignored).toEqual(expect.arrayContaining(["node_modules/**", "extension.js", "server-command.js", "diagram-view.js"]));
  });
});

describe("editors/vscode/language-configuration.json", () => {
  it("comments with the lexer's line comment, and only that", () => {
    expect(config.comments).toEqual({ lineComment: "//" });
    expect(tokens(`${config.comments.lineComment} Dense(64) {`)).toEqual(["LineComment"]);
    expect(tokens("x // y")).toEqual(["Identifier", "LineComment"]);
  });

  it("pairs exactly the language's brackets", () => {
    const pairs: [TokenType, TokenType][] = [[T.LBrace, T.RBrace], [T.LBracket, T.RBracket], [T.LParen, T.RParen]];
    const names = pairs.map(([open, close]) => [open.name, close.name]);
    expect((config.brackets as string[][]).map(([open, close]) => [tokens(open!), tokens(close!)].flat())).toEqual(names);
    const closing = (config.autoClosingPairs as { open: string; close: string }[]).map((p) => [p.open, p.close]);
    expect(closing).toEqual([...config.brackets, ['"', '"']]);
    expect(config.surroundingPairs).toEqual(closing);
    // `"` pairs because it delimits the language's strings.
    expect(tokens('""')).toEqual(["StringLiteral"]);
  });

  it("takes a word to be an identifier", () => {
    expect(config.wordPattern).toBe((T.Identifier.PATTERN as RegExp).source);
  });

  it("indents as the formatted samples and standard library do", () => {
    const rules = config.indentationRules as Record<string, string>;
    const increase = new RegExp(rules.increaseIndentPattern!);
    const decrease = new RegExp(rules.decreaseIndentPattern!);
    const nextLine = new RegExp(rules.indentNextLinePattern!);
    const indent = (line: string) => line.length - line.trimStart().length;
    const files = [
      ...readdirSync(resolve(ROOT, "samples")).filter((f) => f.endsWith(".dnn")).map((f) => `samples/${f}`),
      ...readdirSync(resolve(ROOT, "stdlib")).map((f) => `stdlib/${f}`),
    ];
    const seen = { increase: 0, decrease: 0, nextLine: 0 };
    for (const file of files) {
      const lines = readFileSync(resolve(ROOT, file), "utf8").split(/\r?\n/).filter((l) => l.trim() !== "");
      lines.forEach((line, i) => {
        const where = `${file}: ${line}`;
        for (const [name, re] of [["increase", increase], ["nextLine", nextLine]] as const) {
          if (!re.test(line)) continue;
          seen[name]++;
          expect(indent(lines[i + 1]!), where).toBeGreaterThan(indent(line));
        }
        if (decrease.test(line)) seen.decrease++, expect(indent(line), where).toBeLessThan(indent(lines[i - 1]!));
      });
    }
    expect(Math.min(seen.increase, seen.decrease, seen.nextLine)).toBeGreaterThan(5);
    // A bracket or `=` inside a comment is not code.
    expect(increase.test("  // see Dense(")).toBe(false);
    expect(nextLine.test("// a = ")).toBe(false);
    expect(increase.test("model M {  // the model")).toBe(true);
  });

  it("continues a comment split by Enter, and only a comment", () => {
    const [rule] = config.onEnterRules as { beforeText: string; afterText: string; action: { appendText: string } }[];
    const splits = (before: string, after: string) => new RegExp(rule!.beforeText).test(before) && new RegExp(rule!.afterText).test(after);
    expect(splits("  // a long", " comment")).toBe(true);
    expect(splits("  // a comment", "")).toBe(false);
    expect(splits("  let x = f(", "a)")).toBe(false);
    expect(rule!.action.appendText.trimEnd()).toBe(config.comments.lineComment);
  });
});

// extension.js, run against stand-ins for the two modules it may require.
interface Started {
  id: string;
  server: { command: string; args: string[]; transport?: number; options?: { shell?: boolean } };
  client: { documentSelector: unknown; outputChannel?: { name: string }; initializationOptions?: unknown; synchronize?: { configurationSection?: string } };
}

const EXTENSION = readFileSync(resolve(DIR, "extension.js"), "utf8");
const requireHere = createRequire(resolve(DIR, "extension.js"));
type ServerCommand = (o: { setting: string | undefined; folders: string[]; platform: string; exists: (file: string) => boolean }) => { command: string; args: string[]; shell: boolean; shown: string };
const { serverCommand } = requireHere("./server-command.js") as { serverCommand: ServerCommand };
// @ts-expect-error plain JavaScript next to the extension, without declarations
const BUILD = (await import("../../editors/vscode/build.mjs")) as { OPTIONS: Parameters<typeof build>[0] & { outfile: string } };

const dirs: string[] = [];
afterAll(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A workspace folder whose node_modules/.bin holds a `dnnc` (as npm links it), or none. */
function workspace(withDnnc: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "dnnc-workspace-"));
  dirs.push(dir);
  if (withDnnc) {
    mkdirSync(join(dir, "node_modules/.bin"), { recursive: true });
    writeFileSync(join(dir, "node_modules/.bin/dnnc"), "#!/bin/sh\n");
    chmodSync(join(dir, "node_modules/.bin/dnnc"), 0o755);
  }
  return dir;
}

interface ActivateOptions {
  path?: string;
  /** Other `dnnc.*` settings, by key. */
  settings?: Record<string, unknown>;
  platform?: string;
  startFails?: boolean;
  folders?: string[];
  /** The script to run: extension.js by default, or its bundle. */
  code?: string;
}

async function activate(opts: ActivateOptions = {}) {
  const started: Started[] = [];
  const errors: string[] = [];
  const required: string[] = [];
  class LanguageClient {
    constructor(id: string, _name: string, server: Started["server"], client: Started["client"]) {
      started.push({ id, server, client });
    }
    start = async () => (opts.startFails ? Promise.reject(new Error("Launching server using command dnnc failed.")) : undefined);
    stop = async () => {};
    dispose = async () => {};
  }
  // The bundle holds its own client: the stand-in bundled in (standIn below) records here.
  (globalThis as { __dnncLanguageClient?: unknown }).__dnncLanguageClient = LanguageClient;
  const modules: Record<string, unknown> = {
    vscode: {
      workspace: {
        getConfiguration: (section: string) => ({
          get: (key: string, fallback: unknown) => (section === "dnnc" && key === "path" && opts.path !== undefined ? opts.path : section === "dnnc" && opts.settings && key in opts.settings ? opts.settings[key] : fallback),
        }),
        workspaceFolders: opts.folders?.map((fsPath) => ({ uri: { scheme: "file", fsPath } })),
        onDidChangeConfiguration: () => ({ dispose() {} }),
        onDidChangeWorkspaceFolders: () => ({ dispose() {} }),
        // The diagram view's (test/editors/vscode-diagram.test.ts checks it).
        onDidSaveTextDocument: () => ({ dispose() {} }),
      },
      window: {
        showErrorMessage: async (message: string) => void errors.push(message),
        createOutputChannel: (name: string) => ({ name, dispose() {} }),
      },
      commands: { executeCommand: async () => {}, registerCommand: () => ({ dispose() {} }) },
    },
    // The real module's enum, for code that uses it.
    "vscode-languageclient/node": { LanguageClient, TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 } },
  };
  const require = (name: string) => {
    required.push(name);
    if (name in modules) return modules[name];
    // Node's own modules and the extension's own files are the real ones.
    if (builtinModules.includes(name) || name.startsWith("./")) return requireHere(name);
    throw new Error(`extension.js requires ${name}`);
  };
  const module = { exports: {} as { activate?: (context: unknown) => Promise<void>; deactivate?: () => unknown } };
  const wrapped = new vm.Script(`(function (require, module, exports, process) {${opts.code ?? EXTENSION}\n})`, { filename: "extension.js" });
  wrapped.runInThisContext()(require, module, module.exports, { platform: opts.platform ?? "linux" });
  await module.exports.activate!({ subscriptions: [] });
  expect(typeof module.exports.deactivate).toBe("function");
  return { started, errors, required };
}

/** The command line the client spawns: with TransportKind.stdio it appends `--stdio` itself. */
const commandLine = (s: Started) => [s.server.command, ...s.server.args, ...(s.server.transport === 0 ? ["--stdio"] : [])];

describe("editors/vscode/extension.js", () => {
  it("is a CommonJS script that requires vscode, vscode-languageclient/node, fs and its own server-command.js and diagram-view.js", () => {
    expect(() => new vm.Script(EXTENSION, { filename: "extension.js" })).not.toThrow();
    expect(EXTENSION).toMatch(/module\.exports\s*=/);
    expect(EXTENSION).not.toMatch(/^\s*(import|export)\s/m);
    const requires = [...EXTENSION.matchAll(/\brequire\(\s*(["'])(.*?)\1\s*\)/g)].map((m) => m[2]);
    expect(new Set(requires)).toEqual(new Set(["fs", "vscode", "vscode-languageclient/node", "./server-command.js", "./diagram-view.js"]));
  });

  it("starts `dnnc lsp --stdio` for dnn files and unsaved dnn documents", async () => {
    const { started, errors, required } = await activate();
    expect(new Set(required)).toEqual(new Set(["fs", "vscode", "vscode-languageclient/node", "./server-command.js", "./diagram-view.js"]));
    expect(errors).toEqual([]);
    expect(started).toHaveLength(1);
    const [s] = started;
    // The id names the trace setting the client reads: dnnc.trace.server.
    expect(s!.id).toBe("dnnc");
    expect(commandLine(s!)).toEqual(["dnnc", "lsp", "--stdio"]);
    expect(s!.server.options?.shell).toBe(false);
    expect(s!.client.documentSelector).toEqual([{ scheme: "file", language: "dnn" }, { scheme: "untitled", language: "dnn" }]);
    expect(s!.client.outputChannel?.name).toBe("dnnc");
  });

  it("passes the inlay-hint settings at start and keeps the server's `dnnc` section in step", async () => {
    expect((await activate()).started[0]!.client).toMatchObject({ initializationOptions: { inlayHints: { types: true, parameterCounts: true } }, synchronize: { configurationSection: "dnnc" } });
    const off = await activate({ settings: { "inlayHints.parameterCounts": false } });
    expect(off.started[0]!.client.initializationOptions).toEqual({ inlayHints: { types: true, parameterCounts: false } });
  });

  it("runs the workspace's own node_modules/.bin/dnnc before the PATH's", async () => {
    const [none, local] = [workspace(false), workspace(true)];
    expect(commandLine((await activate({ folders: [none, local] })).started[0]!)).toEqual([join(local, "node_modules/.bin/dnnc"), "lsp", "--stdio"]);
    expect(commandLine((await activate({ folders: [none] })).started[0]!)).toEqual(["dnnc", "lsp", "--stdio"]);
    // A dnnc.path of its own is run as written.
    expect(commandLine((await activate({ folders: [local], path: "npx --no dnnc" })).started[0]!)).toEqual(["npx", "--no", "dnnc", "lsp", "--stdio"]);
  });

  it("splits dnnc.path into words, keeping a quoted path whole", async () => {
    expect(commandLine((await activate({ path: "npx --no dnnc" })).started[0]!)).toEqual(["npx", "--no", "dnnc", "lsp", "--stdio"]);
    const quoted = 'node "/home/me/my tools/dnnc/bin/dnnc.js"';
    expect(commandLine((await activate({ path: quoted })).started[0]!)).toEqual(["node", "/home/me/my tools/dnnc/bin/dnnc.js", "lsp", "--stdio"]);
    expect(commandLine((await activate({ path: "  " })).started[0]!)).toEqual(["dnnc", "lsp", "--stdio"]);
  });

  it("runs the command through a shell on Windows, where npm's dnnc is a .cmd", async () => {
    const [s] = (await activate({ platform: "win32", path: 'node "C:\\my tools\\dnnc.js"' })).started;
    expect(s!.server.options?.shell).toBe(true);
    // The shell joins the words with spaces: a word with a space keeps its quotes.
    expect(commandLine(s!)).toEqual(["node", '"C:\\my tools\\dnnc.js"', "lsp", "--stdio"]);
  });

  it("says what it ran and which setting to change when the server cannot be started", async () => {
    const { errors } = await activate({ path: "no-such-dnnc", startFails: true });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("no-such-dnnc lsp --stdio");
    expect(errors[0]).toContain("dnnc.path");
    const local = workspace(true);
    const [shown] = (await activate({ folders: [local], startFails: true })).errors;
    expect(shown).toContain(`${join(local, "node_modules/.bin/dnnc")} lsp --stdio`);
  });
});

describe("editors/vscode/server-command.js", () => {
  const has = (...files: string[]) => (f: string) => files.includes(f);
  it("takes the first workspace folder that has node_modules/.bin/dnnc, else dnnc from the PATH", () => {
    const found = serverCommand({ setting: "dnnc", folders: ["/a", "/b", "/c"], platform: "linux", exists: has("/b/node_modules/.bin/dnnc", "/c/node_modules/.bin/dnnc") });
    expect(found).toEqual({ command: "/b/node_modules/.bin/dnnc", args: ["lsp", "--stdio"], shell: false, shown: "/b/node_modules/.bin/dnnc" });
    expect(serverCommand({ setting: "dnnc", folders: ["/a"], platform: "linux", exists: has() })).toEqual({ command: "dnnc", args: ["lsp", "--stdio"], shell: false, shown: "dnnc" });
    expect(serverCommand({ setting: undefined, folders: [], platform: "linux", exists: has() }).command).toBe("dnnc");
  });
  it("looks for npm's dnnc.cmd on Windows and runs it through a shell, quoted where the path has spaces", () => {
    const found = serverCommand({ setting: "dnnc", folders: ["C:\\My projects\\app"], platform: "win32", exists: has("C:\\My projects\\app\\node_modules\\.bin\\dnnc.cmd") });
    expect(found).toMatchObject({ command: '"C:\\My projects\\app\\node_modules\\.bin\\dnnc.cmd"', args: ["lsp", "--stdio"], shell: true });
  });
  it("runs any other setting as written, without looking in the workspace", () => {
    let looked = 0;
    const exists = () => (looked++, true);
    expect(serverCommand({ setting: "/opt/dnnc/bin/dnnc.js", folders: ["/a"], platform: "linux", exists })).toMatchObject({ command: "/opt/dnnc/bin/dnnc.js", args: ["lsp", "--stdio"] });
    expect(looked).toBe(0);
  });
});

describe("editors/vscode/build.mjs", () => {
  // vscode-languageclient is not installed in this repository: a stand-in is bundled in its place,
  // a client class the test hands over (activate() above), so the bundle itself runs here.
  const standIn: Plugin = {
    name: "languageclient-stand-in",
    setup(b) {
      b.onResolve({ filter: /^vscode-languageclient\/node$/ }, () => ({ path: "node", namespace: "stand-in" }));
      b.onLoad({ filter: /.*/, namespace: "stand-in" }, () => ({ contents: "module.exports = { LanguageClient: globalThis.__dnncLanguageClient };", loader: "js" }));
    },
  };

  it("bundles the client into one CommonJS file that requires only vscode and Node's modules, and runs", async () => {
    const result = await build({ ...BUILD.OPTIONS, write: false, sourcemap: false, metafile: true, plugins: [standIn] });
    const out = result.outputFiles!.find((f) => f.path === BUILD.OPTIONS.outfile)!;
    const bundled = Object.keys(result.metafile!.inputs);
    expect(bundled).toEqual(expect.arrayContaining([expect.stringMatching(/extension\.js$/), expect.stringMatching(/server-command\.js$/), expect.stringMatching(/diagram-view\.js$/)]));
    const external = Object.values(result.metafile!.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    expect(external.filter((p) => p !== "vscode" && !builtinModules.includes(p.replace(/^node:/, "")))).toEqual([]);
    const local = workspace(true);
    const { started, required } = await activate({ code: out.text, folders: [local] });
    expect(required).toContain("vscode");
    expect(required).not.toContain("./server-command.js");
    expect(commandLine(started[0]!)).toEqual([join(local, "node_modules/.bin/dnnc"), "lsp", "--stdio"]);
  });
});
