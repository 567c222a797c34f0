// The everyday mistakes of issue 23, each reported as one diagnostic (or with the helpful one
// first) whose hint is the fix. Each case also checks that applying the hint's fix compiles.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";

const check = (text: string) => compile("mistake.dnn", text).diagnostics;

const model = (body: string, imports = "import std.layers.{Dense}\n") => `${imports}
model M {
  input  x: f32[B, 64]
  output logits: f32[B, 10]
${body}
}
`;

const TRAIN = `
import std.losses.{sparse_cross_entropy}
import std.optimizers.{adam}
train M {
  loss = sparse_cross_entropy(logits, y)
  optimizer = adam(lr: 0.001)
}
`;

describe("everyday mistakes get one helpful diagnostic", () => {
  it("a wildcard import: one error, the import to write, and no unknown names after it", () => {
    const ds = check(model("  logits = x |> Dense(32, activation: relu) |> Dense(10)", "import std.layers.*\n"));
    expect(ds.map((d) => d.code)).toEqual(["DNN0109"]);
    expect(ds[0]!.message).toMatch(/wildcard imports are not supported/);
    expect(ds[0]!.hint).toBe("write `import std.layers.{Dense}`");
    expect(check(model("  logits = x |> Dense(32, activation: relu) |> Dense(10)", "import std.layers.{Dense}\n"))).toEqual([]);
  });

  it("a wildcard import lists every name of the module the file uses, in order of use", () => {
    const text = `import std.layers.*
model M {
  input  x: f32[B, 28, 28, 1]
  output logits: f32[B, 10]
  logits = x |> Conv2D(8, kernel_size: 3) |> Flatten() |> Dense(10)
}
`;
    const ds = check(text);
    expect(ds.map((d) => d.code)).toEqual(["DNN0109"]);
    expect(ds[0]!.hint).toBe("write `import std.layers.{Conv2D, Flatten, Dense}`");
  });

  it("`import std.*`: one error, one import per stdlib module the file uses", () => {
    const ds = check(model("  logits = x |> Dense(10, activation: softmax)", "import std.*\n") + TRAIN.replace(/import .*\n/g, "").replace("train M {\n", "train M {\n  target y: i32[B]\n"));
    expect(ds.map((d) => d.code)).toEqual(["DNN0109"]);
    expect(ds[0]!.hint).toBe(
      "write `import std.layers.{Dense}` and `import std.activations.{softmax}` and `import std.losses.{sparse_cross_entropy}` and `import std.optimizers.{adam}`",
    );
  });

  it("a parse error that skips a line does not make the names used there 'never used'; errors come first", () => {
    const ds = check(model("  let h = x |> Dense(32)\n  let z = h ) (\n  logits = h |> Dense(10)"));
    expect(ds.map((d) => d.code)).toEqual(["DNN0002"]);
    expect(ds.some((d) => d.code === "DNN0406")).toBe(false);
  });

  it("errors are reported before warnings, whatever their positions", () => {
    // An unused `let` on line 5 and a type error after it: the error is listed first.
    const ds = check(model("  let unused = x |> Dense(3)\n  logits = x |> Dense(11)"));
    expect(ds.map((d) => d.severity)).toEqual(["error", "warning"]);
    expect(ds[1]!.code).toBe("DNN0406");
    expect(ds[0]!.span.start).toBeGreaterThan(ds[1]!.span.start);
  });

  it("a stdlib name that was not imported: the module that has it and the import to add", () => {
    const ds = check(model("  logits = x |> Dense(10)", ""));
    expect(ds.map((d) => d.code)).toEqual(["DNN0101"]);
    expect(ds[0]!.hint).toBe("`Dense` is in std.layers: add `import std.layers.{Dense}`");
  });

  it("a stdlib name missing from an existing import of its module: that import with the name added", () => {
    const ds = check(model("  logits = x |> Dropout(0.5) |> Dense(10)"));
    expect(ds.map((d) => d.code)).toEqual(["DNN0101"]);
    expect(ds[0]!.hint).toBe("`Dropout` is in std.layers: add it to the import: `import std.layers.{Dense, Dropout}`");
    expect(check(model("  logits = x |> Dropout(0.5) |> Dense(10)", "import std.layers.{Dense, Dropout}\n"))).toEqual([]);
  });

  it.each([
    ["True", "did you mean `true`? (`true` and `false` are written in lower case)"],
    ["False", "did you mean `false`? (`true` and `false` are written in lower case)"],
    ["None", "there is no `None`: leave the argument out to use its default"],
  ])("`%s` is given the .dnn spelling", (literal, hint) => {
    const ds = check(model(`  logits = x |> Dense(10, use_bias: ${literal})`));
    expect(ds.map((d) => d.code)).toEqual(["DNN0101"]);
    expect(ds[0]!.message).toBe(`unknown name \`${literal}\``);
    expect(ds[0]!.hint).toBe(hint);
  });

  it("`kernel: 3` for `kernel_size`: one error that names `kernel_size`, and no missing-argument error", () => {
    const conv = (arg: string) => `import std.layers.{Conv2D, Flatten, Dense}
model M {
  input  x: f32[B, 28, 28, 1]
  output logits: f32[B, 10]
  logits = x |> Conv2D(8, ${arg}) |> Flatten() |> Dense(10)
}
`;
    const ds = check(conv("kernel: 3"));
    expect(ds.map((d) => d.code)).toEqual(["DNN0203"]);
    expect(ds[0]!.message).toBe("layer Conv2D has no parameter `kernel`; did you mean `kernel_size`?");
    expect(ds[0]!.hint).toBe("write `kernel_size: 3`");
    expect(check(conv("kernel_size: 3"))).toEqual([]);
  });

  it("a misspelt argument of a built-in operation names the parameter it meant", () => {
    const ds = check(`model M {
  input  x: f32[B, 64]
  output y: f32[B, 8, 8]
  y = reshape(x, shap: [B, 8, 8])
}
`);
    expect(ds.map((d) => d.code)).toEqual(["DNN0203"]);
    expect(ds[0]!.message).toBe("`reshape` has no parameter `shap`; did you mean `shape`?");
    expect(ds[0]!.hint).toBe("rename it to `shape`");
  });

  it("an unknown argument that matches no parameter still leaves a missing one reported", () => {
    const ds = check(`import std.layers.{Conv2D, Flatten, Dense}
model M {
  input  x: f32[B, 28, 28, 1]
  output logits: f32[B, 10]
  logits = x |> Conv2D(8, zz: 3) |> Flatten() |> Dense(10)
}
`);
    expect(ds.map((d) => d.code).sort()).toEqual(["DNN0203", "DNN0204"]);
  });

  it("an undeclared target: declare it in the train block, not a size such as `B`", () => {
    const ds = check(model("  logits = x |> Dense(10)") + TRAIN);
    expect(ds.map((d) => d.code)).toEqual(["DNN0101"]);
    expect(ds[0]!.hint).not.toMatch(/`B`/);
    expect(ds[0]!.hint).toMatch(/^declare it in the train block, with its type: `target y: i32\[B\]`/);
    expect(check(model("  logits = x |> Dense(10)") + TRAIN.replace("train M {\n", "train M {\n  target y: i32[B]\n"))).toEqual([]);
  });

  it("a lower-case unknown name is not offered a dimension name", () => {
    const ds = check(model("  logits = x |> Dense(b)"));
    expect(ds.map((d) => d.code)).toEqual(["DNN0101"]);
    expect(ds[0]!.hint ?? "").not.toMatch(/`B`/);
  });

  it("`output y: T = …`: one error saying outputs are declared then assigned", () => {
    const text = `import std.layers.{Dense}
model M {
  input  x: f32[B, 64]
  output y: f32[B, 10] = x |> Dense(10)
}
`;
    const ds = check(text);
    expect(ds.map((d) => d.code)).toEqual(["DNN0420"]);
    expect(ds[0]!.hint).toBe("declare it as `output y: f32[B, 10]` and assign it on a line of its own: `y = …`");
    expect(text.slice(ds[0]!.span.start, ds[0]!.span.end)).toBe("= x |> Dense(10)");
    expect(check(text.replace("output y: f32[B, 10] = x |> Dense(10)", "output y: f32[B, 10]\n  y = x |> Dense(10)"))).toEqual([]);
  });

  it("an LSTM over a symbolic length: the layer needs a known length, at the user's call", () => {
    const text = `import std.layers.{LSTM, Dense}
model M {
  input  x: f32[B, T, 28]
  output logits: f32[B, 10]
  logits = x |> LSTM(64) |> Dense(10)
}
`;
    const ds = check(text);
    expect(ds.map((d) => d.code)).toEqual(["DNN0311"]);
    expect(ds[0]!.message).not.toMatch(/cannot index/);
    expect(ds[0]!.message).toMatch(/`LSTM` needs a known size for the dimension T/);
    expect(text.slice(ds[0]!.span.start, ds[0]!.span.end)).toBe("LSTM(64)");
    expect(ds[0]!.hint).toMatch(/give T a size where the input is declared/);
    expect(ds[0]!.hint).toMatch(/return_sequences: true/);
    // Both fixes the hint offers compile.
    expect(check(text.replace("f32[B, T, 28]", "f32[B, 28, 28]"))).toEqual([]);
    expect(check(text.replace("x |> LSTM(64)", "mean(x |> LSTM(64, return_sequences: true), axis: 1)"))).toEqual([]);
  });

  it("indexing a symbolic dimension in the user's own code keeps its own message", () => {
    const ds = check(`model M {
  input  x: f32[B, T, 4]
  output y: f32[B, 4]
  y = x[:, -1, :]
}
`);
    expect(ds.map((d) => d.code)).toEqual(["DNN0209"]);
    expect(ds[0]!.message).toMatch(/cannot index the symbolic dimension T/);
  });
});
