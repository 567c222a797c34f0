// Named training programs, `train M.name { … }` with `trainable = …` (decision 0015), in the
// front end: the syntax (parsed, formatted and formatted again unchanged), the checker's errors
// (DNN0407 for a program named twice, DNN0415 for an empty trainable set, DNN0416 for names the
// generated API cannot carry, DNN0201 for what is not a trainable parameter), and the step each
// program compiles to: gradients, states and updates for its trainable set only, its states
// named after it, its own step count.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { parse } from "../../src/syntax/parse.ts";
import { format } from "../../src/format/format.ts";
import { FINITE_OUTPUT } from "../../src/model.ts";
import type { TrainDecl } from "../../src/syntax/ast.ts";
import { analyse } from "../../src/ide/analysis.ts";
import { outline } from "../../src/ide/outline.ts";

const MODEL = `import std.layers.{Dense}
import std.losses.{mse}
import std.optimizers.{adam, sgd}

model M {
  input x: f32[B, 4]
  output y: f32[B, 2]
  y = x |> Dense(3, activation: tanh) |> frozen(Dense(3)) |> Dense(2)
}
`;
const train = (head: string, body: string) => `\n${head} {\n  target t: f32[B, 2]\n${body}\n  loss = mse(y, t)\n  optimizer = adam()\n}\n`;

const diagnostics = (text: string) => compile("/m/programs.dnn", text).diagnostics.map((d) => ({ code: d.code, at: text.slice(d.span.start, d.span.end), message: d.message }));
const compiled = (text: string) => {
  const c = compile("/m/programs.dnn", text);
  expect(c.diagnostics).toEqual([]);
  return c.models[0]!;
};

describe("syntax", () => {
  it("parses `train M.name` and `trainable = …` into the train block", () => {
    const { ast, diagnostics: ds } = parse("/m/p.dnn", "train M.head {\n  trainable = params(\"dense_1.*\")\n  loss = mean(y)\n}\ntrain M {\n  loss = mean(y)\n}\n");
    expect(ds).toEqual([]);
    const [named, plain] = ast.decls.filter((d): d is TrainDecl => d.kind === "train");
    if (!named || !plain) throw new Error("expected two train blocks");
    expect([named.model.name, named.program?.name, named.trainable !== undefined]).toEqual(["M", "head", true]);
    expect([plain.program, plain.trainable]).toEqual([undefined, undefined]);
  });

  it("formats them in the house style, and formatting again changes nothing", () => {
    const messy = 'train   M . head{\ntrainable=params( "dense_1.*" )\nloss=mean(y)\n}\n';
    const once = format("/m/p.dnn", messy).text;
    expect(once).toBe('train M.head {\n  trainable = params("dense_1.*")\n  loss = mean(y)\n}\n');
    expect(format("/m/p.dnn", once).text).toBe(once);
  });

  it("keeps `trainable` an ordinary name outside a train block", () => {
    expect(diagnostics(`model M {\n  input trainable: f32[B, 2]\n  output y: f32[B, 2]\n  y = trainable * 2.0\n}\n`)).toEqual([]);
  });
});

describe("the editor", () => {
  it("reports what dnnc check reports, and outlines each program under its model's name with the program's", () => {
    const text = MODEL + train("train M", "") + train("train M.head", "") + train("train M.head", "");
    const a = analyse("/m/programs.dnn", text);
    expect(a.diagnostics).toEqual(compile("/m/programs.dnn", text).diagnostics);
    expect(outline(a).filter((i) => i.kind === "train").map((i) => [i.name, i.detail])).toEqual([["M", undefined], ["M", "program head"], ["M", "program head"]]);
  });

  it("re-analyses a model when one of its named programs changes", () => {
    const before = analyse("/m/programs.dnn", MODEL + train("train M", "") + train("train M.head", "  trainable = params(\"dense_2.*\")"));
    expect(before.diagnostics).toEqual([]);
    const after = analyse("/m/programs.dnn", MODEL + train("train M", "") + train("train M.head", "  trainable = []"), undefined, before);
    expect(after.diagnostics.map((d) => d.code)).toEqual(["DNN0415"]);
  });
});

