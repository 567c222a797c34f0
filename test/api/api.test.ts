// The library API (src/api.ts) as a program using dnnc would call it: files in, files out,
// diagnostics as data, nothing written or printed, no exception for a mistake in a .dnn file.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { check, compile, diagnosticsAsJson, exportFormats, exportModel, format, formatDiagnostics, importOnnx, targets, version, type Diagnostic, type ExportResult } from "../../src/api.ts";
import { safetensorsWrite } from "../../src/runtime/safetensors.ts";
import { STDLIB_DIR } from "../../src/check/modules.ts";
import { main } from "../../src/cli/main.ts";
import { VERSION } from "../../src/version.ts";

const MLP = `import std.layers.{Dense}
import std.losses.{sparse_cross_entropy}
import std.optimizers.{adam}

model Tiny {
  input  x: f32[B, 4]
  output logits: f32[B, 3]
  logits = x |> Dense(3)
}

train Tiny {
  target y: i32[B]
  loss      = sparse_cross_entropy(logits, y)
  optimizer = adam(lr: 0.01)
}
`;
// Line 8 applies a layer of 5 outputs to an output of 3: DNN0301 at 8:12.
const BROKEN = MLP.replace("Dense(3)", "Dense(5)");

const dir = mkdtempSync(join(tmpdir(), "dnnc-api-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("check", () => {
  it("a clean file: ok, no diagnostics, its models with their tensors and layer table, every file it read", () => {
    const r = check({ path: "virtual/tiny.dnn", text: MLP });
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toEqual([]);
    expect(r.models.map((m) => m.name)).toEqual(["Tiny"]);
    const [m] = r.models;
    expect(m!.inputs).toEqual([{ name: "x", dtype: "f32", shape: ["B", 4] }]);
    expect(m!.outputs).toEqual([{ name: "logits", dtype: "f32", shape: ["B", 3] }]);
    expect(m!.targets).toEqual([{ name: "y", dtype: "i32", shape: ["B"] }]);
    expect(m!.trains).toBe(true);
    expect(m!.summary).toMatch(/Total params: 15\n/);
    expect(r.inputs[0]).toBe("virtual/tiny.dnn");
    expect(r.inputs).toEqual(expect.arrayContaining(["layers", "losses", "optimizers"].map((f) => join(STDLIB_DIR, `${f}.dnn`))));
  });

  it("a shape error is data: code, title, severity, 1-based location with the line's text, related places", () => {
    const r = check({ path: "virtual/tiny.dnn", text: BROKEN });
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0]!;
    expect(d).toMatchObject({ code: "DNN0301", title: "dimension mismatch", severity: "error" });
    expect(d.message).toMatch(/expects f32\[B, 3\], found f32\[B, 5\]/);
    expect(d.location).toEqual({ file: "virtual/tiny.dnn", line: 8, column: 12, endLine: 8, endColumn: 25, offset: BROKEN.indexOf("x |> Dense(5)"), length: 13, lineText: "  logits = x |> Dense(5)" });
    expect(d.related.map((r) => `${r.location.line}:${r.location.column} ${r.message}`)).toEqual(["8:17 this is f32[B, 5]", "7:18 expected type declared here"]);
  });

  it("reads imports through readFile, and lists a missing one among its inputs (to watch for it)", () => {
    const files: Record<string, string> = { "/p/main.dnn": "import lib.{Wide}\nmodel M {\n  input x: f32[B, 2]\n  output y: f32[B, 2]\n  y = Wide(x)\n}\n", "/p/lib.dnn": "fn Wide(x: f32[...]) -> f32[...] = x * 2.0\n" };
    const readFile = vi.fn((p: string) => files[p]);
    const r = check({ path: "/p/main.dnn", readFile });
    expect(r.ok).toBe(true);
    expect(readFile).toHaveBeenCalledWith("/p/lib.dnn");
    expect(r.inputs).toEqual(["/p/main.dnn", "/p/lib.dnn"]);
    const missing = check({ path: "/p/main.dnn", readFile: (p) => (p === "/p/main.dnn" ? files[p] : undefined) });
    expect(missing.diagnostics.map((d) => d.code)).toEqual(["DNN0102"]);
    expect(missing.inputs).toContain("/p/lib.dnn");
  });

  it("a file that is not there is a diagnostic, not an exception", () => {
    const r = check({ path: join(dir, "absent.dnn") });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([["DNN0107", `cannot read ${join(dir, "absent.dnn")}: no such file`]]);
    expect(check({ path: dir }).diagnostics.map((d) => d.code)).toEqual(["DNN0108"]); // a directory
  });

  it("a call the types rule out throws a TypeError", async () => {
    expect(() => check({} as never)).toThrow(TypeError);
    await expect(compile({ path: "a.dnn", text: MLP, target: "c++" as never })).rejects.toThrow(/unknown target 'c\+\+'/);
    await expect(compile({ path: "a.dnn", text: MLP, batch: 0 })).rejects.toThrow(TypeError);
  });
});

