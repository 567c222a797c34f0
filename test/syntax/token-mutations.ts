// Token-level edits of real sources for fast-parse.test.ts: a text is split into its tokens and
// the text between them (whitespace, comments, characters the lexer skips), edited token by
// token, and joined again, so each edit does what it says: the tokens around it stay tokens.
import fc from "fast-check";
import { lex } from "../../src/syntax/parse.ts";
import { wellFormedToken } from "./token-arbitraries.ts";

interface Piece {
  /** The text before the token, since the previous one. */
  gap: string;
  image: string;
  /** Edited: its junction with the previous token is checked when joining. */
  touched?: boolean;
}

export interface Tokenized {
  pieces: Piece[];
  tail: string;
}

export function tokenize(text: string): Tokenized {
  const pieces: Piece[] = [];
  let at = 0;
  for (const t of lex(text).tokens) {
    pieces.push({ gap: text.slice(at, t.startOffset), image: t.image });
    at = t.startOffset + t.image.length;
  }
  return { pieces, tail: text.slice(at) };
}

/** Whether `a` directly followed by `b` still lexes as those two tokens (`a` `b` would not: `ab`; nor `-` `>`: `->`). */
function staysApart(a: string, b: string): boolean {
  const ts = lex(a + b).tokens;
  return ts.length === 2 && ts[0]!.image === a && ts[1]!.image === b;
}

export function untokenize({ pieces, tail }: Tokenized): string {
  let out = "";
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    let gap = p.gap;
    if (gap === "" && i > 0 && (p.touched || pieces[i - 1]!.touched) && !staysApart(pieces[i - 1]!.image, p.image)) gap = " ";
    out += gap + p.image;
  }
  return out + tail;
}

// Indices are drawn as naturals and folded into the current token count, so they shrink well.
export type TokenEdit =
  | { op: "delete"; i: number }
  | { op: "duplicate"; i: number }
  | { op: "swap"; i: number }
  | { op: "insert"; i: number; image: string; gap: string }
  | { op: "replace"; i: number; image: string }
  | { op: "line-break"; i: number }
  | { op: "same-line"; i: number };

const i = fc.nat();
/** Edits that change where lines break between tokens only: a call or index continues only on its own line. */
export const lineEdit: fc.Arbitrary<TokenEdit> = fc.oneof(
  fc.record({ op: fc.constant("line-break" as const), i }),
  fc.record({ op: fc.constant("same-line" as const), i }),
);
export const tokenEdit: fc.Arbitrary<TokenEdit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("delete" as const), i }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("duplicate" as const), i }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("swap" as const), i }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("insert" as const), i, image: wellFormedToken, gap: fc.constantFrom(" ", "\n", "") }) },
  // A name replaced by a soft keyword (`x` → `target`) or a number by a name often stays valid.
  { weight: 3, arbitrary: fc.record({ op: fc.constant("replace" as const), i, image: wellFormedToken }) },
  { weight: 2, arbitrary: lineEdit },
);

/** `t` with `e` applied (a new value; `t` is left as it was). */
export function applyTokenEdit(t: Tokenized, e: TokenEdit): Tokenized {
  const pieces = t.pieces.map((p) => ({ ...p }));
  const n = pieces.length;
  if (e.op === "insert") {
    const at = e.i % (n + 1);
    pieces.splice(at, 0, { gap: e.gap, image: e.image, touched: true });
    if (pieces[at + 1]) pieces[at + 1]!.touched = true;
    return { pieces, tail: t.tail };
  }
  if (n === 0) return { pieces, tail: t.tail };
  const k = e.i % n;
  switch (e.op) {
    case "delete": {
      const [gone] = pieces.splice(k, 1);
      // The text before the token (comments, line breaks) stays: only the token goes.
      if (pieces[k]) pieces[k] = { ...pieces[k]!, gap: gone!.gap + pieces[k]!.gap, touched: true };
      else return { pieces, tail: gone!.gap + t.tail };
      break;
    }
    case "replace":
      pieces[k] = { ...pieces[k]!, image: e.image, touched: true };
      if (pieces[k + 1]) pieces[k + 1]!.touched = true;
      break;
    case "duplicate":
      pieces.splice(k + 1, 0, { gap: " ", image: pieces[k]!.image, touched: true });
      if (pieces[k + 2]) pieces[k + 2]!.touched = true;
      break;
    case "swap": {
      if (k + 1 >= n) break;
      const a = pieces[k]!, b = pieces[k + 1]!;
      [a.image, b.image] = [b.image, a.image];
      a.touched = b.touched = true;
      if (pieces[k + 2]) pieces[k + 2]!.touched = true;
      break;
    }
    case "line-break":
    case "same-line": {
      // The gap before token k (k = 0: the text's start) becomes one line break or one space.
      pieces[k] = { ...pieces[k]!, gap: e.op === "line-break" ? "\n" : " " };
      break;
    }
  }
  return { pieces, tail: t.tail };
}

export const applyTokenEdits = (text: string, edits: TokenEdit[]): string => untokenize(edits.reduce(applyTokenEdit, tokenize(text)));
