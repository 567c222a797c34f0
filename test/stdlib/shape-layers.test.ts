// std.layers' use_bias: false, GlobalMaxPool2D, ZeroPadding2D, Cropping2D and the 1-D layers
// (Conv1D, MaxPool1D, AvgPool1D, GlobalAvgPool1D) as the checker sees them: the weights and parameter counts a model gets (Keras's), the language rule that makes
// use_bias possible (a layer's parameter with a zero-sized axis is not created), and the
// diagnostics for inputs of the wrong rank or arguments out of range. Their values and gradients
// are checked against TensorFlow.js in test/oracle/layers-extra.test.ts and layers-1d.test.ts.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { ROOT, compileModel } from "./harness.ts";

const LAYERS = "import std.layers.{Dense, Conv2D, GlobalMaxPool2D, ZeroPadding2D, Cropping2D, Conv1D, MaxPool1D, AvgPool1D, GlobalAvgPool1D}";

describe("use_bias: false", () => {
  it("Dense and Conv2D have only a kernel, with Keras's parameter counts", () => {
    const m = compileModel(`${LAYERS}
model M {
  input  x: f32[B, 7, 6, 3]
  output y: f32[B, 5]
  y = x |> Conv2D(4, 3, use_bias: false) |> GlobalMaxPool2D() |> Dense(5, use_bias: false)
}
`);
    expect(m.params.map((p) => [p.name, p.shape])).toEqual([["conv2d.kernel", [3, 3, 3, 4]], ["dense.kernel", [4, 5]]]);
    const counts = Object.fromEntries(m.summary.filter((r) => r.kind === "layer").map((r) => [r.instance, r.params]));
    // Keras: Conv2D k·k·cin·filters (+ filters with a bias), Dense in·units (+ units).
    expect(counts).toEqual({ conv2d: 3 * 3 * 3 * 4, global_max_pool2d: 0, dense: 4 * 5 });
  });

  it("with the default use_bias: true both keep their bias", () => {
    const m = compileModel(`${LAYERS}
model M {
  input  x: f32[B, 7, 6, 3]
  output y: f32[B, 5]
  y = x |> Conv2D(4, 3) |> GlobalMaxPool2D() |> Dense(5)
}
`);
    expect(m.params.map((p) => p.name)).toEqual(["conv2d.kernel", "conv2d.bias", "dense.kernel", "dense.bias"]);
  });

  it("a user layer's zero-sized param is not created; a model's still is", () => {
    const m = compileModel(`import std.initializers.{zeros}
layer Shift(on: bool) {
  let n = if on { 4 } else { 0 }
  param shift: f32[n] = zeros()
  forward(x: f32[B, 4]) -> f32[B, 4] = if on { x + shift } else { x }
}
model M {
  input  x: f32[B, 4]
  output y: f32[B, 4]
  param  empty: f32[0] = zeros()
  y = x |> Shift(false) |> Shift(true)
}
`);
    expect(m.params.map((p) => [p.name, p.shape])).toEqual([["empty", [0]], ["shift_1.shift", [4]]]);
  });
});

describe("shape layers", () => {
  it("give Keras's output shapes", () => {
    const m = compileModel(`${LAYERS}
model M {
  input  x: f32[B, 7, 6, 3]
  output padded: f32[B, 11, 10, 3]
  output cropped: f32[B, 3, 2, 3]
  output same: f32[B, 7, 6, 3]
  output peaks: f32[B, 3]
  padded = x |> ZeroPadding2D(2)
  cropped = x |> Cropping2D(2)
  same = x |> ZeroPadding2D(0) |> Cropping2D(0) |> ZeroPadding2D() |> Cropping2D(1)
  peaks = x |> GlobalMaxPool2D()
}
`);
    expect(m.outputs.map((o) => o.name)).toEqual(["padded", "cropped", "same", "peaks"]);
  });

  it("1-D layers give Keras's output shapes and parameter counts", () => {
    const m = compileModel(`${LAYERS}
model M {
  input  x: f32[B, 9, 3]
  output y: f32[B, 4]
  output z: f32[B, 5, 3]
  y = x |> Conv1D(4, 3, padding: "same", strides: 2) |> MaxPool1D(2) |> AvgPool1D(2, strides: 1, padding: "same") |> GlobalAvgPool1D()
  z = x |> Conv1D(3, 3, dilation_rate: 2, use_bias: false) |> MaxPool1D(3, strides: 1, padding: "same") |> AvgPool1D(1)
}
`);
    expect(m.params.map((p) => [p.name, p.shape])).toEqual([["conv1d.kernel", [3, 3, 4]], ["conv1d.bias", [4]], ["conv1d_1.kernel", [3, 3, 3]]]);
    const rows = m.summary.filter((r) => r.kind === "layer").map((r) => [r.instance, r.shape, r.params]);
    expect(rows).toEqual([
      ["conv1d", ["B", 5, 4], 3 * 3 * 4 + 4], // Keras: k·cin·filters + filters
      ["max_pool1d", ["B", 2, 4], 0],
      ["avg_pool1d", ["B", 2, 4], 0],
      ["global_avg_pool1d", ["B", 4], 0],
      ["conv1d_1", ["B", 5, 3], 3 * 3 * 3],
      ["max_pool1d_1", ["B", 5, 3], 0],
      ["avg_pool1d_1", ["B", 5, 3], 0],
    ]);
  });

  const diagnosed: [string, string, string, RegExp][] = [
    ["GlobalMaxPool2D()", "f32[B, 7, 6]", "DNN0302", /GlobalMaxPool2D expects f32\[N, H, W, C\]/],
    ["ZeroPadding2D(1)", "f32[B, 7, 6]", "DNN0302", /ZeroPadding2D expects f32\[N, H, W, C\]/],
    ["Cropping2D(1)", "f32[B, 7, 6]", "DNN0302", /Cropping2D expects f32\[N, H, W, C\]/],
    ["ZeroPadding2D(-1)", "f32[B, 7, 6, 3]", "DNN0216", /ZeroPadding2D: padding must be at least 0/],
    ["Cropping2D(-1)", "f32[B, 7, 6, 3]", "DNN0216", /Cropping2D: cropping must be at least 0/],
    ["Cropping2D(3)", "f32[B, 7, 6, 3]", "DNN0305", /slice 3:-3 is empty/],
    ["Conv1D(4, 3)", "f32[B, 7, 6, 3]", "DNN0302", /Conv1D expects f32\[N, T, channels\]/],
    ["Conv1D(4, 3, strides: 0)", "f32[B, 7, 3]", "DNN0216", /Conv1D: strides must be at least 1/],
    ["MaxPool1D(2)", "f32[B, 7]", "DNN0302", /MaxPool1D expects f32\[N, T, C\]/],
    ["AvgPool1D(0)", "f32[B, 7, 3]", "DNN0216", /AvgPool1D: pool_size must be at least 1/],
    ["GlobalAvgPool1D()", "f32[B, 7, 6, 3]", "DNN0302", /GlobalAvgPool1D expects f32\[N, T, C\]/],
  ];
  it.each(diagnosed)("x: %s |> … %s is %s", (stage, type, code, message) => {
    const src = `${LAYERS}\nmodel M {\n  input  x: ${type}\n  output y: f32[B, 1]\n  y = reshape(x |> ${stage}, [B, -1])[:, :1]\n}\n`;
    const errors = compile(join(ROOT, "shape_layers_test.dnn"), src).diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code)).toEqual([code]);
    expect(errors[0]!.message).toMatch(message);
    expect(src.slice(errors[0]!.span.start, errors[0]!.span.end)).toBe(stage); // at the call in the user's file
  });
});
