// The public API's export: one model of a .dnn file as an ONNX file, its weights from a seed
// (what the generated module's create({ seed }) starts from) or from a safetensors checkpoint.
// Like compile, it writes nothing, and a mistake is a diagnostic, never an exception: one in the
// .dnn source, and one in the request — a model the file does not define (DNN0105, as a train
// block naming one), several models and none named (DNN0760), a file with no model (DNN0761),
// weights that do not fit the model (DNN0762). Only a call the types rule out (an unknown
// format, a seed that is no integer) throws a TypeError, and a graph ONNX cannot hold (a
// compiler bug: the checker refuses what the export cannot write) an ExportError.
import { basename } from "node:path";
import { diagnostic, hasErrors, type Diagnostic as InternalDiagnostic } from "../diagnostics/diagnostic.ts";
import { checkpointParameters, exportOnnx, initialParameters, type Parameters } from "../backend/onnx/export.ts";
import type { Compilation } from "../compiler.ts";
import { OnnxExportError } from "../backend/onnx/graph.ts";
import { chooseModel, fileStart } from "./choose-model.ts";
import { runFrontEnd, type SourceOptions } from "./compile.ts";
import { publicDiagnostics, type Diagnostic } from "./diagnostics.ts";

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
  /** No diagnostic is an error: `bytes` holds the file. */
  ok: boolean;
  /** The .dnn file's errors and warnings, and the request's (DNN0105, DNN0760–DNN0762). */
  diagnostics: Diagnostic[];
  /** Every file the result depends on, as CheckResult.inputs. */
  inputs: string[];
  /** The exported model's name, and the file's bytes; absent when there are errors. */
  model?: string;
  bytes?: Uint8Array;
}

/** A graph ONNX cannot hold, which the checker let through: a compiler bug, not a mistake in the file or the request. */
export class ExportError extends Error {}

/** The export with the compiler's own diagnostics (the catalogue's test renders them from these), and the compilation they point into. */
export function exportFile(options: ExportOptions): { compilation: Compilation; diagnostics: InternalDiagnostic[]; inputs: string[]; model?: string; bytes?: Uint8Array } {
  const format = options?.format ?? "onnx";
  if (!EXPORT_FORMATS.includes(format)) throw new TypeError(`dnnc: unknown export format '${String(format)}' (expected one of: ${EXPORT_FORMATS.join(", ")})`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new TypeError(`dnnc: options.seed must be an integer, received ${String(seed)}`);
  const { compilation, inputs } = runFrontEnd(options, "dce");
  const refuse = (d: InternalDiagnostic) => ({ compilation, diagnostics: [...compilation.diagnostics, d], inputs });
  if (hasErrors(compilation.diagnostics)) return { compilation, diagnostics: compilation.diagnostics, inputs };
  const chosen = chooseModel(compilation, options, "export");
  if (!("model" in chosen)) return refuse(chosen.refusal);
  const { model } = chosen;
  let params: Parameters;
  try {
    params = options.weights ? checkpointParameters(model, options.weights, options.weightsPath ?? "the weights") : initialParameters(model, seed);
  } catch (e) {
    // The checkpoint's checks (runtime/safetensors.ts, shared with the generated modules) throw Errors naming the file and what does not fit.
    if (!(e instanceof Error) || e instanceof OnnxExportError || e instanceof TypeError) throw e;
    return refuse(diagnostic("DNN0762", fileStart(options.path), `the weights do not fit model \`${model.name}\`: ${e.message}`, { hint: `export with a checkpoint of this model (its save(), \`dnnc train\`'s checkpoint), or without weights for those of create({ seed })` }));
  }
  try {
    return { compilation, diagnostics: compilation.diagnostics, inputs, model: model.name, bytes: exportOnnx(model, params, basename(options.path)) };
  } catch (e) {
    throw e instanceof OnnxExportError ? new ExportError(`${model.name}: ${e.message}`) : e;
  }
}

/** Exports one model of a .dnn file (`dnnc export`). Writes nothing. */
export function exportModel(options: ExportOptions): ExportResult {
  const r = exportFile(options);
  const sources = r.compilation.program.sources;
  const diagnostics = publicDiagnostics(r.diagnostics, (p) => sources.get(p));
  if (r.bytes === undefined) return { ok: false, diagnostics, inputs: r.inputs };
  return { ok: !hasErrors(r.diagnostics), diagnostics, inputs: r.inputs, model: r.model!, bytes: r.bytes };
}
