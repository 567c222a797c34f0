// The tree-sitter grammar in editors/tree-sitter-dnn, checked without the tree-sitter CLI: its
// generated parser (src/parser.c, with the scanner) is compiled with gcc against tree-sitter's C
// runtime (Debian's libtree-sitter-dev, scripts/setup-tree-sitter.sh) together with a small
// driver (test/parse.c) that parses a file and runs a query. Checked: src/ is generated from this
// grammar.js; every sample and stdlib file parses with no ERROR or MISSING node, into the tokens
// the compiler's lexer reads; the language reference's examples parse (and its syntax-error
// examples do not); the line-break rule; and the highlight queries, Neovim's and Helix's, give the
// expected capture to every kind of token of a pinned file, in each editor's precedence order.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as T from "../../grammar/tokens.ts";
import { lex } from "../../src/syntax/parse.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const DIR = resolve(ROOT, "editors/tree-sitter-dnn");
const SOURCES = ["samples", "stdlib"].flatMap((d) =>
  readdirSync(resolve(ROOT, d)).filter((f) => f.endsWith(".dnn")).sort().map((f) => `${d}/${f}`),
);
const tmp = mkdtempSync(join(tmpdir(), "dnnc-tree-sitter-"));
const driver = join(tmp, "parse");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function gcc(args: string[]): void {
  const r = spawnSync("gcc", args, { cwd: DIR, encoding: "utf8", timeout: 120_000 });
  if (r.error || r.status !== 0)
    throw new Error(`gcc ${args.join(" ")} failed (scripts/setup-tree-sitter.sh installs libtree-sitter-dev and gcc):\n${r.error ?? ""}${r.stderr}`);
}

