// What surrounds the cursor, read from the tokens before it rather than the tree: while a
// person types, the text is mostly not a valid program yet. Used by completion and
// signature help.
import type { IToken } from "chevrotain";
import { lex } from "../syntax/parse.ts";

export interface CallContext {
  /** The called name, `Dense` in `Dense(64, act|`; a pipe stage's call counts too. */
  callee: string;
  calleeOffset: number;
  /** Arguments before the cursor's: their names when given by name. */
  before: { name?: string }[];
  /** The name of the argument being typed, if it is written `name: …` already. */
  named?: string;
  /** True when the call is a stage of `x |> f(…)`: x is its first argument. */
  piped: boolean;
}

export interface CursorContext {
  call?: CallContext;
  /** The token just before the cursor (ignoring the word being typed). */
  previous?: IToken;
  /** The one before that: with previous `:`, the argument name; with `=`, `loss` or `optimizer`. */
  previous2?: IToken;
  /** The word the cursor is in or right after (what completion replaces). */
  word: { start: number; text: string };
  /** Brace depth at the cursor: 0 is the top level of the file. */
  depth: number;
}

const OPEN = new Set(["LParen", "LBracket", "LBrace"]);
const CLOSE = new Set(["RParen", "RBracket", "RBrace"]);

export function cursorContext(text: string, offset: number): CursorContext {
  const { tokens } = lex(text.slice(0, offset));
  let wordStart = offset;
  while (wordStart > 0 && /[A-Za-z0-9_]/.test(text[wordStart - 1]!)) wordStart--;
  const word = { start: wordStart, text: text.slice(wordStart, offset) };
  // The tokens strictly before the word being typed.
  const before = tokens.filter((t) => t.startOffset + t.image.length <= wordStart);
  let depth = 0;
  for (const t of before) if (t.tokenType.name === "LBrace") depth++;
  else if (t.tokenType.name === "RBrace") depth = Math.max(0, depth - 1);
  return { call: enclosingCall(before), previous: before[before.length - 1], previous2: before[before.length - 2], word, depth };
}

function enclosingCall(tokens: IToken[]): CallContext | undefined {
  let level = 0;
  const args: { name?: string }[] = [{}];
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!;
    const kind = t.tokenType.name;
    if (CLOSE.has(kind)) level++;
    else if (OPEN.has(kind)) {
      if (level > 0) {
        level--;
        continue;
      }
      if (kind !== "LParen") return undefined; // inside [ ] or { } first: not an argument
      const callee = tokens[i - 1];
      if (!callee || !isName(callee)) return undefined;
      const current = args.pop()!;
      return { callee: callee.image, calleeOffset: callee.startOffset, before: args, named: current.name, piped: tokens[i - 2]?.tokenType.name === "Pipe" };
    } else if (level === 0 && kind === "Comma") args.unshift({});
    else if (level === 0 && kind === "Colon" && tokens[i - 1] && isName(tokens[i - 1]!)) args[0]!.name = tokens[i - 1]!.image;
  }
  return undefined;
}

export const HARD_KEYWORDS = new Set(["import", "model", "layer", "fn", "init", "optimizer", "train", "let", "if", "else", "true", "false"]);
const isName = (t: IToken): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(t.image) && !HARD_KEYWORDS.has(t.image);
