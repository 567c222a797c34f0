// The peephole pass (backend/onnx/peephole.ts) on graphs built by hand: each rewrite happens —
// a Transpose and its inverse cancel, two Transposes compose, Reshapes fuse, a Reshape to the
// shape its input has and an Identity go, unread nodes and initializers are dropped, a Scan body
// reads the survivor of a value it took from outside — and onnxruntime computes the same outputs
// before and after. The samples' exports (samples.test.ts, checker.test.ts) are simplified too.
import { expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { GraphBuilder, NameTable } from "../../../src/backend/onnx/graph.ts";
import { encodeModel, type OnnxGraph, type OnnxNode } from "../../../src/backend/onnx/onnx-proto.ts";
import { simplifyGraph } from "../../../src/backend/onnx/peephole.ts";
import { ONNX_IR_VERSION, ONNX_OPSET } from "../../../src/backend/onnx/export.ts";

const encode = (graph: OnnxGraph) => encodeModel({ irVersion: ONNX_IR_VERSION, opset: ONNX_OPSET, producerName: "test", producerVersion: "0", doc: "", graph, metadata: {} });
const copy = (graph: OnnxGraph): OnnxGraph => ({ ...graph, nodes: graph.nodes.map((n) => ({ ...n, attributes: n.attributes.map((a) => ("g" in a ? { ...a, g: copy(a.g) } : a)) })), initializers: [...graph.initializers] });
const perm = (n: OnnxNode) => n.attributes.find((a) => a.name === "perm") as { ints: number[] } | undefined;

async function run(graph: OnnxGraph, feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(encode(graph));
  const out = (await session.run(feeds))[graph.outputs[0]!.name]!.data as Float32Array;
  await session.release();
  return out;
}

it("cancels a Transpose and its inverse, composes two others, fuses Reshapes, drops no-op Reshapes, Identities and unread nodes", async () => {
  const g = new GraphBuilder("g", new NameTable());
  g.input({ name: "x", type: "float", shape: ["B", 4, 5, 6] });
  const nchw = (v: string) => g.op("Transpose", [v], "nchw", [{ name: "perm", ints: [0, 3, 1, 2] }]);
  const back = g.op("Transpose", [nchw("x")], "nhwc", [{ name: "perm", ints: [0, 2, 3, 1] }]); // x again
  const relu = g.op("Relu", [back], "relu");
  const turned = g.op("Transpose", [nchw(relu)], "swap", [{ name: "perm", ints: [0, 1, 3, 2] }]); // [B, 6, 5, 4]
  const flat = g.op("Reshape", [turned, g.int64s([-1, 6])], "flat");
  const rows = g.op("Reshape", [flat, g.sizes(["B", 120])], "rows");
  g.shapes.set(rows, ["B", 120]);
  const same = g.op("Reshape", [rows, g.sizes(["B", 120])], "same");
  g.shapes.set(same, ["B", 120]);
  const named = g.op("Identity", [same], "named");
  g.op("Exp", [g.op("Neg", [relu], "unread")], "unread"); // a chain nothing reads
  g.constant("float", [3], [1, 2, 3], "unused");
  g.node("Identity", [named], ["y"], "output_y");
  g.graph.outputs.push({ name: "y", type: "float", shape: ["B", 120] });

  const before = copy(g.graph);
  simplifyGraph(g.graph, g.shapes);
  const ops = g.graph.nodes.map((n) => n.opType);
  expect(ops.filter((o) => o === "Transpose")).toHaveLength(1);
  const transpose = g.graph.nodes.find((n) => n.opType === "Transpose")!;
  // relu → [0, 3, 1, 2] then [0, 1, 3, 2]: axis i of the result is axis p[q[i]] of relu.
  expect(perm(transpose)!.ints).toEqual([0, 3, 2, 1]);
  expect(g.graph.nodes.find((n) => n.opType === "Relu")!.inputs).toEqual(["x"]);
  expect(transpose.inputs).toEqual([relu]);
  const reshapes = g.graph.nodes.filter((n) => n.opType === "Reshape");
  expect(reshapes).toHaveLength(1);
  expect(reshapes[0]!.inputs[0]).toBe(transpose.outputs[0]);
  expect(ops.filter((o) => o === "Identity")).toHaveLength(1); // the one naming the graph's output
  expect(g.graph.nodes.at(-1)!.inputs).toEqual([rows]);
  expect(ops).not.toContain("Exp");
  expect(ops).not.toContain("Neg");
  expect(g.graph.initializers.map((t) => t.name)).not.toContain("unused");
  expect(g.graph.nodes.length).toBeLessThan(before.nodes.length - 6);

  const data = Float32Array.from({ length: 2 * 120 }, (_, i) => Math.sin(i) * 3);
  const feeds = { x: new ort.Tensor("float32", data, [2, 4, 5, 6]) };
  expect(await run(g.graph, feeds)).toEqual(await run(before, feeds));
});

it("keeps a value a Scan body reads from outside, under the name of what it was an Identity of", async () => {
  const g = new GraphBuilder("g", new NameTable());
  g.input({ name: "seq", type: "float", shape: [3, 2] });
  g.input({ name: "init", type: "float", shape: [2] });
  const w = g.constant("float", [2], [0.5, -2], "w");
  const alias = g.op("Identity", [w], "w_alias"); // what the body reads: the peephole pass removes it
  const body = new GraphBuilder("body", g.names, g.shapes);
  body.input({ name: "carry", type: "float", shape: [2] });
  body.input({ name: "step", type: "float", shape: [2] });
  const next = body.op("Mul", [body.op("Add", [body.op("Identity", ["carry"], "same_carry"), "step"], "sum"), alias], "next");
  const each = body.op("Identity", [next], "each");
  body.graph.outputs.push({ name: next, type: "float", shape: [2] }, { name: each, type: "float", shape: [2] });
  g.node("Scan", ["init", "seq"], ["last", "stacked"], "scan", [{ name: "body", g: body.graph }, { name: "num_scan_inputs", i: 1 }]);
  g.node("Identity", ["stacked"], ["y"], "output_y");
  g.graph.outputs.push({ name: "y", type: "float", shape: [3, 2] });

  const before = copy(g.graph);
  simplifyGraph(g.graph, g.shapes);
  expect(g.graph.nodes.map((n) => n.opType)).toEqual(["Scan", "Identity"]);
  const simplifiedBody = (g.graph.nodes[0]!.attributes[0] as { g: OnnxGraph }).g;
  expect(simplifiedBody.nodes.find((n) => n.opType === "Mul")!.inputs).toContain(w);
  expect(simplifiedBody.nodes.find((n) => n.opType === "Add")!.inputs).toEqual(["carry", "step"]);
  expect(g.graph.initializers.map((t) => t.name)).toEqual([w]); // read by the body only, still there

  const feeds = { seq: new ort.Tensor("float32", Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2]), init: new ort.Tensor("float32", Float32Array.from([0.25, 1]), [2]) };
  const got = await run(g.graph, feeds);
  expect(got).toEqual(await run(before, feeds));
  expect(Array.from(got)).toEqual([0.625, -6, 1.8125, 4, 3.40625, -20]);
});

