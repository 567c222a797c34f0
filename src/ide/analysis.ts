// The editor's view of one document: the batch compiler's phases run over it, plus what an
// editor needs that the compiler throws away (the value of every expression, where every name
// points). Re-analysis after an edit is incremental where it is cheap to be exact: only the
// declarations the edit touched are re-parsed (reparse.ts), and a model whose text, train
// block and surroundings are unchanged keeps its results, spans moved past the edit.
// Diagnostics are those `dnnc check` prints, object for object.
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import { parse, type ParseResult } from "../syntax/parse.ts";
import { fsHost, loadProgram, type Host, type Module, type Program } from "../check/modules.ts";
import { compileModel, dedupe, trainsWithoutModel, type CompiledModel } from "../compiler.ts";
import { modelNameErrors } from "../check/model-names.ts";
import { appendAll, hasErrors, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { FactSink, recordingFacts, type TypeFact } from "../check/facts.ts";
import type { SummaryRow } from "../check/context.ts";
import { diffTexts, mapSpan, type TextChange } from "./text-change.ts";
import { reparse } from "./reparse.ts";

/** What checking one model left behind, kept while the model's text is unchanged. */
export interface ModelResult {
  key: string;
  diagnostics: Diagnostic[];
  facts: Moving<TypeFact>;
  summary: Moving<SummaryRow>;
  params: { name: string; size: number; trainable: boolean }[];
  /** The model as compiled (unsimplified), when it compiled: a code lens costs it on request. */
  compiled?: CompiledModel;
}

/** Spanned records moved past edits only when someone reads them: most edits are followed by
 * no hover, and a large file's models hold thousands of facts. */
export class Moving<T extends { span: Span }> {
  private moved: T[] | undefined;
  constructor(private readonly base: T[], private readonly file: string, private readonly changes: TextChange[] = [], private runs?: Span[]) {}
  after(c: TextChange): Moving<T> {
    return new Moving(this.base, this.file, [...this.changes, c], this.runs);
  }
  /** Whether a record of this file may lie in [from, to], answered without moving the records:
   * from the runs of overlapping records (a statement's, a definition's), moved past the edits.
   * Inlay hints for one screen skip the models whose records all lie elsewhere: after an edit,
   * moving every model's facts costs more than the hints. */
  mayTouch(from: number, to: number): boolean {
    const runs = (this.runs ??= runsOf(this.base, this.file));
    for (const r of runs) {
      let span: Span | undefined = r;
      for (const c of this.changes) if (span) span = mapSpan(c, this.file, span);
      if (!span || (span.end >= from && span.start <= to)) return true;
    }
    return false;
  }
  get(): T[] {
    return (this.moved ??= this.changes.length === 0 ? this.base : this.base.flatMap((x) => {
      let span: Span | undefined = x.span;
      for (const c of this.changes) if (span) span = mapSpan(c, this.file, span);
      return span ? [{ ...x, span }] : [];
    }));
  }
}

/** The spans of `file` merged where they overlap or touch, in order. */
function runsOf(xs: { span: Span }[], file: string): Span[] {
  const spans = xs.map((x) => x.span).filter((s) => s.file === file).sort((a, b) => a.start - b.start);
  const runs: Span[] = [];
  for (const s of spans) {
    const last = runs[runs.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else runs.push({ file, start: s.start, end: s.end });
  }
  return runs;
}

export interface Analysis {
  path: string;
  text: string;
  parsed: ParseResult;
  program: Program;
  entry: Module;
  /** As `dnnc check` reports them, every file's. */
  diagnostics: Diagnostic[];
  models: Map<string, ModelResult>;
  /** Everything the models' elaboration recorded in this file, by start offset. */
  facts(): TypeFact[];
  /** Internal errors met while analysing (a bug in dnnc, never the user's). */
  failures: string[];
  contextKey: string;
}

export function analyse(path: string, text: string, host: Host = fsHost, prev?: Analysis): Analysis {
  const change = prev && prev.path === path ? diffTexts(prev.text, text) : undefined;
  const parsed = prev && prev.path === path ? reparse(prev.parsed, text, change) : parse(path, text);
  const { program, entry } = loadProgram(path, text, host, undefined, parsed);
  const contextKey = contextOf(entry, program);
  const reusable = prev && prev.path === path && prev.contextKey === contextKey ? prev.models : new Map<string, ModelResult>();

  const models = new Map<string, ModelResult>();
  const failures: string[] = [];
  for (const [name, decl] of entry.models) {
    const key = modelKey(entry, decl);
    const old = reusable.get(name);
    const kept = old && old.key === key ? (change ? moved(old, change, path) : old) : undefined;
    if (kept) {
      models.set(name, kept);
      continue;
    }
    try {
      models.set(name, checkModel(name, decl, entry, key));
    } catch (e) {
      failures.push(`checking model ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
  // As compile() does: past a syntax or name error, models are not checked (their facts are
  // still gathered for hovers, but their diagnostics would mostly be echoes of the first error).
  const diagnostics = hasErrors(program.diagnostics)
    ? sortDiagnostics([...program.diagnostics])
    : sortDiagnostics(dedupe([...program.diagnostics, ...trainsWithoutModel(entry), ...modelNameErrors(entry), ...[...models.values()].flatMap((m) => m.diagnostics)]));
  let facts: TypeFact[] | undefined;
  const allFacts = () => (facts ??= [...models.values()].flatMap((m) => m.facts.get()).sort((a, b) => a.span.start - b.span.start || b.span.end - a.span.end));
  return { path, text, parsed, program, entry, diagnostics, models, facts: allFacts, failures, contextKey };
}

/** The facts and layer rows of the models with records in [from, to] (others may be included;
 * filter by span): a request about one place does not move every model's records past an edit. */
export function recordsNear(a: Analysis, from: number, to: number): { facts: TypeFact[]; summary: SummaryRow[] } {
  const facts: TypeFact[] = [];
  const summary: SummaryRow[] = [];
  for (const m of a.models.values()) {
    if (m.facts.mayTouch(from, to)) appendAll(facts, m.facts.get());
    if (m.summary.mayTouch(from, to)) appendAll(summary, m.summary.get());
  }
  return { facts, summary };
}

function checkModel(name: string, decl: A.ModelDecl, entry: Module, key: string): ModelResult {
  const sink = new FactSink(entry.path);
  const r = recordingFacts(sink, () => compileModel(name, decl, entry, "none", undefined, "editor"));
  return {
    key,
    diagnostics: r.diagnostics,
    facts: new Moving([...sink.facts.values()], entry.path),
    // A model with an error keeps what its forward elaborated: the layers an error does not touch.
    summary: new Moving(r.model?.summary ?? r.partial.summary, entry.path),
    params: (r.model?.params ?? r.partial.params).map((p) => ({ name: p.name, size: p.shape.reduce<number>((a, d) => a * (d as number), 1), trainable: p.trainable })),
    compiled: r.model,
  };
}

const textOf = (m: Module, s: Span): string => m.source.text.slice(s.start, s.end);

/** A model's own text and its train blocks' (its default program and named ones): what its results depend on besides the context. */
function modelKey(entry: Module, decl: A.ModelDecl): string {
  const trains = entry.trains.filter((t) => t.model.name === decl.name.name);
  return [textOf(entry, decl.span), ...trains.map((t) => textOf(entry, t.span))].join("\0");
}

/** Everything a model may depend on except its own text and train block: the file's other
 * definitions, the models applied as layers somewhere in it, its imports, and the text of every
 * module it loads. */
function contextOf(entry: Module, program: Program): string {
  const trained = new Set(entry.trains.map((t) => t.model.span.start)); // a train block's model name is no use as a layer
  const applied = (d: A.ModelDecl) => entry.references.some((r) => r.target.file === d.name.span.file && r.target.start === d.name.span.start && !trained.has(r.span.start));
  const own = entry.ast.decls.filter((d) => d.kind !== "train" && (d.kind !== "model" || applied(d))).map((d) => textOf(entry, d.span));
  const others = [...program.modules.values()].filter((m) => m !== entry).map((m) => m.path + "\n" + m.source.text);
  return [...own, ...others].join("\0");
}

/** A kept model's results with their spans moved past the edit; undefined if a diagnostic
 * overlaps it (facts and rows cannot: they lie in the model's text and its context, unchanged). */
function moved(r: ModelResult, c: TextChange, file: string): ModelResult | undefined {
  let lost = false;
  const at = (s: Span): Span => mapSpan(c, file, s) ?? ((lost = true), s);
  const result: ModelResult = {
    key: r.key,
    diagnostics: r.diagnostics.map((d) => ({ ...d, span: at(d.span), related: d.related.map((x) => ({ ...x, span: at(x.span) })) })),
    facts: r.facts.after(c),
    summary: r.summary.after(c),
    params: r.params,
    compiled: r.compiled,
  };
  return lost ? undefined : result;
}