describe("compile", () => {
  it("returns the module's files without writing them, named after the .dnn file in outDir", async () => {
    const before = readdirSync(dir);
    const r = await compile({ path: join(dir, "tiny.dnn"), text: MLP, outDir: "never-written", batch: 8 });
    expect(r.ok).toBe(true);
    expect(r.files.map((f) => [f.path, f.kind])).toEqual([["never-written/tiny.ts", "module"]]);
    expect(r.files[0]!.contents).toMatch(/^\/\/ Generated by dnnc/);
    expect(r.files[0]!.contents).toContain("export { u_Tiny as Tiny }");
    expect(r.async).toBe(false);
    expect(r.models[0]!.stats).toMatchObject({ sizes: { B: 8 }, parameters: 15 });
    expect(r.models[0]!.stats.forward.flops).toBeGreaterThan(0);
    expect(r.models[0]!.stats.trainStep!.kernels).toBeGreaterThan(r.models[0]!.stats.forward.kernels);
    expect(readdirSync(dir)).toEqual(before);
    expect(existsSync("never-written")).toBe(false);
  });

  it("emit: \"js\" returns an ES module and its declarations instead", async () => {
    const r = await compile({ path: join(dir, "tiny.dnn"), text: MLP, outDir: "never-written", emit: "js" });
    expect(r.files.map((f) => [f.path, f.kind])).toEqual([
      ["never-written/tiny.js", "module"],
      ["never-written/tiny.d.ts", "declarations"],
    ]);
    // JavaScript that Node runs as it is, exporting the model the declarations declare.
    const js = (await import(`data:text/javascript,${encodeURIComponent(r.files[0]!.contents)}`)) as Record<string, unknown>;
    expect(typeof js["Tiny"]).toBe("function");
    expect(r.files[1]!.contents).toMatch(/Tiny/);
    await expect(compile({ path: join(dir, "tiny.dnn"), text: MLP, emit: "wat" as "js" })).rejects.toThrow(TypeError);
  });

  it("defaults outDir to the file's folder; the wgsl target's shaders are sidecar files under the header", async () => {
    const r = await compile({ path: join(dir, "tiny.dnn"), text: MLP, target: "wgsl" });
    expect(r.files[0]).toMatchObject({ path: join(dir, "tiny.ts"), kind: "module" });
    expect(r.async).toBe(true);
    expect(r.sidecar).toEqual({ dir: join(dir, "tiny.wgsl"), what: "shaders", extension: "wgsl" });
    const shaders = r.files.filter((f) => f.kind === "sidecar");
    expect(shaders.length).toBeGreaterThan(3);
    for (const s of shaders) {
      expect(s.path.startsWith(join(dir, "tiny.wgsl/")) && s.path.endsWith(".wgsl")).toBe(true);
      expect(s.contents).toMatch(/^\/\/ Generated by dnnc\. Do not edit/);
    }
  });

  it("with errors: no files, no models, the diagnostics", async () => {
    const r = await compile({ path: "tiny.dnn", text: BROKEN });
    expect(r).toMatchObject({ ok: false, files: [], models: [] });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["DNN0301"]);
  });

  it("prints nothing and never exits", async () => {
    const out = vi.spyOn(process.stdout, "write");
    const err = vi.spyOn(process.stderr, "write");
    const exit = vi.spyOn(process, "exit");
    await compile({ path: "tiny.dnn", text: BROKEN });
    check({ path: join(dir, "absent.dnn") });
    format({ text: "model {" });
    expect([out.mock.calls, err.mock.calls, exit.mock.calls]).toEqual([[], [], []]);
    vi.restoreAllMocks();
  });
});

