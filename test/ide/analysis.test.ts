// The editor's analysis must say what the batch compiler says, and its incremental path
// (re-parse only what an edit touched, keep unchanged models' results) must be invisible.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyse, type Analysis } from "../../src/ide/analysis.ts";
import { compile } from "../../src/compiler.ts";
import { INTRINSIC_NAMES } from "../../src/check/intrinsic-names.ts";
import { builtinDoc } from "../../src/ide/builtins.ts";
import { mulberry32 } from "../../src/runtime/random-order.ts";
import { generate } from "../../bench/lib/gen-models.ts";

const inputs = [
  ...readdirSync("samples").filter((f) => f.endsWith(".dnn")).map((f) => join("samples", f)),
  ...readdirSync("test/fixtures").filter((f) => f.endsWith(".dnn")).map((f) => join("test/fixtures", f)),
];
const comparable = (a: Analysis) => ({ diagnostics: a.diagnostics, facts: a.facts(), summaries: [...a.models].map(([n, m]) => [n, m.summary.get(), m.params]) });

describe("analysis", () => {
  it.each(inputs)("%s: the same diagnostics as the CLI", (path) => {
    const text = readFileSync(path, "utf8");
    expect(analyse(path, text).diagnostics).toEqual(compile(path, text).diagnostics);
  });

  it("records the inferred type of bindings and layer calls", () => {
    const path = "samples/mnist_cnn.dnn";
    const text = readFileSync(path, "utf8");
    const a = analyse(path, text);
    const typeAt = (needle: string) => a.facts().find((f) => f.span.start === text.indexOf(needle) && f.span.end === text.indexOf(needle) + needle.length)?.types;
    expect(typeAt("Conv2D(32, 3, activation: relu)")).toEqual(["f32[B, 26, 26, 32]"]);
    expect(typeAt("Flatten()")).toEqual(["f32[B, 576]"]);
    expect(a.failures).toEqual([]);
  });

  it("after random edits, the incremental analysis equals a fresh one", () => {
    const rand = mulberry32(11);
    const snippets = ["", "1", " ", "\n", "x", ")", "(", "}", "let z = x\n", "// c\n", "|> Dense(3)"];
    for (const path of ["samples/mlp_digits.dnn", "samples/regularized_mlp.dnn", "samples/transfer.dnn"]) {
      for (let run = 0; run < 12; run++) {
        let text = readFileSync(path, "utf8");
        let a = analyse(path, text);
        for (let i = 0; i < 4; i++) {
          const start = Math.floor(rand() * text.length);
          text = text.slice(0, start) + snippets[Math.floor(rand() * snippets.length)] + text.slice(start + Math.floor(rand() * 3));
          a = analyse(path, text, undefined, a);
          expect(comparable(a)).toEqual(comparable(analyse(path, text)));
        }
      }
    }
  }, 120_000);

  it("keeps unchanged models' results, their spans moved past the edit", () => {
    const text = generate({ layers: 80, lines: 800 }).text;
    const path = "/virtual/workload.dnn";
    const first = analyse(path, text);
    const at = text.indexOf("lr: 0.001") + "lr: 0.00".length; // in some model's train block
    const edited = text.slice(0, at) + "\n\n" + text.slice(at);
    const next = analyse(path, edited, undefined, first);
    const recomputed = [...next.models].filter(([name, m]) => first.models.get(name) !== m && m.key !== first.models.get(name)?.key);
    expect(recomputed).toHaveLength(1);
    expect(comparable(next)).toEqual(comparable(analyse(path, edited)));
  }, 60_000);

  it("every built-in has a row in the language reference (hover and completion show it)", () => {
    expect([...INTRINSIC_NAMES].filter((n) => !builtinDoc(n))).toEqual([]);
  });
});
