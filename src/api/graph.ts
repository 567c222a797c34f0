// The public API's diagram: one model of a .dnn file drawn as `dnnc graph` draws it (src/graph/).
// As elsewhere in the API, a mistake in the file or in the request (a model the file does not
// define, several and none named, a function it does not have) is a diagnostic; only an unknown
// format (or a `kernels` neither true nor a name) throws a TypeError.
import { hasErrors, type Diagnostic as InternalDiagnostic } from "../diagnostics/diagnostic.ts";
import { drawKernels, drawModel, type GraphFormat } from "../graph/index.ts";
import { chooseModel } from "./choose-model.ts";
import { runFrontEnd, type SourceOptions } from "./compile.ts";
import { publicDiagnostics, type Diagnostic } from "./diagnostics.ts";

export type { GraphFormat };
export const GRAPH_FORMATS: readonly GraphFormat[] = ["svg", "html"];

export interface GraphOptions extends SourceOptions {
  /** The model to draw; may be left out when the file has one. */
  model?: string;
  /** "svg" (self-contained, the default) or "html" (the SVG and a foldable list of layers). */
  format?: GraphFormat;
  /** Outline the fused kernels of a function over the diagram: true for the forward, or the
   * function's name ("forward", "train_step", "train_step_<program>"); another is DNN0790. */
  kernels?: boolean | string;
}

export interface GraphResult {
  /** No diagnostic is an error: `text` holds the diagram. */
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Every file the result depends on, as in CheckResult. */
  inputs: string[];
  /** The drawn model's name; absent when not ok. */
  model?: string;
  /** The SVG or HTML document; absent when not ok. */
  text?: string;
}

export function graph(options: GraphOptions): GraphResult {
  const format = options?.format ?? "svg";
  if (!GRAPH_FORMATS.includes(format)) throw new TypeError(`dnnc: unknown graph format '${String(format)}' (expected one of: ${GRAPH_FORMATS.join(", ")})`);
  const kernels = options.kernels === true ? "forward" : options.kernels || undefined;
  if (kernels !== undefined && typeof kernels !== "string") throw new TypeError(`dnnc: graph's kernels is true or a function's name, not ${typeof kernels}`);
  // Unsimplified: the summary's rows index the forward's nodes as elaboration built them.
  const { compilation, inputs } = runFrontEnd(options, "none");
  const result = (ds: InternalDiagnostic[], more: Partial<GraphResult> = {}): GraphResult => ({
    ok: !hasErrors(ds) && more.text !== undefined,
    diagnostics: publicDiagnostics(ds, (p) => compilation.program.sources.get(p)),
    inputs,
    ...more,
  });
  if (hasErrors(compilation.diagnostics)) return result(compilation.diagnostics);
  const chosen = chooseModel(compilation, options, "draw");
  if (!("model" in chosen)) return result([...compilation.diagnostics, chosen.refusal]);
  if (kernels === undefined) return result(compilation.diagnostics, { model: chosen.model.name, text: drawModel(compilation, chosen.model, format) });
  const drawn = drawKernels(compilation, chosen.model, format, kernels);
  if ("refusal" in drawn) return result([...compilation.diagnostics, drawn.refusal]);
  return result(compilation.diagnostics, { model: chosen.model.name, text: drawn.text });
}
