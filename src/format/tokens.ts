// The formatter's view of tokens: the language's own lexer (comments included, on their own
// channel) and the few token classes that decide spacing and indentation.
import { Lexer, tokenMatcher, type IToken, type TokenType } from "chevrotain";
import * as T from "../../grammar/tokens.ts";

let lexer: Lexer | undefined;

/** Every token of `text`, comments included, in source order. Only called on text that lexed cleanly. */
export function lexAll(text: string): IToken[] {
  lexer ??= new Lexer(T.allTokens, { positionTracking: "full", ensureOptimizations: false });
  const lexed = lexer.tokenize(text);
  const all = [...lexed.tokens, ...(lexed.groups["comments"] ?? [])];
  return all.sort((a, b) => a.startOffset - b.startOffset);
}

export const is = (t: IToken | undefined, type: TokenType): boolean => t !== undefined && t.tokenType === type;
export const isComment = (t: IToken): boolean => t.tokenType === T.LineComment;
export const isOpener = (t: IToken): boolean => t.tokenType === T.LParen || t.tokenType === T.LBracket || t.tokenType === T.LBrace;
export const isCloser = (t: IToken): boolean => t.tokenType === T.RParen || t.tokenType === T.RBracket || t.tokenType === T.RBrace;
/** Names, soft keywords included (their tokens are in the Identifier category). */
export const isName = (t: IToken): boolean => tokenMatcher(t, T.Identifier);

const LITERALS = new Set([T.IntLiteral, T.FloatLiteral, T.StringLiteral, T.True, T.False]);

/** A token that can end an operand: after it, `-` is binary and `(` / `[` are a call or an index. */
export function endsOperand(t: IToken | undefined): boolean {
  if (!t) return false;
  return isName(t) || LITERALS.has(t.tokenType) || t.tokenType === T.RParen || t.tokenType === T.RBracket || t.tokenType === T.RBrace;
}

const STATEMENT_KEYWORDS = new Set([T.Import, T.Model, T.Layer, T.Fn, T.Init, T.Optimizer, T.Train, T.Let, T.If]);

/**
 * A token that can begin a declaration, a block item or an expression. After a complete operand
 * the parser starts a new item at such a token (a `(` or `[` on a new line included, see
 * docs/language.md §6.9); anything else — an operator, `-`, `else`, `.` — continues the item.
 */
export function startsItem(t: IToken): boolean {
  return isName(t) || LITERALS.has(t.tokenType) || STATEMENT_KEYWORDS.has(t.tokenType) || t.tokenType === T.LParen || t.tokenType === T.LBracket;
}
