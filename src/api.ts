// dnnc as a library: `import { check, compile, exportModel, importOnnx, convertPytorchWeights, format } from "dnnc"`. Files in, files out:
// nothing here writes a file, prints or exits, and a mistake in a .dnn file — or a file that
// cannot be read — comes back as a diagnostic, never an exception. Only a call the types rule
// out (no path, an unknown target) throws a TypeError. docs/api.md describes every export.
// The `dnnc` command is a thin layer over these functions (src/cli/).
import { hasErrors } from "./diagnostics/diagnostic.ts";
import { fsHost } from "./check/modules.ts";
import { format as formatText } from "./format/format.ts";
import { TARGET_NAMES, type TargetName } from "./backend/targets.ts";
import { publicDiagnostics, type Diagnostic } from "./api/diagnostics.ts";
import { SourceFile } from "./syntax/source.ts";
import { VERSION } from "./version.ts";
import { readEntry } from "./api/compile.ts";

export { check, compile, SIDECAR_HEADER } from "./api/compile.ts";
export { exportModel, EXPORT_FORMATS as exportFormats } from "./api/export.ts";
export type { ExportFormat, ExportOptions, ExportResult } from "./api/export.ts";
export { importOnnx } from "./api/import.ts";
export { graph, GRAPH_FORMATS as graphFormats } from "./api/graph.ts";
export type { GraphFormat, GraphOptions, GraphResult } from "./api/graph.ts";
export type { ImportOptions, ImportResult } from "./api/import.ts";
export { convertPytorchWeights, formatReport as formatWeightsReport, WeightsError } from "./api/weights.ts";
export type { PytorchWeightsOptions, PytorchWeightsResult, WeightsReport, MatchedLayer, UnmatchedLayer } from "./api/weights.ts";
export type { CheckOptions, CheckResult, CompileOptions, CompileResult, CompiledModelInfo, ModelInfo, OutputFile, SourceOptions } from "./api/compile.ts";
export { formatDiagnostics, diagnosticsAsJson } from "./api/diagnostics.ts";
export type { Diagnostic, DiagnosticCode, FormatDiagnosticsOptions, JsonDiagnostic, Location, Severity } from "./api/diagnostics.ts";
export type { FunctionStats, ModelStats } from "./api/stats.ts";
export type { ApiTensor as TensorInfo } from "./backend/target.ts";
export type { TargetName };

/** The targets `compile` generates for, the default first. */
export const targets: readonly TargetName[] = TARGET_NAMES;

/** dnnc's version. */
export const version: string = VERSION;

export interface FormatOptions {
  /** The text to format; read from `path` when absent. */
  text?: string;
  /** The file's name, for diagnostics (and where to read it from without `text`). Default "<input>". */
  path?: string;
  /** Spaces per indentation level. Default 2 (the house style). */
  indent?: number;
}

export interface FormatResult {
  /** The text is free of syntax errors, so it was formatted. */
  ok: boolean;
  /** The formatted text; the text unchanged when it has syntax errors. */
  text: string;
  /** Whether `text` differs from the input (`dnnc fmt --check` lists such files). */
  changed: boolean;
  /** Syntax errors, which leave the text as it was. */
  diagnostics: Diagnostic[];
}

/**
 * Lays a .dnn file out in the house style (`dnnc fmt`): indentation and spacing; line breaks,
 * comments and chosen alignment kept. Text with syntax errors comes back unchanged, with them.
 */
export function format(options: FormatOptions): FormatResult {
  const path = options?.path ?? "<input>";
  let input = options?.text;
  if (input === undefined) {
    if (options?.path === undefined) throw new TypeError("dnnc: format needs options.text or options.path");
    const read = readEntry(path, fsHost);
    if (typeof read !== "string") return { ok: false, text: "", changed: false, diagnostics: publicDiagnostics([read], () => undefined) };
    input = read;
  }
  const r = formatText(path, input, options.indent === undefined ? {} : { indent: options.indent });
  const source = new SourceFile(path, input);
  return { ok: !hasErrors(r.diagnostics), text: r.text, changed: r.text !== input, diagnostics: publicDiagnostics(r.diagnostics, (p) => (p === path ? source : undefined)) };
}
