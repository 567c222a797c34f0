// DNN0411: the public names a generated module cannot carry — model names it cannot export and a
// parameter named like safetensors' metadata — are diagnostics of the checker, with the name's
// span, from `dnnc check` (the real executable) and from the editor's analysis alike; any other
// name is fine (the generated code mangles them: test/backend/hygiene.test.ts).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { analyse } from "../../src/ide/analysis.ts";
import { dnncIn } from "../helpers/dnnc-cli.ts";

const model = (name: string, param = "w") => `model ${name} {\n  input  x: f32[B, 2]\n  output y: f32[B, 2]\n  param  ${param}: f32[2] = 1.0\n  y = x * ${param}\n}\n`;

/** The DNN0411 diagnostics of a file: message and the text under the span. */
function errors(text: string) {
  const c = compile("/m/file.dnn", text);
  return c.diagnostics.map((d) => ({ code: d.code, text: text.slice(d.span.start, d.span.end), message: d.message, hint: d.hint }));
}

const dir = mkdtempSync(join(tmpdir(), "dnnc-names-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("DNN0411: names the generated module cannot export", () => {
  it.each([
    ["then", /thenable/],
    ["default", /default export/],
    ["eval", /reserved word in JavaScript modules/],
    ["arguments", /reserved word/],
    ["class", /reserved word/],
    ["await", /reserved word/],
    ["static", /reserved word/],
    ["number", /TypeScript's own type names/],
    ["undefined", /TypeScript's own type names/],
    ["TensorSpec", /already exports `TensorSpec`/],
    ["LoadOptions", /already exports/],
    ["memoryStats", /already exports/],
  ])("model %s", (name, why) => {
    expect(errors(model(name))).toEqual([{ code: "DNN0411", text: name, message: expect.stringMatching(why), hint: expect.stringMatching(/rename the model/) }]);
  });

  it("a model named like another model's interface, pointing at that model", () => {
    const text = model("A") + model("AInputs");
    const c = compile("/m/file.dnn", text);
    expect(c.diagnostics.map((d) => [d.code, text.slice(d.span.start, d.span.end), d.related.map((r) => text.slice(r.span.start, r.span.end))])).toEqual([["DNN0411", "AInputs", ["A"]]]);
  });

  it("a parameter named __metadata__", () => {
    expect(errors(model("M", "__metadata__"))).toEqual([{ code: "DNN0411", text: "__metadata__", message: expect.stringMatching(/safetensors keeps `__metadata__`/), hint: "rename the parameter" }]);
  });

  it("a parameter named like the optimizer's learning-rate tensor, in a trained model", () => {
    const trained = (param: string) => `import std.losses.{mse}\nimport std.optimizers.{adam}\n${model("M", param)}train M {\n  target t: f32[B, 2]\n  loss = mse(y, t)\n  optimizer = adam(lr: 0.01)\n}\n`;
    expect(errors(trained("lr"))).toEqual([{ code: "DNN0411", text: "param  lr: f32[2] = 1.0", message: expect.stringMatching(/optimizer's own tensor `lr`/), hint: "rename the parameter" }]);
    expect(errors(model("M", "lr"))).toEqual([]); // untrained: no optimizer state
    expect(errors(trained("lr_scale"))).toEqual([]);
  });

  it("any other name, globals and prototype names included, is fine", () => {
    for (const name of ["Math", "Object", "Float32Array", "constructor", "__proto__", "toString", "Then", "thenable", "Default", "main", "i"]) expect(errors(model(name)), name).toEqual([]);
  });

  it("the editor reports what dnnc check reports", () => {
    const text = model("then");
    expect(analyse("/m/file.dnn", text).diagnostics).toEqual(compile("/m/file.dnn", text).diagnostics);
    expect(analyse("/m/file.dnn", text).diagnostics.map((d) => d.code)).toEqual(["DNN0411"]);
  });

  it("dnnc check and dnnc compile exit 1, naming the model, and write nothing", () => {
    const file = join(dir, "then.dnn");
    writeFileSync(file, model("then"));
    const check = dnncIn(dir, 60_000, "check", file);
    expect(check.status).toBe(1);
    expect(check.stdout + check.stderr).toContain("error[DNN0411]: `then` cannot be a model's name");
    const out = join(dir, "out");
    const comp = dnncIn(dir, 60_000, "compile", file, "--out", out);
    expect(comp.status).toBe(1);
    expect(comp.stdout + comp.stderr).toContain("DNN0411");
    expect(existsSync(join(out, "then.ts"))).toBe(false);
  }, 120_000);
});
