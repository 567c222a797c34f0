// `require(condition, message)` and compile-time comparisons: the standard library's layers refuse
// arguments they cannot work with (Conv2D sizes < 1, Dropout(1.0), …) at the call that gives
// them, instead of compiling into a model that trains to non-finite weights; and a definition
// of the user's own can do the same.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.ts";
import { compileFns, type TsModule } from "../helpers/run-ts.ts";
import { ROOT, compileModel, expectClose, run } from "../stdlib/harness.ts";

const FILE = join(ROOT, "require_test.dnn");
const LAYERS = "import std.layers.{Conv2D, Dense, Dropout, MaxPool2D, AvgPool2D, BatchNorm, LayerNorm, Embedding, SimpleRNN, LSTM, GRU, ResidualBlock}";

const check = (src: string): Diagnostic[] => compile(FILE, src).diagnostics;
const textAt = (src: string, d: { start: number; end: number }) => src.slice(d.start, d.end);

/** A model applying `stage` to an input of `type`. */
const applying = (type: string, stage: string) =>
  `${LAYERS}\nmodel M {\n  input x: ${type}\n  output y: f32[B, 1]\n  y = x |> ${stage} |> First()\n}\nlayer First {\n  forward(v: f32[N, ...]) -> f32[N, 1] = reshape(v, [N, -1])[:, :1]\n}\n`;

const IMAGES = "f32[B, 8, 8, 4]";
const SEQUENCES = "f32[B, 5, 4]";

// [stage, input type, the layer's message]
const refused: [string, string, string][] = [
  ["Dense(0)", "f32[B, 4]", "Dense: units must be at least 1"],
  ["Dense(-3)", "f32[B, 4]", "Dense: units must be at least 1"],
  ["Conv2D(0, 3)", IMAGES, "Conv2D: filters must be at least 1"],
  ["Conv2D(4, 0)", IMAGES, "Conv2D: kernel_size must be at least 1"],
  ["Conv2D(4, 3, strides: 0)", IMAGES, "Conv2D: strides must be at least 1"],
  ["Conv2D(4, 3, dilation_rate: 0)", IMAGES, "Conv2D: dilation_rate must be at least 1"],
  ["MaxPool2D(0)", IMAGES, "MaxPool2D: pool_size must be at least 1"],
  ["MaxPool2D(2, strides: 0)", IMAGES, "MaxPool2D: strides must be at least 1"],
  ["AvgPool2D(0)", IMAGES, "AvgPool2D: pool_size must be at least 1"],
  ["AvgPool2D(2, strides: -1)", IMAGES, "AvgPool2D: strides must be at least 1"],
  ["Dropout(1.0)", "f32[B, 4]", "Dropout: rate must be less than 1: a rate of 1 drops every input"],
  ["Dropout(1.5)", "f32[B, 4]", "Dropout: rate must be less than 1: a rate of 1 drops every input"],
  ["Dropout(-0.1)", "f32[B, 4]", "Dropout: rate must be at least 0"],
  ["BatchNorm(momentum: 1.01)", "f32[B, 4]", "BatchNorm: momentum must be between 0 and 1"],
  ["BatchNorm(momentum: -0.5)", "f32[B, 4]", "BatchNorm: momentum must be between 0 and 1"],
  ["BatchNorm(epsilon: 0.0)", "f32[B, 4]", "BatchNorm: epsilon must be greater than 0"],
  ["LayerNorm(epsilon: -1e-3)", "f32[B, 4]", "LayerNorm: epsilon must be greater than 0"],
  ["SimpleRNN(0)", SEQUENCES, "SimpleRNN: units must be at least 1"],
  ["LSTM(0)", SEQUENCES, "LSTM: units must be at least 1"],
  ["GRU(0)", SEQUENCES, "GRU: units must be at least 1"],
  ["ResidualBlock(0)", IMAGES, "ResidualBlock: filters must be at least 1"],
  ["ResidualBlock(4, strides: 0, project: true)", IMAGES, "ResidualBlock: strides must be at least 1"],
];

