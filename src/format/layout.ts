// The layout of a cleanly parsed file: tokens → lines → indentation and spacing → text.
//
// Line breaks are the author's. The formatter never joins or splits a line, because in .dnn a
// line break can change the program (a `(` or `[` that starts a line starts a new expression,
// docs/language.md §6.9), and because the house style keeps long signatures on one line. It only
// decides what lies between tokens on a line and in front of each line: see decision 0006.
import type { IToken } from "chevrotain";
import * as T from "../../grammar/tokens.ts";
import { endsOperand, is, isCloser, isComment, isOpener, startsItem } from "./tokens.ts";
import { align } from "./align.ts";
import type { Context, Line } from "./line.ts";

export interface LayoutOptions {
  indent: number; // spaces per level
  newline: string;
}

/** Formats the tokens (comments included) of a file that parsed without errors. */
export function layout(tokens: IToken[], opts: LayoutOptions): string {
  const lines = splitLines(tokens);
  indentAndSpace(lines, opts.indent);
  tidyBlankLines(lines);
  align(lines);
  return render(lines, opts.newline);
}

function splitLines(tokens: IToken[]): Line[] {
  const lines: Line[] = [];
  let lastLine = 0; // chevrotain's lines are 1-based; every token lies on one line
  for (const t of tokens) {
    const n = t.startLine ?? lastLine;
    let line = lines[lines.length - 1];
    if (!line || n !== lastLine) {
      line = { code: [], blankBefore: lines.length > 0 && n > lastLine + 1, indent: 0, gaps: [], commentGap: 1 };
      lines.push(line);
      lastLine = n;
    }
    if (isComment(t)) line.comment = t;
    else line.code.push(t);
  }
  return lines;
}

/**
 * One walk over the tokens with a stack of open brackets. A line is indented one level deeper
 * than the line that opened the innermost bracket still open (a closing bracket that starts a
 * line goes back to that line's indent). A line that continues an item begun on an earlier line
 * — a pipeline stage, an operand, `else` — is indented one level deeper than the item's first
 * line, unless the bracket already gave it that much (a bracket opened mid-line, as in
 * `((a * b\n  + c) * d)`, does not add a second level).
 */
function indentAndSpace(lines: Line[], unit: number): void {
  const stack: Context[] = [{ open: "file", isImport: false, openerLine: -1, itemLine: -1, pendingItem: true }];
  const innerIndent = (c: Context): number => (c.open === "file" ? 0 : lines[c.openerLine]!.indent + unit);
  let prev: IToken | undefined;
  let prevIsUnaryMinus = false;
  let waiting: Line[] = []; // comment-only lines: indented like the code line after them

  lines.forEach((line, li) => {
    const first = line.code[0];
    if (!first) return void waiting.push(line);
    const top = stack[stack.length - 1]!;
    let commentIndent: number;
    if (isCloser(first)) {
      line.indent = top.open === "file" ? 0 : lines[top.openerLine]!.indent;
      commentIndent = innerIndent(top); // a comment above `}` belongs inside the block
    } else {
      const inBlock = top.open === "file" || (top.open === "{" && !top.isImport);
      // Without separators, a new statement begins where an operand ended and something that
      // can begin one follows: the rule the parser applies (`-` after an operand continues).
      const startsNewItem = top.pendingItem || (inBlock && endsOperand(prev) && startsItem(first));
      if (startsNewItem) {
        line.indent = innerIndent(top);
        top.itemLine = li;
        top.pendingItem = false;
        if (inBlock) line.itemOf = top;
      } else line.indent = Math.max(innerIndent(top), lines[top.itemLine]!.indent + unit);
      commentIndent = line.indent;
    }
    for (const w of waiting) w.indent = commentIndent;
    waiting = [];

    line.code.forEach((t, i) => {
      const ctx = stack[stack.length - 1]!;
      line.gaps[i] = i === 0 || !prev ? 0 : gap(prev, t, ctx, prevIsUnaryMinus);
      if (ctx.pendingItem && !isCloser(t)) {
        ctx.itemLine = li;
        ctx.pendingItem = false;
      }
      prevIsUnaryMinus = is(t, T.Minus) && !endsOperand(prev);
      if (isOpener(t)) stack.push({ open: t.image as "(" | "[" | "{", isImport: is(t, T.LBrace) && is(prev, T.Dot), openerLine: li, itemLine: li, pendingItem: true });
      else if (isCloser(t) && stack.length > 1) stack.pop();
      else if (is(t, T.Comma)) ctx.pendingItem = true;
      prev = t;
    });
  });
  for (const w of waiting) w.indent = 0; // comments after the last declaration
}

/**
 * Spaces between two tokens on one line: none inside brackets, before `,` `:` `.` and after
 * `.`, unary `-` and slice colons (`x[:, a:b]`); none before the `(` / `[` of a call or index;
 * one everywhere else (around binary operators, `|>`, `=`, `->`, after `,` and `:`, before `{`).
 */
function gap(p: IToken, t: IToken, ctx: Context, pIsUnaryMinus: boolean): number {
  if (is(t, T.Comma) || is(t, T.RParen) || is(t, T.RBracket)) return 0;
  if (is(p, T.Comma)) return 1;
  if (is(t, T.RBrace)) return ctx.isImport || is(p, T.LBrace) ? 0 : 1;
  if (is(p, T.LParen) || is(p, T.LBracket)) return 0;
  if (is(p, T.LBrace)) return ctx.isImport ? 0 : 1;
  if (is(t, T.Dot)) return is(p, T.IntLiteral) ? 1 : 0; // `5 .x` must not run together into the float `5.`
  if (is(p, T.Dot)) return 0;
  if (is(t, T.Colon)) return 0;
  if (is(p, T.Colon)) return ctx.open === "[" ? 0 : 1; // inside `[ ]` a colon is a slice's
  if (pIsUnaryMinus) return 0;
  if ((is(t, T.LParen) || is(t, T.LBracket)) && endsOperand(p)) return 0;
  return 1;
}

/** No blank line at the start or end of the file, after a line that opens a bracket or before one that closes it. */
function tidyBlankLines(lines: Line[]): void {
  lines.forEach((line, i) => {
    const before = lines[i - 1];
    const last = before?.code[before.code.length - 1];
    if (!before || (last && isOpener(last)) || (line.code[0] && isCloser(line.code[0]))) line.blankBefore = false;
  });
}

function render(lines: Line[], newline: string): string {
  const out: string[] = [];
  for (const line of lines) {
    if (line.blankBefore) out.push("");
    let text = " ".repeat(line.indent);
    line.code.forEach((t, i) => (text += " ".repeat(line.gaps[i]!) + t.image));
    if (line.comment) text += (line.code.length > 0 ? " ".repeat(line.commentGap) : "") + line.comment.image.trimEnd();
    out.push(text);
  }
  return out.length > 0 ? out.join(newline) + newline : "";
}
