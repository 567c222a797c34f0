// The public API's PyTorch weights: a state_dict saved as safetensors loaded into a .dnn model's
// parameters (a dnnc checkpoint, as a generated module's load() reads), or a dnnc checkpoint
// written as a state_dict, with the report of what was paired with what (src/weights/). Like
// compile, it writes nothing; a mistake in the .dnn source or in the model asked for is a
// diagnostic (DNN0105, DNN0760, DNN0761, as for exportModel), a file that cannot be used (not
// safetensors, a map that is not one) a WeightsError.
// Weights that do not pair are not an error: the result says so (`ok: false`) and its report why.
import { hasErrors } from "../diagnostics/diagnostic.ts";
import { checkpointParameters } from "../backend/onnx/export.ts";
import { WeightsError } from "../weights/dnnc-layers.ts";
import { fromPytorch, toPytorch } from "../weights/convert.ts";
import type { WeightsReport } from "../weights/report.ts";
import { chooseModel } from "./choose-model.ts";
import { runFrontEnd, type SourceOptions } from "./compile.ts";
import { publicDiagnostics, type Diagnostic } from "./diagnostics.ts";

export { WeightsError };
export { formatReport } from "../weights/report.ts";
export type { WeightsReport, MatchedLayer, UnmatchedLayer } from "../weights/report.ts";

export interface PytorchWeightsOptions extends SourceOptions {
  /** `from-pytorch`: `weights` is a PyTorch state_dict, the result a dnnc checkpoint; `to-pytorch`: the other way. */
  direction: "from-pytorch" | "to-pytorch";
  /** The file's bytes: a state_dict saved as safetensors, or a dnnc checkpoint (a model's save(), `dnnc train`'s). */
  weights: Uint8Array;
  /** The model; may be left out when the file has one. */
  model?: string;
  /** {"dnnc layer or parameter": "PyTorch module or tensor"} pairings; the rest pair automatically, in order. */
  map?: Record<string, string>;
  /** from-pytorch: load even when some PyTorch tensors are read by no parameter (they are listed in the report). */
  allowUnused?: boolean;
  /** to-pytorch: a state_dict of the same model (the one the weights came from) whose names, order and num_batches_tracked to write. */
  like?: Uint8Array;
  /** Name the files in messages. */
  weightsPath?: string;
  likePath?: string;
}

export interface PytorchWeightsResult {
  /** No diagnostic is an error and every parameter was paired (`report.ok`). */
  ok: boolean;
  diagnostics: Diagnostic[];
  inputs: string[];
  model?: string;
  report?: WeightsReport;
  /** The safetensors file written; absent unless ok. */
  bytes?: Uint8Array;
}

export function convertPytorchWeights(options: PytorchWeightsOptions): PytorchWeightsResult {
  if (options.direction !== "from-pytorch" && options.direction !== "to-pytorch") throw new TypeError(`dnnc: options.direction must be "from-pytorch" or "to-pytorch", received ${String(options.direction)}`);
  if (!(options.weights instanceof Uint8Array)) throw new TypeError("dnnc: options.weights must be the file's bytes (a Uint8Array)");
  const map = checkMap(options.map);
  const { compilation, diagnostics, inputs } = runFrontEnd(options, "none");
  if (hasErrors(compilation.diagnostics)) return { ok: false, diagnostics, inputs };
  const chosen = chooseModel(compilation, options, "convert the weights of");
  if (!("model" in chosen)) {
    const sources = compilation.program.sources;
    return { ok: false, diagnostics: [...diagnostics, ...publicDiagnostics([chosen.refusal], (p) => sources.get(p))], inputs };
  }
  const { model } = chosen;
  const where = options.weightsPath ?? "the weights";
  let result;
  if (options.direction === "from-pytorch") result = fromPytorch(model, options.weights, { where, map, allowUnused: !!options.allowUnused });
  else {
    let params;
    try {
      params = checkpointParameters(model, options.weights, where);
    } catch (e) {
      throw new WeightsError(e instanceof Error ? e.message : String(e));
    }
    result = toPytorch(model, params, { where, map, ...(options.like ? { like: options.like, likeWhere: options.likePath ?? "the template" } : {}) });
  }
  return { ok: result.report.ok, diagnostics, inputs, model: model.name, report: result.report, ...(result.bytes ? { bytes: result.bytes } : {}) };
}

/** A map must be an object of strings: {"dense": "fc"} or {"dense.kernel": "fc.weight"}. */
function checkMap(map: unknown): Record<string, string> {
  if (map === undefined) return {};
  if (typeof map !== "object" || map === null || Array.isArray(map)) throw new WeightsError(`the map must be a JSON object {"dnnc name": "PyTorch name"}`);
  for (const [k, v] of Object.entries(map)) if (typeof v !== "string") throw new WeightsError(`the map's entry ${JSON.stringify(k)} is not a string`);
  return map as Record<string, string>;
}
