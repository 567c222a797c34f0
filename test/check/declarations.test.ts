// Every place a name is declared: a second declaration of a name in one scope is one diagnostic,
// at the second declaration, with the first as its related span ("first declared here"). Before
// these checks each of them checked and compiled into a module that could not be loaded (two
// inputs, parameters or weights under one key), or rebound a `let` silently.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { ROOT, dnncIn } from "../helpers/dnnc-cli.ts";

/** `«name»` marks the second declaration (the primary span), `‹name›` the first (related). */
function marked(text: string): { src: string; second: [number, number]; first: [number, number] } {
  const src = text.replace(/[«»‹›]/g, "");
  const span = (open: string, close: string): [number, number] => {
    const plain = text.replace(open === "«" ? /[‹›]/g : /[«»]/g, "");
    const start = plain.indexOf(open);
    const end = plain.indexOf(close) - 1;
    if (start < 0 || end < start) throw new Error(`no ${open}${close} in the case`);
    // With the other pair removed, the opening marker's offset is the name's offset in `src`.
    return [start, end];
  };
  return { src, second: span("«", "»"), first: span("‹", "›") };
}

interface Case {
  code: string;
  text: string;
  message: RegExp;
}

const IMPORTS = "import std.losses.{mse}\nimport std.optimizers.{sgd}\n";
const train = (model: string, body: string) => `${IMPORTS}${model}\ntrain M {\n${body}\n  loss = mse(y, t)\n  optimizer = sgd()\n}\n`;
const M = (items: string) => `model M {\n${items}\n}\n`;

