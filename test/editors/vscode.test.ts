// The VS Code extension in editors/vscode, checked without VS Code: a manifest that points at
// files that exist, a language configuration that agrees with the lexer, and a client that
// starts `dnnc lsp --stdio`. extension.js runs here against stand-ins for `vscode` and
// `vscode-languageclient/node`, which are not installed in this repository.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
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
    expect(manifest).toMatchObject({ name: "dnnc", publisher: expect.any(String), main: "./extension.js", activationEvents: ["onLanguage:dnn"] });
    expect(manifest.displayName).toEqual(expect.any(String));
    expect(manifest.engines.vscode).toMatch(/^\^1\.\d+\.\d+$/);
    // extension.js is CommonJS: nothing may make Node read .js files in this folder as ES modules.
    expect(manifest.type ?? "commonjs").toBe("commonjs");
    expect(existsSync(resolve(DIR, manifest.main))).toBe(true);
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

  it("has the dnnc.path and dnnc.trace.server settings", () => {
    const settings = manifest.contributes.configuration.properties;
    expect(settings["dnnc.path"]).toMatchObject({ type: "string", default: "dnnc" });
    expect(settings["dnnc.trace.server"]).toMatchObject({ enum: ["off", "messages", "verbose"], default: "off" });
  });

  it("depends on vscode-languageclient alone, pinned, in step with the server's library", () => {
    expect(Object.keys(manifest.dependencies)).toEqual(["vscode-languageclient"]);
    const version: string = manifest.dependencies["vscode-languageclient"];
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    // Client and server libraries are released together, one major version per protocol version.
    const root = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8"));
    expect(version.split(".")[0]).toBe(root.dependencies["vscode-languageserver"].split(".")[0]);
    // The extension is installed on its own; the compiler does not need the client.
    expect({ ...root.dependencies, ...root.devDependencies }).not.toHaveProperty("vscode-languageclient");
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
  client: { documentSelector: unknown; outputChannel?: { name: string } };
}

const EXTENSION = readFileSync(resolve(DIR, "extension.js"), "utf8");

async function activate(opts: { path?: string; platform?: string; startFails?: boolean } = {}) {
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
  const modules: Record<string, unknown> = {
    vscode: {
      workspace: {
        getConfiguration: (section: string) => ({ get: (key: string, fallback: unknown) => (section === "dnnc" && key === "path" && opts.path !== undefined ? opts.path : fallback) }),
        onDidChangeConfiguration: () => ({ dispose() {} }),
      },
      window: {
        showErrorMessage: async (message: string) => void errors.push(message),
        createOutputChannel: (name: string) => ({ name, dispose() {} }),
      },
      commands: { executeCommand: async () => {} },
    },
    // The real module's enum, for code that uses it.
    "vscode-languageclient/node": { LanguageClient, TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 } },
  };
  const require = (name: string) => {
    required.push(name);
    if (!(name in modules)) throw new Error(`extension.js requires ${name}`);
    return modules[name];
  };
  const module = { exports: {} as { activate?: (context: unknown) => Promise<void>; deactivate?: () => unknown } };
  const wrapped = new vm.Script(`(function (require, module, exports, process) {${EXTENSION}\n})`, { filename: "extension.js" });
  wrapped.runInThisContext()(require, module, module.exports, { platform: opts.platform ?? "linux" });
  await module.exports.activate!({ subscriptions: [] });
  expect(typeof module.exports.deactivate).toBe("function");
  return { started, errors, required };
}

/** The command line the client spawns: with TransportKind.stdio it appends `--stdio` itself. */
const commandLine = (s: Started) => [s.server.command, ...s.server.args, ...(s.server.transport === 0 ? ["--stdio"] : [])];

describe("editors/vscode/extension.js", () => {
  it("is a CommonJS script that requires only vscode and vscode-languageclient/node", () => {
    expect(() => new vm.Script(EXTENSION, { filename: "extension.js" })).not.toThrow();
    expect(EXTENSION).toMatch(/module\.exports\s*=/);
    expect(EXTENSION).not.toMatch(/^\s*(import|export)\s/m);
    const requires = [...EXTENSION.matchAll(/\brequire\(\s*(["'])(.*?)\1\s*\)/g)].map((m) => m[2]);
    expect(new Set(requires)).toEqual(new Set(["vscode", "vscode-languageclient/node"]));
  });

  it("starts `dnnc lsp --stdio` for dnn files and unsaved dnn documents", async () => {
    const { started, errors, required } = await activate();
    expect(new Set(required)).toEqual(new Set(["vscode", "vscode-languageclient/node"]));
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

  it("says to set dnnc.path when the server cannot be started", async () => {
    const { errors } = await activate({ path: "no-such-dnnc", startFails: true });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("no-such-dnnc lsp --stdio");
    expect(errors[0]).toContain("dnnc.path");
  });
});