describe("the standard library's layers refuse invalid arguments (DNN0216)", () => {
  it.each(refused)("%s", (stage, type, message) => {
    const src = applying(type, stage);
    const ds = check(src);
    expect(ds.map((d) => `${d.code} ${d.message}`)).toEqual([`DNN0216 ${message}`]);
    const d = ds[0]!;
    // At the call the user wrote, where the wrong argument is …
    expect(d.span.file).toBe(FILE);
    expect(textAt(src, d.span)).toBe(stage);
    // … with the layer's own check beside it.
    const required = d.related.find((r) => r.message === "required here")!;
    expect(required.span.file).toMatch(/stdlib[/\\]layers\.dnn$/);
  });

  it("Embedding's sizes too", () => {
    const src = `${LAYERS}\nmodel M {\n  input t: i32[B, 3]\n  output y: f32[B, 3, 4]\n  y = t |> Embedding(0, 4)\n}\n`;
    const ds = check(src);
    expect(ds.map((d) => `${d.code} ${d.message} @${textAt(src, d.span)}`)).toEqual(["DNN0216 Embedding: input_dim must be at least 1 @Embedding(0, 4)"]);
  });

  it("losses, regularizers and activations too, each at its own call", () => {
    const src = (slope: string) => `import std.layers.{Dense}
import std.losses.{huber}
import std.regularizers.{l1, l2, l1_l2}
import std.activations.{leaky_relu}
import std.optimizers.{sgd}
model M {
  input x: f32[B, 4]
  output y: f32[B, 2]
  y = x |> Dense(3) |> leaky_relu(alpha: ${slope}) |> Dense(2)
}
train M {
  target t: f32[B, 2]
  loss = huber(y, t, delta: 0.0) + l1(params("*.kernel"), -1e-4) + l2(params(), -1.0) + l1_l2(params(), l2: -1.0)
  optimizer = sgd()
}
`;
    // The model is checked before its train block: a model with errors has no training step.
    const bad = src("-0.1");
    expect(check(bad).map((d) => `${d.code} ${d.message} @${textAt(bad, d.span)}`)).toEqual(["DNN0216 leaky_relu: alpha must be at least 0 @leaky_relu(alpha: -0.1)"]);
    const good = src("0.0");
    expect(check(good).map((d) => `${d.code} ${d.message} @${textAt(good, d.span)}`)).toEqual([
      "DNN0216 huber: delta must be greater than 0 @huber(y, t, delta: 0.0)",
      'DNN0216 l1: factor must be at least 0 @l1(params("*.kernel"), -1e-4)',
      "DNN0216 l2: factor must be at least 0 @l2(params(), -1.0)",
      "DNN0216 l1_l2: l2 must be at least 0 @l1_l2(params(), l2: -1.0)",
    ]);
  });

  it("accepts the edges of every range", () => {
    const ok: [string, string][] = [
      ["Dense(1)", "f32[B, 4]"], ["Conv2D(1, 1, strides: 1, dilation_rate: 1)", IMAGES], ["MaxPool2D(1)", IMAGES], ["AvgPool2D(1, strides: 1)", IMAGES],
      ["Dropout(0.0)", "f32[B, 4]"], ["Dropout(0.999)", "f32[B, 4]"], ["BatchNorm(momentum: 0.0)", "f32[B, 4]"], ["BatchNorm(momentum: 1.0, epsilon: 1e-12)", "f32[B, 4]"],
      ["LayerNorm(epsilon: 1e-9)", "f32[B, 4]"], ["LSTM(1)", SEQUENCES], ["GRU(1)", SEQUENCES], ["SimpleRNN(1)", SEQUENCES], ["ResidualBlock(4, project: true)", IMAGES],
    ];
    for (const [stage, type] of ok) expect(check(applying(type, stage)).map((d) => `${stage}: ${d.code} ${d.message}`)).toEqual([]);
  });

  it("a layer inside a library layer is reported at the user's call, naming the inner check", () => {
    // ResidualBlock's own check passes momentum on; BatchNorm refuses it.
    const src = applying(IMAGES, "ResidualBlock(4, project: true, momentum: 2.0)");
    const ds = check(src);
    expect(ds.map((d) => `${d.code} ${d.message}`)).toEqual(["DNN0216 BatchNorm: momentum must be between 0 and 1"]);
    expect(textAt(src, ds[0]!.span)).toBe("ResidualBlock(4, project: true, momentum: 2.0)");
    expect(ds[0]!.related.map((r) => r.message)).toEqual(["the check that failed is here", "required here"]);
  });

  it("a symbolic size is not compared: it is known only when the model runs (DNN0207)", () => {
    const src = `${LAYERS}\nmodel M {\n  input x: f32[B, 4]\n  output y: f32[B, B]\n  y = x |> Dense(B)\n}\n`;
    expect(check(src).map((d) => `${d.code} ${d.message}`)).toEqual(["DNN0207 `greater` cannot compare the size B: it is known only when the model runs"]);
  });
});