const cases: Record<string, Case> = {
  "model: an input declared twice": {
    code: "DNN0407", message: /`x` is declared twice in model M: it is already an input$/,
    text: M("  input ‹x›: f32[B, 4]\n  input «x»: f32[B, 4]\n  output y: f32[B, 4]\n  y = x"),
  },
  "model: an output declared twice": {
    code: "DNN0407", message: /`y` is declared twice in model M: it is already an output$/,
    text: M("  input x: f32[B, 4]\n  output ‹y›: f32[B, 4]\n  output «y»: f32[B, 4]\n  y = x"),
  },
  "model: a param declared twice": {
    code: "DNN0407", message: /`w` is declared twice in model M: it is already a `param`$/,
    text: M("  input x: f32[B, 4]\n  output y: f32[B, 4]\n  param ‹w›: f32[4] = 1.0\n  param «w»: f32[4] = 2.0\n  y = x * w"),
  },
  "model: a param named like an input": {
    code: "DNN0407", message: /`x` is declared twice in model M: it is already an input$/,
    text: M("  input ‹x›: f32[B, 4]\n  output y: f32[B, 4]\n  param «x»: f32[4] = 1.0\n  y = x"),
  },
  "model: an output named like a param": {
    code: "DNN0407", message: /`w` is declared twice in model M: it is already a `param`$/,
    text: M("  input x: f32[B, 4]\n  param ‹w›: f32[4] = 1.0\n  output «w»: f32[B, 4]\n  w = x"),
  },
  "model: a let bound twice": {
    code: "DNN0407", message: /`h` is declared twice in model M: it is already a `let`$/,
    text: M("  input x: f32[B, 4]\n  output y: f32[B, 4]\n  let ‹h› = x * 2.0\n  let «h» = h + 1.0\n  y = h"),
  },
  "model: a let named like an input": {
    code: "DNN0407", message: /`x` is declared twice in model M: it is already an input$/,
    text: M("  input ‹x›: f32[B, 4]\n  output y: f32[B, 4]\n  let «x» = 2.0\n  y = x * x"),
  },
  // Only the first of each `name = value` item is read: a second one must not pass silently.
  "train block: a loss given twice": {
    code: "DNN0407", message: /`train M` gives `loss` twice$/,
    text: `${IMPORTS}${M("  input x: f32[B, 4]\n  output y: f32[B, 4]\n  y = x")}\ntrain M {\n  target t: f32[B, 4]\n  ‹loss = mse(y, t)›\n  optimizer = sgd()\n  «loss = mse(y, t) * 2.0»\n}\n`,
  },
  "train program: clip_norm given twice": {
    code: "DNN0407", message: /`train M.tune` gives `clip_norm` twice$/,
    text: `${IMPORTS}${M("  input x: f32[B, 4]\n  output y: f32[B, 4]\n  y = x")}\ntrain M.tune {\n  target t: f32[B, 4]\n  loss = mse(y, t)\n  ‹clip_norm = 1.0›\n  optimizer = sgd()\n  «clip_norm = 2.0»\n}\n`,
  },
  "train block: a target declared twice": {
    code: "DNN0412", message: /`t` is declared twice in train M: it is already a target$/,
    text: train(M("  input x: f32[B, 4]\n  output y: f32[B, 4]\n  y = x"), "  target ‹t›: f32[B, 4]\n  target «t»: f32[B, 4]"),
  },
  "train block: a target named like the model's input": {
    code: "DNN0412", message: /`x` is declared twice in train M: it is already an input of model M$/,
    text: train(M("  input ‹x›: f32[B, 4]\n  output y: f32[B, 4]\n  y = x"), "  target t: f32[B, 4]\n  target «x»: f32[B, 4]"),
  },
  "train block: a target named like the model's output": {
    code: "DNN0412", message: /`y` is declared twice in train M: it is already an output of model M$/,
    text: `${IMPORTS}${M("  input x: f32[B, 4]\n  output ‹y›: f32[B, 4]\n  y = x")}\ntrain M {\n  target «y»: f32[B, 4]\n  loss = mean(y)\n  optimizer = sgd()\n}\n`,
  },
  "train block: a let named like the model's param": {
    code: "DNN0412", message: /`w` is declared twice in train M: it is already a `param` of model M$/,
    text: train(M("  input x: f32[B, 4]\n  output y: f32[B, 4]\n  param ‹w›: f32[4] = 1.0\n  y = x * w"), "  target t: f32[B, 4]\n  let «w» = t * 2.0\n  let _u = w"),
  },
  "train block: a let bound twice": {
    code: "DNN0412", message: /`u` is declared twice in train M: it is already a `let`$/,
    text: train(M("  input x: f32[B, 4]\n  output y: f32[B, 4]\n  y = x"), "  target t: f32[B, 4]\n  let ‹u› = t\n  let «u» = u * 2.0\n  let _v = u"),
  },
  "layer: a param declared twice": {
    code: "DNN0413", message: /`w` is declared twice in layer L: it is already a `param`$/,
    text: "layer L {\n  param ‹w›: f32[n] = 1.0\n  param «w»: f32[n] = 2.0\n  forward(x: f32[B, n]) = x * w\n}\n",
  },
  "layer: a state named like a param": {
    code: "DNN0413", message: /`w` is declared twice in layer L: it is already a `param`$/,
    text: "layer L {\n  param ‹w›: f32[n] = 1.0\n  state «w»: f32[n] = 0.0\n  forward(x: f32[B, n]) = x * w\n}\n",
  },
  "layer: a param named like one of the layer's parameters": {
    code: "DNN0413", message: /`units` is declared twice in layer L: it is already a parameter$/,
    text: "layer L(‹units›: int) {\n  param «units»: f32[n] = 1.0\n  forward(x: f32[B, n]) = x * units\n}\n",
  },
  "layer: a let bound twice": {
    code: "DNN0413", message: /`k` is declared twice in layer L: it is already a `let`$/,
    text: "layer L {\n  let ‹k› = 2.0\n  let «k» = k * 2.0\n  forward(x: f32[B, n]) = x * k\n}\n",
  },
  "layer: a parameter listed twice": {
    code: "DNN0217", message: /`units` is declared twice in the parameters of layer L: it is already a parameter$/,
    text: "layer L(‹units›: int, «units»: int) {\n  forward(x: f32[B, n]) = x * units\n}\n",
  },
  "layer: a forward parameter listed twice": {
    code: "DNN0217", message: /`x` is declared twice in the parameters of the forward of layer L: it is already a parameter$/,
    text: "layer L {\n  forward(‹x›: f32[B, n], «x»: f32[B, n]) = x\n}\n",
  },
  "layer: a let of the forward bound twice": {
    code: "DNN0413", message: /`h` is declared twice in the forward of layer L: it is already a `let`$/,
    text: "layer L {\n  forward(x: f32[B, n]) {\n    let ‹h› = x * 2.0\n    let «h» = h + 1.0\n    h\n  }\n}\n",
  },
  "layer: a let of the forward named like its input": {
    code: "DNN0413", message: /`x` is declared twice in the forward of layer L: it is already a parameter$/,
    text: "layer L {\n  forward(‹x›: f32[B, n]) {\n    let «x» = 2.0\n    x\n  }\n}\n",
  },
  "fn: a parameter listed twice": {
    code: "DNN0217", message: /`a` is declared twice in the parameters of fn f: it is already a parameter$/,
    text: "fn f(‹a›: f32[B, 4], «a»: f32[B, 4]) = a\n",
  },
  "fn: a let rebinding a parameter": {
    code: "DNN0413", message: /`a` is declared twice in fn f: it is already a parameter$/,
    text: "fn f(‹a›: f32[B, 4]) {\n  let «a» = 2.0\n  a\n}\n",
  },
  "fn: a let bound twice in an if branch": {
    code: "DNN0413", message: /`h` is declared twice in an `if` branch: it is already a `let`$/,
    text: "fn f(a: f32[B, 4], twice: bool) = if twice {\n  let ‹h› = a * 2.0\n  let «h» = h * 2.0\n  h\n} else { a }\n",
  },
  "init: a parameter listed twice": {
    code: "DNN0217", message: /`scale` is declared twice in the parameters of init i: it is already a parameter$/,
    text: "init i(‹scale›: float, «scale»: float) = scale\n",
  },
  "init: a let bound twice": {
    code: "DNN0413", message: /`s` is declared twice in init i: it is already a `let`$/,
    text: "init i(scale: float) {\n  let ‹s› = scale\n  let «s» = s * 2.0\n  s\n}\n",
  },
  "optimizer: a parameter listed twice": {
    code: "DNN0217", message: /`lr` is declared twice in the parameters of optimizer o: it is already a parameter$/,
    text: "optimizer o(‹lr›: float, «lr»: float) {\n  update(p, g) {\n    p = p - lr * g\n  }\n}\n",
  },
  "optimizer: a state declared twice": {
    code: "DNN0413", message: /`v` is declared twice in optimizer o: it is already a state$/,
    text: "optimizer o(lr: float) {\n  state ‹v› = 0.0\n  state «v» = 1.0\n  update(p, g) {\n    v = v + g\n    p = p - lr * v\n  }\n}\n",
  },
  "optimizer: a state named like a parameter": {
    code: "DNN0413", message: /`lr` is declared twice in optimizer o: it is already a parameter$/,
    text: "optimizer o(‹lr›: float) {\n  state «lr» = 0.0\n  update(p, g) {\n    p = p - lr * g\n  }\n}\n",
  },
  "optimizer: an update parameter listed twice": {
    code: "DNN0217", message: /`g` is declared twice in the parameters of the update of optimizer o: it is already a parameter$/,
    text: "optimizer o(lr: float) {\n  update(p, ‹g›, «g») {\n    p = p - lr * g\n  }\n}\n",
  },
  "optimizer: a let of the update bound twice": {
    code: "DNN0413", message: /`step` is declared twice in the update of optimizer o: it is already a `let`$/,
    text: "optimizer o(lr: float) {\n  update(p, g) {\n    let ‹step› = lr * g\n    let «step» = step * 2.0\n    p = p - step\n  }\n}\n",
  },
  "top level: a layer named like a fn": {
    code: "DNN0104", message: /`f` is defined twice$/,
    text: "fn ‹f›(x: f32[B, 4]) = x\nlayer «f» {\n  forward(x: f32[B, n]) = x\n}\n",
  },
};

