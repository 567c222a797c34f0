// The checker: each mistake yields exactly one diagnostic, with the right code and span.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";

interface Case {
  src: string;
  code: string;
  at: string; // "line:col" of the primary span, 1-based
  text: string; // the primary span's text
  message: RegExp;
  hint?: RegExp;
}

const model = (body: string, imports = "import std.layers.{Dense}") => `${imports}\nmodel M {\n  input x: f32[B, 8]\n${body}\n}\n`;

const cases: Record<string, Case> = {
  "wrong output width after two Dense": {
    src: model("  output y: f32[B, 4]\n  y = x |> Dense(3) |> Dense(5)"),
    code: "DNN0301", at: "5:7", text: "x |> Dense(3) |> Dense(5)", message: /expects f32\[B, 4\], found f32\[B, 5\]/,
  },
  "misspelt import": {
    src: model("  output y: f32[B, 8]\n  y = x", "import std.layers.{Dence}"),
    code: "DNN0103", at: "1:20", text: "Dence", message: /`Dence` is not defined in `std.layers`/, hint: /did you mean `Dense`/,
  },
  "unknown module": {
    src: model("  output y: f32[B, 8]\n  y = x", "import std.layer.{Dense}"),
    code: "DNN0102", at: "1:8", text: "std.layer", message: /no module `std.layer`/, hint: /std.layers/,
  },
  "misspelt named argument": {
    src: model("  output y: f32[B, 4]\n  y = x |> Dense(4, activaton: relu)"),
    code: "DNN0203", at: "5:21", text: "activaton", message: /has no parameter `activaton`/, hint: /rename it to `activation`/,
  },
  "missing argument": {
    src: model("  output y: f32[B, 4]\n  y = x |> Dense()"),
    code: "DNN0204", at: "5:12", text: "Dense()", message: /needs an argument for `units`/,
  },
  "too many arguments": {
    src: model("  output y: f32[B, 4]\n  y = x |> Dense(4, relu, true, 3)"),
    code: "DNN0205", at: "5:33", text: "3", message: /takes 3 arguments/,
  },
  "argument of the wrong kind": {
    src: model("  output y: f32[B, 4]\n  y = x |> Dense(4, activation: 3)"),
    code: "DNN0201", at: "5:33", text: "3", message: /`activation` of layer Dense must be a fn, found int/,
  },
  "integer tensor into Dense": {
    src: "import std.layers.{Dense}\nmodel M {\n  input x: i32[B, 8]\n  output y: f32[B, 4]\n  y = x |> Dense(4)\n}\n",
    code: "DNN0201", at: "5:12", text: "Dense(4)", message: /Dense expects f32\[\.\.\., in\] for `x`, found i32\[B, 8\]/,
  },
  "matmul inner dimensions": {
    src: model("  output y: f32[B, 8]\n  let a = x @ x\n  y = relu(a) + 1.0"),
    code: "DNN0304", at: "5:13", text: "@", message: /left operand \(8\) to equal the second-to-last of the right \(B\)/,
  },
  "shapes that do not broadcast": {
    src: model("  param w: f32[3] = [1.0, 2.0, 3.0]\n  output y: f32[B, 8]\n  y = x + w"),
    code: "DNN0303", at: "6:9", text: "+", message: /shapes \[B, 8\] and \[3\] do not broadcast/,
  },
  "ragged array literal": {
    src: model("  param w: f32[8, 2] = [[1.0, 2.0], [3.0]]\n  output y: f32[B, 2]\n  y = x @ w"),
    code: "DNN0306", at: "4:24", text: "[[1.0, 2.0], [3.0]]", message: /rectangular/,
  },
  "literal of the wrong shape": {
    src: model("  param w: f32[8, 2] = [[1.0, 2.0], [3.0, 4.0]]\n  output y: f32[B, 2]\n  y = x @ w"),
    code: "DNN0301", at: "4:24", text: "[[1.0, 2.0], [3.0, 4.0]]", message: /has shape \[2, 2\], but `w` is declared f32\[8, 2\]/,
  },
  "unknown name": {
    src: model("  output y: f32[B, 8]\n  y = rleu(x)"),
    code: "DNN0101", at: "5:7", text: "rleu", message: /unknown name `rleu`/, hint: /did you mean `relu`/,
  },
  "output never assigned": {
    src: model("  output y: f32[B, 4]"),
    code: "DNN0401", at: "4:10", text: "y", message: /output `y` is never assigned/,
  },
  "assignment to a non-output": {
    src: model("  output y: f32[B, 8]\n  y = x\n  z = x"),
    code: "DNN0404", at: "6:3", text: "z", message: /`z` is not a declared output/,
  },
  "loss that is not a scalar": {
    src: model("  output y: f32[B, 8]\n  y = x * 2.0", "import std.optimizers.{sgd}") + "train M {\n  target t: f32[B, 8]\n  loss = y - t\n  optimizer = sgd()\n}\n",
    code: "DNN0402", at: "9:10", text: "y - t", message: /loss must be an f32 scalar \(f32\[\]\), found f32\[B, 8\]/, hint: /mean/,
  },
  "train block without optimizer": {
    src: model("  output y: f32[B, 8]\n  y = x", "") + "train M {\n  loss = mean(y)\n}\n",
    code: "DNN0403", at: "7:7", text: "M", message: /has no `optimizer = …`/,
  },
  "train block for an unknown model": {
    src: model("  output y: f32[B, 8]\n  y = x", "import std.optimizers.{sgd}") + "train N {\n  loss = mean(y)\n  optimizer = sgd()\n}\n",
    code: "DNN0105", at: "7:7", text: "N", message: /no model `N`/, hint: /did you mean `M`/,
  },
  "duplicate definition": {
    src: model("  output y: f32[B, 8]\n  y = x", "") + "model M {\n  input x: f32[B, 1]\n}\n",
    code: "DNN0104", at: "7:7", text: "M", message: /`M` is defined twice/,
  },
  "index out of range": {
    src: model("  output y: f32[B]\n  y = x[:, 8]"),
    code: "DNN0305", at: "5:12", text: "8", message: /index 8 is out of range for a dimension of size 8/,
  },
  "axis out of range": {
    src: model("  output y: f32[B]\n  y = sum(x, axis: 2)"),
    code: "DNN0305", at: "5:20", text: "2", message: /axis 2 is out of range/,
  },
  "unknown element type": {
    src: "model M {\n  input x: f64[B, 8]\n  output y: f32[B, 8]\n  y = x\n}\n",
    code: "DNN0208", at: "2:12", text: "f64", message: /unknown element type `f64`/,
  },
  "let that is never used (a warning)": {
    src: model("  output y: f32[B, 4]\n  let h = x |> Dense(16, activation: relu)\n  y = x |> Dense(4)"),
    code: "DNN0406", at: "5:7", text: "h", message: /`h` is never used/, hint: /rename it to `_h`/,
  },
  "reshape to a different size": {
    src: model("  output y: f32[B, 3, 3]\n  y = reshape(x, [B, 3, 3])"),
    code: "DNN0301", at: "5:18", text: "[B, 3, 3]", message: /cannot reshape \[B, 8\] to \[B, 3, 3\]/,
  },
};

