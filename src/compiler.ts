// The batch compiler's driver: a file in, every model's IR functions (and diagnostics) out.
import type * as A from "./syntax/ast.ts";
import { diagnostic, hasErrors, sortDiagnostics, appendAll, type Diagnostic } from "./diagnostics/diagnostic.ts";
import { didYouMean } from "./check/suggest.ts";
import { fsHost, loadProgram, type Host, type Module, type Program } from "./check/modules.ts";
import { forwardFn, initFn } from "./check/program.ts";
import { modelNameErrors, stateNameClashes } from "./check/model-names.ts";
import { trainStepFn } from "./step/step.ts";
import { lossFn } from "./step/evaluate.ts";
import { simplify, type PassName } from "./passes/pipeline.ts";
import { indexRanges } from "./ir/index-ranges.ts";
import type { CompiledModel } from "./model.ts";

export type { CompiledModel };

/** Runs `f`; a benchmark passes one that charges its time to `phase` (bench/check-speed.ts). */
export type PhaseTimer = <T>(phase: string, f: () => T) => T;
const untimed: PhaseTimer = (_phase, f) => f();

/**
 * What a compilation is for; each reports the same diagnostics. `"code"` (the default):
 * everything a backend reads. `"editor"`: what the language server shows — no `evaluate`
 * function for a default train block (nothing an editor or a check reports reads it; a named
 * program's is still made, as its `evaluate<Name>` method is part of the API) and no index
 * ranges (`[]`: they are range checks for generated code), but the full training step, whose
 * memory a code lens shows. `"check"` (`dnnc check`, the API's `check()`): only what diagnostics
 * and a model's API description need — as "editor", and the training step's gradients are not
 * derived: the optimizer runs over stand-ins (see StepOptions in step/step.ts), so its `fn` is
 * not a step to run or cost. Differentiating was most of a check's training steps.
 */
export type Purpose = "code" | "editor" | "check";

export interface Compilation {
  program: Program;
  models: CompiledModel[];
  diagnostics: Diagnostic[];
}

/** `after`: the last simplification pass to run (see passes/pipeline.ts); all of them by default.
 * `time`: every step below runs inside it, named, so a benchmark accounts for all of compile().
 * `purpose`: see Purpose. */
export function compile(path: string, text?: string, host: Host = fsHost, after: PassName | "none" = "dce", time: PhaseTimer = untimed, purpose: Purpose = "code"): Compilation {
  const { program, entry } = time("load: read + parse + bind (file and stdlib)", () => loadProgram(path, text ?? host.read(path) ?? "", host));
  const diagnostics = [...program.diagnostics];
  const models: CompiledModel[] = [];
  if (hasErrors(diagnostics)) return { program, models, diagnostics: sortDiagnostics(diagnostics) };

  time("file checks (train blocks' models, exportable names)", () => {
    appendAll(diagnostics, trainsWithoutModel(entry));
    appendAll(diagnostics, modelNameErrors(entry));
  });
  for (const [name, decl] of entry.models) {
    const r = compileModel(name, decl, entry, after, time, purpose);
    appendAll(diagnostics, r.diagnostics);
    if (r.model) models.push(r.model);
  }
  return { program, models, diagnostics: time("diagnostics: dedupe + sort", () => sortDiagnostics(dedupe(diagnostics))) };
}

/** Train blocks naming no model of the file. */
export function trainsWithoutModel(entry: Module): Diagnostic[] {
  return entry.trains.flatMap((t) => (t.model.name && !entry.models.has(t.model.name) ? unknownModel(t.model, [...entry.models.keys()]) : []));
}

/** What elaborating a model's forward found, kept even when the model fails: an editor still
 * shows the layers before an error, and every layer when the error is in the train block. */
export interface ForwardPartial {
  summary: CompiledModel["summary"];
  params: CompiledModel["params"];
}

/** One model of a loaded file: its forward, init, training step and evaluation. Models are
 * independent of each other, so an editor recompiles only the one being edited. */