describe("format", () => {
  it("formats text, says whether it changed, and leaves text with syntax errors as it was", () => {
    const messy = "model M {\n    input x: f32[B,2]\n  output y: f32[B, 2]\n  y = x*2.0\n}\n";
    const r = format({ text: messy });
    expect(r).toMatchObject({ ok: true, changed: true, diagnostics: [] });
    expect(r.text).toBe("model M {\n  input x: f32[B, 2]\n  output y: f32[B, 2]\n  y = x * 2.0\n}\n");
    expect(format({ text: r.text })).toMatchObject({ changed: false, text: r.text });
    expect(format({ text: r.text, indent: 4 }).text).toContain("\n    input x");
    const broken = format({ text: "model M {\n  input x f32\n}\n", path: "m.dnn" });
    expect(broken).toMatchObject({ ok: false, changed: false, text: "model M {\n  input x f32\n}\n" });
    expect(broken.diagnostics[0]).toMatchObject({ code: "DNN0002", location: { file: "m.dnn", line: 2, column: 11 } });
  });

  it("reads the file without text, and says so when it cannot", () => {
    const path = join(dir, "f.dnn");
    writeFileSync(path, "model M {\ninput x: f32[B, 2]\noutput y: f32[B, 2]\ny = x\n}\n");
    expect(format({ path }).text).toContain("\n  input x");
    expect(format({ path: join(dir, "none.dnn") }).diagnostics.map((d) => d.code)).toEqual(["DNN0107"]);
  });
});

describe("diagnostics", () => {
  const ds = (): Diagnostic[] => check({ path: "tiny.dnn", text: BROKEN }).diagnostics;

  it("formatDiagnostics prints what `dnnc check` prints, from the data alone (after a JSON round trip too)", async () => {
    const path = join(dir, "broken.dnn");
    writeFileSync(path, BROKEN);
    let stderr = "";
    expect(await main(["check", path], { out: () => {}, err: (s) => void (stderr += s), color: false })).toBe(1);
    const fromApi = check({ path }).diagnostics;
    expect(formatDiagnostics(fromApi, { displayPath: (p) => p })).toBe(stderr);
    expect(formatDiagnostics(JSON.parse(JSON.stringify(fromApi)) as Diagnostic[])).toBe(stderr);
    expect(formatDiagnostics(fromApi, { color: true })).toContain("\x1b[1;31merror[DNN0301]\x1b[0m");
    expect(formatDiagnostics([])).toBe("");
  });

  it("diagnosticsAsJson is `check --json`: 0-based positions", async () => {
    let stdout = "";
    const path = join(dir, "broken.dnn");
    await main(["check", "--json", path], { out: (s) => void (stdout += s), err: () => {}, color: false });
    expect(diagnosticsAsJson(check({ path }).diagnostics)).toEqual(JSON.parse(stdout));
    expect(diagnosticsAsJson(ds())[0]).toMatchObject({ code: "DNN0301", range: { start: { line: 7, character: 11 }, end: { line: 7, character: 24 } } });
  });

  it("a hint is carried; a range over several lines keeps its end, and is underlined to the end of its first line", () => {
    const [hinted] = check({ path: "m.dnn", text: MLP.replace("x |> Dense(3)", "x |> Dense(3, activaton: relu)") }).diagnostics;
    expect(hinted).toMatchObject({ code: "DNN0203", hint: expect.stringMatching(/activation/), suggestion: "activation" });
    expect(formatDiagnostics([hinted!])).toMatch(/= hint: .*activation/);
    // The suggestion, as data, survives `check --json` and the API's JSON round trip.
    expect(diagnosticsAsJson([hinted!])[0]).toMatchObject({ suggestion: "activation" });
    expect(diagnosticsAsJson(JSON.parse(JSON.stringify([hinted])) as Diagnostic[])[0]).toMatchObject({ suggestion: "activation" });
    const long: Diagnostic = { code: "DNN0002", title: "syntax error", severity: "error", message: "m", location: { file: "a.dnn", line: 2, column: 3, endLine: 4, endColumn: 2, offset: 12, length: 20, lineText: "  abc" }, related: [] };
    expect(diagnosticsAsJson([long])[0]!.range).toEqual({ start: { line: 1, character: 2 }, end: { line: 3, character: 1 } });
    expect(formatDiagnostics([long])).toContain("2 |   abc\n  |   ^^^\n");
  });
});

describe("importOnnx", () => {
  it("dnnc's own export comes back as .dnn source and weights, and a file that is not ONNX as a diagnostic", () => {
    const onnx = exportModel({ path: "virtual/tiny.dnn", text: MLP, seed: 2 });
    const r = importOnnx({ bytes: onnx.bytes!, path: "tiny.onnx" });
    expect(r.diagnostics).toEqual([]);
    expect(r).toMatchObject({ ok: true, model: "Tiny", dnn: { name: "tiny.dnn" }, weights: { name: "tiny.safetensors" } });
    expect(r.dnn!.text).toContain("model Tiny {");
    expect(r.layers.map((l) => l.layer)).toContain("Dense");
    const broken = importOnnx({ bytes: new Uint8Array([0xff, 0xff]), path: "broken.onnx" });
    expect(broken).toMatchObject({ ok: false, layers: [] });
    expect(broken.diagnostics.map((d) => [d.code, d.title, d.location.file])).toEqual([["DNN0720", "not an ONNX model", "broken.onnx"]]);
    expect(() => importOnnx({ bytes: onnx.bytes!, path: "tiny.onnx", name: "default" })).toThrow(TypeError);
  });
});

