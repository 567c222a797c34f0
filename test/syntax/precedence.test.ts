// Operator precedence and associativity, checked against an independent truth: JavaScript's own
// grammar, which groups `+ - * /` and unary minus exactly as .dnn does (`@` reads as `*` here,
// the same level as in .dnn). The parser reads an operator chain as a flat list and groups it
// in build-ast.ts (decision 0010), so this is what proves the grouping. `^` has no JavaScript
// twin (JS forbids `-a ** b`), so its cases are written out with the values Python gives, whose
// `**` binds exactly as .dnn's `^` does.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "../../src/syntax/parse.ts";
import type * as A from "../../src/syntax/ast.ts";

/** The value of a parsed constant expression: numbers and the arithmetic operators only. */
function evaluate(e: A.Expr): number {
  switch (e.kind) {
    case "number": return e.value;
    case "unary": return -evaluate(e.operand);
    case "binary": {
      const a = evaluate(e.left);
      const b = evaluate(e.right);
      switch (e.op) {
        case "+": return a + b;
        case "-": return a - b;
        case "*": case "@": return a * b;
        case "/": return a / b;
        case "^": return a ** b;
      }
    }
  }
  throw new Error(`unexpected ${e.kind} node`);
}

function valueOf(source: string): number {
  const r = parse("p.dnn", `fn f() -> float = ${source}\n`);
  expect(r.diagnostics, source).toEqual([]);
  const decl = r.ast.decls[0];
  if (decl?.kind !== "fn") throw new Error("no fn parsed");
  return evaluate(decl.body.value);
}

// An expression as text: integers 1–9, the five binary operators, unary minus, parentheses.
const expression: fc.Memo<string> = fc.memo((depth) => {
  const leaf = fc.integer({ min: 1, max: 9 }).map(String);
  if (depth <= 1) return leaf;
  return fc.oneof(
    { weight: 2, arbitrary: leaf },
    { weight: 3, arbitrary: fc.tuple(expression(depth - 1), fc.constantFrom("+", "-", "*", "/", "@"), expression(depth - 1)).map(([a, op, b]) => `${a} ${op} ${b}`) },
    { weight: 1, arbitrary: expression(depth - 1).map((a) => `- ${a}`) },
    { weight: 1, arbitrary: expression(depth - 1).map((a) => `(${a})`) },
  );
});

const close = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

describe("operator precedence", () => {
  it("groups + - * / @ and unary minus as JavaScript does", () => {
    fc.assert(
      fc.property(expression(6), (source) => {
        const want = Function(`return (${source.replaceAll("@", "*")});`)() as number;
        const got = valueOf(source);
        expect(Number.isNaN(want) ? Number.isNaN(got) : close(got, want), `${source}: got ${got}, want ${want}`).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it.each([
    ["1 - 2 - 3", -4],
    ["8 / 4 / 2", 1],
    ["1 + 2 * 3 - 4 / 2", 5],
    ["2 * 3 + 4 * 5 @ 2", 46],
    ["-2 ^ 2", -4], // -(2^2)
    ["2 ^ 3 ^ 2", 512], // 2^(3^2)
    ["2 ^ -1 ^ 2", 0.5], // 2^(-(1^2))
    ["-2 ^ -2", -0.25],
    ["3 * 2 ^ 2 - 1", 11],
    ["- - 3 ^ 2", 9],
    ["(-2) ^ 2 + 1", 5],
  ])("%s = %d", (source, want) => {
    expect(valueOf(source)).toBe(want);
  });
});
