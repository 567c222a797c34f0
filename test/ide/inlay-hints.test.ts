// Inlay hints (and hovers) in-process: after edits, the incremental analysis (models kept, their
// facts moved lazily, models away from the requested place skipped) answers exactly what a fresh
// analysis of the same text does, for every range.
import { describe, expect, it } from "vitest";
import { generate } from "../../bench/lib/gen-models.ts";
import { analyse, type Analysis } from "../../src/ide/analysis.ts";
import { inlayHints } from "../../src/ide/inlay-hints.ts";
import { hover } from "../../src/ide/hover.ts";

const FILE = "/virtual/workload.dnn";

describe("inlay hints after edits", () => {
  it("equal a fresh analysis's, on screens all over the file, edit after edit", () => {
    let text = generate({ layers: 80, lines: 800 }).text;
    let a: Analysis = analyse(FILE, text);
    const total = inlayHints(a, 0, text.length).length;
    expect(total).toBeGreaterThan(40);
    // Edits of three kinds: a learning rate's digit (one model re-checked), a comment grown
    // (everything after it moves), a line inserted before everything.
    const edits: ((t: string) => string)[] = [
      (t) => t.replace(/lr: (\d+\.\d*)([1-9])/, (_m, a: string, d: string) => `lr: ${a}${(Number(d) % 9) + 1}`),
      (t) => t.replace("//", "// a longer comment,"),
      (t) => "// a new first line\n" + t,
      (t) => { const i = t.lastIndexOf("lr: 0."); return t.slice(0, i) + "lr: 0.0" + t.slice(i + "lr: 0.".length); },
    ];
    for (const [i, edit] of [...edits, ...edits].entries()) {
      text = edit(text);
      a = analyse(FILE, text, undefined, a);
      const fresh = analyse(FILE, text);
      expect(a.diagnostics.filter((d) => d.severity === "error"), `edit ${i}`).toEqual([]);
      for (let from = 0; from < text.length; from += Math.floor(text.length / 7)) {
        const to = Math.min(text.length, from + 1500);
        expect(inlayHints(a, from, to), `edit ${i}, ${from}–${to}`).toEqual(inlayHints(fresh, from, to));
      }
      expect(inlayHints(a, 0, text.length)).toEqual(inlayHints(fresh, 0, text.length));
      // Hover reads the same records the same way.
      for (let o = 0; o < text.length; o += 601) expect(hover(a, o), `edit ${i}, hover at ${o}`).toEqual(hover(fresh, o));
    }
  }, 60_000);
});
