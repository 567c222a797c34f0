// A model that uses every built-in added for issue 20, with its inputs written out, shared by
// the CPU targets' test (test/backend/ts/builtins.test.ts) and the WGSL one (test/webgpu/builtins.test.ts).
import { expect } from "vitest";
import { compile, type CompiledModel } from "../../src/compiler.ts";
import type { Fn } from "../../src/ir/ir.ts";
import { evalDim } from "../../src/ir/dim.ts";
import { size } from "../../src/ir/shape.ts";
import { initialValues } from "./sample-values.ts";

export const SOURCE = `
import std.layers.{Dense}
import std.losses.{mse}
import std.optimizers.{sgd}

model Builtins {
  input  x: f32[B, T, 3]
  input  m: f32[B, 3, 3]
  input  y: i32[B]
  output waves: f32[B, T, 3]
  output ids: i32[B, T]
  output lows: i32[B, T, 1]
  output pos: f32[T]
  output odd: i32[3]
  output shifted: i32[B]
  output lower: f32[B, 3, 3]
  output upper: f32[B, 3, 3]
  output same: f32[B, T, 3]
  output picked: i32[B]
  output flipped: f32[B, T, 3]
  output fit: f32[B, 3]
  waves = sin(x) + cos(2.0 * x)
  ids = argmax(x)
  lows = argmin(x, axis: -1, keepdims: true)
  pos = float(range(T)) * 0.5
  odd = range(1, 7, 2)
  shifted = maximum(y * 2 - 1, 0)
  lower = tril(m)
  upper = triu(m, k: 1)
  same = where(equal(x, 0.0), 5.0, not_equal(x, 1.0))
  picked = where(greater(float(y), 1.5), y - 2, 0 - y)
  flipped = x[:, ::-1, ::-1]
  fit = (sin(m[:, ::-1, :]) * cos(m) |> tril |> sum(axis: 1)) |> Dense(3)
}

train Builtins {
  target t: f32[B, 3]
  loss = mse(fit, t)
  optimizer = sgd(lr: 0.1)
}
`;

export const DIMS = { B: 2, T: 4 };
export const X = [0.5, 0, 1, 3, 3, -1, 0, 1, 0.25, -2, -3, -2, /* second example */ 1, 1, 1, 0.1, -0.2, 0.3, 2, 1, 2, 0, 0, 0];
export const M = [1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -2, -3, -4, -5, -6, -7, -8, -9];
export const Y = [0, 3];
const T = [0.5, -0.25, 1, 0, 2, -1];

export const model: CompiledModel = (() => {
  const c = compile("builtins.dnn", SOURCE);
  expect(c.diagnostics).toEqual([]);
  return c.models[0]!;
})();

export function argsFor(fn: Fn): number[][] {
  const params = initialValues(model);
  const byName: Record<string, number[]> = { x: X, m: M, y: Y, t: T };
  return fn.args.map((a) => {
    if (a.role === "param" || a.role === "state") return params.get(a.name)!;
    if (a.role === "seed" || a.role === "step") return [1];
    const v = byName[a.name]!;
    expect(v.length, a.name).toBe(evalDim(size(a.shape), DIMS));
    return v;
  });
}

