// The .dnn formatter, shared by `dnnc fmt` and the language server's textDocument/formatting.
// A token-stream pretty-printer (decision 0006): it re-lexes the text with the language's own
// lexer, comments included, and lays the tokens out again. Text that does not parse cleanly is
// returned unchanged with its diagnostics: broken code is never rearranged.
import type { IToken } from "chevrotain";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { parse } from "../syntax/parse.ts";
import { layout } from "./layout.ts";
import { isComment, lexAll } from "./tokens.ts";

export interface FormatOptions {
  /** Spaces per indentation level; 2 unless given (the house style). */
  indent?: number;
  /**
   * Accepted for callers that pass their editor's line width, but unused: the formatter keeps
   * every line break where the author put it and never re-wraps (decision 0006).
   */
  width?: number;
}

export interface FormatResult {
  text: string;
  diagnostics: Diagnostic[];
}

/** Formats one file's text. Never throws; with syntax errors the text comes back unchanged, with them. */
export function format(path: string, text: string, options: FormatOptions = {}): FormatResult {
  let diagnostics: Diagnostic[] = [];
  try {
    diagnostics = parse(path, text).diagnostics;
    if (hasErrors(diagnostics)) return { text, diagnostics };
    return { text: formatParsed(text, options), diagnostics };
  } catch {
    // A formatter bug (formatParsed's own check failed) must cost the user nothing but the formatting.
    return { text, diagnostics };
  }
}

/**
 * Formats text that parses without errors, and checks the result is the same program: the same
 * tokens and comments, with line breaks between the same pairs of tokens (the only whitespace
 * the parser sees). Throws when it is not — a bug; `format` turns that into "unchanged".
 */
export function formatParsed(text: string, options: FormatOptions = {}): string {
  const indent = Number.isInteger(options.indent) && options.indent! >= 0 ? options.indent! : 2;
  const newline = /\r?\n/.exec(text)?.[0] ?? "\n"; // keep a CRLF file CRLF
  const tokens = lexAll(text);
  const out = layout(tokens, { indent, newline });
  const problem = programDifference(tokens, lexAll(out));
  if (problem) throw new Error(`the formatter would change the program: ${problem}`);
  // A byte order mark is kept: formatting changes the layout of a file, never its encoding.
  return text.startsWith("\uFEFF") && !out.startsWith("\uFEFF") ? "\uFEFF" + out : out;
}

/** How two token streams differ as programs (trailing spaces of comments aside), or undefined if they do not. */
function programDifference(before: IToken[], after: IToken[]): string | undefined {
  const image = (t: IToken) => (isComment(t) ? t.image.trimEnd() : t.image);
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const a = before[i];
    const b = after[i];
    if (!a || !b) return `${before.length} tokens became ${after.length}`;
    if (a.tokenType !== b.tokenType || image(a) !== image(b)) return `token ${i} '${image(a)}' became '${image(b)}'`;
    const brokeBefore = i > 0 && a.startLine !== before[i - 1]!.startLine;
    const breaksAfter = i > 0 && b.startLine !== after[i - 1]!.startLine;
    if (brokeBefore !== breaksAfter) return `the line break before token ${i} '${image(a)}' was ${brokeBefore ? "removed" : "added"}`;
  }
  return undefined;
}
