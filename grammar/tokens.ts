// The lexical grammar of .dnn as data: every token the parser is built from, in match order.
// Keywords are declared before Identifier and use `longer_alt` so `modelx` stays an identifier.
import { createToken, Lexer, type TokenType } from "chevrotain";

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, line_breaks: true });
// A UTF-8 byte order mark, which some Windows editors write, is skipped at the very start of a
// file and only there: anywhere else U+FEFF is an invisible character, reported like any other.
export const ByteOrderMark = createToken({
  name: "ByteOrderMark",
  pattern: { exec: (text: string, offset: number) => (offset === 0 && text.charCodeAt(0) === 0xfeff ? (["\uFEFF"] as [string]) : null) },
  start_chars_hint: ["\uFEFF"],
  line_breaks: false,
  group: Lexer.SKIPPED,
});
// Comments are kept on their own channel so tools (formatter, LSP) can see every byte.
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n\r]*/, group: "comments" });

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

const keyword = (word: string): TokenType =>
  createToken({ name: word[0]!.toUpperCase() + word.slice(1), pattern: new RegExp(word), longer_alt: Identifier });

// Soft keywords start an item inside a block but are ordinary names everywhere else
// (`target` is a fine parameter name): their token is also in the Identifier category.
const softKeyword = (word: string): TokenType =>
  createToken({ name: word[0]!.toUpperCase() + word.slice(1), pattern: new RegExp(word), longer_alt: Identifier, categories: [Identifier] });

export const Import = keyword("import");
export const Model = keyword("model");
export const Layer = keyword("layer");
export const Fn = keyword("fn");
export const Init = keyword("init");
export const Optimizer = keyword("optimizer");
export const Train = keyword("train");
export const Input = softKeyword("input");
export const Output = softKeyword("output");
export const Param = softKeyword("param");
export const Let = keyword("let");
export const State = softKeyword("state");
export const Forward = softKeyword("forward");
export const Update = softKeyword("update");
export const Target = softKeyword("target");
export const Loss = softKeyword("loss");
export const ClipNorm = softKeyword("clip_norm");
export const Trainable = softKeyword("trainable");
export const If = keyword("if");
export const Else = keyword("else");
export const True = keyword("true");
export const False = keyword("false");

// Numbers: a float has a '.' or an exponent; everything else is an integer.
export const FloatLiteral = createToken({ name: "FloatLiteral", pattern: /(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+/ });
export const IntLiteral = createToken({ name: "IntLiteral", pattern: /\d+/ });
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"(?:[^"\\\n\r]|\\.)*"/ });

export const Pipe = createToken({ name: "Pipe", pattern: /\|>/ });
export const Arrow = createToken({ name: "Arrow", pattern: /->/ });
export const Ellipsis = createToken({ name: "Ellipsis", pattern: /\.\.\./ });
export const Dot = createToken({ name: "Dot", pattern: /\./ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });
export const Colon = createToken({ name: "Colon", pattern: /:/ });
export const Equals = createToken({ name: "Equals", pattern: /=/ });
export const Plus = createToken({ name: "Plus", pattern: /\+/ });
export const Minus = createToken({ name: "Minus", pattern: /-/ });
export const Star = createToken({ name: "Star", pattern: /\*/ });
export const Slash = createToken({ name: "Slash", pattern: /\// });
export const At = createToken({ name: "At", pattern: /@/ });
export const Caret = createToken({ name: "Caret", pattern: /\^/ });
export const LParen = createToken({ name: "LParen", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/ });
export const RBracket = createToken({ name: "RBracket", pattern: /]/ });
export const LBrace = createToken({ name: "LBrace", pattern: /{/ });
export const RBrace = createToken({ name: "RBrace", pattern: /}/ });

export const keywords: TokenType[] = [
  // `trainable` before `train`, which would otherwise match its first five letters.
  Import, Model, Layer, Fn, Init, Optimizer, Trainable, Train, Input, Output, Param, Let, State, Forward, Update, Target, Loss, ClipNorm, If, Else, True, False,
];

/** Keywords that are never names (soft keywords already match wherever a name may stand). */
export const hardKeywords: TokenType[] = [Import, Model, Layer, Fn, Init, Optimizer, Train, Let, If, Else, True, False];

export const allTokens: TokenType[] = [
  ByteOrderMark, WhiteSpace, LineComment,
  ...keywords,
  Identifier, FloatLiteral, IntLiteral, StringLiteral,
  Pipe, Arrow, Ellipsis, Dot, Comma, Colon, Equals, Plus, Minus, Star, Slash, At, Caret,
  LParen, RParen, LBracket, RBracket, LBrace, RBrace,
];
