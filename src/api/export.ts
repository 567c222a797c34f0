// The public API's export: one model of a .dnn file as an ONNX file, its weights from a seed
// (what the generated module's create({ seed }) starts from) or from a safetensors checkpoint.
// Like compile, it writes nothing; a mistake in the .dnn source is a diagnostic, and a request
// that cannot be met (no such model, a checkpoint that does not fit) is an ExportError.
import { basename } from "node:path";
import { hasErrors } from "../diagnostics/diagnostic.ts";
import { checkpointParameters, exportOnnx, initialParameters, type Parameters } from "../backend/onnx/export.ts";
import type { CompiledModel } from "../model.ts";
import { OnnxExportError } from "../backend/onnx/graph.ts";
import { runFrontEnd, type SourceOptions } from "./compile.ts";
import type { Diagnostic } from "./diagnostics.ts";

export const EXPORT_FORMATS = ["onnx"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions extends SourceOptions {
  /** Default "onnx", the only one. */
  format?: ExportFormat;
  /** The model to export; may be left out when the file has one. */
  model?: string;
  /** A safetensors file's bytes holding every parameter (a model's save(), a `dnnc train` checkpoint). */
  weights?: Uint8Array;
  /** Without `weights`: the seed the parameters' initializers run from, as `M.create({ seed })` (default 0). */
  seed?: number;
  /** Names the weights file in messages. */
  weightsPath?: string;
}

export interface ExportResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  inputs: string[];
  /** The exported model's name, and the file's bytes; absent when there are errors. */
  model?: string;
  bytes?: Uint8Array;
}

/** A request the file cannot meet: an unknown or ambiguous model, weights that do not fit, a graph ONNX cannot hold. */
export class ExportError extends Error {}

export function exportModel(options: ExportOptions): ExportResult {
  const format = options.format ?? "onnx";
  if (!EXPORT_FORMATS.includes(format)) throw new TypeError(`dnnc: unknown export format '${String(format)}' (expected one of: ${EXPORT_FORMATS.join(", ")})`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new TypeError(`dnnc: options.seed must be an integer, received ${String(seed)}`);
  const { compilation, diagnostics, inputs } = runFrontEnd(options, "dce");
  if (hasErrors(compilation.diagnostics)) return { ok: false, diagnostics, inputs };
  const names = compilation.models.map((m) => m.name);
  const model = options.model === undefined ? compilation.models[0] : compilation.models.find((m) => m.name === options.model);
  if (options.model !== undefined && !model) throw new ExportError(`${options.path} has no model ${options.model} (its models: ${names.join(", ") || "none"})`);
  if (!model) throw new ExportError(`${options.path} has no model to export`);
  if (options.model === undefined && names.length > 1) throw new ExportError(`${options.path} has ${names.length} models (${names.join(", ")}): name the one to export`);
  try {
    return { ok: true, diagnostics, inputs, model: model.name, bytes: exportOnnx(model, parameters(model, options, seed), basename(options.path)) };
  } catch (e) {
    if (e instanceof OnnxExportError) throw new ExportError(`${model.name}: ${e.message}`);
    throw e;
  }
}

function parameters(model: CompiledModel, options: ExportOptions, seed: number): Parameters {
  if (!options.weights) return initialParameters(model, seed);
  try {
    return checkpointParameters(model, options.weights, options.weightsPath ?? "the weights");
  } catch (e) {
    // The checkpoint's checks (runtime/safetensors.ts, shared with the generated modules) throw Errors naming the file and what does not fit.
    throw e instanceof Error && !(e instanceof OnnxExportError) ? new ExportError(e.message) : e;
  }
}
