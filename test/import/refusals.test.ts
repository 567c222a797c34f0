// What `dnnc import` refuses, and how: every unsupported operator at once, each with its node
// (DNN0721); operators in a form the import cannot express, each with its node and the reason, the
// rest of the graph still examined (DNN0722); inputs it cannot declare (DNN0723); and files that
// are not ONNX models at all (DNN0720) — as diagnostics, never an exception.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { importOnnx } from "../../src/api/import.ts";
import { formatDiagnostics } from "../../src/api.ts";
import { ROOT } from "../helpers/compile-sample.ts";
import { f32, int64s, model, node, weight } from "./graphs.ts";

const refusal = (bytes: Uint8Array, path = "model.onnx") => {
  const r = importOnnx({ bytes, path });
  expect(r.ok).toBe(false);
  expect(r.dnn).toBeUndefined();
  return r.diagnostics.map((d) => `${d.code} ${d.message}`);
};

describe("dnnc import refuses", () => {
  it("every unsupported operator the outputs depend on, each named with its node, before translating anything (DNN0721)", () => {
    const bytes = model(
      [
        node("Relu", "/relu", ["x"], ["a"]),
        node("NonZero", "/find/NonZero", ["a"], ["b"]),
        node("TopK", "/pick/TopK", ["a", "k"], ["c", "d"]),
        node("Det", "/unused/Det", ["a"], ["e"]), // nothing reads it: not translated, not reported
        node("Einsum", "", ["b", "c"], ["y"]),
      ],
      [int64s("k", [2])],
      [f32("x", ["B", 4])],
      [f32("y", ["B", 4])],
    );
    expect(refusal(bytes)).toEqual([
      "DNN0721 unsupported operator NonZero (node /find/NonZero)",
      "DNN0721 unsupported operator TopK (node /pick/TopK)",
      "DNN0721 unsupported operator Einsum (node with output y)",
    ]);
  });

  it("a graph with a train block's usual names taken: the target gets a name of its own", () => {
    const bytes = model([node("Relu", "r", ["x"], ["y"])], [], [f32("x", ["B", 4])], [f32("y", ["B", 4])]);
    const r = importOnnx({ bytes, path: "m.onnx" });
    expect(r.diagnostics).toEqual([]);
    expect(r.dnn!.text).toContain("target labels: i32[B]");
  });

  it("each operator in a form it cannot express, with the node and why, and goes on with the rest (DNN0722)", () => {
    const bytes = model(
      [
        // Padding [top 0, left 0, bottom 1, right 1] on a stride-1 3×3 window: not "same", not symmetric.
        node("Conv", "/features/conv", ["x", "w"], ["c"], [{ name: "kernel_shape", ints: [3, 3] }, { name: "pads", ints: [0, 0, 1, 1] }]),
        node("Relu", "/features/relu", ["c"], ["r"]), // reads the refused conv: not reported again
        node("Softmax", "/head/softmax", ["x"], ["s"], [{ name: "axis", i: 1 }]),
        node("MatMul", "/head/matmul", ["x", "x"], ["m"]),
        // Padding around values that may be negative: a padded 0 could win.
        node("MaxPool", "/pool", ["x"], ["p"], [{ name: "kernel_shape", ints: [3, 3] }, { name: "strides", ints: [2, 2] }, { name: "pads", ints: [1, 1, 1, 1] }]),
      ],
      [weight("w", [2, 3, 3, 3])],
      [f32("x", ["B", 3, 8, 8])],
      [f32("r", ["B", 2, 7, 7]), f32("s", ["B", 3, 8, 8]), f32("m", ["B", 3, 8, 8]), f32("p", ["B", 3, 4, 4])],
    );
    expect(refusal(bytes)).toEqual([
      'DNN0722 Conv node /features/conv: its padding [0, 0, 1, 1] is neither symmetric nor TensorFlow\'s "same"',
      "DNN0722 Softmax node /head/softmax: only a softmax over the last axis is supported",
      "DNN0722 MatMul node /head/matmul: only a product with a weight matrix (a Dense) is supported",
      "DNN0722 MaxPool node /pool: padding of 1 on every side is not supported for a maximum of values that may be negative",
    ]);
  });

  it("an input that is neither float nor integer ids, or has a size with neither a number nor a name (DNN0723)", () => {
    const bytes = model(
      [node("Relu", "r", ["x"], ["y"]), node("Identity", "i", ["mask"], ["z"])],
      [],
      [f32("x", ["B", 0]), { name: "mask", type: "bool", shape: ["B", 8] }],
      [f32("y", ["B", 4]), f32("z", ["B", 8])],
    );
    const got = refusal(bytes);
    expect(got).toContain("DNN0723 input mask is bool: only float inputs and integer token ids are supported");
    expect(got).toContain("DNN0723 input x has an unknown size at axis 1 (give it a number or a name)");
  });

  it("integer ids read by anything but an Embedding's Gather (DNN0722)", () => {
    const bytes = model([node("Relu", "/ids/relu", ["ids"], ["y"])], [], [{ name: "ids", type: "int64", shape: ["B", 8] }], [f32("y", ["B", 8])]);
    expect(refusal(bytes)).toEqual(["DNN0722 Relu node /ids/relu: its input ids holds integer ids, which only a Gather from a weight table (an Embedding) reads"]);
  });

  describe("a file that is not an ONNX model (DNN0720), with one clear message", () => {
    const mlp = readFileSync(join(ROOT, "test", "fixtures", "pytorch", "mlp.onnx"));
    it.each([
      ["a truncated export", mlp.subarray(0, 200), /mlp\.onnx is not a readable ONNX model: .*runs past the end/],
      ["text", new TextEncoder().encode("import torch\nmodel = torch.load('x.pt')\n"), /is not a readable ONNX model: /],
      ["an empty file", new Uint8Array(0), /no graph in the file/],
      ["random bytes", Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24), /is not a readable ONNX model: /],
      ["a varint that never ends", Uint8Array.from({ length: 64 }, () => 0xff), /is not a readable ONNX model: /],
    ])("%s", (_what, bytes, message) => {
      const got = refusal(bytes as Uint8Array, "mlp.onnx");
      expect(got).toHaveLength(1);
      expect(got[0]).toMatch(/^DNN0720 /);
      expect(got[0]).toMatch(message as RegExp);
    });

    it("a weight whose raw data does not fit its shape", () => {
      const bytes = model([node("Relu", "r", ["x"], ["y"])], [{ name: "w", type: "float", dims: [4, 4], data: new Float32Array(3) }], [f32("x", ["B", 4])], [f32("y", ["B", 4])]);
      expect(refusal(bytes)).toEqual(["DNN0720 model.onnx is not a readable ONNX model: tensor w: raw_data holds 12 bytes, its 16 elements need 64"]);
    });
  });

  it("a graph reading a value nothing defines, or out of order (DNN0720)", () => {
    const bytes = model([node("Relu", "/second", ["a"], ["y"]), node("Relu", "/first", ["x"], ["a"])], [], [f32("x", ["B", 4])], [f32("y", ["B", 4])]);
    expect(refusal(bytes)).toEqual(["DNN0720 the graph is malformed: Relu node /second reads a, which no node before it, weight or input defines"]);
  });

  it("never throws on a damaged export: every variant is imported or refused with diagnostics", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (const name of ["mlp", "cnn_bn", "resnet", "lstm"]) {
      const original = readFileSync(join(ROOT, "test", "fixtures", "pytorch", `${name}.onnx`));
      for (let trial = 0; trial < 60; trial++) {
        const bytes = Uint8Array.from(original);
        // A few bytes changed, mostly in the graph's structure (it precedes the weights).
        for (let k = 0; k < 1 + Math.floor(random() * 4); k++) bytes[Math.floor(random() * Math.min(bytes.length, random() < 0.7 ? 6000 : bytes.length))] = Math.floor(random() * 256);
        const r = importOnnx({ bytes, path: `${name}.onnx` });
        expect(r.ok ? r.diagnostics : r.diagnostics.length).toEqual(r.ok ? [] : expect.any(Number));
        if (!r.ok) expect(r.diagnostics.every((d) => /^DNN072[0-3]$/.test(d.code) && d.message.length > 0)).toBe(true);
      }
    }
  });

  it("is rendered as dnnc check renders diagnostics, naming the file", () => {
    const r = importOnnx({ bytes: new Uint8Array([0x0a, 0x05, 0x01]), path: "broken.onnx" });
    const text = formatDiagnostics(r.diagnostics);
    expect(text).toContain("error[DNN0720]: broken.onnx is not a readable ONNX model");
    expect(text).toContain("--> broken.onnx");
  });
});
