// The layering of src/, checked (as rust-analyzer's tidy tests do): every import of every file
// is an edge between two layers, and each edge must be one docs/architecture.md allows. A new
// folder, or an import that crosses a boundary, fails here until the table (and the doc) say so.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cycles, importEdges, type Edge } from "./helpers/imports.ts";

const ROOT = join(import.meta.dirname, "..");

/** The layer of a file: its folder under src/, with a few files that are layers of their own. */
function layerOf(path: string): string {
  if (path === "src/syntax/source.ts") return "source"; // spans and line maps, below syntax and diagnostics
  if (path === "src/backend/targets.ts") return "targets"; // the registry: above every backend, which it loads
  if (path.startsWith("grammar/")) return "grammar";
  const parts = path.split("/");
  if (parts[0] !== "src") return `outside src (${path})`;
  if (parts.length === 2) return parts[1]!.replace(/\.ts$/, ""); // compiler, model, version
  if (parts[1] === "backend" && parts.length > 3) return `backend/${parts[2]}`;
  return parts[1]!;
}

// Which layers each layer may import. "type:" marks layers it may import types from only.
const ALLOWED: Record<string, readonly string[]> = {
  source: [],
  diagnostics: ["source"],
  syntax: ["grammar", "source", "diagnostics"],
  ir: [],
  check: ["source", "syntax", "diagnostics", "ir"],
  model: ["ir", "type:check"],
  autodiff: ["ir"],
  passes: ["ir"],
  step: ["source", "syntax", "ir", "check", "autodiff", "passes", "model"],
  compiler: ["source", "syntax", "diagnostics", "ir", "check", "passes", "step", "model"],
  schedule: ["ir"],
  runtime: ["schedule"],
  backend: ["ir", "schedule", "runtime", "model"],
  "backend/ts": ["backend", "ir", "schedule", "runtime", "model"],
  "backend/wgsl": ["backend", "ir", "schedule", "runtime", "model"],
  // The WebAssembly target is the TypeScript target's module with its kernels in WebAssembly.
  "backend/wasm": ["backend", "backend/ts", "ir", "schedule", "runtime", "model"],
  targets: ["model", "backend", "backend/ts", "backend/wgsl", "backend/wasm", "backend/pytorch"],
  // The PyTorch target: a Python package rendered from the IR, named as every generated module names things.
  "backend/pytorch": ["backend", "ir", "model", "version"],
  // The ONNX export: the forward IR as an ONNX graph, the weights read as the generated modules read them.
  "backend/onnx": ["ir", "runtime", "model", "version"],
  // The ONNX import: an ONNX file decoded and translated into .dnn source (the builtins' names kept free); its weights written as the generated modules write them.
  import: ["check", "runtime"],
  // PyTorch state_dicts ↔ a compiled model's parameters: the model's parameters and layer listing, the checkpoints' reader and writer.
  weights: ["runtime", "model", "type:check"],
  // The seeded order of examples is the runtime's (generated fit() shuffles and splits with it).
  data: ["runtime"],
  fit: ["data", "model", "runtime", "targets", "backend"],
  format: ["grammar", "source", "syntax", "diagnostics"],
  // A model's code lens shows the costs `dnnc compile` prints: api/stats.ts over the simplified functions (passes).
  ide: ["source", "syntax", "diagnostics", "ir", "check", "model", "compiler", "passes", "api"],
  // The diagram command (lsp/diagram.ts) answers what the API's graph() draws.
  lsp: ["source", "syntax", "diagnostics", "check", "format", "ide", "version", "api"],
  version: [],
  // `dnnc graph`: a compiled model's summary rows and unsimplified forward as a diagram (dagre lays it out);
  // --kernels elaborates a training step again (step), simplifies and fuses it as compile does (passes, schedule).
  graph: ["diagnostics", "ir", "model", "check", "passes", "schedule", "step", "type:compiler"],
  // The library's entry (src/api.ts and src/api/): the driver and a target behind plain options and results.
  api: ["source", "syntax", "diagnostics", "ir", "check", "passes", "model", "compiler", "schedule", "backend", "backend/onnx", "import", "targets", "format", "version", "weights", "graph"],
  // The bundler plugins see only the library's API, as a user's plugin would.
  plugins: ["api"],
  cli: ["*"],
};

