// Small ONNX models written in the tests with the export's own encoder (backend/onnx/onnx-proto.ts),
// for the operators and forms the PyTorch fixtures do not show.
import { encodeModel, type OnnxAttribute, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from "../../src/backend/onnx/onnx-proto.ts";
import { noise } from "../helpers/sample-values.ts";

export function node(opType: string, name: string, inputs: string[], outputs: string[], attributes: OnnxAttribute[] = []): OnnxNode {
  return { opType, name, inputs, outputs, attributes };
}

/** A float initializer of `dims`, with noise values (seeded by its name's length and `seed`). */
export function weight(name: string, dims: number[], seed = 1): OnnxTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  return { name, type: "float", dims, data: Float32Array.from(noise(n, seed + name.length), (v) => v * 0.5) };
}

export function int64s(name: string, values: number[]): OnnxTensor {
  return { name, type: "int64", dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) };
}

export function model(nodes: OnnxNode[], initializers: OnnxTensor[], inputs: OnnxValueInfo[], outputs: OnnxValueInfo[]): Uint8Array {
  return encodeModel({ irVersion: 8, opset: 17, producerName: "dnnc tests", producerVersion: "", doc: "", graph: { name: "g", nodes, initializers, inputs, outputs }, metadata: {} });
}

export const f32 = (name: string, shape: (number | string)[]): OnnxValueInfo => ({ name, type: "float", shape });