it("reads a bias before the Reshape that puts axes of 1 in front of it, only where numpy broadcasting keeps the result's shape", async () => {
  const g = new GraphBuilder("g", new NameTable());
  g.input({ name: "x", type: "float", shape: ["B", 2, 3] });
  g.input({ name: "v", type: "float", shape: [3] });
  g.shapes.set("x", ["B", 2, 3]).set("v", [3]);
  const known = (value: string, shape: (number | string)[]) => (g.shapes.set(value, shape), value);
  const bias = known(g.op("Reshape", ["v", g.int64s([1, 1, 3])], "bias"), [1, 1, 3]);
  const added = known(g.op("Add", ["x", bias], "added"), ["B", 2, 3]);
  // Read against itself: Mul(bias, bias) is [1, 1, 3], Mul(v, v) would be [3]. It stays.
  const square = known(g.op("Mul", [bias, bias], "square"), [1, 1, 3]);
  const scaled = known(g.op("Mul", [added, square], "scaled"), ["B", 2, 3]);
  g.node("Identity", [scaled], ["y"], "output_y");
  g.graph.outputs.push({ name: "y", type: "float", shape: ["B", 2, 3] });

  const before = copy(g.graph);
  simplifyGraph(g.graph, g.shapes);
  expect(g.graph.nodes.find((n) => n.opType === "Add")!.inputs).toEqual(["x", bias]); // the square still reads the Reshape
  expect(g.graph.nodes.filter((n) => n.opType === "Reshape")).toHaveLength(1);

  // Without the square, the Add reads v itself and the Reshape goes.
  const h = new GraphBuilder("h", new NameTable());
  h.input({ name: "x", type: "float", shape: ["B", 2, 3] });
  h.input({ name: "v", type: "float", shape: [3] });
  h.shapes.set("x", ["B", 2, 3]).set("v", [3]);
  const hb = h.op("Reshape", ["v", h.int64s([1, 1, 3])], "bias");
  h.shapes.set(hb, [1, 1, 3]);
  h.node("Add", ["x", hb], ["y"], "add");
  h.graph.outputs.push({ name: "y", type: "float", shape: ["B", 2, 3] });
  const hBefore = copy(h.graph);
  simplifyGraph(h.graph, h.shapes);
  expect(h.graph.nodes.map((n) => `${n.opType}(${n.inputs.join(", ")})`)).toEqual(["Add(x, v)"]);

  const feeds = { x: new ort.Tensor("float32", Float32Array.from({ length: 12 }, (_, i) => i - 5.5), [2, 2, 3]), v: new ort.Tensor("float32", Float32Array.from([0.5, -1, 2]), [3]) };
  expect(await run(g.graph, feeds)).toEqual(await run(before, feeds));
  expect(await run(h.graph, feeds)).toEqual(await run(hBefore, feeds));
});
