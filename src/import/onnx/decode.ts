// ONNX's messages (onnx.proto) decoded from a file's bytes into plain objects: the model, its
// graph, nodes, attributes, tensors and value infos. The field numbers are onnx.proto's (the
// export's backend/onnx/onnx-proto.ts writes the same ones). Only what an import reads is kept;
// tensors become float32 values or integers, whichever their data type is.
import { ProtoDecodeError, ProtoMessage } from "./protobuf-reader.ts";

export { ProtoDecodeError };

/** TensorProto.DataType, by number: the names onnx.proto gives them (for messages). */
export const DATA_TYPE_NAMES: Record<number, string> = {
  1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string",
  9: "bool", 10: "float16", 11: "double", 12: "uint32", 13: "uint64", 16: "bfloat16",
};
const FLOAT_TYPES = new Set([1, 11]);
const INT_TYPES = new Set([2, 3, 4, 5, 6, 7, 9, 12, 13]);

export interface Tensor {
  name: string;
  dataType: number;
  dims: number[];
  /** Float tensors (float, double) as float32; absent for the others. */
  floats?: Float32Array;
  /** Integer and bool tensors' values; absent for float ones. */
  ints?: number[];
}

export type Attribute =
  | { name: string; kind: "float"; f: number }
  | { name: string; kind: "int"; i: number }
  | { name: string; kind: "string"; s: string }
  | { name: string; kind: "tensor"; t: Tensor }
  | { name: string; kind: "floats"; floats: number[] }
  | { name: string; kind: "ints"; ints: number[] }
  | { name: string; kind: "strings"; strings: string[] }
  | { name: string; kind: "graph" | "other" };

export interface Node {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, Attribute>;
}

/** A graph input or output: element type and shape, a symbolic size (dim_param) as its name, an unknown one as undefined. */
export interface ValueInfo {
  name: string;
  elemType: number;
  shape?: (number | string | undefined)[];
}

export interface Graph {
  name: string;
  nodes: Node[];
  initializers: Tensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  valueInfo: ValueInfo[];
}

export interface Model {
  irVersion: number;
  producer: string;
  /** The default domain's opset version (0 when the file names none). */
  opset: number;
  graph: Graph;
}

/** The model in `bytes`; a ProtoDecodeError says what is wrong when they are not an ONNX model. */
export function decodeModel(bytes: Uint8Array): Model {
  const m = new ProtoMessage(bytes, "ModelProto");
  const graph = m.message(7, "the graph");
  if (!graph) throw new ProtoDecodeError("no graph in the file (a ModelProto has one): is this an ONNX model?");
  let opset = 0;
  for (const o of m.messages(8, "opset_import")) if (o.string(1) === "" || o.string(1) === "ai.onnx") opset = o.int(2);
  return { irVersion: m.int(1), producer: [m.string(2), m.string(3)].filter(Boolean).join(" "), opset, graph: decodeGraph(graph) };
}

function decodeGraph(g: ProtoMessage): Graph {
  return {
    name: g.string(2),
    nodes: g.messages(1, "node").map(decodeNode),
    initializers: g.messages(5, "initializer").map(decodeTensor),
    inputs: g.messages(11, "graph input").map(decodeValueInfo),
    outputs: g.messages(12, "graph output").map(decodeValueInfo),
    valueInfo: g.messages(13, "value_info").map(decodeValueInfo),
  };
}

function decodeNode(n: ProtoMessage): Node {
  const attributes = new Map<string, Attribute>();
  for (const a of n.messages(5, "attribute")) {
    const attr = decodeAttribute(a);
    attributes.set(attr.name, attr);
  }
  return { name: n.string(3), opType: n.string(4), domain: n.string(7), inputs: n.strings(1), outputs: n.strings(2), attributes };
}

/** AttributeProto.AttributeType: 1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 5 GRAPH, 6 FLOATS, 7 INTS, 8 STRINGS. */
function decodeAttribute(a: ProtoMessage): Attribute {
  const name = a.string(1);
  switch (a.int(20)) {
    case 1:
      return { name, kind: "float", f: a.float(2) };
    case 2:
      return { name, kind: "int", i: a.int(3) };
    case 3:
      return { name, kind: "string", s: a.string(4) };
    case 4: {
      const t = a.message(5, `attribute ${name}'s tensor`);
      if (!t) throw new ProtoDecodeError(`attribute ${name} has no tensor`);
      return { name, kind: "tensor", t: decodeTensor(t) };
    }
    case 6:
      return { name, kind: "floats", floats: a.floats(7) };
    case 7:
      return { name, kind: "ints", ints: a.ints(8) };
    case 8:
      return { name, kind: "strings", strings: a.strings(9) };
    case 5:
      return { name, kind: "graph" };
    default:
      return { name, kind: "other" };
  }
}

function decodeTensor(t: ProtoMessage): Tensor {
  const name = t.string(8);
  const dataType = t.int(2);
  const dims = t.ints(1);
  if (dims.some((d) => d < 0)) throw new ProtoDecodeError(`tensor ${name}: a negative dimension`);
  if (t.int(14) === 1) throw new ProtoDecodeError(`tensor ${name}: its data is in an external file, which dnnc import does not read (save the model with its weights inside)`);
  const count = dims.reduce((a, b) => a * b, 1);
  const raw = t.bytes(9);
  const out: Tensor = { name, dataType, dims };
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
  const width = { 1: 4, 11: 8, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 12: 4, 13: 8 }[dataType];
  if (raw && width !== undefined && raw.length !== count * width)
    throw new ProtoDecodeError(`tensor ${name}: raw_data holds ${raw.length} bytes, its ${count} elements need ${count * width}`);
  if (FLOAT_TYPES.has(dataType)) {
    const values = view ? Array.from({ length: count }, (_, i) => (dataType === 1 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true))) : dataType === 1 ? t.floats(4) : t.doubles(10);
    if (values.length !== count) throw new ProtoDecodeError(`tensor ${name}: ${values.length} values for dims [${dims.join(", ")}]`);
    out.floats = Float32Array.from(values);
  } else if (INT_TYPES.has(dataType)) {
    const values = view ? Array.from({ length: count }, (_, i) => readInt(view, dataType, i)) : dataType === 7 ? t.ints(7) : dataType === 13 ? t.ints(11) : t.ints(5);
    if (values.length !== count) throw new ProtoDecodeError(`tensor ${name}: ${values.length} values for dims [${dims.join(", ")}]`);
    out.ints = values;
  }
  return out;
}

function readInt(view: DataView, dataType: number, i: number): number {
  switch (dataType) {
    case 2: case 9: return view.getUint8(i);
    case 3: return view.getInt8(i);
    case 4: return view.getUint16(i * 2, true);
    case 5: return view.getInt16(i * 2, true);
    case 6: return view.getInt32(i * 4, true);
    case 12: return view.getUint32(i * 4, true);
    case 13: return Number(view.getBigUint64(i * 8, true));
    default: return Number(view.getBigInt64(i * 8, true));
  }
}

function decodeValueInfo(v: ProtoMessage): ValueInfo {
  const name = v.string(1);
  const tensorType = v.message(2, `${name}'s type`)?.message(1, `${name}'s tensor type`);
  if (!tensorType) return { name, elemType: 0 };
  const shape = tensorType.message(2, `${name}'s shape`);
  const info: ValueInfo = { name, elemType: tensorType.int(1) };
  if (shape)
    info.shape = shape.messages(1, `${name}'s dimension`).map((d) => (d.has(1) ? d.int(1) : d.has(2) ? d.string(2) : undefined));
  return info;
}