describe("one mistake, one diagnostic", () => {
  it.each(Object.entries(cases))("%s", (name, c) => {
    const result = compile(`${name.replace(/\W+/g, "_")}.dnn`, c.src);
    const ds = result.diagnostics;
    expect(ds.map((d) => `${d.code}: ${d.message}`)).toHaveLength(1);
    const d = ds[0]!;
    expect(d.code).toBe(c.code);
    expect(d.message).toMatch(c.message);
    if (c.hint) expect(d.hint).toMatch(c.hint);
    const src = result.program.sources.get(d.span.file)!;
    const pos = src.position(d.span.start);
    expect(`${pos.line + 1}:${pos.character + 1}`).toBe(c.at);
    expect(src.text.slice(d.span.start, d.span.end)).toBe(c.text);
  });
});

describe("clean programs", () => {
  it("every stdlib definition and sample checks clean", async () => {
    const { readdirSync } = await import("node:fs");
    for (const dir of ["stdlib", "samples"])
      for (const f of readdirSync(dir).filter((x) => x.endsWith(".dnn"))) expect(compile(`${dir}/${f}`).diagnostics, `${dir}/${f}`).toEqual([]);
  });

  it("names layer instances the way Keras does", () => {
    const c = compile("m.dnn", model("  output y: f32[B, 2]\n  y = x |> Dense(4) |> Dense(3) |> Dense(2)"));
    expect(c.models[0]!.params.map((p) => `${p.name}${JSON.stringify(p.shape)}`)).toEqual([
      "dense.kernel[8,4]", "dense.bias[4]", "dense_1.kernel[4,3]", "dense_1.bias[3]", "dense_2.kernel[3,2]", "dense_2.bias[2]",
    ]);
  });
});

