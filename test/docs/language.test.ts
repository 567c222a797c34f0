// docs/language.md is tested like code: every ```dnn block is a complete file that must compile
// with no diagnostics, every ```dnn error DNNxxxx block must produce that code, and the reference
// must mention every built-in operation, every stdlib definition and every diagnostic code, so it
// cannot fall behind the compiler. ```dnn fragment blocks are pieces of files and are skipped.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { parse } from "../../src/syntax/parse.ts";
import { INTRINSIC_NAMES } from "../../src/check/intrinsic-names.ts";
import { CODES } from "../../src/diagnostics/codes.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DOC_PATH = join(ROOT, "docs", "language.md");
const doc = readFileSync(DOC_PATH, "utf8");

interface Block {
  info: string; // the fence's info string: "dnn", "dnn error DNN0301", "dnn fragment", "text", …
  code: string;
  line: number; // 1-based line of the opening fence in the doc
}

/** Fenced code blocks that start at column 0 (the doc never indents them). */
function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split(/\r?\n/);
  let open: { info: string; line: number; body: string[] } | undefined;
  lines.forEach((text, i) => {
    if (!open) {
      const m = /^```(.*)$/.exec(text);
      if (m) open = { info: m[1]!.trim(), line: i + 1, body: [] };
    } else if (/^```\s*$/.test(text)) {
      blocks.push({ info: open.info, code: open.body.join("\n") + "\n", line: open.line });
      open = undefined;
    } else open.body.push(text);
  });
  if (open) throw new Error(`${DOC_PATH}:${open.line}: code block is never closed`);
  return blocks;
}

interface Example extends Block {
  index: number; // 1-based, counting compiled examples only
  expect: "clean" | `DNN${string}`;
  title: string;
}

const blocks = fencedBlocks(doc);
const dnnBlocks = blocks.filter((b) => b.info === "dnn" || b.info.startsWith("dnn "));
const examples: Example[] = [];
for (const b of dnnBlocks) {
  if (b.info === "dnn fragment") continue;
  const err = /^dnn error (DNN\d{4})$/.exec(b.info);
  const firstLine = b.code.split("\n").find((l) => l.trim() !== "")?.trim() ?? "(empty)";
  const index = examples.length + 1;
  examples.push({ ...b, index, expect: err ? (err[1] as `DNN${string}`) : "clean", title: `example ${index} (line ${b.line}): ${firstLine}` });
}

function compileExample(e: Example) {
  const result = compile(join(ROOT, "docs", `example-${e.index}.dnn`), e.code);
  const shown = result.diagnostics.map((d) => {
    const src = result.program.sources.get(d.span.file);
    const pos = src ? src.position(d.span.start) : { line: -1, character: -1 };
    return `${d.code} ${pos.line + 1}:${pos.character + 1} ${d.message}`;
  });
  return { result, shown };
}

describe("docs/language.md code blocks", () => {
  it("uses only the known dnn block kinds", () => {
    const unknown = dnnBlocks.filter((b) => b.info !== "dnn" && b.info !== "dnn fragment" && !/^dnn error DNN\d{4}$/.test(b.info));
    expect(unknown.map((b) => `line ${b.line}: \`\`\`${b.info}`)).toEqual([]);
  });

  it("has compiled examples of both kinds", () => {
    expect(examples.filter((e) => e.expect === "clean").length).toBeGreaterThan(20);
    expect(examples.filter((e) => e.expect !== "clean").length).toBeGreaterThan(20);
  });

  const clean = examples.filter((e) => e.expect === "clean");
  const failing = examples.filter((e) => e.expect !== "clean");

  describe("```dnn examples compile with no diagnostics", () => {
    it.each(clean.map((e) => [e.title, e] as const))("%s", (_title, e) => {
      const { shown } = compileExample(e);
      expect(shown).toEqual([]);
    });
  });

  describe("```dnn error examples report their code", () => {
    it.each(failing.map((e) => [`${e.title} → ${e.expect}`, e] as const))("%s", (_title, e) => {
      expect(Object.keys(CODES)).toContain(e.expect);
      const { result, shown } = compileExample(e);
      expect(result.diagnostics.map((d) => d.code), shown.join("\n")).toContain(e.expect);
    });
  });
});

/** `name` in code spans: `relu`, `relu(x)`, `fn relu(…)`, … */
const mentions = (text: string, name: string): boolean => new RegExp("`(?:[a-z]+ )?" + name + "(?![A-Za-z0-9_])[^`]*`").test(text);

describe("docs/language.md keeps up with the compiler", () => {
  it.each([...INTRINSIC_NAMES].map((n) => [n]))("mentions the built-in `%s`", (name) => {
    expect(mentions(doc, name)).toBe(true);
  });

  const stdlibDir = join(ROOT, "stdlib");
  const stdlib = readdirSync(stdlibDir)
    .filter((f) => f.endsWith(".dnn"))
    .flatMap((file) => {
      const parsed = parse(join(stdlibDir, file), readFileSync(join(stdlibDir, file), "utf8"));
      expect(parsed.diagnostics, file).toEqual([]);
      const module = file.replace(/\.dnn$/, "");
      return parsed.ast.decls.flatMap((d) => (d.kind === "import" || d.kind === "train" ? [] : [[module, d.kind, d.name.name] as const]));
    });

  it("finds the stdlib definitions", () => {
    expect(stdlib.length).toBeGreaterThan(10);
  });

  it.each(stdlib)("documents std.%s's %s `%s` in its own section", (module, _kind, name) => {
    const heading = `### std.${module}\n`;
    const start = doc.indexOf(heading);
    expect(start, `no section "${heading.trim()}"`).toBeGreaterThanOrEqual(0);
    const end = doc.indexOf("\n#", start + heading.length);
    const section = doc.slice(start, end < 0 ? undefined : end);
    expect(mentions(section, name)).toBe(true);
  });

  it.each(Object.keys(CODES).map((c) => [c]))("lists the diagnostic code %s", (code) => {
    expect(doc).toContain(`| ${code} |`);
  });
});
