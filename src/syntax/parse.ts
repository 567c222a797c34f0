// Source text → AST plus syntax diagnostics. Never throws: the lexer skips what it cannot
// match, the parser recovers (token insertion/deletion, re-sync), and nesting deeper than
// MAX_NESTING is cut off before the recursive-descent parser could exhaust the stack.
import { Lexer, type IToken, type IRecognitionException, type TokenType } from "chevrotain";
import { allTokens, FloatLiteral, IntLiteral, StringLiteral } from "../../grammar/tokens.ts";
import { DnnParser, SKIP_GRAMMAR_CHECKS } from "../../grammar/parser.ts";
import { diagnostic, appendAll, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { FileAst, Decl } from "./ast.ts";
import { AstBuilder } from "./build-ast.ts";
import { MAX_NESTING, nestingCutoff } from "./nesting.ts";
import { fastDecls } from "./fast-parse.ts";
import { SourceFile } from "./source.ts";

const MAX_SYNTAX_ERRORS = 50;

// Tokens carry offsets only: nothing reads a token's line or column (SourceFile maps offsets to
// positions when a diagnostic is shown; the formatter has its own lexer), and counting line
// breaks in every whitespace token was over half of lexing. chevrotain's "onlyOffset" tokens
// lack `endOffset`, which the parser's node locations (and so every span) are made from, so
// this lexer's tokens get it back: `createTokenInstance` is what tokenizeInternal calls for
// each token, with the image's length last. `ensureOptimizations` holds chevrotain to its
// first-character dispatch: a token pattern it cannot analyse is an error, not a slow lexer.
const lexer = new Lexer(allTokens, { positionTracking: "onlyOffset", ensureOptimizations: !SKIP_GRAMMAR_CHECKS, skipValidations: SKIP_GRAMMAR_CHECKS });
(lexer as unknown as { createTokenInstance: (...args: never[]) => IToken }).createTokenInstance = (
  image: string, startOffset: number, tokenTypeIdx: number, tokenType: TokenType, _line: number, _column: number, length: number,
): IToken => ({ image, startOffset, endOffset: startOffset + length - 1, tokenTypeIdx, tokenType }) as IToken;
let parser: DnnParser | undefined; // built once: chevrotain's self-analysis is the slow part

export interface ParseResult {
  ast: FileAst;
  source: SourceFile;
  diagnostics: Diagnostic[];
  comments: IToken[];
}

/** The tokens of `text` (comments apart), for tools that look at the text around a cursor. */
export function lex(text: string): { tokens: IToken[]; comments: IToken[] } {
  const lexed = lexer.tokenize(text);
  return { tokens: lexed.tokens, comments: lexed.groups["comments"] ?? [] };
}

/** `text` parsed: by the fast path (src/syntax/fast-parse.ts) when it reads the whole file,
 * else by chevrotain's parser and the CST → AST builder, the reference (decision 0021). */
export function parse(path: string, text: string): ParseResult {
  return parseWith(path, text, true);
}

/** `text` parsed by the reference parser alone: what the fast path must equal (tests). */
export function parseReference(path: string, text: string): ParseResult {
  return parseWith(path, text, false);
}

function parseWith(path: string, text: string, fastPath: boolean): ParseResult {
  const source = new SourceFile(path, text);
  const diagnostics: Diagnostic[] = [];
  const lexed = lexer.tokenize(text);

  for (const e of mergeLexErrors(lexed.errors)) {
    const ch = text.slice(e.offset, e.offset + Math.min(e.length, 1));
    const shown = /^[\x20-\x7e]$/.test(ch) ? `'${ch}'` : `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
    diagnostics.push(diagnostic("DNN0001", source.span(e.offset, e.offset + e.length), `unexpected character ${shown}${e.length > 1 ? ` (and ${e.length - 1} more)` : ""}`));
  }

  let tokens = lexed.tokens;
  const cut = nestingCutoff(tokens);
  if (cut !== undefined) {
    const t = tokens[cut]!;
    diagnostics.push(diagnostic("DNN0005", source.span(t.startOffset, t.startOffset + t.image.length), `expression nested too deeply: brackets nested more than ${MAX_NESTING} deep`, { hint: "the rest of the file was not parsed" }));
    tokens = tokens.slice(0, cut);
  }

  const decls = (fastPath && cut === undefined ? fastDecls(source, tokens) : undefined) ?? referenceDecls(source, tokens, cut !== undefined, diagnostics);
  const comments = lexed.groups["comments"] ?? [];
  attachDocs(decls, comments, source);
  appendAll(diagnostics, textDirectionWarnings(source, lexed.tokens, comments));
  for (const t of lexed.tokens) {
    if ((t.tokenType === IntLiteral || t.tokenType === FloatLiteral) && !Number.isFinite(Math.fround(Number(t.image))))
      diagnostics.push(diagnostic("DNN0003", source.span(t.startOffset, t.startOffset + t.image.length), `number ${t.image.length > 20 ? t.image.slice(0, 20) + "…" : t.image} is too large for a 32-bit float`));
  }
  return { ast: { path, decls }, source, diagnostics, comments };
}

/** The declarations chevrotain's parser and the AST builder read from `tokens`, with their
 * diagnostics added to `diagnostics`; `cut`: the tokens stop at a nesting cut-off. */
function referenceDecls(source: SourceFile, tokens: IToken[], cut: boolean, diagnostics: Diagnostic[]): Decl[] {
  parser ??= new DnnParser();
  parser.text = source.text;
  parser.input = tokens;
  const cst = parser.file();
  // Past a nesting cut the parser sees the file end early: what it then misses is not the user's mistake.
  const syntaxErrors = cut ? parser.errors.filter((e) => e.token.tokenType.name !== "EOF") : parser.errors;
  for (const e of syntaxErrors.slice(0, MAX_SYNTAX_ERRORS)) diagnostics.push(syntaxDiagnostic(source, e));
  if (syntaxErrors.length > MAX_SYNTAX_ERRORS) {
    const last = syntaxErrors[MAX_SYNTAX_ERRORS]!.token;
    const at = Number.isFinite(last.startOffset) ? last.startOffset : source.text.length;
    diagnostics.push(diagnostic("DNN0002", source.span(at, at), `${syntaxErrors.length - MAX_SYNTAX_ERRORS} more syntax errors not shown`));
  }
  const builder = new AstBuilder(source);
  const decls = builder.file(cst);
  appendAll(diagnostics, builder.diagnostics);
  return decls;
}

// Characters that change the direction text is displayed in. Inside a comment or a string they
// can make code read differently from how it runs ("Trojan Source", CVE-2021-42574); rustc warns
// about them the same way (text_direction_codepoint_in_comment / _in_literal). Elsewhere the
// lexer already rejects them (DNN0001).
const TEXT_DIRECTION = /[\u202A-\u202E\u2066-\u2069]/g;
const HAS_TEXT_DIRECTION = /[\u202A-\u202E\u2066-\u2069]/; // no `g`: test() keeps no state
const DIRECTION_NAMES: Record<number, string> = {
  0x202a: "LEFT-TO-RIGHT EMBEDDING", 0x202b: "RIGHT-TO-LEFT EMBEDDING", 0x202c: "POP DIRECTIONAL FORMATTING", 0x202d: "LEFT-TO-RIGHT OVERRIDE",
  0x202e: "RIGHT-TO-LEFT OVERRIDE", 0x2066: "LEFT-TO-RIGHT ISOLATE", 0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE", 0x2069: "POP DIRECTIONAL ISOLATE",
};

function textDirectionWarnings(source: SourceFile, tokens: IToken[], comments: IToken[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!HAS_TEXT_DIRECTION.test(source.text)) return out; // one scan of the text; almost every file
  const scan = (t: IToken, where: string) => {
    for (const m of t.image.matchAll(TEXT_DIRECTION)) {
      const code = m[0].charCodeAt(0);
      const at = t.startOffset + m.index!;
      out.push(diagnostic("DNN0004", source.span(at, at + 1), `the ${where} contains U+${code.toString(16).toUpperCase()} ${DIRECTION_NAMES[code]}, which changes how the text around it is displayed`, {
        hint: "the code may not be what it looks like (Trojan Source attacks hide code this way): remove the character",
      }));
    }
  };
  for (const c of comments) if (HAS_TEXT_DIRECTION.test(c.image)) scan(c, "comment");
  for (const t of tokens) if (t.tokenType === StringLiteral && HAS_TEXT_DIRECTION.test(t.image)) scan(t, "string");
  return out;
}

function mergeLexErrors(errors: { offset: number; length: number }[]): { offset: number; length: number }[] {
  const merged: { offset: number; length: number }[] = [];
  for (const e of errors) {
    const last = merged[merged.length - 1];
    if (last && last.offset + last.length === e.offset) last.length += e.length;
    else merged.push({ offset: e.offset, length: e.length });
  }
  return merged.slice(0, MAX_SYNTAX_ERRORS);
}

function syntaxDiagnostic(source: SourceFile, e: IRecognitionException): Diagnostic {
  const t = e.token;
  const atEnd = t.tokenType.name === "EOF" || !Number.isFinite(t.startOffset);
  const start = atEnd ? source.text.length : t.startOffset;
  const end = atEnd ? start : start + t.image.length;
  const found = atEnd ? "end of file" : `'${t.image.length > 24 ? t.image.slice(0, 24) + "…" : t.image}'`;
  const expected = expectedFrom(e.message);
  const message = expected ? `expected ${expected}, found ${found}` : `unexpected ${found}`;
  return diagnostic("DNN0002", source.span(start, end), message);
}

// chevrotain's messages list the expected token sequences; turn them into "a, b or c".
function expectedFrom(message: string): string | undefined {
  const one = /Expecting token of type --> (\w+) <--/.exec(message);
  if (one) return describeToken(one[1]!);
  const alts = [...message.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!.split(",")[0]!.trim());
  const unique = [...new Set(alts.map(describeToken))];
  if (unique.length === 0) return undefined;
  if (unique.length > 6) return "a declaration or expression";
  return unique.length === 1 ? unique[0] : `${unique.slice(0, -1).join(", ")} or ${unique[unique.length - 1]}`;
}

const PUNCT: Record<string, string> = {
  Pipe: "'|>'", Arrow: "'->'", Ellipsis: "'...'", Dot: "'.'", Comma: "','", Colon: "':'", Equals: "'='", Plus: "'+'", Minus: "'-'",
  Star: "'*'", Slash: "'/'", At: "'@'", Caret: "'^'", LParen: "'('", RParen: "')'", LBracket: "'['", RBracket: "']'", LBrace: "'{'", RBrace: "'}'",
  Identifier: "a name", IntLiteral: "an integer", FloatLiteral: "a number", StringLiteral: "a string", EOF: "end of file",
};

function describeToken(name: string): string {
  return PUNCT[name] ?? `'${name.toLowerCase()}'`;
}

// Consecutive line comments directly above a definition are its documentation.
function attachDocs(decls: Decl[], comments: IToken[], source: SourceFile): void {
  const byLine = new Map<number, string>();
  for (const c of comments) {
    const pos = source.position(c.startOffset);
    if (source.lineText(pos.line).trimStart().startsWith("//")) byLine.set(pos.line, c.image.replace(/^\/\/\/?\s?/, ""));
  }
  for (const d of decls) {
    if (d.kind !== "layer" && d.kind !== "fn" && d.kind !== "init" && d.kind !== "optimizer") continue;
    const lines: string[] = [];
    for (let l = source.position(d.span.start).line - 1; byLine.has(l); l--) lines.unshift(byLine.get(l)!);
    if (lines.length) d.doc = lines.join("\n");
  }
}
