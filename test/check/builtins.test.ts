// The checker's answers to misuse of the built-ins added for issue 20 (range, argmax/argmin,
// tril/triu, equal/not_equal, where, i32 arithmetic, slice steps): one diagnostic each, with
// its code and where it points; and the types of what they give when used rightly.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";

/** A model with inputs x: f32[B, T, 6], k: i32[B] and one output `y: <type>` set to `expr`. */
const model = (type: string, expr: string) => `model M {\n  input  x: f32[B, T, 6]\n  input  k: i32[B]\n  output y: ${type}\n  y = ${expr}\n}\n`;

function diagnose(type: string, expr: string): [string, string, string][] {
  const src = model(type, expr);
  return compile("b.dnn", src).diagnostics.map((d) => [d.code, src.slice(d.span.start, d.span.end), d.message]);
}

describe("misuse of the new built-ins", () => {
  it.each<[string, string, string, string, RegExp]>([
    ["tril of a vector", "f32[B]", "tril(k)", "DNN0302", /needs a matrix/],
    ["triu with a fractional diagonal", "f32[B, T, 6]", "triu(x, k: 0.5)", "DNN0207", /compile-time integer/],
    ["range with a fractional bound", "i32[4]", "range(4.5)", "DNN0207", /stop of `range`/],
    ["range with a zero step", "i32[4]", "range(0, 4, 0)", "DNN0207", /must not be 0/],
    ["an empty range", "i32[4]", "range(4, 0)", "DNN0305", /is empty/],
    ["range over T with a step that does not divide it", "i32[T]", "range(0, T, 2)", "DNN0207", /not a whole size/],
    ["argmax of a scalar", "i32[]", "argmax(sum(x))", "DNN0302", /rank 1 or more/],
    ["argmax along an axis the tensor lacks", "i32[B, T]", "argmax(x, axis: 3)", "DNN0305", /out of range/],
    ["argmax along two axes", "i32[B]", "argmax(x, axis: [1, 2])", "DNN0207", /compile-time integer/],
    ["a fractional number with an i32 tensor", "i32[B]", "k + 0.5", "DNN0201", /cannot combine i32\[B\] and f32\[\]/],
    ["division of i32 tensors", "i32[B]", "k / 2", "DNN0201", /not defined on i32/],
    ["a power of an i32 tensor", "i32[B]", "k ^ 2", "DNN0201", /not defined on i32/],
    ["where between f32 and i32", "f32[B]", "where(k, 1.0, k)", "DNN0201", /cannot combine/],
    ["where with a condition of the wrong shape", "f32[B, T, 6]", "where(x[:, :, :2], x, 0.0)", "DNN0303", /condition's shape/],
    ["sin of an i32 tensor", "f32[B]", "sin(k)", "DNN0201", /needs an f32 tensor, found i32\[B\]/],
    ["exp of an i32 tensor", "f32[B]", "exp(k)", "DNN0201", /needs an f32 tensor/],
    ["a slice step of 0", "f32[B, T, 6]", "x[..., ::0]", "DNN0305", /must not be 0/],
    ["an empty stepped slice", "f32[B, T, 6]", "x[..., 0:4:-1]", "DNN0305", /is empty/],
    ["a step other than -1 over a symbolic axis", "f32[B, T, 6]", "x[:, ::2]", "DNN0209", /symbolic dimension T/],
  ])("%s", (_what, type, expr, code, message) => {
    const ds = diagnose(type, expr);
    expect(ds.map(([c]) => c)).toEqual([code]);
    expect(ds[0]![2]).toMatch(message);
  });
});

describe("what the new built-ins give", () => {
  it.each<[string, string]>([
    ["i32[B, T]", "argmax(x)"],
    ["i32[B, 1, 6]", "argmin(x, axis: 1, keepdims: true)"],
    ["i32[T]", "range(T)"],
    ["i32[T - 1]", "range(1, T)"],
    ["i32[3]", "range(5, -1, -2)"],
    ["i32[B]", "maximum(k * 3 - 1, 0) + where(greater(k, 2), k, -k)"],
    ["i32[B]", "equal(k, 1) + not_equal(k, 1)"],
    ["i32[B]", "abs(k - 2) + relu(k - 1)"],
    ["f32[B, T, 6]", "tril(x) + triu(x, k: -1) + sin(x) - cos(x)"],
    ["f32[B, T, 3]", "x[:, ::-1, 5::-2]"],
    ["f32[B, T, 6]", "x[:, ::1]"],
  ])("%s = %s", (type, expr) => expect(diagnose(type, expr)).toEqual([]));

  it("compile-time comparisons of numbers with equal and not_equal are bools", () => {
    const src = "fn f(n: int) = if equal(n, 2) { 1.0 } else { if not_equal(n, 3) { 2.0 } else { 3.0 } }\n" + model("f32[]", "f(2) + f(4) * 10.0 + f(3) * 100.0");
    expect(compile("b.dnn", src).diagnostics).toEqual([]);
  });
});
