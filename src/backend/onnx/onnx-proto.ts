// ONNX's messages (onnx.proto, IR version 8) as plain objects, and their encoding. Only the
// fields dnnc writes are here; each constant is the field number onnx.proto gives it.
import { ProtoWriter } from "./protobuf.ts";

/** TensorProto.DataType */
export const ELEM = { float: 1, int32: 6, int64: 7, bool: 9 } as const;
export type ElemType = keyof typeof ELEM;

export interface OnnxTensor {
  name: string;
  type: ElemType;
  dims: readonly number[];
  /** Little-endian values (raw_data). */
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array;
}

export type OnnxAttribute = { name: string } & ({ i: number } | { ints: readonly number[] } | { g: OnnxGraph } | { s: string });

export interface OnnxNode {
  name: string;
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: readonly OnnxAttribute[];
}

/** A graph input or output: its element type and shape, symbolic sizes as names (dim_param). */
export interface OnnxValueInfo {
  name: string;
  type: ElemType;
  shape: readonly (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  doc?: string;
}

export interface OnnxModel {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  doc: string;
  graph: OnnxGraph;
  metadata: Readonly<Record<string, string>>;
}

/** AttributeProto.AttributeType */
const ATTR_TYPE = { i: 2, s: 3, g: 5, ints: 7 } as const;

export function encodeModel(m: OnnxModel): Uint8Array {
  const w = new ProtoWriter().varint(1, m.irVersion).bytes(2, m.producerName).bytes(3, m.producerVersion).bytes(6, m.doc).bytes(7, graph(m.graph));
  w.bytes(8, new ProtoWriter().bytes(1, "").varint(2, m.opset));
  for (const [key, value] of Object.entries(m.metadata)) w.bytes(14, new ProtoWriter().bytes(1, key).bytes(2, value));
  return w.finish();
}

function graph(g: OnnxGraph): ProtoWriter {
  const w = new ProtoWriter().messages(1, g.nodes, node).bytes(2, g.name).messages(5, g.initializers, tensor);
  if (g.doc) w.bytes(10, g.doc);
  return w.messages(11, g.inputs, valueInfo).messages(12, g.outputs, valueInfo);
}

function node(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.bytes(1, i);
  for (const o of n.outputs) w.bytes(2, o);
  return w.bytes(3, n.name).bytes(4, n.opType).messages(5, n.attributes, attribute);
}

function attribute(a: OnnxAttribute): ProtoWriter {
  const w = new ProtoWriter().bytes(1, a.name);
  if ("i" in a) return w.varint(20, ATTR_TYPE.i).varint(3, a.i);
  if ("s" in a) return w.varint(20, ATTR_TYPE.s).bytes(4, a.s); // the export writes none; the import's tests do (an LSTM's direction)
  if ("ints" in a) {
    w.varint(20, ATTR_TYPE.ints);
    for (const v of a.ints) w.varint(8, v);
    return w;
  }
  return w.varint(20, ATTR_TYPE.g).bytes(6, graph(a.g));
}

function tensor(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of t.dims) w.varint(1, d);
  // raw_data is little-endian, as the typed arrays are on every platform Node and browsers run on.
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return w.varint(2, ELEM[t.type]).bytes(8, t.name).bytes(9, raw);
}

function valueInfo(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.shape) shape.bytes(1, typeof d === "number" ? new ProtoWriter().varint(1, d) : new ProtoWriter().bytes(2, d));
  const tensorType = new ProtoWriter().varint(1, ELEM[v.type]).bytes(2, shape);
  return new ProtoWriter().bytes(1, v.name).bytes(2, new ProtoWriter().bytes(1, tensorType));
}
