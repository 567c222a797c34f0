// The public API's import: an ONNX model (torch.onnx.export's, any exporter's within the
// operators docs/interchange.md lists) as a .dnn file using the standard library's layers, and
// its weights as a safetensors file in dnnc's names and layouts. Like compile, it writes
// nothing; a file that is not ONNX, or holds operators the import cannot express, gives
// diagnostics (DNN0720–DNN0723) naming every problem. The .dnn text is checked by compiling it
// before it is returned, and its parameters must be exactly the weights: anything else is a bug.
import { basename, join } from "node:path";
import { decodeModel, ProtoDecodeError } from "../import/onnx/decode.ts";
import { modelName as modelNameOf } from "../import/onnx/program.ts";
import { translate, SUPPORTED_OPERATORS, type ImportProblem } from "../import/onnx/translate.ts";
import { dnnSource } from "../import/onnx/source.ts";
import { weightsFile } from "../import/onnx/weights-file.ts";
import { CODES } from "../diagnostics/codes.ts";
import { runFrontEnd } from "./compile.ts";
import { unexportableModelName } from "../check/model-names.ts";
import type { Diagnostic } from "./diagnostics.ts";

export { SUPPORTED_OPERATORS };

export interface ImportOptions {
  /** The ONNX file's bytes. */
  bytes: Uint8Array;
  /** Names the file in messages and the source's header; its base name is the default model name. */
  path: string;
  /** The model's name in the .dnn file (default: from the file's name, `cnn_bn.onnx` → `CnnBn`). */
  name?: string;
  /** The base name of the files to write (default: the ONNX file's, `cnn_bn`). */
  fileBase?: string;
  /** Write a train block for a classifier's [B, K] output (default true). */
  train?: boolean;
}

export interface ImportResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** The .dnn file's name and text, and the weights file's name and bytes; absent when there are errors. */
  model?: string;
  dnn?: { name: string; text: string };
  weights?: { name: string; bytes: Uint8Array };
  /** The layers recognised, `Conv2D: 2`, in the order first met. */
  layers: { layer: string; count: number }[];
}

/** A bug: the generated source does not compile, or its parameters are not the weights. */
export class ImportInternalError extends Error {}

export function importOnnx(options: ImportOptions): ImportResult {
  const base = options.fileBase ?? basename(options.path).replace(/\.onnx$/i, "");
  const derived = modelNameOf(base);
  // A file named after a name the generated module cannot export (`number.onnx`): NumberModel.
  const name = options.name ?? (unexportableModelName(derived) ? `${derived}Model` : derived);
  if (!/^[A-Za-z_]\w*$/.test(name)) throw new TypeError(`dnnc: the model name '${name}' is not an identifier`);
  const why = unexportableModelName(name);
  if (why) throw new TypeError(`dnnc: the model cannot be named ${name}: ${why}`);
  let model;
  try {
    model = decodeModel(options.bytes);
  } catch (e) {
    if (!(e instanceof ProtoDecodeError)) throw e;
    return failed(options.path, [{ code: "DNN0720", message: `${basename(options.path)} is not a readable ONNX model: ${e.message}` }]);
  }
  if (model.graph.nodes.length === 0 && model.graph.outputs.length === 0)
    return failed(options.path, [{ code: "DNN0720", message: `${basename(options.path)} is not a readable ONNX model: its graph has no nodes and no outputs` }]);
  const t = translate(model);
  if (t.problems.length > 0) return failed(options.path, t.problems);
  const dnnName = `${base}.dnn`;
  const weightsName = `${base}.safetensors`;
  const text = dnnSource({ modelName: name, fileName: basename(options.path), weightsName, dnnFileName: dnnName, producer: model.producer, opset: model.opset, prog: t.prog, outputs: t.outputs, train: options.train ?? true });
  const bytes = verifiedWeights(text, dnnName, name, t.prog.weights);
  return { ok: true, diagnostics: [], model: name, dnn: { name: dnnName, text }, weights: { name: weightsName, bytes }, layers: [...t.prog.layerCounts].map(([layer, count]) => ({ layer, count })) };
}

/** Compiles the generated source and writes the weights in the order of its parameters, which must be exactly them. */
function verifiedWeights(text: string, dnnName: string, modelName: string, weights: Map<string, { shape: number[]; data: Float32Array }>): Uint8Array {
  const { compilation, diagnostics } = runFrontEnd({ path: join("/imported", dnnName), text }, "none");
  if (diagnostics.some((d) => d.severity === "error")) throw new ImportInternalError(`the generated ${dnnName} does not compile: ${diagnostics.map((d) => `${d.code} ${d.message} (line ${d.location.line})`).join("; ")}`);
  const compiled = compilation.models.find((m) => m.name === modelName)!;
  const expected = compiled.params.map((p) => `${p.name}: [${p.shape.join(", ")}]`);
  const actual = compiled.params.map((p) => (weights.has(p.name) ? `${p.name}: [${weights.get(p.name)!.shape.join(", ")}]` : `${p.name}: missing`));
  const extra = [...weights.keys()].filter((n) => !compiled.params.some((p) => p.name === n));
  if (expected.join() !== actual.join() || extra.length > 0)
    throw new ImportInternalError(`the weights do not match the generated model's parameters: expected ${expected.join(", ")}; have ${actual.join(", ")}${extra.length ? `; extra ${extra.join(", ")}` : ""}`);
  return weightsFile(compiled.params.map((p) => ({ name: p.name, weight: weights.get(p.name)! })));
}

function failed(path: string, problems: ImportProblem[]): ImportResult {
  const location = { file: path, line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, length: 0, lineText: "" };
  const diagnostics = problems.map((p): Diagnostic => ({ code: p.code, title: CODES[p.code].title, severity: "error", message: p.message, location, related: [] }));
  return { ok: false, diagnostics, layers: [] };
}
