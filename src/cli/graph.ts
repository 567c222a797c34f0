// `dnnc graph FILE --out FILE`: the model as a diagram (src/graph/), written as SVG or HTML.
import { extname } from "node:path";
import type { Compilation } from "../compiler.ts";
import { runFrontEnd } from "../api/compile.ts";
import type { Diagnostic } from "../api.ts";
import { drawModel, type GraphFormat } from "../graph/index.ts";
import { describeFsError, writeFileAtomically } from "./write-file.ts";

export interface GraphOptions {
  out: string;
  model?: string;
  format?: GraphFormat;
}

/** A mistake in the command line (no such model, a format the file name contradicts): exit 2. */
export class GraphUsageError extends Error {}

/** What the command needs of main.ts: printing, reporting diagnostics, its usage-error type (exit 2). */
export interface GraphIo {
  out(s: string): void;
  report(diagnostics: Diagnostic[]): void;
  usage(message: string): Error;
}

/** `dnnc graph`: compiles `text` without simplifying the forward (the summary's node ranges
 * index it), writes the diagram; the exit status. */
export function graphCommand(file: string, text: string, opts: GraphOptions, io: GraphIo): number {
  const { compilation, diagnostics } = runFrontEnd({ path: file, text }, "none");
  io.report(diagnostics);
  if (diagnostics.some((d) => d.severity === "error")) return 1;
  try {
    io.out(writeGraph(compilation, opts));
  } catch (e) {
    throw e instanceof GraphUsageError ? io.usage(e.message) : e;
  }
  return 0;
}

/** Writes the diagram; returns the line to print. */
export function writeGraph(compilation: Compilation, opts: GraphOptions): string {
  const models = compilation.models;
  const names = models.map((m) => m.name).join(", ");
  // Without --model: the file's only model, or else the only one it trains (a nested model's parts are models too).
  const trained = models.filter((m) => m.train);
  const model = opts.model ? models.find((m) => m.name === opts.model) : models.length === 1 ? models[0] : trained.length === 1 ? trained[0] : undefined;
  if (!model && opts.model) throw new GraphUsageError(`no model ${opts.model} in this file${names ? ` (it has ${names})` : ""}`);
  if (!model) throw new GraphUsageError(models.length === 0 ? "the file defines no model" : `the file has several models (${names}): name one with --model`);
  // Without --format, the output file's extension says which: .html → html, anything else → svg.
  const format: GraphFormat = opts.format ?? (/^\.html?$/i.test(extname(opts.out)) ? "html" : "svg");
  const text = drawModel(compilation, model, format);
  try {
    writeFileAtomically(opts.out, text);
  } catch (e) {
    throw new GraphUsageError(`cannot write ${opts.out}: ${describeFsError(e)}`);
  }
  return `wrote ${opts.out} (${model.name}, ${format})\n`;
}
