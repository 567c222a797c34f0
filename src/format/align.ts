// Alignment: the only places where the formatter leaves more than one space between tokens.
// The samples align some runs of declarations and not others (stdlib's `param`s are not), so
// alignment is the author's choice, kept and repaired rather than imposed:
//
//   input  x: f32[B, 64]        a run of `input`/`output`/`param`/`state`/`target` lines
//   output logits: f32[B, 10]   is aligned after the keyword when any of them was,
//
//   param W_h: f32[2, 2] = …    at the type after the name's `:` when any of them was,
//   param b:   f32[2]    = …
//
//   loss      = half_sse(a, y)  and a run of statements with a `=` at the `=` when any of
//   optimizer = sgd(lr: 0.5)    them had extra spaces before it.
//
// A run is consecutive items of one `{ … }` block; a blank line or another kind of item ends
// it (continuation and comment lines do not). Aligning a run makes at least one line's padding
// a single space, and a run with nothing to pad has single spaces only, so formatting twice
// changes nothing. Trailing comments keep their column (relative to the line's indent) unless
// the code reaches it; a run of them that started out in one column stays in one column.
import type { IToken, TokenType } from "chevrotain";
import * as T from "../../grammar/tokens.ts";
import { is, isCloser, isOpener } from "./tokens.ts";
import { codeWidth, type Context, type Line } from "./line.ts";

export function align(lines: Line[]): void {
  alignRuns(lines, keywordCell);
  alignRuns(lines, typeCell);
  alignRuns(lines, equalsCell);
  alignComments(lines);
}

/** The index of the token that a run aligns on this line, or undefined when the line has none. */
type CellOf = (line: Line) => number | undefined;

const DECLARATION_KEYWORDS = new Set([T.Input, T.Output, T.Param, T.State, T.Target]);
const isDeclaration = (line: Line): boolean => DECLARATION_KEYWORDS.has(line.code[0]!.tokenType);

/** The name after `input`, `output`, `param`, `state` or `target` (not `let`: the docs and samples never pad it). */
const keywordCell: CellOf = (line) => (isDeclaration(line) && line.code.length > 1 ? 1 : undefined);

/** The type after the `:` of such a declaration. */
const typeCell: CellOf = (line) => {
  const colon = isDeclaration(line) ? outermost(line, T.Colon) : undefined;
  return colon !== undefined && colon + 1 < line.code.length ? colon + 1 : undefined;
};

/** The `=` of `let`, `param`, `state`, `loss`, `optimizer`, `clip_norm`, `trainable` and assignments; not of `forward(…) =`. */
const equalsCell: CellOf = (line) => (is(line.code[0], T.Forward) ? undefined : outermost(line, T.Equals));

/** The index of the first token of this type outside any bracket on the line, after the first token. */
function outermost(line: Line, type: TokenType): number | undefined {
  let depth = 0;
  for (let i = 1; i < line.code.length; i++) {
    const t = line.code[i]!;
    if (isOpener(t)) depth++;
    else if (isCloser(t)) depth--;
    else if (depth === 0 && is(t, type)) return i;
  }
  return undefined;
}

function alignRuns(lines: Line[], cellOf: CellOf): void {
  let run: { line: Line; cell: number }[] = [];
  let block: Context | undefined;
  const flush = (): void => {
    if (run.some(({ line, cell }) => originalGap(line.code[cell - 1]!, line.code[cell]!) > 1)) {
      const column = Math.max(...run.map(({ line, cell }) => codeWidth(line, cell) + 1));
      for (const { line, cell } of run) line.gaps[cell] = column - codeWidth(line, cell);
    }
    run = [];
  };
  for (const line of lines) {
    if (line.blankBefore) flush();
    if (!line.itemOf) continue; // a continuation, a closing bracket or a comment
    const cell = line.itemOf.open === "{" ? cellOf(line) : undefined; // declarations are never aligned
    if (cell === undefined || line.itemOf !== block) flush();
    if (cell !== undefined) {
      run.push({ line, cell });
      block = line.itemOf;
    }
  }
  flush();
}

/** Spaces between two tokens of one line as the author wrote them. */
const originalGap = (a: IToken, b: IToken): number => b.startOffset - (a.endOffset ?? a.startOffset) - 1;

function alignComments(lines: Line[]): void {
  let run: Line[] = [];
  const flush = (): void => {
    const wanted = run.map((line) => {
      const authorsOffset = line.comment!.startColumn! - line.code[0]!.startColumn!; // from the line's first token
      return Math.max(codeWidth(line) + 1, line.indent + authorsOffset);
    });
    const oneColumn = run.length > 1 && run.every((line) => line.comment!.startColumn === run[0]!.comment!.startColumn);
    const column = Math.max(...wanted);
    run.forEach((line, i) => (line.commentGap = (oneColumn ? column : wanted[i]!) - codeWidth(line)));
    run = [];
  };
  for (const line of lines) {
    const trailing = line.comment !== undefined && line.code.length > 0;
    if (!trailing || line.blankBefore) flush();
    if (trailing) run.push(line);
  }
  flush();
}
