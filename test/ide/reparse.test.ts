// Incremental re-parsing must be invisible: after any edit, the result equals a full parse.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, type ParseResult } from "../../src/syntax/parse.ts";
import { reparse } from "../../src/ide/reparse.ts";
import { generate } from "../../bench/lib/gen-models.ts";

const files = ["samples", "stdlib"].flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith(".dnn")).map((f) => readFileSync(join(dir, f), "utf8")));
const big = generate({ layers: 80, lines: 800 }).text;
const SNIPPETS = ["", "x", " ", "\n", "}", "{", "(", ")", "// note\n", "model M {", "layer", "|> Dense(3)", "let y = x\n", "1.5", "\"s\"", "fn f(x: f32[n]) = x\n"];

function comparable(r: ParseResult) {
  return {
    decls: r.ast.decls,
    diagnostics: r.diagnostics,
    comments: r.comments.map((c) => [c.image, c.startOffset, c.startLine, c.startColumn, c.endOffset, c.endLine, c.endColumn]),
    lines: r.source.lineStarts,
  };
}

describe("reparse", () => {
  it("equals a full parse after random edits of every sample and stdlib file", () => {
    const texts = [...files, big];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: texts.length - 1 }), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 12 }), fc.constantFrom(...SNIPPETS)), { minLength: 1, maxLength: 6 }), (which, edits) => {
        let text = texts[which]!;
        let prev = parse("/m.dnn", text);
        for (const [at, removed, inserted] of edits) {
          const start = Math.floor(at * text.length);
          text = text.slice(0, start) + inserted + text.slice(start + removed);
          const incremental = reparse(prev, text);
          expect(comparable(incremental)).toEqual(comparable(parse("/m.dnn", text)));
          prev = incremental;
        }
      }),
      { numRuns: 150, seed: 7 },
    );
  }, 120_000);

  it("reuses the untouched declarations' objects before the edit", () => {
    const text = files.find((t) => t.includes("model"))!;
    const prev = parse("/m.dnn", text);
    const last = prev.ast.decls[prev.ast.decls.length - 1]!;
    const edited = text.slice(0, last.span.end - 1) + " " + text.slice(last.span.end - 1);
    const next = reparse(prev, edited);
    expect(next.ast.decls[0]).toBe(prev.ast.decls[0]);
  });
});
