// The language's tokens as fast-check arbitraries, taken from grammar/tokens.ts so new keywords
// and operators join the fuzzing: shared by fuzz.test.ts (parse never throws) and
// fast-parse.test.ts (the fast path equals the reference parser).
import fc from "fast-check";
import type { TokenType } from "chevrotain";
import { allTokens, keywords } from "../../grammar/tokens.ts";

/** DNNC_FUZZ_SCALE=20 multiplies every random count (for a long soak). */
export const SCALE = Math.max(1, Number(process.env["DNNC_FUZZ_SCALE"] ?? 1) || 1);

const patternOf = (t: TokenType): RegExp | undefined => (t.PATTERN instanceof RegExp ? t.PATTERN : undefined);

/** Tokens with a single spelling (keywords, punctuation): the pattern's source, unescaped, is that spelling. */
const FIXED_TOKENS: string[] = allTokens.flatMap((t) => {
  const re = patternOf(t);
  if (!re || t.GROUP !== undefined) return []; // whitespace and comments are generated separately
  const spelling = re.source.replace(/\\(.)/g, "$1");
  const whole = new RegExp(`^(?:${re.source})$`);
  return whole.test(spelling) ? [spelling] : []; // `[A-Za-z_]…`, `\d+` and the like do not match their own source
});
export const KEYWORDS = keywords.map((k) => patternOf(k)!.source);
export const PUNCTUATION = FIXED_TOKENS.filter((s) => !KEYWORDS.includes(s));
// Names the checker knows, so soups sometimes look like real code.
const NAMES = ["x", "y", "B", "n", "f32", "i32", "int", "float", "std", "layers", "Dense", "relu", "sigmoid", "zeros", "mean", "sum", "lr", "_", "modelx"];

export const identifier = fc.oneof(fc.constantFrom(...NAMES), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/));
export const number = fc.oneof(
  fc.nat().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: 0 }).map(String), // 1e+300, 5e-324, 0.5 …
  fc.constantFrom("0", "1.", ".5", "1e3", "2.5E-7", "1e999999", "00012", "9".repeat(400), "1e", "1.2.3", "..."),
);
export const stringLit = fc.string({ maxLength: 8 }).map((s) => `"${s.replace(/["\\\n\r]/g, "")}"`);
const oddity = fc.constantFrom('"unterminated', "#", "$", "\\", "'", "`", "\0", "\u00a0", "\u{1f600}", "//", "// a comment", "/*", "|", ">", "<-", "\ufeff");

/** A well-formed token of the language: a keyword (soft ones included), punctuation, a name, a number or a string. */
export const wellFormedToken = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KEYWORDS) },
  { weight: 6, arbitrary: fc.constantFrom(...PUNCTUATION) },
  { weight: 4, arbitrary: identifier },
  { weight: 2, arbitrary: number },
  { weight: 1, arbitrary: stringLit },
);
/** Any token, now and then something the lexer rejects. */
export const token = fc.oneof(
  { weight: 17, arbitrary: wellFormedToken },
  { weight: 1, arbitrary: oddity },
);
const separator = fc.constantFrom("", " ", " ", " ", "\n", "\n  ", "\t", "\r\n", "  ");
export const tokenSoup = fc
  .array(fc.tuple(token, separator), { maxLength: 200 })
  .map((parts) => parts.map(([t, s]) => t + s).join(""));
