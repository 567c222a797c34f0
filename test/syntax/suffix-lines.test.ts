// A call or index suffix belongs to the expression before it only on the same line (a `.` may
// start the next line). Tokens carry offsets only (src/syntax/parse.ts), so the parser looks
// for a line break in the text between the two tokens; these pin that rule down for every line
// ending chevrotain counts (\n, \r\n, \r) and for a comment in between.
import { describe, expect, it } from "vitest";
import { parse } from "../../src/syntax/parse.ts";

/** The kind of the first `let`'s value in a one-model file whose body is `body`. */
function letValueKind(body: string): { kind: string; errors: number } {
  const r = parse("t.dnn", `model M {\n  input x: f32[2]\n  output y: f32[2]\n${body}\n  y = x\n}\n`);
  const model = r.ast.decls[0]!;
  if (model.kind !== "model") throw new Error("not a model");
  const let_ = model.items.find((s) => s.kind === "let");
  if (!let_ || let_.kind !== "let") throw new Error("no let");
  return { kind: let_.value.kind, errors: r.diagnostics.length };
}

describe("a postfix suffix stays on its line", () => {
  it("reads `f (x)` and `f(x)` on one line as a call, and an index likewise", () => {
    expect(letValueKind("  let a = f(x)").kind).toBe("call");
    expect(letValueKind("  let a = f   (x)").kind).toBe("call");
    expect(letValueKind("  let a = x[0]").kind).toBe("index");
  });
  for (const [name, br] of [["\\n", "\n"], ["\\r\\n", "\r\n"], ["\\r", "\r"]] as const) {
    it(`does not take \`(\` or \`[\` after a ${name} line break as a suffix`, () => {
      expect(letValueKind(`  let a = f${br}  (x)`).kind).toBe("name");
      expect(letValueKind(`  let a = x${br}  [0]`).kind).toBe("name");
      expect(letValueKind(`  let a = f // a comment${br}  (x)`).kind).toBe("name");
    });
  }
  it("lets a member access start the next line", () => {
    expect(letValueKind("  let a = x\n    .y").kind).toBe("member");
  });
});
