// Slice steps in the syntax: `a:b:s`, `::s`, `a::s`, `:b:s`, and `::` alone, each item read into
// the AST's start, end and step; a malformed item is a syntax error, never a throw.
import { describe, expect, it } from "vitest";
import { parse } from "../../src/syntax/parse.ts";
import type * as A from "../../src/syntax/ast.ts";

/** The items of `x[<items>]` as text: start:end:step with absent parts empty, `at` as the index. */
function items(index: string): string[] {
  const r = parse("s.dnn", `fn f(x) = x[${index}]\n`);
  expect(r.diagnostics, index).toEqual([]);
  const decl = r.ast.decls[0];
  if (decl?.kind !== "fn" || decl.body.value.kind !== "index") throw new Error("no index parsed");
  const show = (e: A.Expr | undefined): string => (e === undefined ? "" : e.kind === "number" ? String(e.value) : e.kind === "unary" ? `-${show(e.operand)}` : e.kind === "name" ? e.name : "?");
  return decl.body.value.items.map((it) => (it.kind === "slice" ? `${show(it.start)}:${show(it.end)}${it.step ? `:${show(it.step)}` : ""}` : it.kind === "at" ? show(it.index) : "..."));
}

describe("slice steps", () => {
  it("reads start, end and step, any of them left out", () => {
    expect(items(":, ::-1")).toEqual([":", "::-1"]);
    expect(items("1:5:2, :3:1, 2::3, ::")).toEqual(["1:5:2", ":3:1", "2::3", ":"]);
    expect(items("n - 1:0:-1, ...")).toEqual(["?:0:-1", "..."]);
  });

  it("a fourth colon is a syntax error, not a throw", () => {
    const r = parse("s.dnn", "fn f(x) = x[1:2:3:4]\n");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["DNN0002"]);
  });
});