describe("exportModel", () => {
  const TWO = `${MLP}\nmodel Other {\n  input  x: f32[B, 4]\n  output y: f32[B, 4]\n  y = relu(x)\n}\n`;
  const codes = (r: ExportResult) => r.diagnostics.map((d) => d.code);

  it("a clean file: the ONNX file's bytes, the model's name, every file it read", () => {
    const r = exportModel({ path: "virtual/tiny.dnn", text: MLP, seed: 2 });
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.model).toBe("Tiny");
    expect(new TextDecoder().decode(r.bytes!)).toContain("dense.kernel"); // the initializers keep the .dnn names
    expect(r.inputs).toContain(join(STDLIB_DIR, "layers.dnn"));
    // The same seed, the same file; another seed, other weights.
    expect(exportModel({ path: "virtual/tiny.dnn", text: MLP, seed: 2 }).bytes).toEqual(r.bytes);
    expect(exportModel({ path: "virtual/tiny.dnn", text: MLP, seed: 3 }).bytes).not.toEqual(r.bytes);
    expect(exportFormats).toEqual(["onnx"]);
  });

  it("a request it cannot meet is a diagnostic, never an exception: unknown model, none named, none at all, weights of another model", () => {
    const unknown = exportModel({ path: "virtual/two.dnn", text: TWO, model: "Tini" });
    expect(unknown.ok).toBe(false);
    expect(unknown.bytes).toBeUndefined();
    expect(unknown.diagnostics).toHaveLength(1);
    expect(unknown.diagnostics[0]).toMatchObject({ code: "DNN0105", title: "unknown model", severity: "error", message: "no model `Tini` in this file", hint: "did you mean `Tiny`?" });
    expect(unknown.diagnostics[0]!.location).toMatchObject({ file: "virtual/two.dnn", line: 1, column: 1 });
    expect(unknown.diagnostics[0]!.related.map((r) => `${r.location.line}:${r.location.column} ${r.message}`)).toEqual(["5:7 model `Tiny`", "17:7 model `Other`"]);

    expect(codes(exportModel({ path: "virtual/two.dnn", text: TWO }))).toEqual(["DNN0760"]);
    expect(exportModel({ path: "virtual/two.dnn", text: TWO, model: "Other" })).toMatchObject({ ok: true, model: "Other" });
    expect(codes(exportModel({ path: "virtual/none.dnn", text: "fn twice(x: f32[N]) = x + x\n" }))).toEqual(["DNN0761"]);

    const other = safetensorsWrite([{ name: "dense.kernel", shape: [4, 5], data: new Float32Array(20) }, { name: "dense.bias", shape: [5], data: new Float32Array(5) }], {});
    const misfit = exportModel({ path: "virtual/tiny.dnn", text: MLP, weights: other, weightsPath: "other.safetensors" });
    expect(codes(misfit)).toEqual(["DNN0762"]);
    expect(misfit.diagnostics[0]!.message).toMatch(/other\.safetensors: tensor "dense\.kernel" has shape \[4, 5\], expected \[4, 3\]/);
    expect(codes(exportModel({ path: "virtual/tiny.dnn", text: MLP, weights: new Uint8Array(3) }))).toEqual(["DNN0762"]);
    const fits = safetensorsWrite([{ name: "dense.kernel", shape: [4, 3], data: new Float32Array(12) }, { name: "dense.bias", shape: [3], data: new Float32Array(3) }], {});
    expect(exportModel({ path: "virtual/tiny.dnn", text: MLP, weights: fits }).ok).toBe(true);
  });

  it("a file with errors: its diagnostics, as check reports them, and no bytes", () => {
    const r = exportModel({ path: "virtual/tiny.dnn", text: BROKEN, model: "Tiny" });
    expect(r.ok).toBe(false);
    expect(r.bytes).toBeUndefined();
    expect(r.diagnostics).toEqual(check({ path: "virtual/tiny.dnn", text: BROKEN }).diagnostics);
  });

  it("a call the types rule out throws a TypeError", () => {
    expect(() => exportModel({ path: "virtual/tiny.dnn", text: MLP, format: "tflite" as "onnx" })).toThrow(TypeError);
    expect(() => exportModel({ path: "virtual/tiny.dnn", text: MLP, seed: 1.5 })).toThrow(TypeError);
  });
});

it("exports its version and targets", () => {
  expect(version).toBe(VERSION);
  expect(targets).toEqual(["ts", "wasm", "wgsl"]);
});