export function compileModel(name: string, decl: A.ModelDecl, entry: Module, after: PassName | "none" = "dce", time: PhaseTimer = untimed, purpose: Purpose = "code"): { model?: CompiledModel; diagnostics: Diagnostic[]; partial: ForwardPartial } {
  const diagnostics: Diagnostic[] = [];
  const fwd = time("forward: elaborate the model", () => forwardFn(decl, entry));
  const partial: ForwardPartial = { summary: fwd.el.summary, params: fwd.el.params.map((p) => ({ name: p.name, shape: p.shape, trainable: p.trainable })) };
  if (!fwd.fn || !fwd.model) return { diagnostics: fwd.el.diagnostics, partial };
  const trainDecl = entry.trains.find((t) => t.model.name === name && !t.program);
  const standInGradients = purpose === "check";
  const stepPhase = standInGradients ? "train step: elaborate loss + optimizer (stand-in gradients)" : "train step: elaborate loss + autodiff + optimizer";
  const tr = trainDecl ? time(stepPhase, () => trainStepFn(trainDecl, decl, entry, { forward: fwd, standInGradients })) : undefined;
  if (tr) appendAll(diagnostics, tr.el.diagnostics);
  if (tr?.step) appendAll(diagnostics, stateNameClashes(fwd.el.params, tr.step.states, tr.step.optimizer));
  // Named programs (`train M.name { … }`): each a step of its own, with states named `name/…`.
  const programDecls = entry.trains.filter((t) => t.model.name === name && t.program);
  const programs = programDecls.map((d) => time(`train program ${d.program!.name}: ${stepPhase.slice("train step: ".length)}`, () => trainStepFn(d, decl, entry, { standInGradients })));
  for (const p of programs) appendAll(diagnostics, p.el.diagnostics);
  const specs = fwd.el.params.map((p) => ({ name: p.name, shape: p.shape, init: p.init, env: p.initEnv, span: p.span }));
  const failed = (trainDecl && !tr?.step) || programs.some((p) => !p.step);
  const states = [...(tr?.step?.states ?? []), ...programs.flatMap((p) => p.step?.states ?? [])];
  const init = failed ? undefined : time("init: parameter and state initialisers", () => initFn(fwd.el, [...specs, ...states]));
  appendAll(diagnostics, fwd.el.diagnostics);
  if (!init) return { diagnostics, partial };
  const model: CompiledModel = {
    name,
    inputs: fwd.model.inputs,
    outputs: fwd.model.outputs.map(({ id: _id, ...o }) => o),
    params: partial.params,
    summary: partial.summary,
    forward: simplify(fwd.fn, after, time),
    init: simplify(init, after, time),
    indexRanges: [],
  };
  if (tr?.step) {
    model.train = { ...tr.step, fn: simplify(tr.step.fn, after, time) };
    const evaluate = purpose !== "code" ? undefined : time("evaluate: the loss alone, inference mode", () => lossFn(trainDecl!, decl, entry));
    if (evaluate) model.evaluate = simplify(evaluate, after, time);
  }
  if (programs.length > 0)
    model.programs = programs.map((p, i) => {
      const d = programDecls[i]!;
      const evaluate = time(`evaluate ${d.program!.name}: the loss alone, inference mode`, () => lossFn(d, decl, entry));
      return { name: d.program!.name, train: { ...p.step!, fn: simplify(p.step!.fn, after, time) }, ...(evaluate ? { evaluate: simplify(evaluate, after, time) } : {}) };
    });
  if (purpose !== "code") return { model, diagnostics, partial };
  const fns = [model.forward, ...(model.train ? [model.train.fn] : []), ...(model.evaluate ? [model.evaluate] : []), ...(model.programs ?? []).flatMap((p) => [p.train.fn, ...(p.evaluate ? [p.evaluate] : [])])];
  model.indexRanges = time("index ranges of i32 inputs", () => indexRanges(fns));
  return { model, diagnostics, partial };
}

export function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}|${d.span.file}|${d.span.start}|${d.span.end}|${d.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function unknownModel(name: A.Ident, models: string[]): Diagnostic[] {
  const alt = didYouMean(name.name, models);
  return [diagnostic("DNN0105", name.span, `no model \`${name.name}\` in this file`, alt ? { hint: `did you mean \`${alt}\`?`, suggestion: alt } : {})];
}

export { fsHost };