describe("require in the user's own definitions", () => {
  const scale = 'layer Scale(factor: float) {\n  let _ = require(greater(factor, 0.0), "factor must be positive")\n  forward(x: f32[...]) -> f32[...] = x * factor\n}\n';
  const model = (y: string) => `${scale}model M {\n  input x: f32[B, 4]\n  output y: f32[B, 4]\n  y = ${y}\n}\n`;

  it("is reported at the call, with the require as the related span", () => {
    const src = model("x |> Scale(2.0) |> Scale(-1.0)");
    const ds = check(src);
    expect(ds.map((d) => `${d.code} ${d.message}`)).toEqual(["DNN0216 Scale: factor must be positive"]);
    expect(textAt(src, ds[0]!.span)).toBe("Scale(-1.0)");
    expect(ds[0]!.related.map((r) => [textAt(src, r.span), r.message])).toEqual([['require(greater(factor, 0.0), "factor must be positive")', "required here"]]);
  });

  it("from a layer inside another of the file: at the inner call, where the argument was written", () => {
    const src = `${scale}layer Twice(f: float) {\n  forward(x: f32[...]) -> f32[...] = x |> Scale(f) |> Scale(f - 1.0)\n}\nmodel M {\n  input x: f32[B, 4]\n  output y: f32[B, 4]\n  y = x |> Twice(1.0)\n}\n`;
    const ds = check(src);
    expect(ds.map((d) => `${d.code} ${d.message} @${textAt(src, d.span)}`)).toEqual(["DNN0216 Scale: factor must be positive @Scale(f - 1.0)"]);
  });

  it("in a fn, at the fn's call; in a model, at the require itself", () => {
    const fn = 'fn halve(x: f32[...], n: int) -> f32[...] {\n  let _ = require(greater_equal(n, 1), "n must be at least 1")\n  x / n\n}\n';
    const inFn = `${fn}model M {\n  input x: f32[B, 4]\n  output y: f32[B, 4]\n  y = halve(x, 0)\n}\n`;
    expect(check(inFn).map((d) => `${d.code} ${d.message} @${textAt(inFn, d.span)}`)).toEqual(["DNN0216 halve: n must be at least 1 @halve(x, 0)"]);
    const inModel = 'model M {\n  input x: f32[B, 4]\n  output y: f32[B, 4]\n  let _ = require(less(4, 2), "four is less than two")\n  y = x\n}\n';
    expect(check(inModel).map((d) => `${d.code} ${d.message} @${textAt(inModel, d.span)}`)).toEqual(['DNN0216 four is less than two @require(less(4, 2), "four is less than two")']);
  });

  it("needs a compile-time bool and a string message", () => {
    const tensorCond = 'model M {\n  input x: f32[B, 4]\n  output y: f32[B, 4]\n  let _ = require(greater(x, 0.0), "positive")\n  y = x\n}\n';
    expect(check(tensorCond).map((d) => `${d.code} ${d.message}`)).toEqual(["DNN0210 the condition of `require` must be a compile-time bool, found f32[B, 4]"]);
    const numberMessage = 'model M {\n  input x: f32[B, 4]\n  output y: f32[B, 4]\n  let _ = require(true, 3)\n  y = x\n}\n';
    expect(check(numberMessage).map((d) => `${d.code} ${d.message}`)).toEqual(["DNN0201 the message of `require` must be a string, found int"]);
  });
});

describe("comparisons", () => {
  it("of compile-time numbers give a compile-time bool, usable by `if`", () => {
    const m = compileModel(`model M {
  input x: f32[B, 2]
  output y: f32[B, 2]
  y = x * (if less(1, 2) { 1.0 } else { 100.0 }) + (if greater_equal(2.5, 2.5) { 10.0 } else { 1000.0 })
    + (if less_equal(3, 2) { 1e4 } else { 0.0 }) + (if greater(-1.0, 0) { 1e5 } else { 0.0 })
}`);
    expectClose("y", run(m.forward, { x: [1, 2] }, { B: 1 })["y"]!, [11, 12]);
  });

  describe("of tensors give 1 where they hold, else 0, in the interpreter and the generated module", () => {
    const xs = [-1, 0.5, 2, 0.5, Number.NaN, 3];
    const ys = [0.5, 0.5, 0.5, 1, 0.5, 3];
    const want = {
      lt: xs.map((x, i) => (x < ys[i]! ? 1 : 0)),
      gt: xs.map((x, i) => (x > ys[i]! ? 1 : 0)),
      le: xs.map((x, i) => (x <= ys[i]! ? 1 : 0)),
      ge: xs.map((x, i) => (x >= ys[i]! ? 1 : 0)),
    };
    const m = compileModel(`model M {
  input x: f32[B, 6]
  input z: f32[B, 6]
  output lt: f32[B, 6]
  output gt: f32[B, 6]
  output le: f32[B, 6]
  output ge: f32[B, 6]
  lt = less(x, z)
  gt = greater(x, z)
  le = less_equal(x, z)
  ge = greater_equal(x, z)
}`);
    let mod: TsModule | undefined;
    afterAll(() => mod?.cleanup());

    it("interpreter", () => {
      const out = run(m.forward, { x: xs, z: ys }, { B: 1 });
      for (const [k, v] of Object.entries(want)) expect(out[k], k).toEqual(v);
    });

    it("generated TypeScript", async () => {
      mod = await compileFns({ forward: m.forward });
      expect(mod.tsc.status, mod.tsc.output).toBe(0);
      const outs = mod.run("forward", [xs, ys], { B: 1 });
      const names = m.forward.outputs.map((o) => o.name);
      for (const [k, v] of Object.entries(want)) expect([...outs[names.indexOf(k)]!], k).toEqual(v);
    }, 60_000);
  });
});

