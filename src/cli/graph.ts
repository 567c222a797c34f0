// `dnnc graph FILE --out FILE`: the model as a diagram (src/graph/ through the API's graph()),
// written as SVG or HTML.
import { extname } from "node:path";
import type { Diagnostic } from "../api.ts";
import { graph, type GraphFormat } from "../api/graph.ts";
import { describeFsError, writeFileAtomically } from "./write-file.ts";

export interface GraphOptions {
  out: string;
  model?: string;
  format?: GraphFormat;
  /** --kernels: outline the fused kernels of --function (the forward by default). */
  kernels?: boolean;
  function?: string;
}

/** What the command needs of main.ts: printing, reporting diagnostics, its output-error type. */
export interface GraphIo {
  err(s: string): void;
  report(diagnostics: Diagnostic[]): void;
  outputError(message: string): Error;
}

/** `dnnc graph`: the exit status. An unknown or unnamed model, or a function it lacks, is a
 * diagnostic (DNN0105, DNN0760, DNN0790), reported as a file's errors are, as `dnnc export` does. */
export function graphCommand(file: string, text: string, opts: GraphOptions, io: GraphIo): number {
  // Without --format, the output file's extension says which: .html → html, anything else → svg.
  const format: GraphFormat = opts.format ?? (/^\.html?$/i.test(extname(opts.out)) ? "html" : "svg");
  const kernels = opts.kernels ? (opts.function ?? "forward") : undefined;
  const r = graph({ path: file, text, format, ...(opts.model === undefined ? {} : { model: opts.model }), ...(kernels === undefined ? {} : { kernels }) });
  io.report(r.diagnostics);
  if (!r.ok) return 1;
  try {
    writeFileAtomically(opts.out, r.text!);
  } catch (e) {
    throw io.outputError(`cannot write ${opts.out}: ${describeFsError(e)}`);
  }
  io.err(`wrote ${opts.out} (model ${r.model}${kernels === undefined ? "" : `, kernels of ${kernels}`}, ${format})\n`);
  return 0;
}
