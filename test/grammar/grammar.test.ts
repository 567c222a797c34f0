import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DIAGRAMS_PATH, EBNF_PATH, renderDiagrams, renderEbnf, renderVscodeTextMate, TEXTMATE_PATH, VSCODE_TEXTMATE_PATH } from "../../grammar/generate.ts";
import { DnnParser } from "../../grammar/parser.ts";
import { keywords } from "../../grammar/tokens.ts";

const REGENERATE = "grammar/ is stale: run `npx tsx grammar/generate.ts`";

type Grammar = { scopeName: string; repository: Record<string, { patterns: Array<{ match?: string }> }> };
const tmText = readFileSync(TEXTMATE_PATH, "utf8");

// Every regex in a TextMate grammar lives under one of these keys, at any depth.
function regexes(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => regexes(n, found));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (["match", "begin", "end", "while"].includes(key) && typeof value === "string") found.push(value);
      else regexes(value, found);
    }
  }
  return found;
}

describe("grammar/dnn.ebnf", () => {
  it("is up to date with the parser", () => {
    expect(readFileSync(EBNF_PATH, "utf8"), REGENERATE).toBe(renderEbnf());
  });

  it("defines every parser rule", () => {
    const ebnf = renderEbnf();
    for (const name of Object.keys(new DnnParser().getGAstProductions())) {
      expect(ebnf, `rule ${name}`).toMatch(new RegExp(`^${name} +::= `, "m"));
    }
  });
});

describe("grammar/diagrams.html", () => {
  it("is up to date with the parser", () => {
    expect(readFileSync(DIAGRAMS_PATH, "utf8") === renderDiagrams(), REGENERATE).toBe(true);
  });
});

describe("grammar/dnn.tmLanguage.json", () => {
  const grammar = JSON.parse(tmText) as Grammar;
  const keywordRegexes = grammar.repository.keywords!.patterns.map((p) => new RegExp(p.match!));

  it("is the source.dnn grammar", () => {
    expect(grammar.scopeName).toBe("source.dnn");
  });

  it.each(keywords.map((k) => k.PATTERN as RegExp).map((p) => p.source))("highlights the keyword %s", (word) => {
    expect(keywordRegexes.some((re) => re.exec(word)?.[0] === word)).toBe(true);
    // Like the lexer, only whole words are keywords.
    expect(keywordRegexes.some((re) => re.test(`${word}x`) || re.test(`x${word}`))).toBe(false);
  });

  it("is the grammar the VS Code extension ships", () => {
    const stale = "editors/vscode/syntaxes/dnn.tmLanguage.json is not a copy of grammar/dnn.tmLanguage.json: run `npx tsx grammar/generate.ts`";
    expect(readFileSync(VSCODE_TEXTMATE_PATH, "utf8") === renderVscodeTextMate(), stale).toBe(true);
  });

  it("uses only regexes that JavaScript compiles", () => {
    const all = regexes(grammar);
    expect(all.length).toBeGreaterThan(10);
    for (const source of all) expect(() => new RegExp(source), source).not.toThrow();
  });
});