describe("comparisons of strings and bools", () => {
  const pool = `layer Pool(mode: string = "max") {
  let known = if equal(mode, "max") { true } else { equal(mode, "mean") }
  let _ = require(known, "mode must be \\"max\\" or \\"mean\\"")
  forward(x: f32[B, n]) -> f32[B] = if equal(mode, "max") { reduce_max(x, axis: 1) } else { if not_equal(mode, "mean") { x[:, 0] } else { mean(x, axis: 1) } }
}
`;
  const model = (y: string) => `${pool}model M {\n  input x: f32[B, 4]\n  output y: f32[B]\n  y = ${y}\n}\n`;

  it("equal and not_equal of two strings are compile-time bools that pick a branch", () => {
    const x = [1, 4, 2, 3];
    expectClose("max", run(compileModel(model('x |> Pool("max")')).forward, { x }, { B: 1 })["y"]!, [4]);
    expectClose("mean", run(compileModel(model('x |> Pool("mean")')).forward, { x }, { B: 1 })["y"]!, [2.5]);
    expectClose("two bools", run(compileModel(model("x[:, 0] * (if equal(true, less(2, 1)) { 10.0 } else { 1.0 })")).forward, { x }, { B: 1 })["y"]!, [1]);
  });

  it("a string outside the allowed ones fails the layer's require, at the call", () => {
    const src = model('x |> Pool("min")');
    expect(check(src).map((d) => `${d.code} ${d.message} @${textAt(src, d.span)}`)).toEqual(['DNN0216 Pool: mode must be "max" or "mean" @Pool("min")']);
  });

  it("a string compared with a tensor or a number, or ordered, is DNN0201", () => {
    const messages = (y: string) => check(model(y)).map((d) => `${d.code} ${d.message}`);
    expect(messages('equal(x[:, 0], "max")')).toEqual(["DNN0201 `equal` compares a string only with another string, found f32[B] and string"]);
    expect(messages('x[:, 0] * (if not_equal("max", 1) { 1.0 } else { 2.0 })')).toEqual(["DNN0201 `not_equal` compares a string only with another string, found string and int"]);
    expect(messages('x[:, 0] * (if less("a", "b") { 1.0 } else { 2.0 })')).toEqual(["DNN0201 `less` orders numbers; strings can only be compared with `equal` and `not_equal`"]);
  });

  it("rank gives a tensor's number of axes at compile time", () => {
    const m = compileModel(model("x[:, 0] * rank(x) + (if equal(rank(x[:, 0]), 1) { 0.5 } else { 100.0 })"));
    expectClose("rank", run(m.forward, { x: [1, 4, 2, 3] }, { B: 1 })["y"]!, [2.5]);
  });
});

describe("the library's string arguments name their allowed values (DNN0216)", () => {
  const cases: [string, string, string, string][] = [
    ["std.conv_layers.{UpSampling2D}", "f32[B, 4, 4, 2]", 'UpSampling2D(2, interpolation: "bicubic")', 'UpSampling2D: interpolation must be "nearest" or "bilinear"'],
    ["std.conv_layers.{Conv2DTranspose}", "f32[B, 4, 4, 2]", 'Conv2DTranspose(3, 3, padding: "full")', 'Conv2DTranspose: padding must be "valid" or "same"'],
    ["std.layers.{Bidirectional, LSTM}", "f32[B, 5, 4]", 'Bidirectional(LSTM(3), merge_mode: "max")', 'Bidirectional: merge_mode must be "concat", "sum", "mul" or "ave"'],
  ];
  it.each(cases)("%s: %s", (imports, type, stage, message) => {
    const src = `import ${imports}\nmodel M {\n  input x: ${type}\n  output y: f32[B, 1]\n  y = reshape(x |> ${stage}, [B, -1])[:, :1]\n}\n`;
    expect(check(src).map((d) => `${d.code} ${d.message} @${textAt(src, d.span)}`)).toEqual([`DNN0216 ${message} @${stage}`]);
  });
});
