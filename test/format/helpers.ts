// What every formatting test checks besides its expected text: the formatter's promises, verified
// with a lexer of the tests' own (not the formatter's token walk).
import { Lexer } from "chevrotain";
import { expect } from "vitest";
import { allTokens } from "../../grammar/tokens.ts";
import { format, formatParsed } from "../../src/format/format.ts";

const lexer = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false });

/**
 * The program as the parser sees it: every token and comment, and whether a line break comes
 * before it (the only whitespace with a meaning). Comments are compared without trailing spaces.
 */
export function programOf(text: string): string[] {
  const lexed = lexer.tokenize(text);
  const all = [...lexed.tokens, ...(lexed.groups["comments"] ?? [])].sort((a, b) => a.startOffset - b.startOffset);
  return all.map((t, i) => `${i > 0 && t.startLine !== all[i - 1]!.startLine ? "⏎ " : ""}${t.tokenType.name} ${t.image.trimEnd()}`);
}

/** Formats text that must parse cleanly, checking the result is the same program and a fixed point. */
export function formatted(text: string, options?: { indent?: number }): string {
  const once = format("test.dnn", text, options);
  expect(once.diagnostics).toEqual([]);
  expect(formatParsed(text, options)).toBe(once.text); // throws if the formatter's own safety check failed (format hides that)
  expect(programOf(once.text)).toEqual(programOf(text));
  expect(format("test.dnn", once.text, options).text).toBe(once.text);
  return once.text;
}

/** Lines joined with "\n" and a final newline: expected texts read as the file would. */
export const lines = (...ls: string[]): string => ls.join("\n") + "\n";