beforeAll(() => {
  // The driver is compiled with warnings as errors; the generated parser as tree-sitter ships it.
  gcc(["-std=c11", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-Wextra", "-Werror", "-Isrc", "-c", "test/parse.c", "-o", join(tmp, "parse.o")]);
  gcc(["-std=c11", "-O1", "-Isrc", "-c", "src/parser.c", "-o", join(tmp, "parser.o")]);
  gcc(["-std=c11", "-Wall", "-Wextra", "-Werror", "-Isrc", "-c", "src/scanner.c", "-o", join(tmp, "scanner.o")]);
  gcc([join(tmp, "parse.o"), join(tmp, "parser.o"), join(tmp, "scanner.o"), "-ltree-sitter", "-o", driver]);
}, 180_000);

interface Parsed {
  status: number | null;
  tree: string;
  errors: string[];
  tokens: { start: number; end: number; type: string }[];
  captures: { range: string; pattern: number; name: string; text: string }[];
  queryError?: string;
}

/** The driver's report on `file` (a path from the repository root, or text to write to a file). */
function run(file: string | { text: string }, options: { query?: string; tokens?: boolean } = {}): Parsed {
  const path = typeof file === "string" ? resolve(ROOT, file) : join(tmp, "input.dnn");
  if (typeof file !== "string") writeFileSync(path, file.text);
  const args = [...(options.tokens ? ["--tokens"] : []), ...(options.query ? ["--query", resolve(DIR, options.query)] : []), path];
  const r = spawnSync(driver, args, { encoding: "utf8", timeout: 60_000, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  const parsed: Parsed = { status: r.status, tree: "", errors: [], tokens: [], captures: [] };
  for (const line of r.stdout.split("\n")) {
    const [kind, ...rest] = line.split(" ");
    if (kind === "tree") parsed.tree = rest.join(" ");
    else if (kind === "error") parsed.errors.push(rest.join(" "));
    else if (kind === "query-error") parsed.queryError = rest.join(" ");
    else if (kind === "token") parsed.tokens.push({ start: Number(rest[0]), end: Number(rest[1]), type: rest.slice(2).join(" ") });
    else if (kind === "capture") parsed.captures.push({ range: rest[0]!, pattern: Number(rest[1]), name: rest[2]!.slice(1), text: rest.slice(3).join(" ") });
  }
  if (r.stderr) throw new Error(r.stderr);
  return parsed;
}

const sha256 = (path: string): string => createHash("sha256").update(readFileSync(resolve(DIR, path))).digest("hex");

describe("editors/tree-sitter-dnn/src", () => {
  it("is generated from this grammar.js, for ABI 14 (src/generated-from.txt, written by regenerate.sh)", () => {
    const record = readFileSync(resolve(DIR, "src/generated-from.txt"), "utf8");
    expect(record).toMatch(/^generator: .*--abi 14$/m);
    const hashes = [...record.matchAll(/^sha256 ([0-9a-f]{64}) (\S+)$/gm)].map((m) => [m[2], m[1]]);
    expect(hashes.map(([path]) => path)).toEqual(["grammar.js", "src/grammar.json", "src/node-types.json", "src/parser.c"]);
    for (const [path, hash] of hashes) expect(sha256(path!), `${path} changed since regenerate.sh ran: run it`).toBe(hash);
    expect(readFileSync(resolve(DIR, "src/parser.c"), "utf8")).toMatch(/^#define LANGUAGE_VERSION 14$/m);
  });

  it("has exactly the compiler's keywords (grammar/tokens.ts)", () => {
    const grammar = JSON.parse(readFileSync(resolve(DIR, "src/grammar.json"), "utf8"));
    const words = new Set<string>();
    const visit = (rule: any): void => {
      if (rule?.type === "STRING" && /^[a-z_]+$/.test(rule.value)) words.add(rule.value);
      for (const child of [...(rule?.members ?? []), rule?.content].filter(Boolean)) visit(child);
    };
    for (const rule of Object.values(grammar.rules)) visit(rule);
    const keywords = T.keywords.map((k) => (k.PATTERN as RegExp).source);
    expect([...words].sort()).toEqual([...keywords].sort());
  });
});

/** What the compiler's lexer reads as a token that tree-sitter gives `type`. */
function agrees(type: string, token: { name: string; text: string }): boolean {
  const keyword = T.keywords.some((k) => k.name === token.name);
  switch (type) {
    case "identifier":
    case "type_identifier":
      return token.name === "Identifier" || keyword; // soft keywords are names; hard ones path segments or `fn`
    case "integer":
      return token.name === "IntLiteral";
    case "float":
      return token.name === "FloatLiteral";
    case "string":
      return token.name === "StringLiteral";
    case "comment":
      return token.name === "LineComment";
    case "true":
    case "false":
    case "ellipsis":
    case "wildcard":
      return token.text === { true: "true", false: "false", ellipsis: "...", wildcard: "*" }[type];
    default:
      return token.text === type; // keywords and punctuation are their own text
  }
}

describe("every sample and stdlib file", () => {
  it.each(SOURCES)("%s parses with no ERROR or MISSING node, into the compiler's tokens", (file) => {
    const parsed = run(file, { tokens: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.status).toBe(0);
    const text = readFileSync(resolve(ROOT, file), "utf8");
    const byte = (offset: number): number => Buffer.byteLength(text.slice(0, offset));
    const { tokens, comments } = lex(text);
    const expected = [...tokens, ...comments]
      .sort((a, b) => a.startOffset - b.startOffset)
      .map((t) => ({ start: byte(t.startOffset), end: byte(t.endOffset! + 1), name: t.tokenType.name, text: t.image }));
    expect(parsed.tokens.map((t) => [t.start, t.end])).toEqual(expected.map((t) => [t.start, t.end]));
    const disagreements = parsed.tokens.filter((t, i) => !agrees(t.type, expected[i]!));
    expect(disagreements).toEqual([]);
  });
});

describe("docs/language.md's examples", () => {
  const blocks = [...readFileSync(resolve(ROOT, "docs/language.md"), "utf8").matchAll(/^```dnn([^\n]*)\n([\s\S]*?)^```/gm)].map((m) => ({
    info: m[1]!.trim(),
    text: m[2]!,
  }));

  it("every complete example parses cleanly", () => {
    const clean = blocks.filter((b) => b.info === "" || /^error DNN0[1-9]/.test(b.info));
    expect(clean.length).toBeGreaterThan(100);
    const failing = clean.filter((b) => run({ text: b.text }).errors.length > 0).map((b) => `${b.info}\n${b.text}`);
    // A DNN01xx example may be a syntax error the compiler names more precisely (§6.9's leading
    // minus, read as a subtraction, leaves a block with no value); tree-sitter must agree it is one.
    expect(failing.filter((t) => !t.startsWith("error DNN0101"))).toEqual([]);
    expect(failing.map((t) => t.split("\n")[0])).toEqual(["error DNN0101"]);
  }, 60_000); // one parse per example: some 190 processes

  it("every syntax-error example (DNN0001, DNN0002) has an ERROR or MISSING node, but a hard keyword used as a name", () => {
    const broken = blocks.filter((b) => /^error DNN000[12]/.test(b.info));
    expect(broken.length).toBeGreaterThanOrEqual(4);
    const accepted = broken.filter((b) => run({ text: b.text }).errors.length === 0).map((b) => b.text);
    // The one leniency: tree-sitter's ABI 14 has no reserved words, so `let model = x` reads
    // `model` as a name where only a name can stand (README.md, "Differences").
    expect(accepted.map((t) => t.match(/let (\w+) =/)?.[1])).toEqual(["model"]);
  }, 60_000);
});

describe("syntax", () => {
  it("a ( or [ on the same line calls or indexes; at the start of a line it begins a new expression", () => {
    const tree = run({ text: "fn f(x: f32[...]) -> f32[2] {\n  let a = g (x) [0]\n  [1.0, 2.0]\n}\n" });
    expect(tree.errors).toEqual([]);
    expect(tree.tree).toContain(
      "(let_declaration name: (identifier) value: (index_expression value: (call_expression function: (identifier) arguments: (argument_list (identifier))) index: (index_list (integer)))) value: (array (float) (float))",
    );
    const split = run({ text: "model M {\n  input x: f32[B]\n  output y: f32[B]\n  y = (relu\n    (x))\n}\n" });
    expect(split.errors.length).toBeGreaterThan(0);
  });

  it("operators nest by precedence: |> loosest, then + -, then * / @, unary minus, ^ (right-associative)", () => {
    const tree = run({ text: "fn f(x: f32[...]) = -x ^ 2 ^ -y * a + b |> relu\n" }).tree;
    expect(tree).toContain(
      "body: (pipeline input: (binary_expression left: (binary_expression left: (unary_expression operand: (binary_expression left: (identifier) right: (binary_expression left: (integer) right: (unary_expression operand: (identifier))))) right: (identifier)) right: (identifier)) stage: (identifier))",
    );
  });

  it("a file cut or broken anywhere still parses to the end (no crash, no endless zero-width token)", () => {
    const text = readFileSync(resolve(ROOT, "stdlib/layers.dnn"), "utf8");
    const step = Math.ceil(text.length / 40);
    for (let cut = step; cut < text.length; cut += step) {
      for (const broken of [text.slice(0, cut), `${text.slice(0, cut)}(\n[ ${text.slice(cut)}`]) {
        const parsed = run({ text: broken });
        expect([0, 1], `cut at ${cut}`).toContain(parsed.status);
        expect(parsed.tree).toMatch(/^\((source_file|ERROR) /); // a root that is all error is still a tree
      }
    }
  }, 60_000);

  it("a broken file has ERROR nodes and fails", () => {
    const parsed = run({ text: "model M {\n  input x f32[B, 3]\n  y = x +\n}\n" });
    expect(parsed.status).toBe(1);
    expect(parsed.errors.length).toBeGreaterThan(0);
    expect(parsed.errors[0]).toMatch(/^2:\d+ (ERROR|MISSING)/);
  });
});

describe("queries", () => {
  /** The capture an editor shows for each token of the pinned file: Neovim lets the last pattern
   * win, Helix (and tree-sitter's highlighter) the first. */
  function shown(query: string, winner: "last" | "first"): Map<string, string> {
    const parsed = run("editors/tree-sitter-dnn/test/highlight.dnn", { query });
    expect(parsed.queryError).toBeUndefined();
    expect(parsed.errors).toEqual([]);
    const best = new Map<string, { pattern: number; name: string }>();
    for (const c of parsed.captures) {
      if (c.name === "spell") continue; // Neovim's spell-check marker, not a colour
      const key = `${c.range.split("-")[0]} ${c.text}`;
      const current = best.get(key);
      if (!current || (winner === "last" ? c.pattern >= current.pattern : c.pattern < current.pattern)) best.set(key, c);
    }
    return new Map([...best].map(([k, v]) => [k, v.name]));
  }

  const pinned = readFileSync(resolve(DIR, "test/highlight.dnn"), "utf8").split("\n");
  /** `line:column text` of the first token `text` on `line` (both from 1): not part of a longer word. */
  const at = (line: number, text: string): string => {
    const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const match = new RegExp(`(?<![A-Za-z0-9_.])${escaped}(?![A-Za-z0-9_])`).exec(pinned[line - 1]!);
    if (!match) throw new Error(`no ${text} on line ${line}`);
    return `${line}:${match.index + 1} ${text}`;
  };
  // [line, text, Neovim's capture, Helix's capture]
  const EXPECTED: [number, string, string, string][] = [
    [1, "// The file the highlight test pins: one of every kind of token.", "comment", "comment.line"],
    [2, "import", "keyword.import", "keyword.control.import"],
    [2, "std", "module", "namespace"],
    [2, "Dense", "type", "type"],
    [4, "fn", "keyword.function", "keyword.function"],
    [4, "scale", "function", "function"],
    [4, "x", "variable.parameter", "variable.parameter"],
    [4, "f32", "type.builtin", "type.builtin"],
    [4, "B", "constant", "constant"],
    [4, "in", "constant", "constant"],
    [4, "2", "number", "constant.numeric.integer"],
    [4, "float", "type.builtin", "type.builtin"],
    [4, "0.5", "number.float", "constant.numeric.float"],
    [4, "->", "operator", "operator"],
    [4, "^", "operator", "operator"],
    [6, "layer", "keyword.type", "keyword.storage.type"],
    [6, "Gain", "type.definition", "type"],
    [6, "int", "type.builtin", "type.builtin"],
    [7, "param", "keyword", "keyword"],
    [7, "zeros", "function.call", "function"],
    [8, "forward", "keyword", "keyword"],
    [8, "...", "punctuation.special", "punctuation.special"],
    [9, "if", "keyword.conditional", "keyword.control.conditional"],
    [9, "training", "variable.builtin", "variable.builtin"],
    [9, "else", "keyword.conditional", "keyword.control.conditional"],
    [9, "false", "boolean", "constant.builtin.boolean"],
    [9, "true", "boolean", "constant.builtin.boolean"],
    [9, "keepdims", "variable.parameter", "variable.parameter"],
    [12, "model", "keyword.type", "keyword.storage.type"],
    [12, "Tagger", "type.definition", "type"],
    [13, "input", "keyword", "keyword"],
    [14, "output", "keyword", "keyword"],
    [15, "y", "variable", "variable"],
    [15, "|>", "operator", "operator"],
    [15, "Dense", "constructor", "constructor"],
    [15, "activation", "variable.parameter", "variable.parameter"],
    [15, "relu", "variable", "variable"],
    [15, "scale", "function.call", "function"],
    [15, "1e-3", "number.float", "constant.numeric.float"],
    [18, "train", "keyword.type", "keyword.storage.type"],
    [18, "Tagger", "type", "type"],
    [19, "target", "keyword", "keyword"],
    [19, "i32", "type.builtin", "type.builtin"],
    [20, "loss", "keyword", "keyword"],
    [20, "cross_entropy", "function.call", "function"],
    [20, '"digits"', "string", "string"],
    [21, "clip_norm", "keyword", "keyword"],
    [21, "=", "operator", "operator"],
    [21, "1.0", "number.float", "constant.numeric.float"],
    [22, "}", "punctuation.bracket", "punctuation.bracket"],
  ];

  it("queries/highlights.scm (Neovim's names, the last pattern wins) captures every kind of token", () => {
    const captures = shown("queries/highlights.scm", "last");
    const got = EXPECTED.map(([line, text]) => [at(line, text), captures.get(at(line, text))]);
    expect(got).toEqual(EXPECTED.map(([line, text, nvim]) => [at(line, text), nvim]));
  });

  it("queries/helix/highlights.scm (Helix's names, the first pattern wins) captures every kind of token", () => {
    const captures = shown("queries/helix/highlights.scm", "first");
    const got = EXPECTED.map(([line, text]) => [at(line, text), captures.get(at(line, text))]);
    expect(got).toEqual(EXPECTED.map(([line, text, , helix]) => [at(line, text), helix]));
  });

  it("queries/locals.scm compiles and defines parameters, lets and declarations", () => {
    const parsed = run("editors/tree-sitter-dnn/test/highlight.dnn", { query: "queries/locals.scm" });
    expect(parsed.queryError).toBeUndefined();
    const definitions = parsed.captures.filter((c) => c.name.startsWith("local.definition")).map((c) => `${c.name} ${c.text}`);
    expect(definitions).toEqual(
      expect.arrayContaining(["local.definition.function scale", "local.definition.parameter by", "local.definition.field w", "local.definition.type Tagger", "local.definition.var t"]),
    );
  });

  it("a query with a node type the grammar lacks is refused (the driver reports query errors)", () => {
    writeFileSync(join(tmp, "bad.scm"), "(no_such_node) @keyword\n");
    expect(run("editors/tree-sitter-dnn/test/highlight.dnn", { query: join(tmp, "bad.scm") }).queryError).toMatch(/^\d+ node type$/);
  });
});