describe("a name declared twice is one diagnostic with both places", () => {
  it.each(Object.entries(cases))("%s", (_name, c) => {
    const { src, second, first } = marked(c.text);
    const ds = compile("decls.dnn", src).diagnostics;
    expect(ds.map((d) => `${d.code} ${d.message}`)).toHaveLength(1);
    const d = ds[0]!;
    expect(d.code).toBe(c.code);
    expect(d.message).toMatch(c.message);
    expect([d.span.start, d.span.end]).toEqual(second);
    expect(d.related.map((r) => [r.span.start, r.span.end, r.message])).toEqual([[...first, c.code === "DNN0104" ? "first defined here" : "first declared here"]]);
  });

  it("lets a nested block reuse an outer name, and binds `_` any number of times", () => {
    const src = [
      "layer L(units: int) {",
      "  param w: f32[n, units] = 0.1",
      "  let _ = require(greater(units, 0), \"units must be at least 1\")",
      "  let _ = require(less(units, 100), \"units must be below 100\")",
      "  forward(x: f32[B, n]) {",
      "    let w2 = if true { let w = 2.0\n w } else { 1.0 }",
      "    let units = x @ w",
      "    units * w2",
      "  }",
      "}",
      "model M {",
      "  input x: f32[B, 4]",
      "  output y: f32[B, 3]",
      "  y = x |> L(3)",
      "}",
    ].join("\n");
    expect(compile("nested.dnn", src).diagnostics).toEqual([]);
  });

  it("reports each duplicate of a file, and the first binding of a rebound let is not also unused", () => {
    const src = M("  input x: f32[B, 4]\n  input x: f32[B, 4]\n  output y: f32[B, 4]\n  param w: f32[4] = 1.0\n  param w: f32[4] = 1.0\n  let h = 1.0\n  let h = 2.0\n  y = x * w * h");
    expect(compile("many.dnn", src).diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      "DNN0407 `x` is declared twice in model M: it is already an input",
      "DNN0407 `w` is declared twice in model M: it is already a `param`",
      "DNN0407 `h` is declared twice in model M: it is already a `let`",
    ]);
  });
});

describe("dnnc on a duplicate declaration (the real executable)", () => {
  const dir = mkdtempSync(join(tmpdir(), "dnnc-decls-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("`compile` exits 1 with the diagnostic and writes no module that could not be loaded", () => {
    const { src } = marked(cases["train block: a target named like the model's input"]!.text);
    writeFileSync(join(dir, "dup.dnn"), src);
    const out = join(dir, "out");
    const r = dnncIn(ROOT, 60_000, "compile", join(dir, "dup.dnn"), "--target", "ts", "--out", out);
    expect(r.status).toBe(1);
    expect(r.stderr + r.stdout).toContain("error[DNN0412]: `x` is declared twice in train M: it is already an input of model M");
    expect(r.stderr + r.stdout).toContain("first declared here");
    expect(() => readdirSync(out)).toThrow();
  }, 60_000);
});