describe("unused bindings (DNN0406)", () => {
  const warnings = (src: string) => compile("unused.dnn", src).diagnostics.map((d) => `${d.severity}[${d.code}] ${d.message}`);

  it("counts a model's let as used when only the train block reads it", () => {
    const src = model("  output y: f32[B, 4]\n  let h = x |> Dense(4)\n  y = relu(h)\n  let act = h ^ 2", "import std.layers.{Dense}\nimport std.optimizers.{sgd}") +
      "train M {\n  let penalty = 0.01 * mean(act)\n  loss = mean(y) + penalty\n  optimizer = sgd()\n}\n";
    expect(warnings(src)).toEqual([]);
  });

  it("counts a let read only in a type as used", () => {
    const src = "layer Wide(units: int) {\n  let hidden = 2 * units\n  param w: f32[n, hidden] = 0.1\n  forward(x: f32[B, n]) -> f32[B, hidden] = x @ w\n}\n" +
      model("  output y: f32[B, 8]\n  let k = 8\n  let z: f32[B, k] = x\n  y = z |> Wide(4)", "");
    expect(warnings(src)).toEqual([]);
  });

  it("exempts names that start with `_`", () => {
    expect(warnings(model("  output y: f32[B, 8]\n  let _debug = x * 2.0\n  y = x", ""))).toEqual([]);
  });

  it("reports lets in functions, initializers, layer forwards, if branches and train blocks", () => {
    const src = [
      "import std.optimizers.{sgd}",
      "fn f(x) {\n  let a = x * 2.0\n  x\n}",
      "init i() {\n  let b = fan_in\n  rand_uniform()\n}",
      "layer L {\n  param w: f32[] = i()\n  forward(x) {\n    let c = x\n    if true { let d = 1.0\n      x * w } else { x }\n  }\n}",
      "model M {\n  input x: f32[B, 8]\n  output y: f32[B, 8]\n  y = f(x) |> L()\n}",
      "train M {\n  let e = 1.0\n  loss = mean(y)\n  optimizer = sgd()\n}",
    ].join("\n");
    expect(warnings(src)).toEqual(["a", "b", "c", "d", "e"].map((n) => `warning[DNN0406] \`${n}\` is never used`));
  });

  it("reports a let bound twice as that (DNN0407), not its first binding as unused too", () => {
    const src = model("  output y: f32[B, 8]\n  let h = x * 2.0\n  let h = x * 3.0\n  let g = x\n  let g = g + 1.0\n  y = h + g", "");
    const ds = compile("shadow.dnn", src).diagnostics;
    expect(ds.map((d) => `${d.code} ${src.slice(0, d.span.start).split("\n").length}`)).toEqual(["DNN0407 6", "DNN0407 8"]);
  });

  it("stays quiet after a syntax error", () => {
    const ds = compile("broken.dnn", model("  output y: f32[B, 8]\n  let h = x * 2.0\n  y = (h +", "")).diagnostics;
    expect(ds.map((d) => d.code).filter((c) => c === "DNN0406")).toEqual([]);
  });
});
