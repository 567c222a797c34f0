// A line of formatted output as the layout builds it, and the bracket contexts it is built in.
import type { IToken } from "chevrotain";

export interface Line {
  code: IToken[]; // the line's tokens, its trailing comment left out
  comment?: IToken; // a trailing comment, or the whole line
  blankBefore: boolean; // one blank line goes before this one (runs of blank lines become one)
  indent: number;
  gaps: number[]; // gaps[i]: spaces between code[i - 1] and code[i]; gaps[0] is 0
  commentGap: number; // spaces between the code and a trailing comment
  /** The file or `{ … }` block in which this line's first token starts an item (declaration, statement). */
  itemOf?: Context;
}

/** The file, or a bracket that is open at some point of the walk. */
export interface Context {
  open: "file" | "(" | "[" | "{";
  isImport: boolean; // the braces of `import a.b.{x, y}`, which are tight like brackets
  openerLine: number; // the line holding the opening bracket (-1 for the file)
  itemLine: number; // the line on which the current item (argument, element, statement) began
  pendingItem: boolean; // the next token begins an item: it follows the opener or a comma
}

/** Where the code of a line ends when rendered; with `upTo`, where code[upTo] would start with no gap. */
export function codeWidth(line: Line, upTo = line.code.length): number {
  let width = line.indent;
  for (let i = 0; i < upTo; i++) width += line.gaps[i]! + line.code[i]!.image.length;
  return width;
}
