// Re-parsing after an edit: only the top-level declarations the edit touches. Declarations
// start with a keyword and never depend on their neighbours, so the text between the last
// untouched declaration before the edit and the first one after it parses on its own. It is
// parsed from the start of its first line (the part of that line before it blanked), and its
// spans moved down to where that line is. Anything unusual (a syntax error before or after,
// an edit that merges or splits declarations badly) falls back to parsing the whole file, so
// the result always equals parse(text); test/ide/reparse.test.ts checks that on random edits.
import type { IToken } from "chevrotain";
import { parse, type ParseResult } from "../syntax/parse.ts";
import { SourceFile } from "../syntax/source.ts";
import { diffTexts, shiftSpans } from "./text-change.ts";

export function reparse(prev: ParseResult, text: string, change = diffTexts(prev.source.text, text)): ParseResult {
  const path = prev.source.path;
  if (!change) return prev;
  if (prev.diagnostics.length > 0) return parse(path, text);
  const decls = prev.ast.decls;
  // Declarations touching the edit, with one character of slack either side: typing right
  // after a `}` or right before a keyword may join what it touches.
  const first = decls.findIndex((d) => d.span.end >= change.start - 1);
  let after = first < 0 ? decls.length : first;
  while (after < decls.length && decls[after]!.span.start <= change.oldEnd + 1) after++;
  // And the next one: comments above it, which the edit may have changed, are its `doc`.
  if (after < decls.length) after++;
  const before = first < 0 ? decls.length : first;
  const from = before === 0 ? 0 : decls[before - 1]!.span.end;
  const delta = change.newEnd - change.oldEnd;
  const oldTo = after < decls.length ? decls[after]!.span.start : prev.source.text.length;
  const to = oldTo + delta;

  const source = new SourceFile(path, text);
  const lineStart = source.lineStarts[source.position(from).line]!;
  const part = parse(path, " ".repeat(from - lineStart) + text.slice(from, to));
  if (part.diagnostics.length > 0) return parse(path, text);
  const firstLine = source.position(from).line;
  const kept = decls.slice(after).map((d) => shiftSpans(d, path, delta));
  const lineDelta = source.lineStarts.length - prev.source.lineStarts.length;
  const oldEndLine = prev.source.position(oldTo).line;
  const colDelta = source.position(to).character - prev.source.position(oldTo).character;
  return {
    ast: { path, decls: [...decls.slice(0, before), ...shiftSpans(part.ast.decls, path, lineStart), ...kept] },
    source,
    diagnostics: [],
    comments: [
      ...prev.comments.filter((c) => c.startOffset < from),
      ...part.comments.map((c) => shiftToken(c, lineStart, firstLine, -1, 0)),
      ...prev.comments.filter((c) => c.startOffset >= oldTo).map((c) => shiftToken(c, delta, lineDelta, oldEndLine, colDelta)),
    ],
  };
}

function shiftToken(t: IToken, delta: number, lineDelta: number, oldEndLine: number, colDelta: number): IToken {
  const sameLine = (t.startLine ?? 0) - 1 === oldEndLine;
  return {
    ...t,
    startOffset: t.startOffset + delta,
    endOffset: t.endOffset === undefined ? undefined : t.endOffset + delta,
    startLine: t.startLine === undefined ? undefined : t.startLine + lineDelta,
    endLine: t.endLine === undefined ? undefined : t.endLine + lineDelta,
    startColumn: t.startColumn === undefined || !sameLine ? t.startColumn : t.startColumn + colDelta,
    endColumn: t.endColumn === undefined || !sameLine ? t.endColumn : t.endColumn + colDelta,
  };
}