describe("errors", () => {
  it("DNN0407: a program name used twice, at the second; two unnamed blocks as before", () => {
    expect(diagnostics(MODEL + train("train M.head", "") + train("train M.head", ""))).toEqual([{ code: "DNN0407", at: "head", message: "`M` already has a train program `head`" }]);
    expect(diagnostics(MODEL + train("train M", "") + train("train M", "")).map((d) => d.code)).toEqual(["DNN0407"]);
    expect(diagnostics(MODEL + train("train M", "") + train("train M.head", "") + train("train M.body", ""))).toEqual([]);
  });

  it("DNN0415: an empty trainable set", () => {
    expect(diagnostics(MODEL + train("train M.none", "  trainable = []"))).toEqual([{ code: "DNN0415", at: "[]", message: "train M.none trains no parameter: its `trainable` list is empty" }]);
  });

  it("DNN0201: a trainable set of anything but trainable parameters", () => {
    expect(diagnostics(MODEL + train("train M.odd", "  trainable = [x]"))).toEqual([{ code: "DNN0201", at: "[x]", message: expect.stringMatching(/lists the parameters this program trains, found f32\[B, 4\]/) }]);
    expect(diagnostics(MODEL + train("train M.odd", "  trainable = 2.0")).map((d) => d.code)).toEqual(["DNN0201"]);
    // A frozen layer's parameter is no program's: params() leaves it out, and naming it is an error.
    expect(diagnostics(MODEL + train("train M.odd", "  trainable = params(\"dense_1.*\")"))).toEqual([{ code: "DNN0106", at: '"dense_1.*"', message: 'no trainable parameter matches "dense_1.*"' }]);
  });

  it.each([
    ["step", /would be `trainStep`, the default program's/],
    ["Step", /would be `trainStep`/],
  ])("DNN0416: a program named %s", (name, why) => {
    expect(diagnostics(MODEL + train(`train M.${name}`, ""))).toEqual([{ code: "DNN0416", at: name, message: expect.stringMatching(why) }]);
  });

  it("DNN0416: two programs whose methods would be one, and a batch interface another export has", () => {
    expect(diagnostics(MODEL + train("train M.head", "") + train("train M.Head", ""))).toEqual([{ code: "DNN0416", at: "Head", message: expect.stringMatching(/`trainHead` and `evaluateHead`, as program `head`'s/) }]);
    const other = "model MHead {\n  input x: f32[B, 2]\n  output y: f32[B, 2]\n  y = x\n}\n";
    expect(diagnostics(MODEL + other + train("train M.head", ""))).toEqual([{ code: "DNN0416", at: "head", message: expect.stringMatching(/`MHeadBatch` would be model `MHead`'s interface `MHeadBatch`/) }]);
  });
});

describe("the step of a named program", () => {
  const m = compiled(MODEL + train("train M.head", '  trainable = params("dense_2.*")') + train("train M.all", "") + "\ntrain M.plain {\n  target t: f32[B, 2]\n  loss = mse(y, t)\n  optimizer = sgd(lr: 0.1)\n}\n");
  const program = (name: string) => m.programs!.find((p) => p.name === name)!;

  it("takes every parameter and returns those outside its trainable set as they came in", () => {
    const fn = program("head").train.fn;
    expect(fn.args.filter((a) => a.role === "param").map((a) => a.name)).toEqual(m.params.map((p) => p.name));
    for (const p of m.params) {
      const out = fn.nodes[fn.outputs.find((o) => o.name === p.name)!.id]!;
      const unchanged = out.op === "arg" && fn.args[out.index]!.name === p.name;
      expect([p.name, unchanged]).toEqual([p.name, !p.name.startsWith("dense_2.")]);
    }
    expect(fn.outputs.at(-1)!.name).toBe(FINITE_OUTPUT);
  });

  it("has states for its trainable set only, named after it, its step count first", () => {
    expect(program("head").train.states.map((s) => s.name)).toEqual(["head/step", "head/lr", ...["dense_2.kernel", "dense_2.bias"].flatMap((p) => [`head/${p}/adam.m`, `head/${p}/adam.v`])]);
    // Without `trainable`: every trainable parameter, the frozen layer's left out.
    expect(program("all").train.states.filter((s) => s.name.endsWith("adam.m")).map((s) => s.name)).toEqual(["dense", "dense_2"].flatMap((l) => [`all/${l}.kernel/adam.m`, `all/${l}.bias/adam.m`]));
    // SGD reads no step number: no step count.
    expect(program("plain").train.states.map((s) => s.name)).toEqual(["plain/lr", ...["dense", "dense_2"].flatMap((l) => [`plain/${l}.kernel/sgd.velocity`, `plain/${l}.bias/sgd.velocity`])]);
    expect(program("head").train.fn.args.some((a) => a.role === "step")).toBe(false);
  });

  it("initialises every program's states, after the parameters", () => {
    const names = m.init.outputs.map((o) => o.name);
    expect(names.slice(0, m.params.length)).toEqual(m.params.map((p) => p.name));
    expect(names.slice(m.params.length)).toEqual(m.programs!.flatMap((p) => p.train.states.map((s) => s.name)));
  });

  it("has an evaluate function of its own: parameters and its targets in, the loss out", () => {
    const fn = program("head").evaluate!;
    expect(fn.args.map((a) => a.role)).not.toContain("state");
    expect(fn.outputs.map((o) => o.name)).toEqual(["loss"]);
  });
});
