// `rank(x)`: the number of axes of a value, known when the model is compiled (0 for a number),
// so a definition can accept a tensor argument of more than one rank, or a number standing for
// none (std.attention's `mask` and `context`): chosen with `if`, refused with `require`.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { compileModel, run } from "../stdlib/harness.ts";

describe("rank", () => {
  it("is the number of axes of a tensor, and 0 of a number or a bool, as a compile-time int", () => {
    const m = compileModel(`// Sums the last axis of a matrix or the last two of a rank-3 tensor; leaves a number alone.
fn total(v) = if equal(rank(v), 0) { full([2], v) } else { if equal(rank(v), 2) { sum(v, axis: -1) } else { sum(v, axis: [1, 2]) } }

model M {
  input  x: f32[2, 3]
  input  z: f32[2, 3, 4]
  output counts: f32[5]
  output sums: f32[2]
  output cube: f32[2]
  output none: f32[2]
  counts = full([5], 1.0) * [rank(x), rank(z), rank(1.5), rank(true), rank(sum(x))]
  sums = total(x)
  cube = total(z)
  none = total(7.0)
}`);
    const x = [1, 2, 3, 4, 5, 6];
    const z = Array.from({ length: 24 }, (_, i) => i);
    const out = run(m.forward, { x, z });
    expect(out["counts"]).toEqual([2, 3, 0, 0, 0]);
    expect(out["sums"]).toEqual([6, 15]);
    expect(out["cube"]).toEqual([66, 210]);
    expect(out["none"]).toEqual([7, 7]);
  });

  it("of a symbolic tensor counts its axes, and `require` can refuse a rank", () => {
    const src = (arg: string) => `layer Masked(mask = 1.0) {
  let _ = require(less_equal(rank(mask), 2), "mask must be [B, S] or a number")
  forward(x: f32[B, S]) -> f32[B, S] = x * mask
}

model M {
  input  x: f32[B, 4]
  input  m: f32[B, 4]
  input  cube: f32[B, 4, 1]
  output y: f32[B, 4]
  y = x |> Masked(${arg})
}
`;
    expect(compile("r.dnn", src("mask: m")).diagnostics).toEqual([]);
    expect(compile("r.dnn", src("")).diagnostics).toEqual([]);
    const ds = compile("r.dnn", src("mask: cube")).diagnostics;
    expect(ds.map((d) => [d.code, d.message])).toEqual([["DNN0216", "Masked: mask must be [B, S] or a number"]]);
  });

  it("of a string is DNN0201", () => {
    const src = `model M {\n  input  x: f32[B, 4]\n  output y: f32[B, 4]\n  y = x * rank("a")\n}\n`;
    const ds = compile("r.dnn", src).diagnostics;
    expect(ds.map((d) => [d.code, src.slice(d.span.start, d.span.end)])).toEqual([["DNN0201", '"a"']]);
    expect(ds[0]!.message).toMatch(/`rank` takes a tensor or a number, found string/);
  });
});