// Edges that break the table today, each with the work that removes it. Keep this list short.
const KNOWN: readonly { from: string; to: string; why: string }[] = [];

const edges = importEdges(ROOT);
const known = (e: Edge) => KNOWN.some((k) => k.from === e.from && k.to === e.to);

/** Why `e` is not allowed, or undefined when it is. */
function violation(e: Edge): string | undefined {
  const from = layerOf(e.from);
  const to = layerOf(e.to);
  if (from === to) return undefined;
  const allowed = ALLOWED[from];
  if (!allowed) return `${e.from}: layer ${from} is not in the table`;
  if (allowed.includes("*") || allowed.includes(to)) return undefined;
  if (allowed.includes(`type:${to}`) && e.typeOnly) return undefined;
  const how = allowed.includes(`type:${to}`) ? " (types only, with `import type`)" : "";
  return `${e.from}:${e.line} imports ${e.to}: ${from} may not import ${to}${how}`;
}

describe("architecture", () => {
  it("reads the imports of every file, and each names a file that exists", () => {
    expect(edges.length).toBeGreaterThan(400);
    expect(edges.filter((e) => e.typeOnly).length).toBeGreaterThan(100);
    expect(edges.filter((e) => !existsSync(join(ROOT, e.to))).map((e) => `${e.from}:${e.line} → ${e.to}`)).toEqual([]);
  });

  it("puts every source file in a layer of the table", () => {
    const files = new Set(edges.flatMap((e) => [e.from, e.to]));
    expect([...files].filter((f) => !(layerOf(f) in ALLOWED) && layerOf(f) !== "grammar")).toEqual([]);
  });

  it("imports only across the boundaries the table allows", () => {
    expect(edges.filter((e) => !known(e)).flatMap((e) => violation(e) ?? [])).toEqual([]);
  });

  it("still needs every known exception (remove one once its import is gone)", () => {
    for (const k of KNOWN) expect(edges.some((e) => e.from === k.from && e.to === k.to && violation(e)), `${k.from} → ${k.to}`).toBe(true);
  });

  it("has no import cycle between layers", () => {
    const between = edges.filter((e) => !known(e) && layerOf(e.from) !== layerOf(e.to)).map((e) => ({ from: layerOf(e.from), to: layerOf(e.to) }));
    expect(cycles(between)).toEqual([]);
  });

  it("has no import cycle between the files of check/ (its helpers get the Elaborator as an ElabContext)", () => {
    const inCheck = edges.filter((e) => e.from.startsWith("src/check/") && e.to.startsWith("src/check/"));
    expect(cycles(inCheck)).toEqual([]);
  });

  it("flags a forbidden import, a value import of types-only layer, and a cycle", () => {
    expect(violation({ from: "src/data/batches.ts", to: "src/step/step.ts", line: 1, typeOnly: false })).toMatch(/data may not import step/);
    expect(violation({ from: "src/backend/ts/emit.ts", to: "src/compiler.ts", line: 1, typeOnly: true })).toMatch(/backend\/ts may not import compiler/);
    expect(violation({ from: "src/model.ts", to: "src/check/program.ts", line: 1, typeOnly: false })).toMatch(/types only/);
    expect(violation({ from: "src/model.ts", to: "src/check/program.ts", line: 1, typeOnly: true })).toBeUndefined();
    expect(cycles([{ from: "a", to: "b" }, { from: "b", to: "c" }, { from: "c", to: "a" }, { from: "c", to: "d" }])).toEqual([["a", "b", "c"]]);
  });
});
