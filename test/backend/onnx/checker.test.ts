// ONNX's own checker (onnx.checker.check_model with full_check, which also runs ONNX's shape
// inference) on the export of every model of every sample, from Python's onnx package: Debian's
// python3-onnx, which scripts/setup-onnx.sh installs. It also reads back what the encoder wrote:
// the opset, the graph's inputs and outputs with their named dimensions, the initializers' names.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { exportModel } from "../../../src/api/export.ts";
import { runFrontEnd } from "../../../src/api/compile.ts";
import { findPatterns } from "../../../src/ir/patterns.ts";

// Every sample, and the fixture with a window of every kind (windows.test.ts).
const SOURCES = [...readdirSync("samples").filter((f) => f.endsWith(".dnn")).sort().map((f) => `samples/${f}`), "test/backend/onnx/fixtures/windows.dnn"];
const dir = mkdtempSync(join(tmpdir(), "dnnc-onnx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Debian's package is for the system Python: a python3 earlier on PATH (pyenv, a venv) may lack it. */
function pythonWithOnnx(): string {
  for (const py of ["python3", "/usr/bin/python3"]) if (spawnSync(py, ["-c", "import onnx"]).status === 0) return py;
  throw new Error("no Python with the onnx package: run scripts/setup-onnx.sh as root to install Debian's python3-onnx");
}

const CHECK = `
import json, sys, onnx
def redundant(g):
    """What the peephole pass (peephole.ts) removes, if any is left: a Transpose of a Transpose, a Reshape of a Reshape,
    an Identity other than one naming an output, a node nothing reads."""
    made = {o: n for n in g.node for o in n.output}
    read = {i for n in g.node for i in n.input} | {o.name for o in g.output}
    for n in g.node:
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                read |= {i for b in a.g.node for i in b.input}
    outputs = {o.name for o in g.output}
    return [n.name for n in g.node if (n.op_type in ("Transpose", "Reshape") and n.input[0] in made and made[n.input[0]].op_type == n.op_type)
        or (n.op_type == "Identity" and n.output[0] not in outputs) or not any(o in read for o in n.output)]
for path in sys.argv[1:]:
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
    print(json.dumps({"path": path, "opset": m.opset_import[0].version, "producer": m.producer_name,
        "inputs": [[v.name, v.type.tensor_type.elem_type, dims(v)] for v in m.graph.input],
        "outputs": [[v.name, v.type.tensor_type.elem_type, dims(v)] for v in m.graph.output],
        "initializers": sorted(t.name for t in m.graph.initializer),
        "ops": sorted(n.op_type for n in m.graph.node), "nodes": [n.name for n in m.graph.node], "redundant": redundant(m.graph)}))
`;

it("every sample's export (and the windows fixture's) passes onnx.checker, with the .dnn names and named dimensions", () => {
  const py = pythonWithOnnx();
  const expected = new Map<string, ReturnType<typeof runFrontEnd>["compilation"]["models"][number]>();
  for (const source of SOURCES)
    for (const m of runFrontEnd({ path: source }, "dce").compilation.models) {
      const path = join(dir, `${m.name}.onnx`);
      writeFileSync(path, exportModel({ path: source, model: m.name }).bytes!);
      expected.set(path, m);
    }
  const r = spawnSync(py, ["-c", CHECK, ...expected.keys()], { encoding: "utf8", timeout: 300_000 });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const reports = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { path: string; opset: number; producer: string; inputs: unknown[]; outputs: unknown[]; initializers: string[]; ops: string[]; nodes: string[]; redundant: string[] });
  expect(reports.length).toBe(expected.size);
  const elem = (d: string) => (d === "i32" ? 6 : 1);
  for (const report of reports) {
    const m = expected.get(report.path)!;
    expect(report.opset).toBe(17);
    expect(report.producer).toBe("dnnc");
    expect(report.inputs, m.name).toEqual(m.inputs.map((i) => [i.name, elem(i.dtype), i.shape]));
    expect(report.outputs, m.name).toEqual(m.outputs.map((o) => [o.name, elem(o.dtype), o.shape]));
    expect(report.redundant, m.name).toEqual([]);
    const count = (op: string) => report.ops.filter((o) => o === op).length;
    // Each convolution, pooling and mean patterns.ts finds is one Conv, MaxPool, AveragePool or ReduceMean node; only the other
    // windows are spelled out as slices.
    const patterns = findPatterns(m.forward);
    expect(count("Conv"), m.name).toBe(patterns.convolutions.size);
    expect(count("MaxPool"), m.name).toBe(patterns.maxPools.size);
    expect(count("AveragePool"), m.name).toBe(patterns.avgPools.size);
    expect(count("ReduceMean"), m.name).toBe(patterns.means.size);
    const spelledOut = m.forward.nodes.some((n) => n.op === "window" && !patterns.absorbed.has(n.id));
    expect(report.nodes.some((n) => n.includes("_tap")), m.name).toBe(spelledOut);
    // Nodes that read a parameter are named under its layer (node-names.ts): every layer with parameters (a model's own parameter
    // is a layer of its own name) names some.
    const layers = new Set(m.params.map((p) => (p.name.includes(".") ? p.name.slice(0, p.name.lastIndexOf(".")) : p.name)));
    expect([...layers].filter((l) => !report.nodes.some((n) => n.startsWith(`${l}/`))), m.name).toEqual([]);
    expect(report.initializers.filter((n) => m.params.some((p) => p.name === n)).sort(), m.name).toEqual(m.params.map((p) => p.name).sort());
  }
}, 300_000);
