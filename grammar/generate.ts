// Prints the grammar that DnnParser actually runs, so the docs can never drift from the parser:
// grammar/dnn.ebnf (W3C-style EBNF) and grammar/diagrams.html (chevrotain railroad diagrams).
// Also copies the hand-written TextMate grammar, grammar/dnn.tmLanguage.json, into the VS Code
// extension (editors/vscode/syntaxes/), which is packaged from its own folder and so cannot
// point outside it. Run: npx tsx grammar/generate.ts
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createSyntaxDiagramsCode, Lexer, type ISerializedGast } from "chevrotain";
import { DnnParser } from "./parser.ts";
import { allTokens } from "./tokens.ts";

// The serialized form carries more fields than chevrotain's ISerializedGast type declares.
type Gast = ISerializedGast & { name?: string; pattern?: string; separator?: Gast; definition?: Gast[] };

// Tokens whose text varies are shown by name; the rest are shown as the text they match.
const NAMED = new Set(["Identifier", "IntLiteral", "FloatLiteral", "StringLiteral"]);

export function serializedGrammar(): ISerializedGast[] {
  return new DnnParser().getSerializedGastProductions();
}

// A pattern is a literal when its unescaped text is exactly what it matches (`\|>` -> `|>`).
function literalOf(pattern: string): string | undefined {
  const text = pattern.replace(/\\(.)/g, "$1");
  return new RegExp(`^(?:${pattern})$`).test(text) ? text : undefined;
}

function quote(text: string): string {
  return text.includes("'") ? `"${text}"` : `'${text}'`;
}

function terminal(node: Gast): string {
  const literal = NAMED.has(node.name!) || node.pattern === undefined ? undefined : literalOf(node.pattern);
  return literal === undefined ? node.name! : quote(literal);
}

function seq(nodes: Gast[]): string {
  return nodes.map(render).join(" ");
}

// Postfix operators (? * +) need a single atom to their left.
function atom(nodes: Gast[]): string {
  const only = nodes.length === 1 ? nodes[0]!.type : undefined;
  const bare = only === "Terminal" || only === "NonTerminal" || only === "Alternation";
  return bare ? seq(nodes) : `(${seq(nodes)})`;
}

function alternatives(node: Gast): string[] {
  return node.definition!.map((alt) => seq(alt.definition!));
}

function render(node: Gast): string {
  const body = node.definition ?? [];
  switch (node.type) {
    case "Terminal":
      return terminal(node);
    case "NonTerminal":
      return node.name!;
    case "Alternation": {
      // EBNF has no empty alternative; an empty branch makes the choice optional instead.
      const alts = alternatives(node);
      const filled = alts.filter((a) => a !== "");
      return `(${filled.join(" | ")})${filled.length < alts.length ? "?" : ""}`;
    }
    case "Option":
      return `${atom(body)}?`;
    case "Repetition":
      return `${atom(body)}*`;
    case "RepetitionMandatory":
      return `${atom(body)}+`;
    case "RepetitionWithSeparator":
      return `(${seq(body)} (${render(node.separator!)} ${seq(body)})*)?`;
    case "RepetitionMandatoryWithSeparator":
      return `${seq(body)} (${render(node.separator!)} ${seq(body)})*`;
    default:
      throw new Error(`grammar/generate.ts: unknown production type ${node.type}`);
  }
}

function rule(node: Gast, width: number): string {
  const head = `${node.name!.padEnd(width)} ::= `;
  const body = node.definition!;
  // A rule that is one big choice reads best with one alternative per line.
  if (body.length === 1 && body[0]!.type === "Alternation" && body[0]!.definition!.every((a) => a.definition!.length > 0)) {
    return head + alternatives(body[0]!).join(`\n${" ".repeat(width + 3)}| `);
  }
  return head + seq(body);
}

function tokenComment(): string {
  const width = Math.max(...allTokens.map((t) => t.name.length));
  const lines = allTokens.map((t) => {
    // A token matched by code (the byte order mark) is described by the text it matches.
    const source = t.PATTERN instanceof RegExp ? t.PATTERN.source.replaceAll("*/", "*\\/") : "U+FEFF at the start of the file only"; // keep the comment closed
    const note = t.GROUP === Lexer.SKIPPED ? "  (skipped)" : typeof t.GROUP === "string" ? `  (channel: ${t.GROUP})` : "";
    return ` *   ${t.name.padEnd(width)}  ${source}${note}`;
  });
  return [
    "/* Lexical tokens, in match order; patterns are JavaScript regular expressions.",
    " * Keywords only match whole words: `modelx` is an Identifier.",
    " *",
    ...lines,
    " */",
  ].join("\n");
}

export function renderEbnf(): string {
  const rules = serializedGrammar() as Gast[];
  const width = Math.max(...rules.map((r) => r.name!.length));
  return [
    "/* Generated from grammar/parser.ts by grammar/generate.ts; do not edit.",
    " * Regenerate with: npx tsx grammar/generate.ts */",
    "",
    rules.map((r) => rule(r, width)).join("\n\n"),
    "",
    tokenComment(),
    "",
  ].join("\n");
}

export function renderDiagrams(): string {
  return createSyntaxDiagramsCode(serializedGrammar());
}

export const EBNF_PATH = fileURLToPath(new URL("./dnn.ebnf", import.meta.url));
export const DIAGRAMS_PATH = fileURLToPath(new URL("./diagrams.html", import.meta.url));
export const TEXTMATE_PATH = fileURLToPath(new URL("./dnn.tmLanguage.json", import.meta.url));
export const VSCODE_TEXTMATE_PATH = fileURLToPath(new URL("../editors/vscode/syntaxes/dnn.tmLanguage.json", import.meta.url));

/** What editors/vscode/syntaxes/dnn.tmLanguage.json must hold: grammar/dnn.tmLanguage.json, byte for byte. */
export function renderVscodeTextMate(): string {
  return readFileSync(TEXTMATE_PATH, "utf8");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(EBNF_PATH, renderEbnf());
  writeFileSync(DIAGRAMS_PATH, renderDiagrams());
  writeFileSync(VSCODE_TEXTMATE_PATH, renderVscodeTextMate());
  console.log(`wrote ${EBNF_PATH}\nwrote ${DIAGRAMS_PATH}\nwrote ${VSCODE_TEXTMATE_PATH}`);
}
