// Which model of a .dnn file a request is about (`dnnc export`, `dnnc weights`): the one it names,
// or the file's only one. The request names no place in the file, so the diagnostics point at its
// start, with each model's declaration as a related note: DNN0105 for a model the file does not
// define (as a train block naming one), DNN0760 for several and none named, DNN0761 for none.
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { didYouMean } from "../check/suggest.ts";
import type { Compilation } from "../compiler.ts";
import type { CompiledModel } from "../model.ts";
import type { Span } from "../syntax/source.ts";

/** What the request does with the model, for the messages: "export", "convert the weights of". */
export type ModelPurpose = "export" | "convert the weights of" | "draw";

export function chooseModel(compilation: Compilation, request: { path: string; model?: string }, purpose: ModelPurpose): { model: CompiledModel } | { refusal: Diagnostic } {
  const models = compilation.models;
  const names = models.map((m) => m.name);
  const at = fileStart(request.path);
  const declared = compilation.program.modules.get(request.path)?.models;
  const related = names.flatMap((n) => {
    const decl = declared?.get(n);
    return decl ? [{ span: decl.name.span, message: `model \`${n}\`` }] : [];
  });
  if (request.model !== undefined) {
    const model = models.find((m) => m.name === request.model);
    if (model) return { model };
    const alt = didYouMean(request.model, names);
    const hint = alt ? `did you mean \`${alt}\`?` : `its models: ${names.join(", ") || "none"}`;
    return { refusal: diagnostic("DNN0105", at, `no model \`${request.model}\` in this file`, { related, hint }) };
  }
  if (models.length === 1) return { model: models[0]! };
  if (models.length === 0)
    return { refusal: diagnostic("DNN0761", at, `this file defines no model to ${purpose}`, { hint: `give the file that defines the model; a file of layers and functions is imported by one` }) };
  return { refusal: diagnostic("DNN0760", at, `this file has ${models.length} models (${names.join(", ")}): name the one to ${purpose}`, { related, hint: `pass --model (\`model\` in the API), such as --model ${names[0]}` }) };
}

export const fileStart = (file: string): Span => ({ file, start: 0, end: 0 });
