// Property tests of the formatter's promises on inputs nobody wrote by hand:
//   - it never throws;
//   - text with errors comes back unchanged;
//   - clean text formats to the same program (tokens, comments, line breaks) and to a fixed point;
//   - the formatter's own safety check (formatParsed throws when the program would change) never fires;
//   - re-indenting a file and padding its blank lines changes nothing about its formatted form.
// A failure prints fast-check's seed and shrunk counterexample; replay with fc.assert's { seed, path }.
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { format, formatParsed } from "../../src/format/format.ts";
import { programOf } from "./helpers.ts";

const ROOT = new URL("../../", import.meta.url);
const SOURCES = ["samples", "stdlib"].flatMap((dir) =>
  readdirSync(new URL(`${dir}/`, ROOT))
    .filter((f) => f.endsWith(".dnn"))
    .sort()
    .map((f) => ({ name: `${dir}/${f}`, text: readFileSync(new URL(`${dir}/${f}`, ROOT), "utf8") })),
);

/** Why formatting `text` broke a promise, or undefined. Counts clean inputs so a test can insist it saw some. */
let cleanInputs = 0;
function violation(text: string): string | undefined {
  let r: ReturnType<typeof format>;
  try {
    r = format("prop.dnn", text);
  } catch (e) {
    return `format threw: ${String(e)}`;
  }
  if (r.diagnostics.length > 0) return r.text === text ? undefined : "text with errors was changed";
  cleanInputs++;
  try {
    if (formatParsed(text) !== r.text) return "format swallowed a failure of formatParsed's own check";
  } catch (e) {
    return `formatParsed's check failed: ${String(e)}`;
  }
  if (JSON.stringify(programOf(r.text)) !== JSON.stringify(programOf(text))) return "the program changed";
  if (format("prop.dnn", r.text).text !== r.text) return "formatting the result again changed it";
  return undefined;
}

function holds(text: string): boolean {
  const problem = violation(text);
  if (problem) throw new Error(`${problem}\ninput (JSON): ${JSON.stringify(text.slice(0, 400))}`);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Token soups: rarely parse, but exercise every token next to every other.

const WORDS = ["model", "layer", "fn", "let", "if", "else", "input", "output", "param", "state", "forward", "train", "loss", "optimizer", "import", "true", "x", "y", "B", "f32", "relu", "Dense"];
const PUNCTUATION = ["|>", "->", "...", ".", ",", ":", "=", "+", "-", "*", "/", "@", "^", "(", ")", "[", "]", "{", "}"];
const token = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.constantFrom(...PUNCTUATION),
  fc.constantFrom("0", "1.5", ".5", "5.", "1e-3", '"s"', "// c", "/// doc"),
);
const space = fc.constantFrom(" ", "", "  ", "\n", "\n\n\n", "\t", "\r\n", "   // note\n");
const soup = fc.array(fc.tuple(token, space), { maxLength: 60 }).map((parts) => parts.map(([t, s]) => (t.startsWith("//") ? `${t}\n` : t + s)).join(""));

// Programs that do parse, built from pieces of real ones with random spacing.
const statement = fc.constantFrom(
  "let a = x |> Dense(4, activation: relu)",
  "let b = x[:, 1:2] - -1.0 * x[-1, ...]",
  "y = if training { x } else { -x }",
  "let c = concat([x, x], axis: -1)",
  "y = x\n|> relu",
  "// a comment",
  "let d = (x\n+ x)",
);
const spaced = (s: string) =>
  fc.array(fc.constantFrom("", " ", "  ", "\t"), { minLength: s.length + 1, maxLength: s.length + 1 }).map((pads) =>
    s.split(/(?<=[\s(),[\]:=+*-])|(?=[\s(),[\]:=+*-])/).map((piece, i) => (/^\s+$/.test(piece) ? (piece.includes("\n") ? "\n" : " ") : piece) + (pads[i] ?? "")).join(""),
  );
const modelFile = fc
  .array(statement, { minLength: 1, maxLength: 6 })
  .chain((stmts) => spaced(`model M {\ninput x: f32[B, 4]\noutput y: f32[B, 4]\n${stmts.join("\n")}\n}\n`));

// ---------------------------------------------------------------------------------------------
// Real sources: re-indented (same formatted form), and mutated (anything may happen but a broken promise).

const lineEdit = fc.record({ indent: fc.constantFrom("", " ", "   ", "\t", "        "), trailing: fc.constantFrom("", " ", "\t "), blanks: fc.nat({ max: 2 }) });
function reindent(text: string, edits: { indent: string; trailing: string; blanks: number }[]): string {
  const lines = text.split("\n");
  return lines
    .map((l, i) => {
      const e = edits[i % edits.length]!;
      const body = l.trim() === "" ? "\n".repeat(e.blanks) : e.indent + l.trimStart() + e.trailing; // only blank runs grow
      return body;
    })
    .join("\n");
}

type Cut = { at: number; len: number; to: number; op: "delete" | "move" | "newline" | "join" };
const cut = fc.record({ at: fc.nat(), len: fc.nat({ max: 40 }), to: fc.nat(), op: fc.constantFrom("delete" as const, "move" as const, "newline" as const, "join" as const) });
function mutate(text: string, cuts: Cut[]): string {
  return cuts.reduce((t, c) => {
    const at = c.at % (t.length + 1);
    const end = Math.min(t.length, at + c.len);
    switch (c.op) {
      case "delete":
        return t.slice(0, at) + t.slice(end);
      case "move": {
        const rest = t.slice(0, at) + t.slice(end);
        const to = c.to % (rest.length + 1);
        return rest.slice(0, to) + t.slice(at, end) + rest.slice(to);
      }
      case "newline":
        return t.slice(0, at) + "\n" + t.slice(at);
      case "join": {
        const nl = t.indexOf("\n", at);
        return nl < 0 ? t : t.slice(0, nl) + " " + t.slice(nl + 1);
      }
    }
  }, text);
}

describe("format keeps its promises on random input", () => {
  it("400 token soups", () => {
    fc.assert(fc.property(soup, holds), { numRuns: 400 });
  }, 30_000);

  it("300 small models with random spacing, all of which parse", () => {
    const before = cleanInputs;
    fc.assert(fc.property(modelFile, holds), { numRuns: 300 });
    expect(cleanInputs - before).toBe(300);
  }, 30_000);

  describe.each(SOURCES)("$name", ({ text }) => {
    it("re-indented, with trailing spaces and longer blank runs: formats to the file itself", () => {
      fc.assert(
        fc.property(fc.array(lineEdit, { minLength: 1, maxLength: 7 }), (edits) => {
          const messy = reindent(text, edits);
          expect(programOf(messy)).toEqual(programOf(text));
          expect(format("prop.dnn", messy).text).toBe(text);
        }),
        { numRuns: 25 },
      );
    }, 30_000);

    it("mutated (cut, moved, split and joined lines)", () => {
      fc.assert(fc.property(fc.array(cut, { minLength: 1, maxLength: 3 }), (cuts) => holds(mutate(text, cuts))), { numRuns: 40 });
    }, 30_000);
  });

  it("saw clean inputs among the mutations, not only errors", () => expect(cleanInputs).toBeGreaterThan(350));
});
